import type { ServerConfig, StackConfig } from "../config/schema";

/** Host rules are more specific than path rules, so they get the lower (earlier) priority band. */
export const HOST_PRIORITY_BAND = { from: 1, to: 9999 } as const;
export const PATH_PRIORITY_BAND = { from: 10000, to: 49999 } as const;

type Route = NonNullable<ServerConfig["route"]>;

/** FNV-1a: a stable hash, so a server keeps its priority when others are added or removed. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const ch of text) hash = Math.imul(hash ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return hash;
}

/**
 * Listener rule priority per routed server: the configured one, else a hash of the name into the
 * band of its rule kind, probing upwards past taken slots (servers probed in name order).
 */
export function listenerRulePriorities(servers: StackConfig["servers"]): Map<string, number> {
  const routed = Object.entries(servers)
    .filter(([, s]) => s.enabled && s.route)
    .sort(([a], [b]) => a.localeCompare(b));
  const taken = new Set(routed.flatMap(([, s]) => (s.route!.priority ? [s.route!.priority] : [])));
  const result = new Map<string, number>();
  for (const [name, s] of routed) {
    if (s.route!.priority) {
      result.set(name, s.route!.priority);
      continue;
    }
    const band = s.route!.host ? HOST_PRIORITY_BAND : PATH_PRIORITY_BAND;
    const size = band.to - band.from + 1;
    let slot = fnv1a(name) % size;
    while (taken.has(band.from + slot)) slot = (slot + 1) % size;
    taken.add(band.from + slot);
    result.set(name, band.from + slot);
  }
  return result;
}

export interface RuleCondition {
  pathPattern?: { values: string[] };
  hostHeader?: { values: string[] };
}

export function routeConditions(route: Route): RuleCondition[] {
  if (route.host) return [{ hostHeader: { values: [route.host] } }];
  const path = route.path!;
  return [{ pathPattern: { values: path === "/" ? ["/*"] : [path, `${path}/*`] } }];
}

/** ALB URL rewrite that removes the route's prefix: /gmail/mcp reaches the server as /mcp. */
export function prefixRewrite(route: Route): { regex: string; replace: string } | undefined {
  if (!route.path || route.path === "/" || !route.stripPrefix) return undefined;
  const escaped = route.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return { regex: `^${escaped}/?(.*)$`, replace: "/$1" };
}

/** The URL an MCP client connects to. */
export function serverUrl(server: ServerConfig, ingress: StackConfig["ingress"], albDnsName: string): string {
  const route = server.route!;
  const scheme = ingress.domain ? "https" : "http";
  const host = route.host ?? ingress.domain ?? albDnsName;
  const prefix = route.path && route.path !== "/" ? route.path : "";
  const mcpPath = route.path && !route.stripPrefix ? "" : server.mcpPath;
  return `${scheme}://${host}${prefix}${mcpPath}`;
}
