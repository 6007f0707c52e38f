import { Alerting } from "../components/alerting";
import { Auth } from "../components/auth";
import { Backup } from "../components/backup";
import { Logs } from "../components/logs";
import type { Network } from "../components/network";
import { Platform } from "../components/platform";
import { StackSecrets } from "../components/secrets";
import { Storage } from "../components/storage";
import { clientsOf, resourceServerScopes } from "../decisions/auth";
import { volumesOf } from "../decisions/backup";
import { exposureOf } from "../decisions/exposure";
import { groupHost } from "../decisions/loadBalancers";
import { PROBE_CLIENT, probedServers, probeScopeOf, probeSettingsFor } from "../decisions/probe";
import type { StackContext } from "./context";
import { STACK_COMPONENT } from "../decisions/names";

/** The cluster, the namespace and the load balancers, each with the host names to point at it. */
export function createPlatform(ctx: StackContext, network: Network): Platform {
  const { config } = ctx;
  // Per load balancer, the names to point at it: its domain host, and its servers' host routes.
  const loadBalancers = ctx.assignment.groups.map((g) => ({
    name: g.name,
    hostNames: [...new Set([...(config.ingress.domain ? [groupHost(g.name, config.ingress.domain)] : []), ...g.servers.flatMap((s) => config.servers[s].route?.host ?? [])])],
  }));
  return new Platform(
    STACK_COMPONENT.platform,
    {
      ...ctx.deploy,
      containerInsights: config.alerts.containerInsights,
      ingress: config.ingress,
      vpcId: network.vpcId,
      publicSubnetIds: network.publicSubnetIds,
      privateSubnetIds: network.privateSubnetIds,
      exposure: exposureOf(config),
      loadBalancers,
    },
    ctx.opts,
  );
}

/** What the servers share: secrets, alert topics, the log key, Cognito, the volume key and backups. */
export function createSharedServices(ctx: StackContext) {
  const { config, deploy, opts } = ctx;
  const secretNames = [...new Set(ctx.enabled.flatMap(([, s]) => s.secrets))].sort();
  const secrets = new StackSecrets(STACK_COMPONENT.secrets, { ...deploy, names: secretNames, namesWithValues: Object.keys(config.secretValues), values: ctx.secretValues }, opts);
  const alerting = new Alerting(STACK_COMPONENT.alerting, { ...deploy, notify: config.alerts.notify }, opts);
  const logs = new Logs(STACK_COMPONENT.logs, deploy, opts);
  const volumes = volumesOf(config);
  const replicaRegion = config.backup.replication?.region;
  const storage = volumes.length ? new Storage(STACK_COMPONENT.storage, { ...deploy, replicaRegion }, opts) : undefined;
  const backup = volumes.some((v) => v.backup) ? new Backup(STACK_COMPONENT.backup, { ...deploy, config, topics: alerting.topics }, opts) : undefined;
  return { secrets, alerting, logs, auth: createAuth(ctx), storage, backup, replicaRegion };
}

export type SharedServices = ReturnType<typeof createSharedServices>;

/** With ingress.auth: cognito, the user pool; the probe's own client asks for exactly the scope of each route it probes. */
function createAuth(ctx: StackContext): Auth | undefined {
  const { config } = ctx;
  if (config.ingress.auth !== "cognito") return undefined;
  const probe = probeSettingsFor(config);
  const probeClient: Record<string, string[]> = probe.enabled ? { [PROBE_CLIENT]: [...new Set(probedServers(config).flatMap(([name, server]) => probeScopeOf(config, name, server) ?? []))].sort() } : {};
  return new Auth(
    STACK_COMPONENT.auth,
    { ...ctx.deploy, domainPrefix: config.ingress.authDomainPrefix, scopes: resourceServerScopes(config), clients: { ...clientsOf(config), ...probeClient } },
    ctx.opts,
  );
}
