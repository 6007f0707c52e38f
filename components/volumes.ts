import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_TAG_KEY, backupTagValue, type VolumeSpec } from "../decisions/backup";
import { taskAssumeRolePolicy } from "./iamPolicies";
import { physicalName, restoreTaskFamily, TAG } from "../decisions/names";
import type { DeployContext } from "./context";
import { awsLogs, createTaskDefinition, efsVolume } from "./taskDefinition";

export interface ServerVolumesArgs extends DeployContext {
  server: string;
  volumes: VolumeSpec[];
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string[]>;
  /** One mount target per private subnet: the count must be known before the subnet ids are. */
  subnetCount: number;
  /** The server's task security group: the only source NFS is admitted from. */
  taskSecurityGroupId: pulumi.Input<string>;
  taskRole: aws.iam.Role;
  kmsKeyArn: pulumi.Input<string>;
  replica?: { region: string; kmsKeyArn: pulumi.Input<string> };
  parent: pulumi.Resource;
}

export interface MountedVolume {
  spec: VolumeSpec;
  fileSystem: aws.efs.FileSystem;
  accessPoint: aws.efs.AccessPoint;
  /** Root of the file system as uid 0, for the restore task only: AWS Backup restores into /aws-backup-restore_<time>. */
  restoreAccessPoint: aws.efs.AccessPoint;
  /** The task definition's volume name. */
  taskVolume: string;
}

export interface ServerVolumes {
  mounted: MountedVolume[];
  /** The restore task's role: the only one that may mount a volume's root (through the restore access point). */
  restoreRole?: aws.iam.Role;
  /** Tasks can only mount once a mount target exists in their subnet. */
  mountTargets: aws.efs.MountTarget[];
}

/**
 * The server's `volumes`: per path an encrypted EFS file system, mount targets in the private subnets
 * behind a security group that admits NFS from this server's tasks only, and an access point that
 * pins the POSIX user and root directory. Mounts need TLS and the task role (file system policy).
 */
export function createServerVolumes(args: ServerVolumesArgs): ServerVolumes {
  const { server, parent } = args;
  if (args.volumes.length === 0) return { mounted: [], mountTargets: [] };
  const opts = { parent };
  const restoreRole = new aws.iam.Role(
    `${server}-restore-role`,
    { description: `Restore task of ${server} (mcp-stack ${args.stack}): swaps restored data in as root`, assumeRolePolicy: taskAssumeRolePolicy(args.region, args.accountId) },
    opts,
  );

  const nfsGroup = new aws.ec2.SecurityGroup(
    `${server}-efs-sg`,
    { vpcId: args.vpcId, description: `mcp-stack ${server} file systems: NFS from ${server} tasks only` },
    opts,
  );
  new aws.vpc.SecurityGroupIngressRule(
    `${server}-efs-from-tasks`,
    { securityGroupId: nfsGroup.id, referencedSecurityGroupId: args.taskSecurityGroupId, ipProtocol: "tcp", fromPort: 2049, toPort: 2049, description: `NFS from ${server}` },
    opts,
  );

  const volumes = args.volumes.map((spec) => createVolume(args, spec, nfsGroup, restoreRole));
  const mounted = volumes.map((v) => v.mounted);
  const mountTargets = volumes.flatMap((v) => v.mountTargets);
  new aws.iam.RolePolicy(`${server}-task-efs`, { role: args.taskRole.id, policy: taskMountPolicy(mounted) }, opts);
  new aws.iam.RolePolicy(`${server}-restore-efs`, { role: restoreRole.id, policy: restoreMountPolicy(mounted) }, opts);
  return { mounted, mountTargets, restoreRole };
}

