import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dashboardGroups, dashboardNameOf, stackDashboard, type ServerPanel, type WafPanel } from "../decisions/dashboards";
import type { McpServer } from "./mcpServer";
import type { Platform } from "./platform";
import type { DeployContext } from "./context";
import { COMPONENT } from "../decisions/resourceTypes";

export interface DashboardsArgs extends Pick<DeployContext, "stack" | "region"> {
  platform: Platform;
  servers: McpServer[];
  waf?: WafPanel;
  /** The servers the MCP probe checks. */
  probed: string[];
  containerInsights: boolean;
}

export const dashboardUrl = (region: string, name: pulumi.Input<string>) =>
  pulumi.interpolate`https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${name}`;

/** The on-call view: one dashboard per 20 servers, each with the servers' status rows on top and their details below. */
export class Dashboards extends pulumi.ComponentResource {
  readonly overviewUrl: pulumi.Output<string>;
  readonly serverUrls: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.dashboards, name, {}, opts);
    const { platform, stack, region } = args;
    const panelOf = (s: McpServer) =>
      pulumi
        .all([pulumi.all([s.healthAlarm.arn, ...s.alarms.map((a) => a.arn)]), platform.loadBalancerOf(s.loadBalancerGroup).alb.arnSuffix, platform.cluster.name, s.service.name, s.targetGroup?.arnSuffix])
        .apply(([alarmArns, loadBalancer, cluster, service, targetGroup]): ServerPanel => ({
          name: s.serverName,
          containerInsights: args.containerInsights,
          internal: !s.targetGroup,
          probed: args.probed.includes(s.serverName),
          alarmArns,
          scope: { loadBalancer, cluster, service, targetGroup, stack, server: s.serverName },
        }));

    const urls = dashboardGroups(args.servers).map((group, i) => {
      const dashboard = new aws.cloudwatch.Dashboard(
        // The first keeps the overview's logical name and dashboard name: an existing stack updates it in place.
        i === 0 ? `${name}-overview` : `${name}-overview-${i + 1}`,
        {
          dashboardName: dashboardNameOf(stack, i),
          dashboardBody: pulumi.all(group.map(panelOf)).apply((panels) => JSON.stringify(stackDashboard(stack, region, panels, i === 0 ? args.waf : undefined))),
        },
        { parent: this },
      );
      const url = dashboardUrl(region, dashboard.dashboardName);
      for (const server of group) this.serverUrls[server.serverName] = url;
      return url;
    });
    this.overviewUrl = urls[0];
    this.registerOutputs({ overviewUrl: this.overviewUrl });
  }
}
