import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Plan, PlannedResource } from "./offline";
import { TYPE } from "../decisions/resourceTypes";

/**
 * The provider's own input checks, which the mock runtime skips: every `aws:` resource of a plan is translated into a
 * Terraform JSON resource of the hashicorp/aws provider (which @pulumi/aws wraps) and `terraform validate` runs the
 * provider's validators over it (ExactlyOneOf, ConflictsWith, enums, patterns, block counts). It needs Terraform with
 * the provider in a filesystem mirror (TF_PLUGIN_MIRROR, default /opt/tf-plugins); it never reaches a network.
 *
 * It translates what the local provider's schema knows and says what it cannot judge: resource types and attributes
 * that the local provider version lacks (newer than it) are listed, not guessed.
 */
export interface ProviderCheck {
  providerVersion: string;
  errors: { resource: string; summary: string; detail: string }[];
  /** Resource types with no counterpart in the local provider. */
  unknownTypes: string[];
  /** `resource.path.attribute` the local provider's schema has no place for. */
  unjudged: string[];
  checked: number;
}

const MIRROR = process.env.TF_PLUGIN_MIRROR ?? "/opt/tf-plugins";

/** Pulumi modules and types whose Terraform names are not the mechanical `aws_<module>_<type>`. */
const TYPE_OVERRIDES: Record<string, string> = {
  [TYPE.loadBalancer]: "aws_lb",
  [TYPE.configRecorder]: "aws_config_configuration_recorder",
  [TYPE.configRecorderStatus]: "aws_config_configuration_recorder_status",
  [TYPE.configDeliveryChannel]: "aws_config_delivery_channel",
  [TYPE.httpNamespace]: "aws_service_discovery_http_namespace",
  [TYPE.securityGroup]: "aws_security_group",
  [TYPE.securityGroupRule]: "aws_security_group_rule",
  [TYPE.logResourcePolicy]: "aws_cloudwatch_log_resource_policy",
};

/** Inputs Pulumi names differently from the provider, per type: a Lambda function's `code` archive is `filename`. */
const KEY_RENAMES: Record<string, Record<string, string>> = {
  [TYPE.lambdaFunction]: { code: "filename" },
};

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();
const singulars = (s: string) => [s, s.replace(/ies$/, "y"), s.replace(/es$/, ""), s.replace(/s$/, "")];

export function terraformTypeOf(type: string, known: Set<string>): string | undefined {
  if (TYPE_OVERRIDES[type]) return TYPE_OVERRIDES[type];
  const [, module, name] = /^aws:([^/]+)\/[^:]+:(.+)$/.exec(type) ?? [];
  if (!module) return undefined;
  return [`aws_${module}_${snake(name)}`, `aws_${snake(name)}`].find((t) => known.has(t));
}

interface Block {
  attributes?: Record<string, { type?: unknown; nested_type?: { attributes: Record<string, any>; nesting_mode: string } }>;
  block_types?: Record<string, { nesting_mode: string; block: Block }>;
}

/** Pulumi inputs → Terraform JSON for one block, following the provider's schema; what has no place is reported. */
function translate(value: Record<string, any>, block: Block, where: string, unjudged: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || v === null || key === "__defaults") continue;
    const name = [...singulars(snake(key)), `${snake(key)}_arn`].find((n) => block.attributes?.[n] || block.block_types?.[n]) ?? (key === "name" ? resourceNameAttribute(block) : undefined);
    if (!name) {
      unjudged.push(`${where}.${key}`);
      continue;
    }
    const attribute = block.attributes?.[name];
    const nested = block.block_types?.[name];
    if (nested) {
      // An element that uses something the local provider lacks (a newer action type …) is left out whole, and said.
      const items = (Array.isArray(v) ? v : [v]).map((item, i) => {
        if (typeof item !== "object") return item;
        const before = unjudged.length;
        const translated = translate(item, nested.block, `${where}.${key}[${i}]`, unjudged);
        return unjudged.length > before ? undefined : translated;
      });
      out[name] = items.filter((item) => item !== undefined);
    } else if (attribute?.nested_type) {
      const nestedBlock = { attributes: attribute.nested_type.attributes };
      out[name] = Array.isArray(v) ? v.map((item, i) => translate(item, nestedBlock, `${where}.${key}[${i}]`, unjudged)) : translate(v, nestedBlock, `${where}.${key}`, unjudged);
    } else {
      out[name] = translateValue(v, attribute?.type, `${where}.${key}`, unjudged);
    }
  }
  return out;
}

/** Where Pulumi calls a resource's own `<thing>_name` just `name` (aws_cloudwatch_metric_alarm's alarm_name …). */
function resourceNameAttribute(block: Block): string | undefined {
  const candidates = Object.entries(block.attributes ?? {}).filter(([n, a]) => n.endsWith("_name") && (a as { required?: boolean }).required);
  return candidates.length === 1 ? candidates[0][0] : undefined;
}

/** Pulumi fills a missing name from the logical name and a random suffix (auto-naming) before the provider sees it. */
function autonames(logicalName: string, block: Block): Record<string, string> {
  const attribute = block.attributes?.name ? "name" : resourceNameAttribute(block);
  const required = attribute && (block.attributes?.[attribute] as { required?: boolean } | undefined)?.required;
  return required ? { [attribute]: `${logicalName}-a1b2c3d`.slice(0, 63) } : {};
}

