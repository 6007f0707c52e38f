import type { StackShape } from "../config/schema";

/**
 * Enabled servers in an order where every server comes after the ones it depends on, so a
 * dependent can open its way into its dependency's security group. Returns the cycle on failure.
 */
export function dependencyOrder(servers: StackShape["servers"]): { order: string[] } | { cycle: string[] } {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, trail: string[]): string[] | undefined => {
    if (state.get(name) === "done") return undefined;
    if (state.get(name) === "visiting") return [...trail.slice(trail.indexOf(name)), name];
    state.set(name, "visiting");
    for (const dep of servers[name]?.dependsOn ?? []) {
      if (!servers[dep]) continue;
      const cycle = visit(dep, [...trail, name]);
      if (cycle) return cycle;
    }
    state.set(name, "done");
    order.push(name);
    return undefined;
  };
  for (const name of Object.keys(servers).sort()) {
    const cycle = visit(name, []);
    if (cycle) return { cycle };
  }
  return { order: order.filter((name) => servers[name].enabled) };
}
