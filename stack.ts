import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Alerting } from "./components/alerting";
import { Auth } from "./components/auth";
import { Backup } from "./components/backup";
import { Storage } from "./components/storage";
import { createAlarm } from "./components/alarms";
import { Dashboards } from "./components/dashboards";
import { Edge } from "./components/edge";
import { DatabaseHost } from "./components/databaseHost";
import { Logs } from "./components/logs";
import { McpServer } from "./components/mcpServer";
import { Network } from "./components/network";
import { Platform } from "./components/platform";
import { StackSecrets } from "./components/secrets";
import type { LoadedConfig } from "./config/load";
import { alarmSpecsFor, loadBalancerAlarmSpecs } from "./decisions/alarms";
import { clientsOf, resourceServerScopes } from "./decisions/auth";
import type { AuthClient } from "./components/auth";
import { restoreCommand, volumeCoverage, volumesOf, volumesOfServer, type VolumeCoverage } from "./decisions/backup";
import { dependencyOrder } from "./decisions/dependencies";
import { exposureOf, listenerPortsOf } from "./decisions/exposure";
import { PROBE_CLIENT, probedServers, probeScopeOf, probeSettingsFor } from "./decisions/probe";
import { Probe } from "./components/probe";
import { runsOnHost } from "./decisions/deploy";
import { ebsRestoreCommand } from "./decisions/host";
import { protectionFor } from "./decisions/protection";
import { listenerRulePriorities, serverUrl } from "./decisions/routing";
import { assignLoadBalancers, groupHost, MAIN_GROUP, type Assignment } from "./decisions/loadBalancers";
import { rateRuleNames, webAclName } from "./decisions/waf";

export interface StackOutputs {
  /** The main load balancer's; `loadBalancers` has every one by group. */
  albDnsName: pulumi.Output<string>;
  loadBalancers: Record<string, pulumi.Output<string>>;
  clusterName: pulumi.Output<string>;
  servers: Record<
    string,
    {
      url?: pulumi.Output<string>;
      /** The load balancer group carrying its route; read back by the next deploy so that the server stays there. */
      loadBalancer?: string;
      serviceName: pulumi.Output<string>;
      logGroupName: pulumi.Output<string>;
      dashboardUrl: pulumi.Output<string>;
      taskDefinition: pulumi.Output<string>;
    }
  >;
  dashboardUrl: pulumi.Output<string>;
  /** Per volume (`server:/path`): what a later deploy must not replace. Read back by program.ts before each deploy. */
  volumes: Record<string, DeployedVolumeOutput>;
  backupVaultName?: pulumi.Output<string>;
  backupRoleArn?: pulumi.Output<string>;
  privateSubnetIds: pulumi.Output<string[]>;
  /** With ingress.auth: cognito: where machine clients get tokens (client credentials) and who issues them. */
  auth?: { issuer: pulumi.Output<string>; tokenUrl: pulumi.Output<string>; clients: Record<string, AuthClient> };
  /** The recovery targets and, per volume, the rules that cover it and the RPO/RTO they achieve. */
  recovery: { rpoMinutes: number; rtoMinutes: number; volumes: Record<string, Omit<VolumeCoverage, "volume">> };
}

export interface DeployedVolumeOutput {
  type: "efs" | "ebs";
  /** EFS volumes. */
  fileSystemId?: pulumi.Output<string>;
  accessPointId?: pulumi.Output<string>;
  performanceMode?: string;
  /** EBS volumes. */
  volumeId?: pulumi.Output<string>;
  backup: boolean;
  /**
   * What the restore runbook (README) runs. EFS: the server's restore task, its network and the command. EBS: the
   * command for the host (SSM Run Command), found by its Auto Scaling group.
   */
  restore: {
    command: string[];
    serviceName: pulumi.Output<string>;
    minTasks: number;
    taskDefinition?: pulumi.Output<string>;
    securityGroupId?: pulumi.Output<string>;
    autoScalingGroupName?: pulumi.Output<string>;
  };
}

