import * as pulumi from "@pulumi/pulumi";
import { ConfigError, describeIssues } from "./errors";
import { stackConfigSchema, type StackConfig } from "./schema";

/** The top-level keys of the `mcp-stack:` namespace that the schema reads. */
const OBJECT_KEYS = ["network", "ingress", "alerts", "servers"] as const;

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
  return {
    config: parseStackConfig(raw),
    region,
    stack: pulumi.getStack(),
    secretValues: cfg.getSecretObject<Record<string, string>>("secretValues") ?? pulumi.secret<Record<string, string>>({}),
  };
}

function readJson(cfg: pulumi.Config, key: string, kind: "string" | "object"): unknown {
  const text = cfg.get(key);
  if (text === undefined) return undefined;
  if (kind === "string") return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError([`${key}: mcp-stack:${key} must be a YAML/JSON object`]);
  }
}
