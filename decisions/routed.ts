import type { ServerConfig, ServerShape } from "../config/schema";

/** A public server: it has a route on a load balancer (config/schema.ts). */
export type RoutedServer = ServerConfig & { internal: false };

/** Enabled and public: the servers the load balancers carry. Works before the rules passed too (decisions/loadBalancers.ts). */
export const isRouted = <S extends Pick<ServerShape, "enabled" | "internal">>(server: S): server is S & { internal: false } => server.enabled && !server.internal;

/** The enabled, routed servers by name, in name order. */
export function routedServers<S extends Pick<ServerShape, "enabled" | "internal">>(servers: Record<string, S>): [string, S & { internal: false }][] {
  return Object.entries(servers)
    .filter((entry): entry is [string, S & { internal: false }] => isRouted(entry[1]))
    .sort(([a], [b]) => a.localeCompare(b));
}