/** One volume: its file system (no automatic backups of its own), mount targets, access points, policy and replica. */
function createVolume(args: ServerVolumesArgs, spec: VolumeSpec, nfsGroup: aws.ec2.SecurityGroup, restoreRole: aws.iam.Role): { mounted: MountedVolume; mountTargets: aws.efs.MountTarget[] } {
  const { server, parent } = args;
  const opts = { parent };
  const mountTargets: aws.efs.MountTarget[] = [];
  const base = `${server}-${spec.key}`;
  const fileSystem = new aws.efs.FileSystem(
    `${base}-efs`,
    {
      creationToken: physicalName(args.stack, base),
      encrypted: true,
      kmsKeyId: args.kmsKeyArn,
      performanceMode: spec.performanceMode,
      throughputMode: "elastic",
      lifecyclePolicies: [{ transitionToIa: "AFTER_30_DAYS" }, { transitionToPrimaryStorageClass: "AFTER_1_ACCESS" }],
      tags: {
        Name: physicalName(args.stack, base),
        [TAG.server]: server,
        [TAG.volume]: spec.path,
        ...(spec.backup ? { [BACKUP_TAG_KEY]: backupTagValue(args.stack) } : {}),
      },
    },
    { parent, protect: args.protection.protectStateful, retainOnDelete: args.protection.retainStatefulOnDelete },
  );
  // The stack's backup plan is the one source of recovery points; EFS's own automatic backups would be a second, unmonitored one.
  new aws.efs.BackupPolicy(`${base}-efs-auto-backup`, { fileSystemId: fileSystem.id, backupPolicy: { status: "DISABLED" } }, opts);

  for (let i = 0; i < args.subnetCount; i++) {
    mountTargets.push(
      new aws.efs.MountTarget(
        `${base}-mount-${i}`,
        { fileSystemId: fileSystem.id, subnetId: pulumi.output(args.privateSubnetIds).apply((ids) => ids[i]), securityGroups: [nfsGroup.id] },
        opts,
      ),
    );
  }

  const { accessPoint, restoreAccessPoint } = createAccessPoints(args, spec, fileSystem, restoreRole);
  if (args.replica && spec.backup) {
    new aws.efs.ReplicationConfiguration(
      `${base}-replica`,
      { sourceFileSystemId: fileSystem.id, destination: { region: args.replica.region, kmsKeyId: args.replica.kmsKeyArn } },
      opts,
    );
  }
  return { mounted: { spec, fileSystem, accessPoint, restoreAccessPoint, taskVolume: `efs-${spec.key}` }, mountTargets };
}

/**
 * The server's access point (its POSIX user, its own directory) and the restore task's (root, the whole file system),
 * and the file system policy that admits only those, over TLS, by their roles.
 */
function createAccessPoints(args: ServerVolumesArgs, spec: VolumeSpec, fileSystem: aws.efs.FileSystem, restoreRole: aws.iam.Role) {
  const { server, parent } = args;
  const opts = { parent };
  const base = `${server}-${spec.key}`;
  const accessPoint = new aws.efs.AccessPoint(
    `${base}-ap`,
    {
      fileSystemId: fileSystem.id,
      posixUser: { uid: spec.uid, gid: spec.gid },
      rootDirectory: { path: `/${spec.key}`, creationInfo: { ownerUid: spec.uid, ownerGid: spec.gid, permissions: "0750" } },
      tags: { Name: physicalName(args.stack, base), [TAG.server]: server },
    },
    opts,
  );

  const restoreAccessPoint = new aws.efs.AccessPoint(
    `${base}-restore-ap`,
    { fileSystemId: fileSystem.id, posixUser: { uid: 0, gid: 0 }, rootDirectory: { path: "/" }, tags: { Name: physicalName(args.stack, base, "restore"), [TAG.server]: server, [TAG.access]: "restore" } },
    opts,
  );

  new aws.efs.FileSystemPolicy(
    `${base}-efs-policy`,
    { fileSystemId: fileSystem.id, policy: fileSystemPolicy(fileSystem.arn, accessPoint.arn, restoreAccessPoint.arn, args.taskRole.arn, restoreRole.arn, spec.readOnly) },
    opts,
  );
  return { accessPoint, restoreAccessPoint };
}

/** What the server's tasks may do through the volume's access point: mount, and write unless the volume is read-only. */
const taskActions = (readOnly: boolean) => ["elasticfilesystem:ClientMount", ...(readOnly ? [] : ["elasticfilesystem:ClientWrite"])];

