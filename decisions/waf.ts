import type { StackConfig } from "../config/schema";

export interface RateLimitSpec {
  server: string;
  /** Requests per client IP per 60 s window (WAF's smallest limit is 10). */
  limit: number;
  match: { path: string } | { host: string };
  priority: number;
}

/** AWS managed rule groups every public ALB gets, in evaluation order after the rate limits. */
export const MANAGED_RULE_GROUPS = [
  // MCP's JSON-RPC bodies can exceed the common rule set's 8 KB body limit: that one rule only counts.
  { name: "AWSManagedRulesCommonRuleSet", countOnly: ["SizeRestrictions_BODY"] },
  { name: "AWSManagedRulesKnownBadInputsRuleSet", countOnly: [] },
  { name: "AWSManagedRulesAmazonIpReputationList", countOnly: [] },
] as const;

export const webAclName = (stack: string) => `mcp-${stack}`;
export const rateRuleName = (server: string) => `rate-limit-${server}`;
export const STACK_RATE_RULE = "rate-limit-per-ip";

/** Rule names of the rate limits, as the dashboards chart their blocks. */
export const rateRuleNames = (config: StackConfig) => [...rateLimitSpecs(config).map((r) => rateRuleName(r.server)), STACK_RATE_RULE];

/** One rate-based rule per public server with `rateLimitPerMinute`, scoped to its route, evaluated before the managed groups. */
export function rateLimitSpecs(config: StackConfig): RateLimitSpec[] {
  return Object.entries(config.servers)
    .filter(([, s]) => s.enabled && s.route && s.rateLimitPerMinute !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([server, s], i) => ({
      server,
      limit: s.rateLimitPerMinute!,
      match: s.route!.host ? { host: s.route!.host } : { path: s.route!.path! },
      priority: 10 + i,
    }));
}
