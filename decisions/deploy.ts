import type { ServerConfig } from "../config/schema";

export interface DeploymentSettings {
  /** Keep full capacity during a rollout: new tasks start before old ones stop. */
  minimumHealthyPercent: number;
  maximumPercent: number;
  circuitBreaker: { enable: boolean; rollback: boolean };
  /** Only meaningful with a load balancer. */
  healthCheckGracePeriodSeconds?: number;
  capacityProviderStrategy: { capacityProvider: "FARGATE" | "FARGATE_SPOT"; weight: number; base?: number }[];
}

export function deploymentSettingsFor(server: ServerConfig): DeploymentSettings {
  return {
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    circuitBreaker: { enable: true, rollback: true },
    healthCheckGracePeriodSeconds: server.internal ? undefined : server.healthCheck.gracePeriodSeconds,
    capacityProviderStrategy: [{ capacityProvider: server.spot ? "FARGATE_SPOT" : "FARGATE", weight: 1 }],
  };
}
