import * as aws from "@pulumi/aws";
import { deploymentSettingsFor } from "../../decisions/deploy";
import { VOLUMES_MOUNTED_ATTRIBUTE } from "../../decisions/host";
import { TAG } from "../../decisions/names";
import { PAUSED_TAG, type scalingPlanFor } from "../../decisions/scaling";
import type { McpServerArgs, ServerSelf } from "./args";

export interface ServiceParts {
  taskDefinition: aws.ecs.TaskDefinition;
  securityGroup: aws.ec2.SecurityGroup;
  scaling: ReturnType<typeof scalingPlanFor>;
  /** The target group it registers with, and the listener rule that must exist first (public servers). */
  route?: { targetGroup: aws.lb.TargetGroup; rule: aws.lb.ListenerRule };
  /** The alarms its deployments roll back on; they exist before it. */
  gates: aws.cloudwatch.MetricAlarm[];
  mountTargets: aws.efs.MountTarget[];
}

/** The ECS service: where its tasks run, how it deploys and rolls back, and how other servers reach it. */
export function createService(self: ServerSelf, args: McpServerArgs, parts: ServiceParts): aws.ecs.Service {
  const { server, platform } = args;
  const name = self.serverName;
  const deploy = deploymentSettingsFor(server);
  return new aws.ecs.Service(
    `${name}-service`,
    {
      cluster: platform.cluster.arn,
      taskDefinition: parts.taskDefinition.arn,
      desiredCount: parts.scaling.desired,
      ...(args.host
        ? {
            capacityProviderStrategies: [{ capacityProvider: args.host.capacityProvider.name, weight: 1 }],
            // Only once the host has mounted the volumes (decisions/host.ts sets the attribute after mounting).
            placementConstraints: [{ type: "memberOf", expression: `attribute:${VOLUMES_MOUNTED_ATTRIBUTE} == mounted` }],
          }
        : {
            capacityProviderStrategies: deploy.capacityProviderStrategy,
            platformVersion: "LATEST",
            // ECS changes a service's capacity provider strategy in place only with a new deployment, and the
            // provider refuses the update without this flag (terraform-provider-aws #43533): a rolling deploy.
            forceNewDeployment: true,
          }),
      networkConfiguration: { subnets: args.network.privateSubnetIds, securityGroups: [parts.securityGroup.id], assignPublicIp: false },
      loadBalancers: parts.route ? [{ targetGroupArn: parts.route.targetGroup.arn, containerName: name, containerPort: self.port }] : undefined,
      healthCheckGracePeriodSeconds: deploy.healthCheckGracePeriodSeconds,
      deploymentMinimumHealthyPercent: deploy.minimumHealthyPercent,
      deploymentMaximumPercent: deploy.maximumPercent,
      deploymentCircuitBreaker: deploy.circuitBreaker,
      availabilityZoneRebalancing: "ENABLED",
      // `pulumi up` waits for the rollout: a first rollout that never becomes healthy fails the update. A later one
      // that the circuit breaker rolls back ends steady on the old revision, which the provider reports as success
      // (terraform-provider-aws #20858); README › Deploy safety says how on-call sees it.
      waitForSteadyState: true,
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      alarms: parts.gates.length ? { alarmNames: parts.gates.map((alarm) => alarm.name), enable: true, rollback: true } : undefined,
      serviceConnectConfiguration: {
        enabled: true,
        namespace: platform.namespace.arn,
        // Internal servers publish themselves by name (bolt://neo4j:7687); the others are clients only.
        services: server.internal ? [{ portName: name, discoveryName: name, clientAlias: [{ port: self.port, dnsName: name }] }] : undefined,
      },
      tags: { [TAG.server]: name, ...(server.paused ? { [PAUSED_TAG]: "true" } : {}) },
    },
    {
      parent: self,
      // Application Auto Scaling owns the task count after creation.
      ignoreChanges: ["desiredCount"],
      // ECS refuses a target group that no listener uses yet, and capacity providers must be attached first.
      dependsOn: [platform.capacityProviders, ...(parts.route ? [parts.route.rule] : []), ...parts.gates, ...parts.mountTargets],
    },
  );
}
