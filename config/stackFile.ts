import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { PROJECT_DIR } from "../project";

/** Encrypted (`secure:`) values can't be decrypted offline: they read as this. */
export const SECRET_PLACEHOLDER = "[secret]";

/** A stack's config as `pulumi up` would hand it to the program: namespaced keys, JSON-encoded objects. */
export interface StackConfigMap {
  values: Record<string, string>;
  secretKeys: string[];
}

/** Reads `config:` of a Pulumi.<stack>.yaml. Encrypted (`secure:`) values can't be decrypted offline: they become a placeholder. */
export function readStackFile(file: string): StackConfigMap {
  const doc = parseYaml(readFileSync(file, "utf8")) ?? {};
  return toConfigMap((doc.config ?? {}) as Record<string, unknown>);
}

export function toConfigMap(config: Record<string, unknown>): StackConfigMap {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(config)) {
    let hasSecret = false;
    const masked = maskSecure(raw, () => (hasSecret = true));
    values[key] = typeof masked === "string" ? masked : JSON.stringify(masked);
    if (hasSecret) secretKeys.push(key);
  }
  return { values, secretKeys };
}

function maskSecure(value: unknown, found: () => void): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecure(v, found));
  if (value && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][0] === "secure") {
      found();
      return SECRET_PLACEHOLDER;
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, maskSecure(v, found)]));
  }
  return value;
}

/** A stack file's `mcp-stack:` config as plain objects, the prefix stripped: what the config schema parses. */
export function readRawStackConfig(file: string): Record<string, any> {
  const raw: Record<string, any> = {};
  for (const [key, value] of Object.entries(readStackFile(file).values)) {
    if (!key.startsWith("mcp-stack:")) continue;
    const name = key.slice("mcp-stack:".length);
    raw[name] = name === "environment" ? value : JSON.parse(value);
  }
  return raw;
}

export function stackFilePath(stack: string, projectDir = PROJECT_DIR): string {
  return path.join(projectDir, `Pulumi.${stack}.yaml`);
}
