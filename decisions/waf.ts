import type { StackConfig } from "../config/schema";
import { routedServers, type RoutedServer } from "./routed";
import { stackPrefix } from "./names";

export interface RateLimitSpec {
  server: string;
  /** Requests per client IP per 60 s window (WAF's smallest limit is 10). */
  limit: number;
  match: { path: string } | { host: string };
  priority: number;
}

/**
 * AWS managed rule groups every ALB gets, in evaluation order after the rate limits. MCP requests are JSON-RPC whose
 * bodies carry arbitrary tool arguments: HTML e-mails (CrossSiteScripting_BODY), file paths with ../ (GenericLFI_BODY),
 * URLs (GenericRFI_BODY, EC2MetaDataSSRF_BODY) and documents above 8 KB (SizeRestrictions_BODY). The common rule set's
 * body rules would block legitimate tool calls, so they only count (visible on the dashboard and in the WAF logs); its
 * URI, query and header rules keep blocking, and so do the known-bad-inputs and IP reputation groups. An ALB's web ACL
 * inspects only the first 8 KB of a body anyway (AWS WAF developer guide, "Oversize web request components").
 */
export const MANAGED_RULE_GROUPS = [
  { name: "AWSManagedRulesCommonRuleSet", countOnly: ["SizeRestrictions_BODY", "CrossSiteScripting_BODY", "GenericLFI_BODY", "GenericRFI_BODY", "EC2MetaDataSSRF_BODY"] },
  { name: "AWSManagedRulesKnownBadInputsRuleSet", countOnly: [] },
  { name: "AWSManagedRulesAmazonIpReputationList", countOnly: [] },
] as const;

export const webAclName = (stack: string) => stackPrefix(stack);
export const rateRuleName = (server: string) => `rate-limit-${server}`;
export const STACK_RATE_RULE = "rate-limit-per-ip";

/** Rule names of the rate limits, as the dashboards chart their blocks. */
export const rateRuleNames = (config: StackConfig) => [
  ...rateLimitSpecs(config).map((r) => rateRuleName(r.server)),
  ...toolCallLimitSpecs(config).map((r) => toolCallRuleName(r.server)),
  STACK_RATE_RULE,
];

/** One rate-based rule per public server with `rateLimitPerMinute`, scoped to its route, evaluated before the managed groups. */
export function rateLimitSpecs(config: Pick<StackConfig, "servers">): RateLimitSpec[] {
  return routedServers(config.servers).flatMap(([server, s]) => (s.rateLimitPerMinute === undefined ? [] : [{ server, limit: s.rateLimitPerMinute, match: routeMatch(s.route) }])).map((spec, i) => ({ ...spec, priority: 10 + i }));
}

export interface ToolCallLimitSpec {
  server: string;
  /** tools/call requests per 60 s window across all clients (WAF's rate-based rule with a constant key). */
  limit: number;
  match: { path: string } | { host: string };
  priority: number;
}

export const toolCallRuleName = (server: string) => `tool-calls-${server}`;

/**
 * A cap on a server's tool calls from all clients together, for servers that call a rate-limited API (Resend allows
 * 2 requests per second: 120 per minute). WAF counts requests whose body contains "tools/call" on the server's route
 * with a constant aggregation key (all requests share one counter) and answers 429 above the limit in a 60 s window.
 */
export function toolCallLimitSpecs(config: Pick<StackConfig, "servers">): ToolCallLimitSpec[] {
  return routedServers(config.servers).flatMap(([server, s]) => (s.toolCallsPerMinute === undefined ? [] : [{ server, limit: s.toolCallsPerMinute, match: routeMatch(s.route) }])).map((spec, i) => ({ ...spec, priority: 50 + i }));
}

/** What a WAF rule scoped to a route matches: its host, or its path. */
function routeMatch(route: RoutedServer["route"]): { path: string } | { host: string } {
  return route.host !== undefined ? { host: route.host } : { path: route.path };
}
