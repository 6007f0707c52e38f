import { ConfigError } from "../../config/errors";
import { parseStackConfig } from "../../config/load";
import type { StackConfig } from "../../config/schema";
import { isRouted, type RoutedServer } from "../../decisions/routed";
import { readRawStackConfig, readStackFile, runOffline, stackFilePath, type OfflineOptions, type Plan } from "../../engine/offline";

/** A stack's `mcp-stack:` config as plain objects (prefix stripped), ready to change in a test. */
export const rawConfigOf = (stack: string): Record<string, any> => readRawStackConfig(stackFilePath(stack));

/** The same config map the engine feeds to pulumi.runtime.setAllConfig, with `mcp-stack:` values replaced. */
export function configMapOf(stack: string, raw: Record<string, any>) {
  const { values, secretKeys } = readStackFile(stackFilePath(stack));
  const next = { ...values };
  for (const [name, value] of Object.entries(raw)) next[`mcp-stack:${name}`] = typeof value === "string" ? value : JSON.stringify(value);
  return { values: next, secretKeys };
}

type Change = (raw: Record<string, any>) => void;

/** A shipped stack's config, changed, parsed as the program parses it. */
export function configWith(stack: string, change: Change = () => {}) {
  const raw = rawConfigOf(stack);
  change(raw);
  return parseStackConfig(raw);
}

/** The problems the config contract reports for a changed shipped config (it must be refused). */
export function configProblems(stack: string, change: Change): string[] {
  try {
    configWith(stack, change);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected the config to be rejected");
}

/** The offline plan of a shipped stack with its config changed. */
export function planWith(stack: string, change: Change, options: OfflineOptions = {}): Promise<Plan> {
  const raw = rawConfigOf(stack);
  change(raw);
  return runOffline(stack, configMapOf(stack, raw), options);
}

/** A server of a parsed config that has a route on a load balancer (the test says which one it expects to). */
export function routedServer(config: StackConfig, name: string): RoutedServer {
  const server = config.servers[name];
  if (!server || !isRouted(server)) throw new Error(`${name} is not a routed server of this config`);
  return server;
}