/** Builds the whole MCP stack from a validated config. `pulumi up`, the tests and the offline plan all come through here. */
export function buildStack({ config, region, stack, secretValues }: LoadedConfig, assignment: Assignment = assignLoadBalancers(config)): StackOutputs {
  const protection = protectionFor(config.environment);
  const provider = new aws.Provider("aws", {
    region: region as aws.Region,
    defaultTags: { tags: { "mcp-stack:stack": stack, "mcp-stack:environment": config.environment, "managed-by": "pulumi" } },
  });
  const opts = { providers: [provider] };
  const accountId = aws.getCallerIdentityOutput({}, { provider }).accountId;

  const enabled = Object.entries(config.servers).filter(([, s]) => s.enabled);
  const network = new Network("network", { network: config.network }, opts);

  const groupOf = (name: string) => assignment.groupOf[name] ?? MAIN_GROUP;
  // Per load balancer, the names to point at it: its domain host, and its servers' host routes.
  const loadBalancers = assignment.groups.map((g) => ({
    name: g.name,
    hostNames: [...new Set([...(config.ingress.domain ? [groupHost(g.name, config.ingress.domain)] : []), ...g.servers.flatMap((s) => (config.servers[s].route?.host ? [config.servers[s].route!.host!] : []))])],
  }));
  const urlOf = (name: string) => {
    const group = groupOf(name);
    return platform.loadBalancerOf(group).alb.dnsName.apply((dns) => serverUrl(config.servers[name], config.ingress, dns, group));
  };
  const platform = new Platform(
    "platform",
    {
      stack,
      containerInsights: config.alerts.containerInsights,
      region,
      accountId,
      ingress: config.ingress,
      protection,
      vpcId: network.vpcId,
      publicSubnetIds: network.publicSubnetIds,
      privateSubnetIds: network.privateSubnetIds,
      exposure: exposureOf(config),
      loadBalancers,
    },
    opts,
  );

  const secretNames = [...new Set(enabled.flatMap(([, s]) => s.secrets))].sort();
  const secrets = new StackSecrets(
    "secrets",
    { stack, names: secretNames, namesWithValues: Object.keys(config.secretValues), values: secretValues, protection },
    opts,
  );

  const alerting = new Alerting("alerting", { stack, notify: config.alerts.notify, accountId }, opts);
  const logs = new Logs("logs", { stack, region, accountId, protection }, opts);

  const probe = probeSettingsFor(config);
  const probed = probedServers(config);
  // The probe's own client asks for exactly the scope of each route it probes.
  const probeClient: Record<string, string[]> =
    probe.enabled && config.ingress.auth === "cognito" ? { [PROBE_CLIENT]: [...new Set(probed.map(([name, server]) => probeScopeOf(config, name, server)!))].sort() } : {};
  const auth =
    config.ingress.auth === "cognito"
      ? new Auth("auth", { stack, region, accountId, domainPrefix: config.ingress.authDomainPrefix, protection, scopes: resourceServerScopes(config), clients: { ...clientsOf(config), ...probeClient } }, opts)
      : undefined;

  const volumes = volumesOf(config);
  const replicaRegion = config.backup.replication?.region;
  const storage = volumes.length ? new Storage("storage", { stack, accountId, protection, replicaRegion }, opts) : undefined;
  const backup = volumes.some((v) => v.backup) ? new Backup("backup", { stack, config, accountId, protection, topics: alerting.topics }, opts) : undefined;
  const subnetCount = config.network.availabilityZones ?? config.network.privateSubnetIds!.length;

  // Servers whose volumes are EBS get their EC2 host first: the cluster's capacity providers must list it before any service.
  const hosts = new Map<string, DatabaseHost>();
  for (const [name, server] of enabled.filter(([, s]) => runsOnHost(s))) {
    hosts.set(
      name,
      new DatabaseHost(
        `${name}-host`,
        { stack, region, accountId, server, volumes: volumesOfServer(name, server), clusterName: platform.cluster.name, vpcId: network.vpcId, privateSubnetIds: network.privateSubnetIds, kmsKeyArn: storage!.key.arn, protection },
        opts,
      ),
    );
  }
  platform.attachCapacityProviders([...hosts.values()].map((h) => h.capacityProvider.name));

  const deps = dependencyOrder(config.servers);
  if ("cycle" in deps) throw new Error(`dependency cycle ${deps.cycle.join(" → ")}`); // config validation rejects this first
  const priorities = listenerRulePriorities(config.servers);
  const built = new Map<string, McpServer>();
  for (const name of deps.order) {
    const server = config.servers[name];
    built.set(
      name,
      new McpServer(
        name,
        {
          stack,
          region,
          accountId,
          server,
          config,
          protection,
          platform,
          vpcId: network.vpcId,
          privateSubnetIds: network.privateSubnetIds,
          secretArns: secrets.arns,
          dependencies: server.dependsOn.map((dep) => built.get(dep)!),
          rulePriority: priorities.get(name),
          alarms: alarmSpecsFor(name, server, config.alerts, probe.enabled && probed.some(([p]) => p === name) ? probe.everyMinutes : undefined),
          topics: alerting.topics,
          volumes: volumesOfServer(name, server),
          storageKeyArn: storage?.key.arn ?? "",
          subnetCount,
          replica: replicaRegion && storage?.replicaKey ? { region: replicaRegion, kmsKeyArn: storage.replicaKey.arn } : undefined,
          auth: auth ? { issuer: auth.issuer, jwksUrl: auth.jwksUrl } : undefined,
          host: hosts.get(name),
          logKeyArn: logs.key.arn,
          loadBalancerGroup: groupOf(name),
        },
        opts,
      ),
    );
  }

  // The stack-wide load balancer alarms, per ALB: main's keep their names, another's carry its group (alb-5xx-lb2).
  for (const [group, lb] of platform.loadBalancers) {
    for (const spec of loadBalancerAlarmSpecs(config.alerts)) {
      const key = group === MAIN_GROUP ? spec.key : `${spec.key}-${group}`;
      createAlarm({ ...spec, key, summary: group === MAIN_GROUP ? spec.summary : `${spec.summary} (load balancer ${group})` }, { stack, owner: "alerting", scope: { loadBalancer: lb.alb.arnSuffix, cluster: platform.cluster.name }, topics: alerting.topics, parent: alerting });
    }
  }
  if (config.ingress.waf.enabled) {
    new Edge("edge", { stack, config, loadBalancerArns: Object.fromEntries([...platform.loadBalancers].map(([group, lb]) => [group, lb.alb.arn])), protection }, opts);
  }
  if (probe.enabled) {
    const client = auth?.clients[PROBE_CLIENT];
    new Probe(
      "probe",
      {
        stack,
        region,
        accountId,
        protection,
        everyMinutes: probe.everyMinutes,
        targets: probed.map(([name, server]) => ({ server: name, url: urlOf(name), scope: probeScopeOf(config, name, server) })),
        credentials: auth && client ? { tokenUrl: auth.tokenUrl, clientId: client.clientId, clientSecret: client.clientSecret } : undefined,
        vpc: probe.inVpc
          ? {
              vpcId: network.vpcId,
              subnetIds: network.privateSubnetIds,
              internalAlb: config.ingress.internal ? { securityGroupId: platform.albSecurityGroup.id, port: listenerPortsOf(config.ingress)[0] } : undefined,
            }
          : undefined,
        logKeyArn: logs.key.arn,
      },
      opts,
    );
  }
  const dashboards = new Dashboards(
    "dashboards",
    {
      stack,
      region,
      platform,
      servers: [...built.values()],
      waf: config.ingress.waf.enabled ? { webAcl: webAclName(stack), rateRules: rateRuleNames(config) } : undefined, probed: probe.enabled ? probed.map(([name]) => name) : [],
      containerInsights: config.alerts.containerInsights,
    },
    opts,
  );

  const servers: StackOutputs["servers"] = {};
  for (const [name, component] of [...built].sort(([a], [b]) => a.localeCompare(b))) {
    const server = config.servers[name];
    servers[name] = {
      url: server.route ? urlOf(name) : undefined,
      loadBalancer: server.route ? groupOf(name) : undefined,
      serviceName: component.service.name,
      logGroupName: component.logGroup.name,
      dashboardUrl: dashboards.serverUrls[name],
      // What this deploy set: mcp-ops status flags a service running anything else (a rollback, a manual change).
      taskDefinition: component.service.taskDefinition as pulumi.Output<string>,
    };
  }
  const volumeOutputs: StackOutputs["volumes"] = {};
  for (const component of built.values()) {
    const service = { serviceName: component.service.name, minTasks: config.servers[component.serverName].scaling.min };
    for (const v of component.volumes) {
      volumeOutputs[v.spec.id] = {
        type: "efs",
        fileSystemId: v.fileSystem.id,
        accessPointId: v.accessPoint.id,
        performanceMode: v.spec.performanceMode,
        backup: v.spec.backup,
        restore: { ...service, taskDefinition: component.restoreTask!.family, securityGroupId: component.securityGroup.id, command: restoreCommand(v.spec) },
      };
    }
    for (const v of component.hostedVolumes) {
      volumeOutputs[v.spec.id] = {
        type: "ebs",
        volumeId: v.volume.id,
        backup: v.spec.backup,
        restore: { ...service, autoScalingGroupName: hosts.get(component.serverName)!.autoScalingGroup.name, command: ebsRestoreCommand(v.spec, region) },
      };
    }
  }
  return {
    albDnsName: platform.alb.dnsName,
    loadBalancers: Object.fromEntries([...platform.loadBalancers].map(([group, lb]) => [group, lb.alb.dnsName])),
    clusterName: platform.cluster.name,
    dashboardUrl: dashboards.overviewUrl,
    servers,
    volumes: volumeOutputs,
    privateSubnetIds: network.privateSubnetIds,
    // Absent, not undefined: Pulumi warns about undefined stack outputs.
    ...(backup ? { backupVaultName: backup.vault.name, backupRoleArn: backup.role.arn } : {}),
    ...(auth ? { auth: { issuer: auth.issuer, tokenUrl: auth.tokenUrl, clients: auth.clients } } : {}),
    recovery: {
      rpoMinutes: config.backup.rpoMinutes,
      rtoMinutes: config.backup.rtoMinutes,
      volumes: Object.fromEntries(volumeCoverage(config).map(({ volume, ...coverage }) => [volume.id, coverage])),
    },
  };
}
