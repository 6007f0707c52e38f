import { createAlarm } from "../components/alarms";
import { Dashboards } from "../components/dashboards";
import { Edge } from "../components/edge";
import type { McpServer } from "../components/mcpServer";
import type { Network } from "../components/network";
import type { Platform } from "../components/platform";
import { Probe } from "../components/probe";
import { loadBalancerAlarmSpecs } from "../decisions/alarms";
import { listenerPortsOf } from "../decisions/exposure";
import { MAIN_GROUP } from "../decisions/loadBalancers";
import { PROBE_CLIENT, probedServers, probeScopeOf, probeSettingsFor } from "../decisions/probe";
import { rateRuleNames, webAclName } from "../decisions/waf";
import type { StackContext } from "./context";
import type { SharedServices } from "./foundation";
import { serverUrlOf } from "./servers";
import { STACK_COMPONENT } from "../decisions/names";

/** The stack-wide load balancer alarms, per ALB: main's keep their names, another's carry its group (alb-5xx-lb2). */
export function createLoadBalancerAlarms(ctx: StackContext, platform: Platform, alerting: SharedServices["alerting"]): void {
  for (const [group, lb] of platform.loadBalancers) {
    for (const spec of loadBalancerAlarmSpecs(ctx.config.alerts)) {
      const key = group === MAIN_GROUP ? spec.key : `${spec.key}-${group}`;
      const summary = group === MAIN_GROUP ? spec.summary : `${spec.summary} (load balancer ${group})`;
      createAlarm({ ...spec, key, summary }, { stack: ctx.deploy.stack, owner: STACK_COMPONENT.alerting, scope: { loadBalancer: lb.alb.arnSuffix, cluster: platform.cluster.name }, topics: alerting.topics, parent: alerting });
    }
  }
}

/** The WAF in front of every load balancer, when the stack has one (ingress.waf.enabled). */
export function createEdge(ctx: StackContext, platform: Platform): void {
  if (!ctx.config.ingress.waf.enabled) return;
  const loadBalancerArns = Object.fromEntries([...platform.loadBalancers].map(([group, lb]) => [group, lb.alb.arn]));
  new Edge(STACK_COMPONENT.edge, { ...ctx.deploy, config: ctx.config, loadBalancerArns }, ctx.opts);
}

/** The MCP probe of every public, unpaused server, through its real URL. */
export function createProbe(ctx: StackContext, platform: Platform, network: Network, shared: SharedServices): void {
  const { config } = ctx;
  const probe = probeSettingsFor(config);
  if (!probe.enabled) return;
  const client = shared.auth?.clients[PROBE_CLIENT];
  new Probe(
    STACK_COMPONENT.probe,
    {
      ...ctx.deploy,
      everyMinutes: probe.everyMinutes,
      targets: probedServers(config).map(([name, server]) => ({ server: name, url: serverUrlOf(ctx, platform, name, server), scope: probeScopeOf(config, name, server) })),
      credentials: shared.auth && client ? { tokenUrl: shared.auth.tokenUrl, clientId: client.clientId, clientSecret: client.clientSecret } : undefined,
      vpc: probe.inVpc
        ? {
            vpcId: network.vpcId,
            subnetIds: network.privateSubnetIds,
            internalAlb: config.ingress.internal ? { securityGroupId: platform.albSecurityGroup.id, port: listenerPortsOf(config.ingress)[0] } : undefined,
          }
        : undefined,
      logKeyArn: shared.logs.key.arn,
    },
    ctx.opts,
  );
}

/** The on-call dashboards of the servers. */
export function createDashboards(ctx: StackContext, platform: Platform, servers: McpServer[]): Dashboards {
  const { config } = ctx;
  const { stack } = ctx.deploy;
  const probe = probeSettingsFor(config);
  return new Dashboards(
    STACK_COMPONENT.dashboards,
    {
      ...ctx.deploy,
      platform,
      servers,
      waf: config.ingress.waf.enabled ? { webAcl: webAclName(stack), rateRules: rateRuleNames(config) } : undefined,
      probed: probe.enabled ? probedServers(config).map(([name]) => name) : [],
      containerInsights: config.alerts.containerInsights,
    },
    ctx.opts,
  );
}
