import type { ServerConfig } from "../config/schema";

export interface DeploymentSettings {
  /** Keep full capacity during a rollout (new tasks start before old ones stop), except for single-writer stores. */
  minimumHealthyPercent: number;
  maximumPercent: number;
  circuitBreaker: { enable: boolean; rollback: boolean };
  /** Only meaningful with a load balancer. */
  healthCheckGracePeriodSeconds?: number;
  capacityProviderStrategy: { capacityProvider: "FARGATE" | "FARGATE_SPOT"; weight: number; base?: number }[];
}

/** A server whose volumes are EBS runs on its own EC2 host (decisions/host.ts), not on Fargate. */
export const runsOnHost = (server: ServerConfig) => Object.values(server.volumes).some((v) => v.type === "ebs");

export function deploymentSettingsFor(server: ServerConfig): DeploymentSettings {
  // One writer per store: the old task stops before the new one starts (a database never opens its store twice).
  const singleWriter = runsOnHost(server);
  return {
    minimumHealthyPercent: singleWriter ? 0 : 100,
    maximumPercent: singleWriter ? 100 : 200,
    circuitBreaker: { enable: true, rollback: true },
    healthCheckGracePeriodSeconds: server.internal ? undefined : server.healthCheck.gracePeriodSeconds,
    capacityProviderStrategy: [{ capacityProvider: server.spot ? "FARGATE_SPOT" : "FARGATE", weight: 1 }],
  };
}
