import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { jwtValidation, protectedResourceMetadata, requiredScopeOf, type AuthSettings } from "../../decisions/auth";
import type { RoutedServer } from "../../decisions/routed";
import { discoveryConditions, discoveryPriority, prefixRewrite, routeConditions, serverUrl } from "../../decisions/routing";
import { trafficPolicyFor } from "../../decisions/traffic";
import type { McpServerArgs, ServerSelf } from "./args";
import { childName } from "../../decisions/names";

/** The server's target group: tuned to its MCP transport (stickiness, drain) and health checked on its plain /health. */
export function createTargetGroup(self: ServerSelf, { server, config, network }: McpServerArgs): aws.lb.TargetGroup {
  const traffic = trafficPolicyFor(server, config.ingress);
  const hc = server.healthCheck;
  return new aws.lb.TargetGroup(
    `${self.serverName}-tg`,
    {
      vpcId: network.vpcId,
      targetType: "ip",
      port: self.port,
      protocol: "HTTP",
      protocolVersion: "HTTP1",
      loadBalancingAlgorithmType: "least_outstanding_requests",
      deregistrationDelay: traffic.deregistrationDelaySeconds,
      stickiness: traffic.stickiness,
      healthCheck: {
        enabled: true,
        path: hc.path,
        port: "traffic-port",
        protocol: "HTTP",
        matcher: "200-299",
        interval: hc.intervalSeconds,
        timeout: hc.timeoutSeconds,
        healthyThreshold: hc.healthyThreshold,
        unhealthyThreshold: config.alerts.thresholds.consecutiveFailures,
      },
    },
    { parent: self },
  );
}

/** The route on its load balancer's listener: token validation behind Cognito, the prefix stripped. */
export function createListenerRule(self: ServerSelf, { platform, auth, loadBalancerGroup }: McpServerArgs, server: RoutedServer, priority: number, targetGroup: aws.lb.TargetGroup): aws.lb.ListenerRule {
  const route = server.route;
  const rewrite = prefixRewrite(route);
  const forward = { type: "forward", targetGroupArn: targetGroup.arn };
  return new aws.lb.ListenerRule(
    childName.route(self.serverName),
    {
      listenerArn: platform.loadBalancerOf(loadBalancerGroup).routingListener.arn,
      priority,
      conditions: routeConditions(route),
      // Behind Cognito the ALB rejects requests without a valid bearer token carrying mcp/read before they reach a task.
      actions: auth ? [{ type: "jwt-validation", order: 1, jwtValidation: jwtValidation(auth, requiredScopeOf(self.serverName, server)) }, { ...forward, order: 2 }] : [forward],
      transforms: rewrite ? [{ type: "url-rewrite", urlRewriteConfig: { rewrite } }] : undefined,
    },
    { parent: self },
  );
}

/**
 * OAuth protected-resource metadata is fetched before a client has a token: the ALB answers it itself, without
 * validation, where RFC 9728 clients look (decisions/routing.ts), just before the route's own rule.
 */
export function createDiscoveryRule(self: ServerSelf, { platform, config, loadBalancerGroup }: McpServerArgs, server: RoutedServer, priority: number, auth: AuthSettings<pulumi.Output<string>>): aws.lb.ListenerRule {
  const lb = platform.loadBalancerOf(loadBalancerGroup);
  const metadata = pulumi
    .all([lb.alb.dnsName, auth.issuer])
    .apply(([dns, issuer]) => protectedResourceMetadata(serverUrl(server, config.ingress, dns, loadBalancerGroup), issuer, self.serverName));
  return new aws.lb.ListenerRule(
    `${self.serverName}-rule-discovery`,
    {
      listenerArn: lb.routingListener.arn,
      priority: discoveryPriority(priority),
      conditions: discoveryConditions(server.route),
      actions: [{ type: "fixed-response", fixedResponse: { contentType: "application/json", statusCode: "200", messageBody: metadata } }],
    },
    { parent: self },
  );
}
