import { Network } from "./components/network";
import type { LoadedConfig } from "./config/load";
import { assignLoadBalancers, type Assignment } from "./decisions/loadBalancers";
import { stackContext } from "./wiring/context";
import { createPlatform, createSharedServices } from "./wiring/foundation";
import { stackOutputs } from "./wiring/outputs";
import type { StackOutputs } from "./wiring/outputTypes";
import { createDatabaseHosts, createServers } from "./wiring/servers";
import { createDashboards, createEdge, createLoadBalancerAlarms, createProbe } from "./wiring/watch";
import { STACK_COMPONENT } from "./decisions/names";

export type { DeployedVolumeOutput, StackOutputs } from "./wiring/outputTypes";

/**
 * Builds the whole MCP stack from a validated config. `pulumi up`, the tests and the offline plan all come through
 * here. Each step is in wiring/: the network, the platform and what the servers share, the database hosts, the
 * servers, what watches them, and the outputs.
 */
export function buildStack(loaded: LoadedConfig, assignment: Assignment = assignLoadBalancers(loaded.config)): StackOutputs {
  const ctx = stackContext(loaded, assignment);
  const network = new Network(STACK_COMPONENT.network, { network: ctx.config.network }, ctx.opts);
  const platform = createPlatform(ctx, network);
  const shared = createSharedServices(ctx);
  const hosts = createDatabaseHosts(ctx, platform, network, shared.storage);
  const servers = createServers(ctx, platform, network, shared, hosts);
  createLoadBalancerAlarms(ctx, platform, shared.alerting);
  createEdge(ctx, platform);
  createProbe(ctx, platform, network, shared);
  const dashboards = createDashboards(ctx, platform, [...servers.values()]);
  return stackOutputs(ctx, { network, platform, shared, hosts, servers, dashboards });
}