/** Only TLS connections: the server's task role through the volume's access point, the restore role as root through the restore one. */
function fileSystemPolicy(
  fileSystemArn: pulumi.Input<string>,
  accessPointArn: pulumi.Input<string>,
  restoreAccessPointArn: pulumi.Input<string>,
  taskRoleArn: pulumi.Input<string>,
  restoreRoleArn: pulumi.Input<string>,
  readOnly: boolean,
) {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "DenyWithoutTls", Effect: "Deny", Principal: { AWS: "*" }, Action: "*", Resource: fileSystemArn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
      {
        Sid: "TasksThroughAccessPoint",
        Effect: "Allow",
        Principal: { AWS: taskRoleArn },
        Action: taskActions(readOnly),
        Resource: fileSystemArn,
        Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPointArn } },
      },
      {
        Sid: "RestoreTaskAsRoot",
        Effect: "Allow",
        Principal: { AWS: restoreRoleArn },
        Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"],
        Resource: fileSystemArn,
        Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": restoreAccessPointArn } },
      },
    ],
  });
}

/** Each volume mountable through one access point only, with the given client actions (task role, restore role). */
function mountPolicy(mounted: MountedVolume[], sidPrefix: string, use: (v: MountedVolume) => { actions: string[]; accessPoint: aws.efs.AccessPoint }) {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: mounted.map((v) => {
      const { actions, accessPoint } = use(v);
      return {
        Sid: `${sidPrefix}${v.spec.key.replace(/[^A-Za-z0-9]/g, "")}`,
        Effect: "Allow",
        Action: actions,
        Resource: v.fileSystem.arn,
        Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPoint.arn } },
      };
    }),
  });
}

const taskMountPolicy = (mounted: MountedVolume[]) => mountPolicy(mounted, "Mount", (v) => ({ actions: taskActions(v.spec.readOnly), accessPoint: v.accessPoint }));
const restoreMountPolicy = (mounted: MountedVolume[]) =>
  mountPolicy(mounted, "Restore", (v) => ({ actions: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientRootAccess"], accessPoint: v.restoreAccessPoint }));

/** A pinned shell image for the restore task and the /tmp init container: only `sh`, `chmod`, `cp`, `mv` and `rm` are needed. */
export const RESTORE_IMAGE = "public.ecr.aws/docker/library/busybox:1.37.0";

export interface RestoreTaskArgs {
  stack: string;
  /** RESTORE_IMAGE, by digest where the stack runs images by digest. */
  image: pulumi.Input<string>;
  server: string;
  region: string;
  mounted: MountedVolume[];
  executionRoleArn: pulumi.Input<string>;
  taskRoleArn: pulumi.Input<string>;
  logGroupName: pulumi.Input<string>;
  parent: pulumi.Resource;
}

/**
 * A task definition that never runs on its own: the restore runbook (README) starts it once AWS Backup has
 * restored a recovery point into the file system, to swap the restored tree in. Each file system's root is
 * at /efs/<key>; the command comes from `restoreCommand` as a run-task override.
 */
export function createRestoreTask(args: RestoreTaskArgs): aws.ecs.TaskDefinition {
  const container = {
    name: "restore",
    image: args.image,
    essential: true,
    // It only moves files between EFS mounts.
    readonlyRootFilesystem: true,
    command: ["sh", "-c", "echo 'run with a command override: see the restore runbook in README.md'; exit 1"],
    mountPoints: args.mounted.map((v) => ({ sourceVolume: `restore-${v.spec.key}`, containerPath: `/efs/${v.spec.key}`, readOnly: false })),
    logConfiguration: awsLogs(args.logGroupName, args.region, "restore"),
  };
  return createTaskDefinition(
    `${args.server}-restore-task`,
    {
      family: restoreTaskFamily(args.stack, args.server),
      compatibility: "FARGATE",
      cpu: "256",
      memory: "512",
      executionRoleArn: args.executionRoleArn,
      taskRoleArn: args.taskRoleArn,
      volumes: args.mounted.map((v) => efsVolume(`restore-${v.spec.key}`, v.fileSystem.id, v.restoreAccessPoint.id)),
      containers: [container],
    },
    args.parent,
  );
}
