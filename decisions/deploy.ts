import type { ServerConfig, ServerShape } from "../config/schema";

export interface DeploymentSettings {
  /** Keep full capacity during a rollout (new tasks start before old ones stop), except for single-writer stores. */
  minimumHealthyPercent: number;
  maximumPercent: number;
  circuitBreaker: { enable: boolean; rollback: boolean };
  /** Only meaningful with a load balancer. */
  healthCheckGracePeriodSeconds?: number;
  capacityProviderStrategy: CapacityShare[];
}

export interface CapacityShare {
  capacityProvider: "FARGATE" | "FARGATE_SPOT";
  weight: number;
  base?: number;
}

/** A server whose volumes are EBS runs on its own EC2 host (decisions/host.ts), not on Fargate. */
export const runsOnHost = (server: Pick<ServerShape, "volumes">) => Object.values(server.volumes).some((v) => v.type === "ebs");

export function deploymentSettingsFor(server: ServerConfig): DeploymentSettings {
  // One writer per store: the old task stops before the new one starts (a database never opens its store twice).
  const singleWriter = runsOnHost(server);
  return {
    minimumHealthyPercent: singleWriter ? 0 : 100,
    maximumPercent: singleWriter ? 100 : 200,
    circuitBreaker: { enable: true, rollback: true },
    healthCheckGracePeriodSeconds: server.internal ? undefined : server.healthCheck.gracePeriodSeconds,
    capacityProviderStrategy: fargateCapacityFor(server),
  };
}

/**
 * Where a Fargate server's tasks run. ECS places `base` tasks on its provider first and splits the rest by weight
 * (ECS developer guide, "Capacity provider strategies"); FARGATE with weight 0 takes only its base.
 */
export function fargateCapacityFor(server: Pick<ServerConfig, "spot">): CapacityShare[] {
  if (server.spot === true) return [{ capacityProvider: "FARGATE_SPOT", weight: 1 }];
  if (!server.spot) return [{ capacityProvider: "FARGATE", weight: 1 }];
  return [
    { capacityProvider: "FARGATE", base: server.spot.onDemandBase, weight: 0 },
    { capacityProvider: "FARGATE_SPOT", weight: 1 },
  ];
}

/** How many of `tasks` run on Spot under a strategy (the cost model and the plan's server table). */
export function spotTasksOf(strategy: CapacityShare[], tasks: number): number {
  const spot = strategy.find((c) => c.capacityProvider === "FARGATE_SPOT");
  if (!spot) return 0;
  const onDemand = strategy.find((c) => c.capacityProvider === "FARGATE");
  const base = Math.min(onDemand?.base ?? 0, tasks);
  const rest = tasks - base;
  const weights = spot.weight + (onDemand?.weight ?? 0);
  return weights ? Math.round((rest * spot.weight) / weights) : 0;
}
