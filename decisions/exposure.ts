import type { StackConfig, StackShape } from "../config/schema";

/**
 * Who can reach the load balancer at all: the whole internet, an allowlist of networks (CIDRs, managed prefix lists),
 * or only the VPC (an internal load balancer). The ALB's security group admits exactly these sources on its listener
 * ports, and the plan prints them per route.
 */
export interface Exposure {
  kind: "internet" | "allowlist" | "vpc";
  cidrs: string[];
  prefixLists: string[];
}

/** The listener ports: HTTPS (and HTTP, redirected) with a domain, HTTP alone without. The first is the one clients use. */
export const listenerPortsOf = (ingress: Pick<StackConfig["ingress"], "domain">): number[] => (ingress.domain ? [443, 80] : [80]);

export function exposureOf({ ingress, network }: Pick<StackShape, "ingress" | "network">): Exposure {
  const cidrs = ingress.allowedCidrs ?? [];
  const prefixLists = ingress.allowedPrefixLists ?? [];
  const listed = cidrs.length + prefixLists.length > 0;
  if (ingress.internal) return { kind: "vpc", cidrs: listed ? cidrs : network.cidrBlock ? [network.cidrBlock] : [], prefixLists };
  if (listed) return { kind: "allowlist", cidrs, prefixLists };
  return { kind: "internet", cidrs: ["0.0.0.0/0"], prefixLists: [] };
}

/** One line for the plan: who can reach a route, and whether it asks for a token. */
export function reachOf(exposure: Exposure, tokenRequired: boolean): string {
  const who =
    exposure.kind === "internet"
      ? "internet"
      : `${exposure.kind === "vpc" ? "VPC only" : "allowlist"}: ${[...exposure.cidrs, ...exposure.prefixLists].join(", ")}`;
  return `${who}, ${tokenRequired ? "token" : "no token"}`;
}
