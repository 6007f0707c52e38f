import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { instanceRole, singleInstanceGroup } from "./singleInstance";
import type { ServerConfig } from "../config/schema";
import { BACKUP_TAG_KEY, backupTagValue, type VolumeSpec } from "../decisions/backup";
import { hostInstanceType, hostUserData } from "../decisions/host";
import { childName, physicalName, TAG } from "../decisions/names";
import type { DeployContext } from "./context";
import { COMPONENT } from "../decisions/resourceTypes";

export interface DatabaseHostArgs extends DeployContext {
  server: ServerConfig;
  volumes: VolumeSpec[];
  clusterName: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  /** The host lives in the first private subnet, and its volumes in that subnet's AZ. */
  privateSubnetIds: pulumi.Input<string[]>;
  kmsKeyArn: pulumi.Input<string>;
}

export interface HostedVolume {
  spec: VolumeSpec;
  volume: aws.ebs.Volume;
}

/**
 * The EC2 host of one server whose data must live on a block device (a database): encrypted gp3 volumes that outlive
 * any instance, in the AZ of the first private subnet; an Auto Scaling group of exactly one ECS-optimized instance
 * there, which attaches the volumes at boot; and the capacity provider the server's service places its task on.
 */
export class DatabaseHost extends pulumi.ComponentResource {
  readonly capacityProvider: aws.ecs.CapacityProvider;
  readonly volumes: HostedVolume[];
  readonly autoScalingGroup: aws.autoscaling.Group;

  constructor(name: string, args: DatabaseHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.databaseHost, name, {}, opts);
    const parent = { parent: this };
    const server = args.volumes[0].server;
    const subnetId = pulumi.output(args.privateSubnetIds).apply((ids) => ids[0]);
    const availabilityZone = aws.ec2.getSubnetOutput({ id: subnetId }, parent).availabilityZone;

    this.volumes = this.createVolumes(args, server, availabilityZone);

    const { role, profile } = instanceRole(
      name,
      {
        description: `EC2 host of mcp-stack ${args.stack} ${server}: ECS agent, SSM, attach its own volumes`,
        managedPolicies: { "role-ecs": "service-role/AmazonEC2ContainerServiceforEC2Role", "role-ssm": "AmazonSSMManagedInstanceCore" },
      },
      parent,
    );
    new aws.iam.RolePolicy(`${name}-attach-volumes`, { role: role.id, policy: attachPolicy(name, args, this.volumes) }, parent);

    const group = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.vpcId, description: `mcp-stack ${server} host: no inbound, outbound to ECS, ECR, SSM and EC2` }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-egress`, { securityGroupId: group.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "AWS APIs and image pulls" }, parent);

    const template = this.createLaunchTemplate(name, args, server, profile, group);
    this.autoScalingGroup = singleInstanceGroup(
      `${name}-asg`,
      // ECS requires the tag on groups behind a capacity provider (ECS developer guide, "Auto Scaling group capacity providers").
      { subnetId, template, tags: [{ key: "AmazonECSManaged", value: "true", propagateAtLaunch: true }] },
      { parent: this, dependsOn: this.volumes.map((v) => v.volume) },
    );
    this.capacityProvider = new aws.ecs.CapacityProvider(
      `${name}-capacity`,
      {
        name: physicalName(args.stack, server),
        autoScalingGroupProvider: {
          autoScalingGroupArn: this.autoScalingGroup.arn,
          // The group is fixed at one instance: ECS neither scales it nor protects it from scale-in.
          managedScaling: { status: "DISABLED" },
          managedTerminationProtection: "DISABLED",
        },
      },
      parent,
    );
    this.registerOutputs({ capacityProvider: this.capacityProvider.name });
  }

  /** The current ECS-optimized AMI, IMDSv2 only, an encrypted root volume, and the boot script that mounts the volumes. */
  private createLaunchTemplate(name: string, args: DatabaseHostArgs, server: string, profile: aws.iam.InstanceProfile, group: aws.ec2.SecurityGroup): aws.ec2.LaunchTemplate {
    const parent = { parent: this };
    const userData = pulumi
      .all([args.clusterName, ...this.volumes.map((v) => v.volume.id)])
      .apply(([cluster, ...ids]) => Buffer.from(hostUserData(cluster, args.region, this.volumes.map((v, i) => ({ spec: v.spec, volumeId: ids[i] })))).toString("base64"));
    return new aws.ec2.LaunchTemplate(
      childName.launchTemplate(name),
      {
        // The current ECS-optimized Amazon Linux 2023 AMI, resolved by EC2 at each launch (EC2 user guide, "Use a
        // Systems Manager parameter instead of an AMI ID").
        imageId: `resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023${args.server.architecture === "arm64" ? "/arm64" : ""}/recommended/image_id`,
        instanceType: hostInstanceType(args.server),
        iamInstanceProfile: { arn: profile.arn },
        vpcSecurityGroupIds: [group.id],
        metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 30, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
        userData,
        tagSpecifications: [{ resourceType: "instance", tags: { Name: physicalName(args.stack, server, "host"), [TAG.host]: name, [TAG.server]: server } }],
      },
      parent,
    );
  }

  /** Encrypted gp3 volumes in the host's AZ, protected: the data outlives every instance and every deploy. */
  private createVolumes(args: DatabaseHostArgs, server: string, availabilityZone: pulumi.Output<string>): HostedVolume[] {
    return args.volumes.map((spec) => ({
      spec,
      volume: new aws.ebs.Volume(
        `${server}-${spec.key}-ebs`,
        {
          availabilityZone,
          size: spec.sizeGiB,
          type: "gp3",
          encrypted: true,
          kmsKeyId: args.kmsKeyArn,
          tags: {
            Name: physicalName(args.stack, server, spec.key),
            [TAG.server]: server,
            [TAG.volume]: spec.path,
            ...(spec.backup ? { [BACKUP_TAG_KEY]: backupTagValue(args.stack) } : {}),
          },
        },
        // The data outlives every instance and every deploy.
        { parent: this, protect: args.protection.protectStateful, retainOnDelete: args.protection.retainStatefulOnDelete },
      ),
    }));
  }
}

/** Attach and detach only this server's volumes, only to this host's instances; use the volume key through EC2. */
function attachPolicy(host: string, args: DatabaseHostArgs, volumes: HostedVolume[]) {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AttachOwnVolumes", Effect: "Allow", Action: ["ec2:AttachVolume", "ec2:DetachVolume"], Resource: volumes.map((v) => v.volume.arn) },
      {
        Sid: "ToOwnInstances",
        Effect: "Allow",
        Action: ["ec2:AttachVolume", "ec2:DetachVolume"],
        Resource: pulumi.interpolate`arn:aws:ec2:${args.region}:${args.accountId}:instance/*`,
        Condition: { StringEquals: { "aws:ResourceTag/mcp-stack:host": host } },
      },
      // Restored volumes (the restore runbook) are new volumes of the stack's backups.
      {
        Sid: "AttachRestoredVolumes",
        Effect: "Allow",
        Action: ["ec2:AttachVolume", "ec2:DetachVolume"],
        Resource: pulumi.interpolate`arn:aws:ec2:${args.region}:${args.accountId}:volume/*`,
        Condition: { StringEquals: { "aws:ResourceTag/mcp-stack:restore-for": host } },
      },
      {
        Sid: "UseVolumeKeyThroughEc2",
        Effect: "Allow",
        Action: ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:ReEncrypt*"],
        Resource: args.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `ec2.${args.region}.amazonaws.com` } },
      },
    ],
  });
}
