import type { ServerConfig } from "../config/schema";
import { TAG } from "./names";

export type ScalingMetric = "ECSServiceAverageCPUUtilization" | "ECSServiceAverageMemoryUtilization" | "ALBRequestCountPerTarget";

export interface TargetTrackingPolicy {
  key: "cpu" | "memory" | "requests";
  metric: ScalingMetric;
  target: number;
  scaleOutCooldownSeconds: number;
  scaleInCooldownSeconds: number;
}

/**
 * A step-scaling policy on a one-minute alarm, beside target tracking: target tracking's own high alarm waits for three
 * one-minute datapoints (Application Auto Scaling user guide, "Target tracking scaling policies"), a step alarm for one.
 * It only adds tasks; scale-in stays with target tracking and its long cooldown. With several policies Application
 * Auto Scaling scales out as far as the most demanding one asks.
 */
export interface StepScaleOut {
  key: "cpu-burst" | "requests-burst";
  metric: "cpu" | "requestsPerTarget";
  stat: "Average" | "Sum";
  /** Above this for one minute: +1 task; above it by `bigStep` or more: +2. */
  threshold: number;
  bigStep: number;
  cooldownSeconds: number;
}

export interface ScalingPlan {
  min: number;
  max: number;
  /** Initial desiredCount; afterwards Application Auto Scaling owns it (the service ignores changes). */
  desired: number;
  policies: TargetTrackingPolicy[];
  stepScaleOut: StepScaleOut[];
}

/** The tag a paused server's service and alarms carry (the policy pack and the plan read it). */
export const PAUSED_TAG = TAG.paused;

/** A step alarm looks at one one-minute datapoint. */
export const STEP_ALARM_SECONDS = 60;

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
  // Nothing to scale where min = max (a database's one task): no policies, and none of the two alarms each target
  // tracking policy creates and bills.
  const scales = server.scaling.max > server.scaling.min;
  const policies = scales
    ? [policy("cpu", "ECSServiceAverageCPUUtilization", server.scaling.cpuPercent), policy("memory", "ECSServiceAverageMemoryUtilization", server.scaling.memoryPercent)]
    : [];
  if (scales && !server.internal) policies.push(policy("requests", "ALBRequestCountPerTarget", server.scaling.requestsPerTarget));
  const stepScaleOut: StepScaleOut[] =
    scales ? [{ key: "cpu-burst", metric: "cpu", stat: "Average", threshold: server.scaling.cpuPercent, bigStep: 20, cooldownSeconds: SCALE_OUT_COOLDOWN }] : [];
  if (stepScaleOut.length && !server.internal) {
    stepScaleOut.push({ key: "requests-burst", metric: "requestsPerTarget", stat: "Sum", threshold: server.scaling.requestsPerTarget, bigStep: server.scaling.requestsPerTarget, cooldownSeconds: SCALE_OUT_COOLDOWN });
  }
  // Paused: Application Auto Scaling moves the service into its new range at once, here 0 tasks (RegisterScalableTarget:
  // "it changes the resource's current capacity to a value that is inside of this range"); resuming moves it back up.
  if (server.paused) return { min: 0, max: 0, desired: 0, policies, stepScaleOut };
  return { min: server.scaling.min, max: server.scaling.max, desired: server.scaling.min, policies, stepScaleOut };
}
