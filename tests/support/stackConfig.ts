import { readStackFile, stackFilePath } from "../../engine/offline";

/** A stack's `mcp-stack:` config as plain objects (prefix stripped), ready to change in a test. */
export function rawConfigOf(stack: string): Record<string, any> {
  const { values } = readStackFile(stackFilePath(stack));
  const raw: Record<string, any> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith("mcp-stack:")) continue;
    const name = key.slice("mcp-stack:".length);
    raw[name] = name === "environment" ? value : JSON.parse(value);
  }
  return raw;
}

/** The same config map the engine feeds to pulumi.runtime.setAllConfig, with `mcp-stack:` values replaced. */
export function configMapOf(stack: string, raw: Record<string, any>) {
  const { values, secretKeys } = readStackFile(stackFilePath(stack));
  const next = { ...values };
  for (const [name, value] of Object.entries(raw)) next[`mcp-stack:${name}`] = typeof value === "string" ? value : JSON.stringify(value);
  return { values: next, secretKeys };
}
