import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { EnforcementLevel, Policies, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { POLICIES } from "../policies/rules";
import type { Plan, PlannedResource } from "./offline";

export interface Violation {
  policy: string;
  enforcementLevel: EnforcementLevel;
  message: string;
  /** The resource it is about (stack rules may name one). */
  resource?: string;
  description: string;
}

/** Per-policy config as `pulumi preview --policy-pack-config` takes it: `{ "<policy>": { enforcementLevel?, ...properties } }`. */
export type PolicyPackConfig = Record<string, Record<string, unknown>>;

export const POLICY_CONFIG_FILE = path.resolve(__dirname, "../policies/policy-config.json");

export function readPolicyConfig(file = POLICY_CONFIG_FILE): PolicyPackConfig {
  return JSON.parse(readFileSync(file, "utf8")) as PolicyPackConfig;
}

class NotApplicable extends Error {}

/** The policy's config: its schema's defaults, then the pack config's values (what the Pulumi engine hands the pack). */
export function policyConfigOf(policy: ResourceValidationPolicy | StackValidationPolicy, packConfig: PolicyPackConfig) {
  const defaults = Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {}).filter(([, p]) => p.default !== undefined).map(([k, p]) => [k, p.default]));
  const { enforcementLevel: _, ...values } = packConfig[policy.name] ?? {};
  return { ...defaults, ...values };
}

function optionsOf(r: PlannedResource) {
  return {
    protect: r.options.protect,
    ignoreChanges: r.options.ignoreChanges,
    deleteBeforeReplace: r.options.deleteBeforeReplace,
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    parent: undefined as string | undefined,
  };
}

/** Resource arguments shaped as @pulumi/policy's analyzer builds them for `validateResource`. */
export function resourceArgs(r: { type: string; name: string; urn: string; props: Record<string, any>; opts?: ReturnType<typeof optionsOf> }, config: Record<string, unknown> = {}): ResourceValidationArgs {
  return {
    type: r.type,
    props: r.props,
    urn: r.urn,
    name: r.name,
    opts: r.opts ?? { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(),
    isType: (cls: any) => cls.__pulumiType === r.type,
    asType: ((cls: any) => (cls.__pulumiType === r.type ? r.props : undefined)) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
}

/** The plan's resources as a stack policy sees them: parents, dependencies and property dependencies resolved. */
export function policyResources(plan: Plan): PolicyResource[] {
  const byName = new Map<string, PolicyResource>();
  const resources = plan.resources.map((r) => {
    const resource: PolicyResource = {
      type: r.type,
      props: r.inputs,
      urn: r.urn,
      name: r.name,
      opts: optionsOf(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls: any) => cls.__pulumiType === r.type,
      asType: ((cls: any) => (cls.__pulumiType === r.type ? r.inputs : undefined)) as PolicyResource["asType"],
    };
    byName.set(`${r.type}::${r.name}`, resource);
    return resource;
  });
  const byBareName = new Map<string, PolicyResource[]>();
  plan.resources.forEach((r, i) => byBareName.set(r.name, [...(byBareName.get(r.name) ?? []), resources[i]]));
  plan.resources.forEach((r, i) => {
    const resource = resources[i];
    if (r.parent) resource.parent = byName.get(`${r.parentType}::${r.parent}`);
    resource.opts.parent = resource.parent?.urn;
    resource.dependencies = r.options.dependsOn.flatMap((name) => byBareName.get(name) ?? []);
    resource.propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies).map(([key, names]) => [key, names.flatMap((n) => byBareName.get(n) ?? [])]));
  });
  return resources;
}

/** Runs every policy of the pack over a plan, in-process, as `pulumi preview --policy-pack policies` would. */
export async function checkPolicies(plan: Plan, packConfig: PolicyPackConfig = readPolicyConfig(), policies: Policies = POLICIES): Promise<Violation[]> {
  const violations: Violation[] = [];
  const resources = policyResources(plan);
  for (const policy of policies) {
    const level = (packConfig[policy.name]?.enforcementLevel as EnforcementLevel | undefined) ?? policy.enforcementLevel ?? "advisory";
    if (level === "disabled") continue;
    const config = policyConfigOf(policy, packConfig);
    const report = (resource?: string): ReportViolation => (message: string, urn?: string) =>
      violations.push({ policy: policy.name, enforcementLevel: level === "remediate" ? "mandatory" : level, message, resource: urn ? resources.find((r) => r.urn === urn)?.name : resource, description: policy.description });
    try {
      if ("validateStack" in policy) {
        await policy.validateStack({ resources, stackTags: new Map(), getConfig: <T extends object>() => config as T, notApplicable: (reason?: string): never => { throw new NotApplicable(reason); } }, report());
        continue;
      }
      const validations = [policy.validateResource ?? []].flat();
      for (const r of resources.filter((r) => !r.type.startsWith("pulumi:"))) {
        for (const validate of validations) {
          try {
            await validate(resourceArgs({ type: r.type, name: r.name, urn: r.urn, props: r.props, opts: r.opts as ReturnType<typeof optionsOf> }, config), report(r.name));
          } catch (error) {
            if (!(error instanceof NotApplicable)) throw error;
          }
        }
      }
    } catch (error) {
      if (!(error instanceof NotApplicable)) throw error;
    }
  }
  return violations;
}
