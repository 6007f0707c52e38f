import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { instanceRole, singleInstanceGroup } from "./singleInstance";
import { NAT_INSTANCE, NAT_TAG, natInstanceUserData } from "../decisions/natInstance";
import { COMPONENT } from "../decisions/resourceTypes";

export interface NatInstanceArgs {
  vpcId: pulumi.Input<string>;
  cidrBlock: string;
  publicSubnetIds: pulumi.Output<string[]>;
  privateSubnetIds: pulumi.Output<string[]>;
  /** How many private subnets there are (one per AZ), known before their ids. */
  privateSubnetCount: number;
}

/** The VPC's way out through one NAT instance (decisions/natInstance.ts): dev's $41 NAT gateway for about $7. */
export class NatInstance extends pulumi.ComponentResource {
  readonly publicIp: pulumi.Output<string>;

  constructor(name: string, args: NatInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.natInstance, name, {}, opts);
    const parent = { parent: this };
    const group = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.vpcId, description: "mcp-stack NAT instance: inbound from the VPC, outbound to the internet" }, parent);
    new aws.vpc.SecurityGroupIngressRule(`${name}-from-vpc`, { securityGroupId: group.id, ipProtocol: "-1", cidrIpv4: args.cidrBlock, description: "traffic of the private subnets" }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-egress`, { securityGroupId: group.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "the internet" }, parent);

    const subnetId = args.publicSubnetIds.apply((ids) => ids[0]);
    // Everything the instance may attach or re-associate carries this tag, and its role may touch nothing else.
    const tags = { [NAT_TAG]: name };
    // The interface the routes point to; it outlives instances. A NAT forwards others' packets: no source/dest check.
    const eni = new aws.ec2.NetworkInterface(`${name}-eni`, { subnetId, securityGroups: [group.id], sourceDestCheck: false, tags: { ...tags, Name: `${name}-static` } }, parent);
    const eip = new aws.ec2.Eip(`${name}-eip`, { domain: "vpc", tags: { ...tags, Name: name } }, parent);
    this.publicIp = eip.publicIp;

    const profile = this.createRole(name, tags);

    const template = this.createLaunchTemplate(name, { group, subnetId, profile, eni, eip, tags });
    singleInstanceGroup(`${name}-asg`, { subnetId, template }, parent);
    for (let i = 0; i < args.privateSubnetCount; i++) {
      const table = aws.ec2.getRouteTableOutput({ subnetId: args.privateSubnetIds.apply((ids) => ids[i]) }, parent);
      new aws.ec2.Route(`${name}-route-${i}`, { routeTableId: table.routeTableId, destinationCidrBlock: "0.0.0.0/0", networkInterfaceId: eni.id }, parent);
    }
    this.registerOutputs({ publicIp: this.publicIp });
  }

  /** Its role: SSM for access, and attaching and associating only what carries the NAT's tag. */
  private createRole(name: string, tags: Record<string, string>): aws.iam.InstanceProfile {
    const parent = { parent: this };
    const { role, profile } = instanceRole(name, { managedPolicies: { ssm: "AmazonSSMManagedInstanceCore" } }, parent);
    new aws.iam.RolePolicy(
      `${name}-attach`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            // Attaching authorizes the instance and the interface, associating the address, the interface and the
            // instance's own primary interface: each carries the tag (the launch template tags the instance and its interface).
            { Effect: "Allow", Action: ["ec2:AttachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute", "ec2:AssociateAddress", "ec2:DisassociateAddress"], Resource: "*", Condition: { StringEquals: { [`ec2:ResourceTag/${NAT_TAG}`]: tags[NAT_TAG] } } },
          ],
        }),
      },
      parent,
    );
    return profile;
  }

  /** The newest fck-nat image on a t4g.nano in a public subnet, told at boot which interface and address to take. */
  private createLaunchTemplate(
    name: string,
    parts: { group: aws.ec2.SecurityGroup; subnetId: pulumi.Output<string>; profile: aws.iam.InstanceProfile; eni: aws.ec2.NetworkInterface; eip: aws.ec2.Eip; tags: Record<string, string> },
  ): aws.ec2.LaunchTemplate {
    const parent = { parent: this };
    const image = aws.ec2.getAmiOutput(
      {
        mostRecent: true,
        owners: [NAT_INSTANCE.amiOwner],
        filters: [
          { name: "name", values: [NAT_INSTANCE.amiName] },
          { name: "architecture", values: [NAT_INSTANCE.architecture] },
        ],
      },
      parent,
    );
    return new aws.ec2.LaunchTemplate(
      `${name}-template`,
      {
        imageId: image.id,
        instanceType: NAT_INSTANCE.instanceType,
        iamInstanceProfile: { arn: parts.profile.arn },
        networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true", securityGroups: [parts.group.id], subnetId: parts.subnetId }],
        metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }],
        userData: pulumi.all([parts.eni.id, parts.eip.allocationId]).apply(([eniId, eipId]) => Buffer.from(natInstanceUserData(eniId, eipId)).toString("base64")),
        tagSpecifications: [
          { resourceType: "instance", tags: { ...parts.tags, Name: name } },
          { resourceType: "network-interface", tags: parts.tags },
        ],
      },
      parent,
    );
  }
}
