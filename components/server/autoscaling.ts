import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dimensionsFor, METRICS, type ScopeValues } from "../../decisions/metrics";
import { alarmName, childName, TAG } from "../../decisions/names";
import { STEP_ALARM_SECONDS, type scalingPlanFor } from "../../decisions/scaling";
import type { McpServerArgs, ServerSelf } from "./args";

type ScalingPlan = ReturnType<typeof scalingPlanFor>;

/**
 * The service's scalable target, its target-tracking policies, and the step policies with their one-minute alarms,
 * whose dimensions come from the server's alarm scope with its service (components/server/alarms.ts).
 */
export function createAutoscaling(self: ServerSelf, args: McpServerArgs, plan: ScalingPlan, service: aws.ecs.Service, scope: ScopeValues<pulumi.Input<string>>, targetGroup?: aws.lb.TargetGroup): void {
  const name = self.serverName;
  const alb = args.platform.loadBalancerOf(args.loadBalancerGroup).alb;
  const target = new aws.appautoscaling.Target(
    `${name}-scaling`,
    {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: pulumi.interpolate`service/${args.platform.cluster.name}/${service.name}`,
      minCapacity: plan.min,
      maxCapacity: plan.max,
    },
    { parent: self },
  );
  const on = { serviceNamespace: target.serviceNamespace, scalableDimension: target.scalableDimension, resourceId: target.resourceId };
  createTargetTracking(self, plan, on, targetGroup && pulumi.interpolate`${alb.arnSuffix}/${targetGroup.arnSuffix}`);
  createStepScaling(self, args, plan, on, scope);
}

type ScalableTarget = { serviceNamespace: pulumi.Input<string>; scalableDimension: pulumi.Input<string>; resourceId: pulumi.Input<string> };

/** Target tracking on CPU, memory and (public servers) requests per target, each with its cooldowns. */
function createTargetTracking(self: ServerSelf, plan: ScalingPlan, on: ScalableTarget, requestsLabel?: pulumi.Output<string>): void {
  const name = self.serverName;
  for (const policy of plan.policies) {
    const resourceLabel = policy.metric === "ALBRequestCountPerTarget" ? requestsLabel : undefined;
    new aws.appautoscaling.Policy(
      `${name}-scale-${policy.key}`,
      {
        policyType: "TargetTrackingScaling",
        ...on,
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: policy.metric, resourceLabel },
          targetValue: policy.target,
          scaleOutCooldown: policy.scaleOutCooldownSeconds,
          scaleInCooldown: policy.scaleInCooldownSeconds,
        },
      },
      { parent: self },
    );
  }
}

/** Step scaling on one-minute alarms: a task or two within a minute of pressure (decisions/scaling.ts). */
function createStepScaling(self: ServerSelf, args: McpServerArgs, plan: ScalingPlan, on: ScalableTarget, scope: ScopeValues<pulumi.Input<string>>): void {
  const name = self.serverName;
  for (const step of plan.stepScaleOut) {
    const policy = new aws.appautoscaling.Policy(
      `${name}-scale-${step.key}`,
      {
        policyType: "StepScaling",
        ...on,
        stepScalingPolicyConfiguration: {
          adjustmentType: "ChangeInCapacity",
          cooldown: step.cooldownSeconds,
          metricAggregationType: step.stat === "Sum" ? "Maximum" : "Average",
          stepAdjustments: [
            { metricIntervalLowerBound: "0", metricIntervalUpperBound: String(step.bigStep), scalingAdjustment: 1 },
            { metricIntervalLowerBound: String(step.bigStep), scalingAdjustment: 2 },
          ],
        },
      },
      { parent: self },
    );
    const metric = METRICS[step.metric];
    new aws.cloudwatch.MetricAlarm(
      childName.alarm(name, step.key),
      {
        name: alarmName(args.stack, name, step.key),
        alarmDescription: `Scaling, not paging: ${name} adds tasks when ${metric.name} (${step.stat}) is above ${step.threshold} for one minute.`,
        namespace: metric.namespace,
        metricName: metric.name,
        dimensions: dimensionsFor(metric.scope, scope),
        statistic: step.stat,
        period: STEP_ALARM_SECONDS,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: step.threshold,
        treatMissingData: "notBreaching",
        alarmActions: [policy.arn],
        actionsEnabled: !args.server.paused,
        tags: { [TAG.server]: name, [TAG.purpose]: "scaling" },
      },
      { parent: self },
    );
  }
}
