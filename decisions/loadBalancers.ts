import type { StackConfig, StackShape } from "../config/schema";
import { routedServers } from "./routed";

/**
 * Which Application Load Balancer carries each routed server. AWS's quotas per ALB ("Quotas for your Application Load
 * Balancers", ELB user guide): target groups 100, not adjustable; listener rules 100 by default, adjustable
 * (ingress.maxListenerRules, a route and, with Cognito, an OAuth discovery rule per server); listeners 50 (a stack
 * uses two); certificates 25 (a stack uses one). A fleet past one ALB's quotas gets more, filled in order.
 */
export const ALB_QUOTAS = { targetGroups: 100, listeners: 50, certificates: 25 } as const;

/** The stack's first load balancer: the one every stack had before it needed a second. Its resources keep their names. */
export const MAIN_GROUP = "main";
/** Names of the load balancers the stack opens by itself: lb2, lb3 … */
export const autoGroupName = (n: number) => `lb${n}`;

export interface LoadBalancerGroup {
  name: string;
  servers: string[];
  targetGroups: number;
  listenerRules: number;
}

export interface Assignment {
  groups: LoadBalancerGroup[];
  groupOf: Record<string, string>;
  /** Config problems, each naming the key and the numbers (a pinned group past a quota). */
  problems: { path: (string | number)[]; message: string }[];
}

export const rulesPerServer = (ingress: StackConfig["ingress"]) => (ingress.auth === "cognito" ? 2 : 1);

/**
 * A stable assignment: a pinned server (`servers.<name>.loadBalancer`) goes where it is pinned; a server keeps the load
 * balancer of the last deploy (`previous`, the stack's own `servers.<name>.loadBalancer` output), so adding or removing
 * another server never moves it (a move changes its URL and recreates its target group); a new one goes to the first
 * load balancer with room — main, then lb2, lb3 … (pinned groups take only their pins) — in name order.
 */
export function assignLoadBalancers(config: Pick<StackShape, "servers" | "ingress">, previous: Record<string, string> = {}): Assignment {
  const perServer = rulesPerServer(config.ingress);
  const capacity = Math.min(ALB_QUOTAS.targetGroups, Math.floor(config.ingress.maxListenerRules / perServer));
  const routed = routedServers(config.servers);
  const members = new Map<string, string[]>([[MAIN_GROUP, []]]);
  const join = (group: string, server: string) => members.set(group, [...(members.get(group) ?? []), server]);
  const pinned = new Set(routed.flatMap(([, s]) => (s.loadBalancer ? [s.loadBalancer] : [])));
  const isAuto = (group: string) => group === MAIN_GROUP || (/^lb\d+$/.test(group) && !pinned.has(group));

  const unplaced: string[] = [];
  for (const [name, s] of routed) {
    if (s.loadBalancer) join(s.loadBalancer, name);
    else if (previous[name] && isAuto(previous[name])) join(previous[name], name);
    else unplaced.push(name);
  }
  for (const name of unplaced) {
    let n = 1;
    const nameOf = (i: number) => (i === 1 ? MAIN_GROUP : autoGroupName(i));
    while (!isAuto(nameOf(n)) || (members.get(nameOf(n))?.length ?? 0) >= capacity) n++;
    join(nameOf(n), name);
  }

  const groups = [...members]
    .filter(([name, servers]) => name === MAIN_GROUP || servers.length)
    .sort(([a], [b]) => groupOrder(a) - groupOrder(b) || a.localeCompare(b))
    .map(([name, servers]) => ({ name, servers: servers.sort(), targetGroups: servers.length, listenerRules: servers.length * perServer }));
  const problems: Assignment["problems"] = [];
  for (const g of groups) {
    const over = [
      g.targetGroups > ALB_QUOTAS.targetGroups ? `${g.targetGroups} target groups, above the ${ALB_QUOTAS.targetGroups} an ALB can hold (a hard quota)` : "",
      g.listenerRules > config.ingress.maxListenerRules ? `${g.listenerRules} listener rules, above ingress.maxListenerRules ${config.ingress.maxListenerRules}` : "",
    ].filter(Boolean);
    if (!over.length) continue;
    const pin = routed.find(([name, s]) => s.loadBalancer === g.name && g.servers.includes(name));
    problems.push({
      path: pin ? ["servers", pin[0], "loadBalancer"] : ["ingress", "maxListenerRules"],
      message: `load balancer "${g.name}" would hold ${g.servers.length} servers: ${over.join(" and ")}; pin some of them elsewhere, or leave them unpinned so the stack spreads them`,
    });
  }
  return { groups, groupOf: Object.fromEntries(groups.flatMap((g) => g.servers.map((s) => [s, g.name]))), problems };
}

/** main first, then lb2, lb3 … by number, then pinned groups by name. */
function groupOrder(name: string): number {
  if (name === MAIN_GROUP) return 0;
  const auto = /^lb(\d+)$/.exec(name);
  return auto ? Number(auto[1]) : Number.MAX_SAFE_INTEGER;
}

/** The host of a load balancer's path routes: the domain for main, `<group>.<domain>` for the others. */
export function groupHost(group: string, domain: string): string {
  return group === MAIN_GROUP ? domain : `${group}.${domain}`;
}
