import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * An Auto Scaling group of exactly one instance of a launch template in one subnet: EC2 replaces the instance when it
 * fails its status checks. The database hosts and the NAT instance both run this way.
 */
export function singleInstanceGroup(
  name: string,
  args: { subnetId: pulumi.Input<string>; template: aws.ec2.LaunchTemplate; tags?: aws.types.input.autoscaling.GroupTag[] },
  opts: pulumi.CustomResourceOptions,
): aws.autoscaling.Group {
  return new aws.autoscaling.Group(
    name,
    {
      minSize: 1,
      maxSize: 1,
      desiredCapacity: 1,
      vpcZoneIdentifiers: [args.subnetId],
      launchTemplate: { id: args.template.id, version: args.template.latestVersion.apply(String) },
      healthCheckType: "EC2",
      tags: args.tags,
    },
    opts,
  );
}
