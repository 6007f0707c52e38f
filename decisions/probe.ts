import type { ServerConfig, StackConfig } from "../config/schema";
import { requiredScopeOf } from "./auth";
import { exposureOf } from "./exposure";
import { routedServers, type RoutedServer } from "./routed";

/**
 * The active MCP probe (probe/handler.ts): every public server is initialized and its tools listed like a client would,
 * through the public URL — WAF and token validation included — on a schedule.
 */
/** The probe's own Cognito app client (a name ingress.clients may not use). */
export const PROBE_CLIENT = "probe";

export interface ProbeSettings {
  enabled: boolean;
  everyMinutes: number;
  /**
   * Where the function runs: outside the VPC when the whole internet reaches the ALB (the client's path); inside it, in
   * the private subnets, when the ALB is internal or allowlisted (an allowlist then has to admit the NAT's addresses).
   */
  inVpc: boolean;
}

export function probeSettingsFor(config: StackConfig): ProbeSettings {
  const routed = Object.values(config.servers).some((s) => s.enabled && !s.internal);
  return {
    enabled: config.alerts.probe.enabled && routed,
    everyMinutes: config.alerts.probe.everyMinutes ?? (config.environment === "prod" ? 1 : 5),
    inVpc: exposureOf(config).kind !== "internet",
  };
}

/** The servers a probe runs for: routed, enabled, not paused (a paused server answers 503 on purpose). */
export const probedServers = (config: StackConfig): [string, RoutedServer][] => routedServers(config.servers).filter(([, s]) => !s.paused);

/** The scope the probe's token asks for on a server: the route's own, with cognito. */
export const probeScopeOf = (config: StackConfig, name: string, server: ServerConfig) => (config.ingress.auth === "cognito" ? requiredScopeOf(name, server) : undefined);

/** The Secrets Manager secret holding the probe's client credentials (also what `mcp-ops check` reads). */
export const probeSecretName = (stack: string) => `mcp-stack/${stack}/probe-client`;

