import { RegisterScalableTargetCommand, type ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { DisableAlarmActionsCommand, EnableAlarmActionsCommand, type CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { UpdateServiceCommand, type ECSClient } from "@aws-sdk/client-ecs";
import { withRetry, type RetryOptions } from "./retry";

export interface PauseClients {
  ecs: ECSClient;
  autoscaling: ApplicationAutoScalingClient;
  cloudwatch: CloudWatchClient;
}

/**
 * What the stack's `paused` does, done from the CLI: the scalable target's bounds (Application Auto Scaling would
 * otherwise start tasks again within minutes), the service's desired count, and the server's alarm actions (a stopped
 * server is down on purpose: nobody gets paged for it).
 */
export async function setRunning(
  clients: PauseClients,
  target: { cluster: string; service: string; alarms: string[] },
  bounds: { min: number; max: number },
  retry?: Partial<RetryOptions>,
): Promise<void> {
  await withRetry(
    () =>
      clients.autoscaling.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: "ecs",
          ResourceId: `service/${target.cluster}/${target.service}`,
          ScalableDimension: "ecs:service:DesiredCount",
          MinCapacity: bounds.min,
          MaxCapacity: bounds.max,
        }),
      ),
    retry,
  );
  await withRetry(() => clients.ecs.send(new UpdateServiceCommand({ cluster: target.cluster, service: target.service, desiredCount: bounds.min })), retry);
  // DisableAlarmActions and EnableAlarmActions take at most 100 alarm names per call.
  for (let i = 0; i < target.alarms.length; i += 100) {
    const AlarmNames = target.alarms.slice(i, i + 100);
    await withRetry(() => clients.cloudwatch.send(bounds.max === 0 ? new DisableAlarmActionsCommand({ AlarmNames }) : new EnableAlarmActionsCommand({ AlarmNames })), retry);
  }
}
