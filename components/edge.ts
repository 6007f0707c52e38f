import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import { MANAGED_RULE_GROUPS, rateLimitSpecs, type RateLimitSpec } from "../decisions/waf";

export interface EdgeArgs {
  stack: string;
  config: StackConfig;
  loadBalancerArn: pulumi.Input<string>;
}

const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

/** A WAF web ACL on the ALB: a per-client rate limit for each server's route, then AWS managed rule groups. */
export class Edge extends pulumi.ComponentResource {
  readonly webAcl: aws.wafv2.WebAcl;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-stack:index:Edge", name, {}, opts);
    const rateRules = rateLimitSpecs(args.config).map(rateLimitRule);
    const managed = MANAGED_RULE_GROUPS.map((group, i) => ({
      name: group.name,
      priority: 100 + i,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: "AWS",
          name: group.name,
          ruleActionOverrides: group.countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
        },
      },
      visibilityConfig: visibility(`mcp-${args.stack}-${group.name}`),
    }));
    this.webAcl = new aws.wafv2.WebAcl(
      `${name}-waf`,
      {
        name: `mcp-${args.stack}`,
        description: `mcp-stack ${args.stack}: per-server rate limits and AWS managed rules`,
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        customResponseBodies: [{ key: "rate-limited", contentType: "APPLICATION_JSON", content: '{"error":"rate limit exceeded, retry later"}' }],
        rules: [...rateRules, ...managed],
        visibilityConfig: visibility(`mcp-${args.stack}`),
      },
      { parent: this },
    );
    new aws.wafv2.WebAclAssociation(`${name}-waf-alb`, { resourceArn: args.loadBalancerArn, webAclArn: this.webAcl.arn }, { parent: this });
    this.registerOutputs({ webAclArn: this.webAcl.arn });
  }
}

function rateLimitRule(spec: RateLimitSpec) {
  const scopeDownStatement =
    "path" in spec.match
      ? {
          byteMatchStatement: {
            searchString: `${spec.match.path}/`,
            fieldToMatch: { uriPath: {} },
            positionalConstraint: "STARTS_WITH",
            textTransformations: [{ priority: 0, type: "NONE" }],
          },
        }
      : {
          byteMatchStatement: {
            searchString: spec.match.host,
            fieldToMatch: { singleHeader: { name: "host" } },
            positionalConstraint: "EXACTLY",
            textTransformations: [{ priority: 0, type: "LOWERCASE" }],
          },
        };
  return {
    name: `rate-limit-${spec.server}`,
    priority: spec.priority,
    action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: "rate-limited" } } },
    statement: { rateBasedStatement: { limit: spec.limit, evaluationWindowSec: 60, aggregateKeyType: "IP", scopeDownStatement } },
    visibilityConfig: visibility(`rate-limit-${spec.server}`),
  };
}
