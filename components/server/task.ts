import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { authEnvironment } from "../../decisions/auth";
import { hostMountPath } from "../../decisions/host";
import { childName, physicalName, taskFamily } from "../../decisions/names";
import { isRouted } from "../../decisions/routed";
import { serverUrl } from "../../decisions/routing";
import { containerCommand, containerEnvironment, containerHealthCheck, serverLogGroupName, taskSize } from "../../decisions/tasks";
import type { HostedVolume } from "../databaseHost";
import { executionRolePolicy, taskAssumeRolePolicy } from "../iamPolicies";
import { dataProtectionPolicy } from "../logs";
import type { BuiltImage } from "../serverImage";
import type { MountedVolume } from "../volumes";
import type { McpServerArgs, ServerSelf } from "./args";
import { awsLogs, createTaskDefinition, efsVolume } from "../taskDefinition";

/** The container that makes the task's /tmp writable for any user before the server starts. */
export const TMP_INIT_CONTAINER = "tmp-permissions";

/** Under the stack's logs key, with sensitive data masked as it is ingested; retention per server or per environment. */
export function createLogGroup(self: ServerSelf, { stack, protection, server, logKeyArn }: McpServerArgs): aws.cloudwatch.LogGroup {
  const logGroup = new aws.cloudwatch.LogGroup(
    `${self.serverName}-logs`,
    { name: serverLogGroupName(stack, self.serverName), retentionInDays: server.logRetentionDays ?? protection.logRetentionDays, kmsKeyId: logKeyArn },
    { parent: self, retainOnDelete: protection.retainStatefulOnDelete },
  );
  new aws.cloudwatch.LogDataProtectionPolicy(
    `${self.serverName}-logs-data-protection`,
    { logGroupName: logGroup.name, policyDocument: dataProtectionPolicy(physicalName(stack, self.serverName)) },
    { parent: self },
  );
  return logGroup;
}

/** The ECS agent's role: pull the image, write the log group, read the server's own secrets. */
export function createExecutionRole(self: ServerSelf, args: McpServerArgs, logGroup: aws.cloudwatch.LogGroup, built?: BuiltImage): aws.iam.Role {
  const name = self.serverName;
  const role = new aws.iam.Role(
    `${name}-execution-role`,
    { description: `ECS agent role of ${name}: pull, log, read its own secrets`, assumeRolePolicy: taskAssumeRolePolicy(args.region, args.accountId) },
    { parent: self },
  );
  new aws.iam.RolePolicy(
    `${name}-execution-policy`,
    {
      role: role.id,
      policy: executionRolePolicy({ logGroupArn: logGroup.arn, secretArns: args.server.secrets.map((s) => args.secretArns[s]), image: args.server.image, repositoryArn: built?.repositoryArn }),
    },
    { parent: self },
  );
  return role;
}

/** The role of the server's containers (what the application may call); volumes add their mount permissions to it. */
export function createTaskRole(self: ServerSelf, args: McpServerArgs): aws.iam.Role {
  return new aws.iam.Role(
    `${self.serverName}-task-role`,
    { description: `Role of ${self.serverName}'s containers (mcp-stack ${args.stack})`, assumeRolePolicy: taskAssumeRolePolicy(args.region, args.accountId) },
    { parent: self },
  );
}

/** Plain environment, plus, behind Cognito, what the server needs to re-validate tokens and publish its OAuth metadata. */
function environmentOf(self: ServerSelf, { server, auth, config, platform, loadBalancerGroup }: McpServerArgs) {
  const plain: { name: string; value: pulumi.Input<string> }[] = containerEnvironment(server);
  if (!auth || !isRouted(server) || server.transport === "stdio") return plain;
  const resource = platform.loadBalancerOf(loadBalancerGroup).alb.dnsName.apply((dns) => serverUrl(server, config.ingress, dns, loadBalancerGroup));
  const extra = Object.entries(authEnvironment(auth, self.serverName, server, resource)).map(([name, value]) => ({ name, value }));
  return [...plain, ...extra].sort((a, b) => a.name.localeCompare(b.name));
}

