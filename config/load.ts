import * as pulumi from "@pulumi/pulumi";
import { ConfigError, describeIssues } from "./errors";
import { stackConfigSchema, type StackConfig } from "./schema";

/** The top-level keys of the `mcp-stack:` namespace that the schema reads. */
const OBJECT_KEYS = ["network", "ingress", "alerts", "backup", "retiredVolumes", "servers"] as const;

/** Validates a raw config object (keys as in Pulumi.<stack>.yaml, without the `mcp-stack:` prefix). */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
  const result = stackConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues));
  return result.data;
}

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
  const raw: Record<string, unknown> = { environment: readJson(cfg, "environment", "string") };
  for (const key of OBJECT_KEYS) raw[key] = readJson(cfg, key, "object");
  // Only the names of secret values are validated; the values never enter the validated config.
  const secretNames = Object.keys((readJson(cfg, "secretValues", "object") as object | undefined) ?? {});
  raw.secretValues = Object.fromEntries(secretNames.map((name) => [name, "[secret]"]));

  const region = new pulumi.Config("aws").get("region");
  if (!region) throw new ConfigError(["aws:region: is required; set it with `pulumi config set aws:region us-east-1`"]);
  const config = parseStackConfig(raw);
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
