import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import { NatInstance } from "./natInstance";
import { COMPONENT } from "../decisions/resourceTypes";

export interface NetworkArgs {
  network: StackConfig["network"];
}

/**
 * The VPC the stack runs in: a new one (public subnets for the ALB, private ones for tasks, NAT per
 * the configured strategy) or an existing one given by ids.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;

  constructor(name: string, { network }: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.network, name, {}, opts);
    if (network.vpcId !== undefined) {
      this.vpcId = pulumi.output(network.vpcId);
      this.publicSubnetIds = pulumi.output(network.publicSubnetIds);
      this.privateSubnetIds = pulumi.output(network.privateSubnetIds);
    } else {
      // awsx gives private subnets a route to a NAT gateway only; with a NAT instance they are awsx's isolated subnets
      // and the NAT instance adds their default route (awsx refuses private subnets without NAT gateways).
      const natInstance = network.natGateways === "Instance";
      const vpc = new awsx.ec2.Vpc(
        `${name}-vpc`,
        {
          cidrBlock: network.cidrBlock,
          numberOfAvailabilityZones: network.availabilityZones,
          natGateways: { strategy: (natInstance ? "None" : network.natGateways) as awsx.types.enums.ec2.NatGatewayStrategy },
          subnetStrategy: "Auto",
          subnetSpecs: [
            { type: "Public", cidrMask: 22 },
            { type: natInstance ? "Isolated" : "Private", cidrMask: 20 },
          ],
          enableDnsHostnames: true,
          enableDnsSupport: true,
        },
        { parent: this },
      );
      this.vpcId = vpc.vpcId;
      this.publicSubnetIds = vpc.publicSubnetIds;
      this.privateSubnetIds = natInstance ? vpc.isolatedSubnetIds : vpc.privateSubnetIds;
      if (natInstance) {
        new NatInstance(
          `${name}-nat`,
          { vpcId: vpc.vpcId, cidrBlock: network.cidrBlock, publicSubnetIds: vpc.publicSubnetIds, privateSubnetIds: this.privateSubnetIds, privateSubnetCount: network.availabilityZones },
          { parent: this },
        );
      }
    }
    this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
  }
}
