import type * as pulumi from "@pulumi/pulumi";
import { DatabaseHost } from "../components/databaseHost";
import { McpServer } from "../components/mcpServer";
import type { Network } from "../components/network";
import type { Platform } from "../components/platform";
import { alarmSpecsFor } from "../decisions/serverAlarms";
import { volumesOfServer } from "../decisions/backup";
import { dependencyOrder } from "../decisions/dependencies";
import { runsOnHost } from "../decisions/deploy";
import { probedServers, probeSettingsFor } from "../decisions/probe";
import type { RoutedServer } from "../decisions/routed";
import { listenerRulePriorities, serverUrl } from "../decisions/routing";
import type { StackContext } from "./context";
import type { SharedServices } from "./foundation";
import { childName } from "../decisions/names";
import { pinnedImage } from "../components/images";
import { RESTORE_IMAGE } from "../components/volumes";

/** Servers whose volumes are EBS get their EC2 host first: the cluster's capacity providers must list it before any service. */
export function createDatabaseHosts(ctx: StackContext, platform: Platform, network: Network, storage: SharedServices["storage"]): Map<string, DatabaseHost> {
  const hosts = new Map<string, DatabaseHost>();
  for (const [name, server] of ctx.enabled.filter(([, s]) => runsOnHost(s))) {
    // A server with volumes means the stack has its storage key (wiring/foundation.ts).
    if (!storage) throw new Error(`internal error: ${name} has EBS volumes but the stack has no storage key`);
    hosts.set(
      name,
      new DatabaseHost(
        childName.host(name),
        { ...ctx.deploy, server, volumes: volumesOfServer(name, server), clusterName: platform.cluster.name, vpcId: network.vpcId, privateSubnetIds: network.privateSubnetIds, kmsKeyArn: storage.key.arn },
        ctx.opts,
      ),
    );
  }
  platform.attachCapacityProviders([...hosts.values()].map((h) => h.capacityProvider.name));
  return hosts;
}

/** Every enabled server, in dependency order (a server opens its way into the servers it depends on, built before it). */
export function createServers(ctx: StackContext, platform: Platform, network: Network, shared: SharedServices, hosts: Map<string, DatabaseHost>): Map<string, McpServer> {
  const { config } = ctx;
  const deps = dependencyOrder(config.servers);
  if ("cycle" in deps) throw new Error(`dependency cycle ${deps.cycle.join(" → ")}`); // config validation rejects this first
  const priorities = listenerRulePriorities(config.servers);
  const probe = probeSettingsFor(config);
  const probed = new Set(probedServers(config).map(([name]) => name));
  const { storage, replicaRegion, auth } = shared;
  const utilityImage = pinnedImage(RESTORE_IMAGE, ctx.deploy.protection.imagesByDigest, platform);
  const serverNetwork = {
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
    subnetCount: config.network.vpcId === undefined ? config.network.availabilityZones : config.network.privateSubnetIds.length,
  };
  const built = new Map<string, McpServer>();
  for (const name of deps.order) {
    const server = config.servers[name];
    const args = {
      ...ctx.deploy,
      server,
      config,
      platform,
      network: serverNetwork,
      secretArns: shared.secrets.arns,
      dependencies: server.dependsOn.flatMap((dep) => built.get(dep) ?? []),
      rulePriority: priorities.get(name),
      alarms: { specs: alarmSpecsFor(name, server, config.alerts, probe.enabled && probed.has(name) ? probe.everyMinutes : undefined), topics: shared.alerting.topics },
      storage: {
        volumes: volumesOfServer(name, server),
        keyArn: storage?.key.arn ?? "",
        replica: replicaRegion && storage?.replicaKey ? { region: replicaRegion, kmsKeyArn: storage.replicaKey.arn } : undefined,
      },
      auth: auth ? { issuer: auth.issuer, jwksUrl: auth.jwksUrl } : undefined,
      host: hosts.get(name),
      logKeyArn: shared.logs.key.arn,
      utilityImage,
      loadBalancerGroup: ctx.groupOf(name),
    };
    built.set(name, new McpServer(name, args, ctx.opts));
  }
  return built;
}

/** A routed server's URL: on its load balancer's host (or its own host route). */
export function serverUrlOf(ctx: StackContext, platform: Platform, name: string, server: RoutedServer): pulumi.Output<string> {
  const group = ctx.groupOf(name);
  return platform.loadBalancerOf(group).alb.dnsName.apply((dns) => serverUrl(server, ctx.config.ingress, dns, group));
}
