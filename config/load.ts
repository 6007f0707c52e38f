import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import { OBJECT_KEYS, parseStackConfig, TOP_LEVEL_KEYS } from "./parse";
import type { StackConfig } from "./schema";

export { parseStackConfig, TOP_LEVEL_KEYS };

export interface LoadedConfig {
  config: StackConfig;
  region: string;
  stack: string;
  /** Secret values by name, kept secret end to end. */
  secretValues: pulumi.Output<Record<string, string>>;
}

/** Reads the stack's config the way `pulumi up` provides it: through pulumi.Config only. */
export function loadConfig(): LoadedConfig {
  const cfg = new pulumi.Config("mcp-stack");
  const problems = [...unknownKeyProblems(Object.keys(pulumi.runtime.allConfig())), ...plainSecretProblems(cfg)];
  const raw: Record<string, unknown> = { environment: readJson(cfg, "environment", "string") };
  for (const key of OBJECT_KEYS) raw[key] = readJson(cfg, key, "object");
  // Only the names of secret values are validated; the values never enter the validated config.
  const secretNames = Object.keys((readJson(cfg, "secretValues", "object") as object | undefined) ?? {});
  raw.secretValues = Object.fromEntries(secretNames.map((name) => [name, "[secret]"]));

  const region = new pulumi.Config("aws").get("region");
  if (!region) problems.push("aws:region: is required; set it with `pulumi config set aws:region us-east-1`");
  else if (!AWS_REGION.test(region)) problems.push(`aws:region: "${region}" is not an AWS region name; use one such as us-east-1 or eu-west-1`);
  let config: StackConfig | undefined;
  try {
    config = parseStackConfig(raw);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (problems.length || !config || !region) throw new ConfigError(problems);
  checkRecoveryRegion(config, region);
  return {
    config,
    region,
    stack: pulumi.getStack(),
    secretValues: cfg.getSecretObject<Record<string, string>>("secretValues") ?? pulumi.secret<Record<string, string>>({}),
  };
}

/** The second region must really be a second one: a copy in the same region survives no regional outage. */
export function checkRecoveryRegion(config: StackConfig, region: string): void {
  const problems = [config.backup.copyTo && ["copyTo", config.backup.copyTo.region], config.backup.replication && ["replication", config.backup.replication.region]]
    .filter((entry): entry is [string, string] => !!entry && entry[1] === region)
    .map(([key]) => `backup.${key}.region: ${region} is the stack's own region (aws:region); pick a second region such as ${region === "us-west-2" ? "us-east-1" : "us-west-2"}`);
  if (problems.length) throw new ConfigError(problems);
}

function readJson(cfg: pulumi.Config, key: string, kind: "string" | "object"): unknown {
  const text = cfg.get(key);
  if (text === undefined) return undefined;
  if (kind === "string") return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError([`${key}: mcp-stack:${key} must be valid YAML/JSON`]);
  }
}

/** Region names: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-5 … */
export const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/**
 * Keys of the `mcp-stack:` namespace the program does not read: a typo there (`mcp-stack:alert`) would silently drop
 * the paging subscriptions or the backup settings. Each names the closest known key.
 */
export function unknownKeyProblems(configKeys: string[]): string[] {
  return configKeys
    .filter((key) => key.startsWith("mcp-stack:"))
    .map((key) => key.slice("mcp-stack:".length))
    .filter((key) => !(TOP_LEVEL_KEYS as readonly string[]).includes(key))
    .sort()
    .map((key) => {
      const closest = [...TOP_LEVEL_KEYS].sort((a, b) => distance(key, a) - distance(key, b))[0];
      const hint = distance(key, closest) <= Math.max(2, Math.floor(closest.length / 3)) ? `did you mean mcp-stack:${closest}? ` : "";
      return `mcp-stack:${key}: unknown key; ${hint}the keys are ${TOP_LEVEL_KEYS.map((k) => `mcp-stack:${k}`).join(", ")}`;
    });
}

/** Levenshtein distance, for the suggestion. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/**
 * `secretValues` must be a Pulumi secret (`secure:` in the stack file): a plain value would sit in clear in the
 * repository and in every plan output. Pulumi marks a key secret when it was set with --secret (--path included).
 */
function plainSecretProblems(cfg: pulumi.Config): string[] {
  const text = cfg.get("secretValues");
  if (text === undefined) return [];
  const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  if (!isSecret) throw new Error("@pulumi/pulumi no longer exports runtime.isConfigSecret; update config/load.ts");
  if (isSecret("mcp-stack:secretValues")) return [];
  const names = Object.keys((JSON.parse(text) as Record<string, unknown>) ?? {}).sort();
  return names.map((name) => `secretValues.${name}: is in plain text in the stack file; remove it and set it with pulumi config set --secret --path 'mcp-stack:secretValues.${name}' <value> (the stack file then holds it encrypted, as secure:)`);
}
