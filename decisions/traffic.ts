import type { ServerConfig, StackConfig } from "../config/schema";

/** What the load balancer sees: a stdio server is reached through its bridge's HTTP transport. */
export function exposedTransport(server: ServerConfig): Exclude<ServerConfig["transport"], "stdio"> {
  return server.transport === "stdio" ? server.bridge : server.transport;
}

export interface TrafficPolicy {
  stickiness: { enabled: boolean; type: "lb_cookie"; cookieDuration: number };
  deregistrationDelaySeconds: number;
  /** Why, for the plan report. */
  reason: string;
}

/**
 * Target group behaviour by MCP transport. Stateless Streamable HTTP can go to any task. Stateful
 * sessions (Mcp-Session-Id) and SSE streams live in one task: pin clients with a cookie and give
 * open sessions time to finish before a task is drained.
 */
export function trafficPolicyFor(server: ServerConfig, ingress: StackConfig["ingress"]): TrafficPolicy {
  switch (exposedTransport(server)) {
    case "streamable-http":
      return {
        stickiness: { enabled: false, type: "lb_cookie", cookieDuration: 86400 },
        deregistrationDelaySeconds: 30,
        reason: "stateless Streamable HTTP: any task can answer any request",
      };
    case "streamable-http-stateful":
      return {
        stickiness: { enabled: true, type: "lb_cookie", cookieDuration: 86400 },
        deregistrationDelaySeconds: 300,
        reason: "stateful sessions live in one task: sticky cookie, 300 s to drain open sessions",
      };
    case "sse":
      return {
        stickiness: { enabled: true, type: "lb_cookie", cookieDuration: 86400 },
        deregistrationDelaySeconds: Math.min(3600, Math.max(300, ingress.idleTimeoutSeconds)),
        reason: "SSE streams are long-lived: sticky cookie, drain for at least the idle timeout",
      };
  }
}
