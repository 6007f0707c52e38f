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

/** An instance role (EC2 may assume it) with AWS managed policies, by the logical-name suffix of each attachment, and its profile. */
export function instanceRole(
  name: string,
  args: { description?: string; managedPolicies: Record<string, string> },
  opts: pulumi.CustomResourceOptions,
): { role: aws.iam.Role; profile: aws.iam.InstanceProfile } {
  const role = new aws.iam.Role(
    `${name}-role`,
    { description: args.description, assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] }) },
    opts,
  );
  for (const [suffix, policy] of Object.entries(args.managedPolicies)) {
    new aws.iam.RolePolicyAttachment(`${name}-${suffix}`, { role: role.name, policyArn: `arn:aws:iam::aws:policy/${policy}` }, opts);
  }
  return { role, profile: new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name }, opts) };
}
