/**
 * Small models of documented AWS request-routing semantics, so tests can assert what a planned configuration
 * does to a request rather than only which inputs it has.
 */

export interface Request {
  host: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// AWS WAF (Developer Guide, "Rule action"; "Rule statements"): rules run in priority order; Allow and Block end the
// evaluation ("terminating"), Count does not; a rate-based rule only counts requests its scope-down statement matches.

export interface WafStep {
  rule: string;
  /** What the rule can do to this request: `allow`/`block` terminate; `rate-counted`, `inspected` move on. */
  effect: "allow" | "block" | "rate-counted" | "inspected";
}

function byteMatches(s: any, req: Request): boolean {
  const field = s.fieldToMatch.uriPath
    ? req.path
    : s.fieldToMatch.body
      ? req.body ?? ""
      : s.fieldToMatch.singleHeader
        ? s.fieldToMatch.singleHeader.name === "host"
          ? req.host
          : req.headers?.[s.fieldToMatch.singleHeader.name] ?? ""
        : "";
  const value = s.textTransformations?.some((t: any) => t.type === "LOWERCASE") ? field.toLowerCase() : field;
  const needle = s.searchString;
  switch (s.positionalConstraint) {
    case "EXACTLY":
      return value === needle;
    case "STARTS_WITH":
      return value.startsWith(needle);
    case "ENDS_WITH":
      return value.endsWith(needle);
    case "CONTAINS":
      return value.includes(needle);
    default:
      throw new Error(`model has no positional constraint ${s.positionalConstraint}`);
  }
}

export function wafStatementMatches(statement: any, req: Request): boolean {
  if (statement.byteMatchStatement) return byteMatches(statement.byteMatchStatement, req);
  if (statement.orStatement) return statement.orStatement.statements.some((s: any) => wafStatementMatches(s, req));
  if (statement.andStatement) return statement.andStatement.statements.every((s: any) => wafStatementMatches(s, req));
  if (statement.notStatement) return !wafStatementMatches(statement.notStatement.statement, req);
  throw new Error(`model has no statement ${Object.keys(statement)}`);
}

/** The rules a request meets, in order, until one ends the evaluation (rate limits assumed under their limit). */
export function wafPath(webAcl: Record<string, any>, req: Request): WafStep[] {
  const steps: WafStep[] = [];
  for (const rule of [...webAcl.rules].sort((a, b) => a.priority - b.priority)) {
    const s = rule.statement;
    if (s.managedRuleGroupStatement) {
      steps.push({ rule: rule.name, effect: "inspected" });
    } else if (s.rateBasedStatement) {
      const scope = s.rateBasedStatement.scopeDownStatement;
      if (!scope || wafStatementMatches(scope, req)) steps.push({ rule: rule.name, effect: "rate-counted" });
    } else if (wafStatementMatches(s, req)) {
      const effect = rule.action.allow ? "allow" : rule.action.block ? "block" : "inspected";
      steps.push({ rule: rule.name, effect });
      if (effect !== "inspected") break;
    }
  }
  return steps;
}

// ---------------------------------------------------------------------------------------------------------------
// ALB listener rules (ELB User Guide, "Listener rules" and "Condition types"): the rule with the lowest priority
// whose conditions all match wins, else the default action. Path patterns are case-sensitive, `*` matches any
// characters and `?` exactly one, and are matched against the path only; host headers are case-insensitive.

const glob = (pattern: string, flags = "") =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, flags);

export function albConditionsMatch(conditions: any[], req: Request): boolean {
  return conditions.every((c) => {
    if (c.pathPattern) return c.pathPattern.values.some((v: string) => glob(v).test(req.path));
    if (c.hostHeader) return c.hostHeader.values.some((v: string) => glob(v, "i").test(req.host));
    throw new Error(`model has no condition ${Object.keys(c)}`);
  });
}

/** The listener rule an ALB would pick for a request, or undefined for the listener's default action. */
export function albRuleFor<R extends { inputs: Record<string, any> }>(rules: R[], req: Request): R | undefined {
  return [...rules].sort((a, b) => a.inputs.priority - b.inputs.priority).find((r) => albConditionsMatch(r.inputs.conditions, req));
}
