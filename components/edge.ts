import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import { MANAGED_RULE_GROUPS, rateLimitSpecs, rateRuleName, STACK_RATE_RULE, toolCallLimitSpecs, toolCallRuleName, webAclName, type RateLimitSpec, type ToolCallLimitSpec } from "../decisions/waf";
import { MAIN_GROUP } from "../decisions/loadBalancers";
import type { DeployContext } from "./context";
import { COMPONENT } from "../decisions/resourceTypes";
import { physicalName, stackPrefix } from "../decisions/names";

export interface EdgeArgs extends Pick<DeployContext, "stack" | "protection"> {
  /** The WAF settings and the servers' per-route limits. */
  config: Pick<StackConfig, "ingress" | "servers">;
  /** Every load balancer of the stack by group (main first): one web ACL guards them all. */
  loadBalancerArns: Record<string, pulumi.Input<string>>;
}

/** Credentials and session handles never reach the WAF logs: tokens, cookies, MCP session ids, SSE session query strings. */
const REDACTED_FIELDS = [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }, { singleHeader: { name: "mcp-session-id" } }, { queryString: {} }];

const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

/**
 * A WAF web ACL on the ALB: a per-client rate limit for each server's route and one for the whole stack, then AWS
 * managed rule groups (blocking, or counting while tuned). No rule allows by path: Allow is terminating, so a path
 * rule would let any caller skip every later rule, and the ALB's own health checks never pass through WAF anyway.
 * Logs go to CloudWatch Logs with the stack's retention, authorization headers redacted.
 */
export class Edge extends pulumi.ComponentResource {
  readonly webAcl: aws.wafv2.WebAcl;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.edge, name, {}, opts);
    const waf = args.config.ingress.waf;
    const rateRules = [...rateLimitSpecs(args.config).map(rateLimitRule), ...toolCallLimitSpecs(args.config).map(toolCallLimitRule)];
    const stackLimit = {
      name: STACK_RATE_RULE,
      priority: 90,
      action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: "rate-limited" } } },
      statement: { rateBasedStatement: { limit: waf.ipRateLimitPerMinute, evaluationWindowSec: 60, aggregateKeyType: "IP" } },
      visibilityConfig: visibility(STACK_RATE_RULE),
    };
    const managed = MANAGED_RULE_GROUPS.map((group, i) => ({
      name: group.name,
      priority: 100 + i,
      overrideAction: waf.managedRules === "count" ? { count: {} } : { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: "AWS",
          name: group.name,
          ruleActionOverrides: group.countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
        },
      },
      visibilityConfig: visibility(physicalName(args.stack, group.name)),
    }));
    this.webAcl = new aws.wafv2.WebAcl(
      `${name}-waf`,
      {
        name: webAclName(args.stack),
        description: `mcp-stack ${args.stack}: per-server rate limits and AWS managed rules`,
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        customResponseBodies: [{ key: "rate-limited", contentType: "APPLICATION_JSON", content: '{"error":"rate limit exceeded, retry later"}' }],
        rules: [...rateRules, stackLimit, ...managed],
        visibilityConfig: visibility(stackPrefix(args.stack)),
      },
      { parent: this },
    );
    for (const [group, arn] of Object.entries(args.loadBalancerArns)) {
      // main's association keeps its name; a web ACL may be associated with many ALBs of its region.
      new aws.wafv2.WebAclAssociation(group === MAIN_GROUP ? `${name}-waf-alb` : `${name}-waf-alb-${group}`, { resourceArn: arn, webAclArn: this.webAcl.arn }, { parent: this });
    }
    // WAF only logs to groups named aws-waf-logs-*.
    const logs = new aws.cloudwatch.LogGroup(
      `${name}-waf-logs`,
      { name: `aws-waf-logs-mcp-${args.stack}`, retentionInDays: args.protection.logRetentionDays },
      { parent: this, retainOnDelete: args.protection.retainStatefulOnDelete },
    );
    new aws.wafv2.WebAclLoggingConfiguration(
      `${name}-waf-logging`,
      { resourceArn: this.webAcl.arn, logDestinationConfigs: [logs.arn], redactedFields: REDACTED_FIELDS },
      { parent: this },
    );
    this.registerOutputs({ webAclArn: this.webAcl.arn });
  }
}

/** `/gmail` itself and everything under `/gmail/` (but not `/gmailx`), or the server's Host header. */
function routeStatement(match: RateLimitSpec["match"]) {
  const uriPath = (searchString: string, positionalConstraint: string) => ({
    byteMatchStatement: { searchString, fieldToMatch: { uriPath: {} }, positionalConstraint, textTransformations: [{ priority: 0, type: "NONE" }] },
  });
  return "path" in match
    ? { orStatement: { statements: [uriPath(match.path, "EXACTLY"), uriPath(`${match.path}/`, "STARTS_WITH")] } }
    : {
        byteMatchStatement: {
          searchString: match.host,
          fieldToMatch: { singleHeader: { name: "host" } },
          positionalConstraint: "EXACTLY",
          textTransformations: [{ priority: 0, type: "LOWERCASE" }],
        },
      };
}

function toolCallLimitRule(spec: ToolCallLimitSpec) {
  // A body over the inspection limit counts as a tool call: an oversize body must not slip past the cap.
  const toolCall = { byteMatchStatement: { searchString: "tools/call", fieldToMatch: { body: { oversizeHandling: "MATCH" } }, positionalConstraint: "CONTAINS", textTransformations: [{ priority: 0, type: "NONE" }] } };
  return {
    name: toolCallRuleName(spec.server),
    priority: spec.priority,
    action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: "rate-limited" } } },
    statement: { rateBasedStatement: { limit: spec.limit, evaluationWindowSec: 60, aggregateKeyType: "CONSTANT", scopeDownStatement: { andStatement: { statements: [routeStatement(spec.match), toolCall] } } } },
    visibilityConfig: visibility(toolCallRuleName(spec.server)),
  };
}

function rateLimitRule(spec: RateLimitSpec) {
  const scopeDownStatement = routeStatement(spec.match);
  return {
    name: rateRuleName(spec.server),
    priority: spec.priority,
    action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: "rate-limited" } } },
    statement: { rateBasedStatement: { limit: spec.limit, evaluationWindowSec: 60, aggregateKeyType: "IP", scopeDownStatement } },
    visibilityConfig: visibility(rateRuleName(spec.server)),
  };
}
