import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The task-definition plumbing every task of the stack shares (the server's and the restore task): awsvpc networking,
 * the awslogs driver, EFS volumes with TLS and IAM authorization.
 */
export interface TaskDefinitionSpec {
  family: string;
  /** FARGATE, or EC2 for a server on its own host (decisions/host.ts). */
  compatibility: "FARGATE" | "EC2";
  cpu: string;
  memory: string;
  runtimePlatform?: aws.types.input.ecs.TaskDefinitionRuntimePlatform;
  executionRoleArn: pulumi.Input<string>;
  taskRoleArn: pulumi.Input<string>;
  volumes: aws.types.input.ecs.TaskDefinitionVolume[];
  containers: object[];
  /**
   * A replaced revision stays ACTIVE: ECS refuses to point a service at an INACTIVE (deregistered) revision
   * (ECS API reference, DeregisterTaskDefinition), so a service's revisions are kept for rollbacks.
   */
  keepRevisions?: boolean;
}

export function createTaskDefinition(name: string, spec: TaskDefinitionSpec, parent: pulumi.Resource): aws.ecs.TaskDefinition {
  return new aws.ecs.TaskDefinition(
    name,
    {
      family: spec.family,
      ...(spec.keepRevisions ? { skipDestroy: true } : {}),
      requiresCompatibilities: [spec.compatibility],
      networkMode: "awsvpc",
      cpu: spec.cpu,
      memory: spec.memory,
      ...(spec.runtimePlatform ? { runtimePlatform: spec.runtimePlatform } : {}),
      executionRoleArn: spec.executionRoleArn,
      taskRoleArn: spec.taskRoleArn,
      volumes: spec.volumes,
      containerDefinitions: pulumi.jsonStringify(spec.containers),
    },
    { parent },
  );
}

/** A container's logs: the awslogs driver into the group, one stream per task under the prefix. */
export const awsLogs = (group: pulumi.Input<string>, region: string, streamPrefix: string) => ({
  logDriver: "awslogs",
  options: { "awslogs-group": group, "awslogs-region": region, "awslogs-stream-prefix": streamPrefix },
});

/** An EFS volume mounted through its access point with TLS in transit and IAM authorization (the file system policy admits nothing else). */
export const efsVolume = (name: string, fileSystemId: pulumi.Input<string>, accessPointId: pulumi.Input<string>): aws.types.input.ecs.TaskDefinitionVolume => ({
  name,
  efsVolumeConfiguration: { fileSystemId, transitEncryption: "ENABLED", authorizationConfig: { accessPointId, iam: "ENABLED" } },
});
