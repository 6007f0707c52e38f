import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { overviewDashboard, serverDashboard, type ServerPanel, type WafPanel } from "../decisions/dashboards";
import type { McpServer } from "./mcpServer";
import type { Platform } from "./platform";

export interface DashboardsArgs {
  stack: string;
  region: string;
  platform: Platform;
  servers: McpServer[];
  waf?: WafPanel;
  /** The servers the MCP probe checks. */
  probed: string[];
}

export const dashboardUrl = (region: string, name: pulumi.Input<string>) =>
  pulumi.interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${name}`;

/** The on-call views: one overview of the stack and one detail dashboard per server. */
export class Dashboards extends pulumi.ComponentResource {
  readonly overviewUrl: pulumi.Output<string>;
  readonly serverUrls: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-stack:index:Dashboards", name, {}, opts);
    const { platform, stack, region } = args;
    const panels = args.servers.map((s) =>
      pulumi
        .all([pulumi.all([s.healthAlarm.arn, ...s.alarms.map((a) => a.arn)]), platform.alb.arnSuffix, platform.cluster.name, s.service.name, s.targetGroup?.arnSuffix])
        .apply(([alarmArns, loadBalancer, cluster, service, targetGroup]): ServerPanel => ({
          name: s.serverName,
          internal: !s.targetGroup,
          probed: args.probed.includes(s.serverName),
          alarmArns,
          scope: { loadBalancer, cluster, service, targetGroup, stack, server: s.serverName },
        })),
    );

    const overview = new aws.cloudwatch.Dashboard(
      `${name}-overview`,
      { dashboardName: `mcp-${stack}-overview`, dashboardBody: pulumi.all(panels).apply((p) => JSON.stringify(overviewDashboard(stack, region, p, args.waf))) },
      { parent: this },
    );
    this.overviewUrl = dashboardUrl(region, overview.dashboardName);
    args.servers.forEach((server, i) => {
      const dashboard = new aws.cloudwatch.Dashboard(
        `${name}-${server.serverName}`,
        { dashboardName: `mcp-${stack}-${server.serverName}`, dashboardBody: panels[i].apply((p) => JSON.stringify(serverDashboard(stack, region, p))) },
        { parent: this },
      );
      this.serverUrls[server.serverName] = dashboardUrl(region, dashboard.dashboardName);
    });
    this.registerOutputs({ overviewUrl: this.overviewUrl });
  }
}