export interface TaskParts {
  executionRole: aws.iam.Role;
  taskRole: aws.iam.Role;
  logGroup: aws.cloudwatch.LogGroup;
  volumes: MountedVolume[];
  hostedVolumes: HostedVolume[];
  /** What the server's container runs (components/serverImage.ts). */
  image: pulumi.Input<string>;
}

/** The server's container, then the init container that opens /tmp for it: the task's container definitions. */
function containerDefinitions(self: ServerSelf, args: McpServerArgs, parts: TaskParts, hosted: { spec: HostedVolume["spec"]; taskVolume: string }[]) {
  const { server, region, config } = args;
  const name = self.serverName;
  const container = {
    name,
    image: parts.image,
    essential: true,
    command: containerCommand(server),
    user: server.user,
    readonlyRootFilesystem: server.readOnlyRootFilesystem,
    portMappings: [{ name, containerPort: self.port, protocol: "tcp", ...(server.internal ? {} : { appProtocol: "http" }) }],
    environment: environmentOf(self, args),
    secrets: server.secrets.map((secret) => ({ name: secret, valueFrom: args.secretArns[secret] })),
    healthCheck: containerHealthCheck(server, config.alerts.thresholds),
    linuxParameters: { initProcessEnabled: true },
    mountPoints: [
      { sourceVolume: "tmp", containerPath: "/tmp", readOnly: false },
      ...[...parts.volumes, ...hosted].map((v) => ({ sourceVolume: v.taskVolume, containerPath: v.spec.path, readOnly: v.spec.readOnly })),
    ],
    logConfiguration: awsLogs(parts.logGroup.name, region, name),
  };
  // Fargate gives a bind volume to root with mode 0755 (ECS developer guide, "Bind mounts"), and tmpfs is not
  // available on Fargate: a non-essential root container opens /tmp (1777) before the server starts, whatever user
  // the server's image runs as. It comes second: the server is the task's first container.
  const tmpPermissions = {
    name: TMP_INIT_CONTAINER,
    image: args.utilityImage,
    essential: false,
    user: "0",
    readonlyRootFilesystem: true,
    command: ["sh", "-c", "chmod 1777 /tmp"],
    mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
    logConfiguration: awsLogs(parts.logGroup.name, region, TMP_INIT_CONTAINER),
  };
  return [{ ...container, dependsOn: [{ containerName: TMP_INIT_CONTAINER, condition: "SUCCESS" }] }, tmpPermissions];
}

/** The server's task definition: its containers, its size, platform and volumes; every revision kept for rollbacks. */
export function createServerTaskDefinition(self: ServerSelf, args: McpServerArgs, parts: TaskParts): aws.ecs.TaskDefinition {
  const { server, stack } = args;
  const name = self.serverName;
  const size = taskSize(server);
  const hosted = parts.hostedVolumes.map((v) => ({ spec: v.spec, taskVolume: `ebs-${v.spec.key}` }));
  return createTaskDefinition(
    childName.task(name),
    {
      family: taskFamily(stack, name),
      keepRevisions: true,
      compatibility: args.host ? "EC2" : "FARGATE",
      cpu: size.cpu,
      memory: size.memory,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: server.architecture === "arm64" ? "ARM64" : "X86_64" },
      executionRoleArn: parts.executionRole.arn,
      taskRoleArn: parts.taskRole.arn,
      // The root filesystem is read-only; /tmp is task storage the process may write (opened by the init container).
      volumes: [
        { name: "tmp" },
        ...parts.volumes.map((v) => efsVolume(v.taskVolume, v.fileSystem.id, v.accessPoint.id)),
        ...hosted.map((v) => ({ name: v.taskVolume, hostPath: hostMountPath(v.spec) })),
      ],
      containers: containerDefinitions(self, args, parts, hosted),
    },
    self,
  );
}