/** Object-typed attributes (list(object({…}))) take snake_case keys too; maps keep their keys. */
function translateValue(v: unknown, type: unknown, where: string, unjudged: string[]): unknown {
  if (Array.isArray(type) && (type[0] === "list" || type[0] === "set") && Array.isArray(type[1]) && type[1][0] === "object" && Array.isArray(v)) {
    const attributes = Object.fromEntries(Object.entries(type[1][1] as Record<string, unknown>).map(([k, t]) => [k, { type: t }]));
    return v.map((item, i) => translate(item as Record<string, any>, { attributes }, `${where}[${i}]`, unjudged));
  }
  if (Array.isArray(type) && type[0] === "object" && v && typeof v === "object") {
    const attributes = Object.fromEntries(Object.entries(type[1] as Record<string, unknown>).map(([k, t]) => [k, { type: t }]));
    return translate(v as Record<string, any>, { attributes }, where, unjudged);
  }
  return v;
}

function terraform(args: string[], cwd: string, cliConfig: string) {
  return spawnSync("terraform", args, { cwd, encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", CHECKPOINT_DISABLE: "1" }, maxBuffer: 64 * 1024 * 1024 });
}

export function terraformAvailability(): { available: true } | { available: false; why: string } {
  const probe = spawnSync("terraform", ["version"], { encoding: "utf8" });
  if (probe.error) return { available: false, why: "terraform is not installed" };
  if (!existsSync(path.join(MIRROR, "registry.terraform.io/hashicorp/aws"))) return { available: false, why: `no hashicorp/aws provider in the filesystem mirror ${MIRROR}` };
  return { available: true };
}

/** A working directory with the provider installed from the mirror, and its schema (cached per process). */
let workspace: { dir: string; cliConfig: string; schemas: Record<string, { block: Block }>; version: string } | undefined;
function providerWorkspace() {
  if (workspace) return workspace;
  const dir = mkdtempSync(path.join(tmpdir(), "mcp-provider-check-"));
  const cliConfig = path.join(dir, "cli.tfrc");
  writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror { path = ${JSON.stringify(MIRROR)} }\n}\n`);
  writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws" } } } }));
  const init = terraform(["init", "-backend=false", "-input=false", "-no-color"], dir, cliConfig);
  if (init.status !== 0) throw new Error(`terraform init failed: ${init.stderr || init.stdout}`);
  const schema = terraform(["providers", "schema", "-json"], dir, cliConfig);
  if (schema.status !== 0) throw new Error(`terraform providers schema failed: ${schema.stderr}`);
  const provider = JSON.parse(schema.stdout).provider_schemas["registry.terraform.io/hashicorp/aws"];
  const lock = readFileSync(path.join(dir, ".terraform.lock.hcl"), "utf8");
  workspace = { dir, cliConfig, schemas: provider.resource_schemas, version: /version\s*=\s*"([^"]+)"/.exec(lock)?.[1] ?? "unknown" };
  return workspace;
}

/** Terraform resource names: letters, digits, `_` and `-`, starting with a letter or `_`. */
const addressOf = (name: string) => `r_${name.replace(/[^A-Za-z0-9_-]/g, "_")}`;

export function checkWithProvider(plan: Plan): ProviderCheck {
  const ws = providerWorkspace();
  const known = new Set(Object.keys(ws.schemas));
  const unknownTypes = new Set<string>();
  const unjudged: string[] = [];
  const resources: Record<string, Record<string, unknown>> = {};
  const byAddress = new Map<string, PlannedResource>();
  for (const r of plan.resources.filter((r) => r.custom && r.type.startsWith("aws:"))) {
    const tfType = terraformTypeOf(r.type, known);
    if (!tfType) {
      unknownTypes.add(r.type);
      continue;
    }
    const address = addressOf(r.name);
    const block = ws.schemas[tfType].block;
    const renames = KEY_RENAMES[r.type] ?? {};
    const inputs = Object.fromEntries(Object.entries(r.inputs).map(([k, v]) => (renames[k] ? [renames[k], typeof v === "object" ? "archive.zip" : v] : [k, v])));
    (resources[tfType] ??= {})[address] = { ...autonames(r.name, block), ...translate(inputs, block, r.name, unjudged) };
    byAddress.set(`${tfType}.${address}`, r);
  }
  const dir = path.join(ws.dir, `plan-${plan.stack}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify({ terraform: { required_providers: { aws: { source: "hashicorp/aws" } } }, resource: resources }, null, 1));
  // Reuse the initialised provider of the workspace.
  const linked = spawnSync("cp", ["-r", path.join(ws.dir, ".terraform"), path.join(ws.dir, ".terraform.lock.hcl"), dir]);
  if (linked.status !== 0) throw new Error("could not copy the initialised provider");
  const validate = terraform(["validate", "-json", "-no-color"], dir, ws.cliConfig);
  const result = JSON.parse(validate.stdout || "{}") as { diagnostics?: { severity: string; summary: string; detail: string; address?: string; snippet?: { context?: string } }[] };
  const addressOfDiagnostic = (d: { address?: string; snippet?: { context?: string } }) => d.address ?? /^resource\.(.+)$/.exec(d.snippet?.context ?? "")?.[1]?.split(/[.[]/).slice(0, 2).join(".");
  const errors = (result.diagnostics ?? [])
    .filter((d) => d.severity === "error")
    .map((d) => {
      const address = addressOfDiagnostic(d);
      return { resource: (address && byAddress.get(address)?.name) ?? address ?? "?", summary: d.summary, detail: d.detail };
    });
  return { providerVersion: ws.version, errors, unknownTypes: [...unknownTypes].sort(), unjudged, checked: byAddress.size };
}
