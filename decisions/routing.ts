import type { Route, StackConfig } from "../config/schema";
import { groupHost, MAIN_GROUP } from "./loadBalancers";
import { routedServers, type RoutedServer } from "./routed";

/** Host rules are more specific than path rules, so they get the lower (earlier) priority band. */
export const HOST_PRIORITY_BAND = { from: 1, to: 9999 } as const;
export const PATH_PRIORITY_BAND = { from: 10000, to: 49999 } as const;

/** FNV-1a: a stable hash, so a server keeps its priority when others are added or removed. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const ch of text) hash = Math.imul(hash ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return hash;
}

/**
 * Listener rule priority per routed server: the configured one, else a hash of the name into the
 * band of its rule kind, probing upwards past taken slots (servers probed in name order). Hashed
 * priorities are odd, so `priority - 1` stays free for the server's OAuth discovery rule (with auth).
 */
export function listenerRulePriorities(servers: StackConfig["servers"]): Map<string, number> {
  const routed = routedServers(servers);
  const taken = new Set(routed.flatMap(([, s]) => (s.route.priority ? [s.route.priority, s.route.priority - 1] : [])));
  const result = new Map<string, number>();
  for (const [name, s] of routed) {
    if (s.route.priority) {
      result.set(name, s.route.priority);
      continue;
    }
    const band = s.route.host ? HOST_PRIORITY_BAND : PATH_PRIORITY_BAND;
    const pairs = Math.floor((band.to - band.from + 1) / 2);
    const priorityOf = (slot: number) => band.from + 1 + 2 * slot;
    let slot = fnv1a(name) % pairs;
    while (taken.has(priorityOf(slot)) || taken.has(priorityOf(slot) - 1)) slot = (slot + 1) % pairs;
    taken.add(priorityOf(slot)).add(priorityOf(slot) - 1);
    result.set(name, priorityOf(slot));
  }
  return result;
}

/** The rule that lets a server's OAuth protected-resource metadata through without a token comes just before its route. */
export const discoveryPriority = (routePriority: number) => routePriority - 1;

/** Where RFC 9728 puts protected-resource metadata: at the host's root, before the resource URL's path. */
export const PROTECTED_RESOURCE_WELL_KNOWN = "/.well-known/oauth-protected-resource";

/**
 * The paths an MCP client asks for a route's OAuth protected-resource metadata (RFC 9728 §3.1; the MCP SDK's
 * discovery tries `/.well-known/oauth-protected-resource/<path of the MCP URL>`, then the bare well-known path).
 * A path route answers the path-aware form; a host (or root) route owns its host's bare form too.
 */
export function discoveryConditions(route: Route): RuleCondition[] {
  const both = (suffix: string) => [`${PROTECTED_RESOURCE_WELL_KNOWN}${suffix}`, `${PROTECTED_RESOURCE_WELL_KNOWN}${suffix}/*`];
  if (route.host !== undefined) return [{ hostHeader: { values: [route.host] } }, { pathPattern: { values: both("") } }];
  return [{ pathPattern: { values: both(route.path === "/" ? "" : route.path) } }];
}

export interface RuleCondition {
  pathPattern?: { values: string[] };
  hostHeader?: { values: string[] };
}

export function routeConditions(route: Route): RuleCondition[] {
  if (route.host !== undefined) return [{ hostHeader: { values: [route.host] } }];
  const path = route.path;
  return [{ pathPattern: { values: path === "/" ? ["/*"] : [path, `${path}/*`] } }];
}

/** ALB URL rewrite that removes the route's prefix: /gmail/mcp reaches the server as /mcp. */
export function prefixRewrite(route: Route): { regex: string; replace: string } | undefined {
  if (!route.path || route.path === "/" || !route.stripPrefix) return undefined;
  const escaped = route.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return { regex: `^${escaped}/?(.*)$`, replace: "/$1" };
}

/** The URL an MCP client connects to: on its load balancer's host (decisions/loadBalancers.ts), or its own host route. */
export function serverUrl(server: RoutedServer, ingress: StackConfig["ingress"], albDnsName: string, group: string = MAIN_GROUP): string {
  const route = server.route;
  const scheme = ingress.domain ? "https" : "http";
  const host = route.host ?? (ingress.domain ? groupHost(group, ingress.domain) : albDnsName);
  const prefix = route.path && route.path !== "/" ? route.path : "";
  const mcpPath = route.path && !route.stripPrefix ? "" : server.mcpPath;
  return `${scheme}://${host}${prefix}${mcpPath}`;
}
