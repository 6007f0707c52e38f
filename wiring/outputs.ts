import type * as pulumi from "@pulumi/pulumi";
import type { Dashboards } from "../components/dashboards";
import type { DatabaseHost, HostedVolume } from "../components/databaseHost";
import type { McpServer } from "../components/mcpServer";
import type { Network } from "../components/network";
import type { MountedVolume } from "../components/volumes";
import type { Platform } from "../components/platform";
import { restoreCommand, volumeCoverage } from "../decisions/backup";
import { ebsRestoreCommand } from "../decisions/host";
import { isRouted } from "../decisions/routed";
import type { StackContext } from "./context";
import type { SharedServices } from "./foundation";
import type { StackOutputs } from "./outputTypes";
import { serverUrlOf } from "./servers";

/** Per server: its URL and load balancer, service, log group, dashboard and the task definition this deploy set. */
function serverOutputs(ctx: StackContext, platform: Platform, built: Map<string, McpServer>, dashboards: Dashboards): StackOutputs["servers"] {
  const servers: StackOutputs["servers"] = {};
  for (const [name, component] of [...built].sort(([a], [b]) => a.localeCompare(b))) {
    const server = ctx.config.servers[name];
    servers[name] = {
      url: isRouted(server) ? serverUrlOf(ctx, platform, name, server) : undefined,
      loadBalancer: isRouted(server) ? ctx.groupOf(name) : undefined,
      serviceName: component.service.name,
      logGroupName: component.logGroup.name,
      dashboardUrl: dashboards.serverUrls[name],
      // What this deploy set: mcp-ops status flags a service running anything else (a rollback, a manual change).
      taskDefinition: component.service.taskDefinition as pulumi.Output<string>,
    };
  }
  return servers;
}

/** Per volume: what a later deploy must not replace (program.ts reads it back) and how the runbook restores it. */
function volumeOutputs(ctx: StackContext, built: Map<string, McpServer>): StackOutputs["volumes"] {
  const volumes: StackOutputs["volumes"] = {};
  for (const component of built.values()) {
    const service = { serviceName: component.service.name, minTasks: ctx.config.servers[component.serverName].scaling.min };
    const { restoreTask, host } = component;
    // Every server with EFS volumes has its restore task (components/volumes.ts); one with EBS volumes, its host.
    if (restoreTask) for (const v of component.volumes) volumes[v.spec.id] = efsOutput(v, { ...service, taskDefinition: restoreTask.family, securityGroupId: component.securityGroup.id });
    if (host) for (const v of host.volumes) volumes[v.spec.id] = ebsOutput(v, { ...service, autoScalingGroupName: host.autoScalingGroup.name }, ctx.deploy.region);
  }
  return volumes;
}

type VolumeOutput = StackOutputs["volumes"][string];
type Restore = Omit<VolumeOutput["restore"], "command">;

const efsOutput = (v: MountedVolume, restore: Restore): VolumeOutput => ({
  type: "efs",
  fileSystemId: v.fileSystem.id,
  accessPointId: v.accessPoint.id,
  performanceMode: v.spec.performanceMode,
  backup: v.spec.backup,
  restore: { ...restore, command: restoreCommand(v.spec) },
});

const ebsOutput = (v: HostedVolume, restore: Restore, region: string): VolumeOutput => ({
  type: "ebs",
  volumeId: v.volume.id,
  backup: v.spec.backup,
  restore: { ...restore, command: ebsRestoreCommand(v.spec, region) },
});

export interface BuiltStack {
  network: Network;
  platform: Platform;
  shared: SharedServices;
  hosts: Map<string, DatabaseHost>;
  servers: Map<string, McpServer>;
  dashboards: Dashboards;
}

/** The stack's outputs: what operators, mcp-ops and the next deploy read. */
export function stackOutputs(ctx: StackContext, { network, platform, shared, hosts, servers, dashboards }: BuiltStack): StackOutputs {
  const { backup, auth } = shared;
  return {
    albDnsName: platform.alb.dnsName,
    loadBalancers: Object.fromEntries([...platform.loadBalancers].map(([group, lb]) => [group, lb.alb.dnsName])),
    clusterName: platform.cluster.name,
    dashboardUrl: dashboards.overviewUrl,
    servers: serverOutputs(ctx, platform, servers, dashboards),
    volumes: volumeOutputs(ctx, servers),
    privateSubnetIds: network.privateSubnetIds,
    // Absent, not undefined: Pulumi warns about undefined stack outputs.
    ...(backup ? { backupVaultName: backup.vault.name, backupRoleArn: backup.role.arn } : {}),
    ...(auth ? { auth: { issuer: auth.issuer, tokenUrl: auth.tokenUrl, clients: auth.clients } } : {}),
    recovery: {
      rpoMinutes: ctx.config.backup.rpoMinutes,
      rtoMinutes: ctx.config.backup.rtoMinutes,
      volumes: Object.fromEntries(volumeCoverage(ctx.config).map(({ volume, ...coverage }) => [volume.id, coverage])),
    },
  };
}
