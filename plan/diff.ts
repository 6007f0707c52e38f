import type { PlannedResource } from "../engine/offline";
import { TYPE } from "../decisions/resourceTypes";

export interface InputChange {
  input: string;
  before: unknown;
  after: unknown;
}

export interface ResourceChange {
  resource: string;
  /** The top-level inputs whose value differs (those under ignoreChanges left out, as pulumi preview does). */
  inputs: string[];
  values: InputChange[];
  /** The change replaces the resource (a new one is created, the old one deleted) instead of updating it. */
  replace: boolean;
  /** What the replacement means on AWS, where it is not an outage (a task definition's new revision). */
  note?: string;
}

export interface PlanDiff {
  added: string[];
  removed: string[];
  changed: ResourceChange[];
}

type Comparable = Pick<PlannedResource, "type" | "name" | "inputs"> & { options?: { ignoreChanges?: string[] } };
const keyOf = (r: Comparable) => `${r.type}::${r.name}`;
const stable = (value: unknown): string => JSON.stringify(value, (_, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));

/**
 * Inputs the AWS provider cannot change in place: a change replaces the resource (ForceNew in terraform-provider-aws's
 * schema of each resource, which @pulumi/aws wraps). Only the types and inputs this stack sets.
 */
const REPLACED_ON_CHANGE: Record<string, string[]> = {
  [TYPE.loadBalancer]: ["name", "internal", "loadBalancerType"],
  [TYPE.targetGroup]: ["name", "port", "protocol", "protocolVersion", "vpcId", "targetType"],
  [TYPE.listener]: ["loadBalancerArn"],
  [TYPE.listenerRule]: ["listenerArn"],
  [TYPE.service]: ["name", "cluster", "launchType", "schedulingStrategy"],
  [TYPE.cluster]: ["name"],
  [TYPE.fileSystem]: ["creationToken", "encrypted", "kmsKeyId", "performanceMode", "availabilityZoneName"],
  [TYPE.accessPoint]: ["fileSystemId", "posixUser", "rootDirectory"],
  [TYPE.mountTarget]: ["fileSystemId", "subnetId", "ipAddress"],
  [TYPE.ebsVolume]: ["availabilityZone", "encrypted", "kmsKeyId", "snapshotId"],
  [TYPE.securityGroup]: ["name", "namePrefix", "description", "vpcId"],
  [TYPE.ingressRule]: ["securityGroupId"],
  [TYPE.egressRule]: ["securityGroupId"],
  [TYPE.secret]: ["name", "namePrefix"],
  [TYPE.logGroup]: ["name", "namePrefix"],
  [TYPE.dashboard]: ["dashboardName"],
  [TYPE.metricAlarm]: ["name"],
  [TYPE.repository]: ["name"],
  [TYPE.role]: ["name", "namePrefix", "path"],
  [TYPE.lambdaFunction]: ["name"],
  [TYPE.backupVault]: ["name", "kmsKeyArn"],
  [TYPE.kmsKey]: ["customerMasterKeySpec", "keySpec", "keyUsage", "multiRegion"],
  [TYPE.topic]: ["name", "fifoTopic"],
};

/** A task definition revision is immutable: any change registers a new one, which the service then rolls out. */

const short = (value: unknown) => {
  const text = value === undefined ? "(unset)" : typeof value === "string" ? value : stable(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
};

/** `input: old → new`, cut to a readable length. */
export const describeChange = (c: InputChange) => `${c.input}: ${short(c.before)} → ${short(c.after)}`;

/**
 * What a preview would show between two plans (`--json` files): resources added, removed, and changed with the inputs
 * that differ — except those under the resource's ignoreChanges — their old and new values, and whether the change
 * replaces the resource.
 */
export function diffPlans(before: Comparable[], after: Comparable[]): PlanDiff {
  const old = new Map(before.map((r) => [keyOf(r), r]));
  const now = new Map(after.map((r) => [keyOf(r), r]));
  const changed: ResourceChange[] = [];
  for (const [key, r] of now) {
    const prev = old.get(key);
    if (!prev) continue;
    const ignored = new Set(r.options?.ignoreChanges ?? []);
    const inputs = [...new Set([...Object.keys(prev.inputs), ...Object.keys(r.inputs)])].filter((k) => !ignored.has(k) && stable(prev.inputs[k]) !== stable(r.inputs[k])).sort();
    if (!inputs.length) continue;
    const taskDefinition = r.type === TYPE.taskDefinition && inputs.some((k) => k !== "tags");
    const replace = taskDefinition || inputs.some((k) => REPLACED_ON_CHANGE[r.type]?.includes(k));
    changed.push({
      resource: key,
      inputs,
      values: inputs.map((input) => ({ input, before: prev.inputs[input], after: r.inputs[input] })),
      replace,
      note: taskDefinition ? "a new revision; the service rolls it out (rolling deploy, rolled back on failure)" : undefined,
    });
  }
  return {
    added: [...now.keys()].filter((k) => !old.has(k)).sort(),
    removed: [...old.keys()].filter((k) => !now.has(k)).sort(),
    changed: changed.sort((a, b) => a.resource.localeCompare(b.resource)),
  };
}

/** The preview's own count line. */
export function diffHeadline({ added, removed, changed }: PlanDiff): string {
  return `${added.length} to add, ${changed.length} to change (${changed.filter((c) => c.replace).length} replaced), ${removed.length} to remove`;
}

/** One row per resource, as a preview marks them: + added, ~ updated, +- replaced, - removed; with what changes. */
export function diffRows({ added, removed, changed }: PlanDiff): [string, string, string][] {
  return [
    ...added.map((r): [string, string, string] => ["+", r, ""]),
    ...changed.map((c): [string, string, string] => [c.replace ? "+-" : "~", c.resource, [...(c.note ? [c.note] : c.replace ? ["replaced"] : []), ...c.values.map(describeChange)].join("; ")]),
    ...removed.map((r): [string, string, string] => ["-", r, ""]),
  ];
}

/** The terminal's view of the diff: the count, then at most `limit` resources (the Markdown report lists them all). */
export function renderDiffLines(against: string, diff: PlanDiff, limit = 20): string[] {
  const rows = diffRows(diff);
  const shown = rows.slice(0, limit).map(([mark, resource, change]) => `  ${mark.padEnd(2)} ${resource}${change ? `  ${change}` : ""}`);
  const more = rows.length > limit ? [`  … and ${rows.length - limit} more: --markdown FILE lists them all`] : [];
  return [`Against ${against}: ${diffHeadline(diff)}.`, ...shown, ...more];
}
