import type { ServerConfig } from "../config/schema";

export type ScalingMetric = "ECSServiceAverageCPUUtilization" | "ECSServiceAverageMemoryUtilization" | "ALBRequestCountPerTarget";

export interface TargetTrackingPolicy {
  key: "cpu" | "memory" | "requests";
  metric: ScalingMetric;
  target: number;
  scaleOutCooldownSeconds: number;
  scaleInCooldownSeconds: number;
}

export interface ScalingPlan {
  min: number;
  max: number;
  /** Initial desiredCount; afterwards Application Auto Scaling owns it (the service ignores changes). */
  desired: number;
  policies: TargetTrackingPolicy[];
}

/** Scale out within a minute of pressure, scale in slowly so bursts of MCP tool calls don't flap the service. */
const SCALE_OUT_COOLDOWN = 60;
const SCALE_IN_COOLDOWN = 300;

export function scalingPlanFor(server: ServerConfig): ScalingPlan {
  const policy = (key: TargetTrackingPolicy["key"], metric: ScalingMetric, target: number): TargetTrackingPolicy => ({
    key,
    metric,
    target,
    scaleOutCooldownSeconds: SCALE_OUT_COOLDOWN,
    scaleInCooldownSeconds: SCALE_IN_COOLDOWN,
  });
  const policies = [
    policy("cpu", "ECSServiceAverageCPUUtilization", server.scaling.cpuPercent),
    policy("memory", "ECSServiceAverageMemoryUtilization", server.scaling.memoryPercent),
  ];
  if (!server.internal) policies.push(policy("requests", "ALBRequestCountPerTarget", server.scaling.requestsPerTarget));
  // Paused: Application Auto Scaling moves the service into its new range at once, here 0 tasks (RegisterScalableTarget:
  // "it changes the resource's current capacity to a value that is inside of this range"); resuming moves it back up.
  if (server.paused) return { min: 0, max: 0, desired: 0, policies };
  return { min: server.scaling.min, max: server.scaling.max, desired: server.scaling.min, policies };
}
