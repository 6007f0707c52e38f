import { readRawStackConfig, readStackFile, stackFilePath } from "../../engine/offline";

/** A stack's `mcp-stack:` config as plain objects (prefix stripped), ready to change in a test. */
export const rawConfigOf = (stack: string): Record<string, any> => readRawStackConfig(stackFilePath(stack));

/** The same config map the engine feeds to pulumi.runtime.setAllConfig, with `mcp-stack:` values replaced. */
export function configMapOf(stack: string, raw: Record<string, any>) {
  const { values, secretKeys } = readStackFile(stackFilePath(stack));
  const next = { ...values };
  for (const [name, value] of Object.entries(raw)) next[`mcp-stack:${name}`] = typeof value === "string" ? value : JSON.stringify(value);
  return { values: next, secretKeys };
}
