import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { TYPE } from "../decisions/resourceTypes";

export const MOCK_ACCOUNT_ID = "123456789012";

const shortHash = (text: string, length = 7) => createHash("sha256").update(text).digest("hex").slice(0, length);

/** `aws:ecs/cluster:Cluster` → `ecs`; awsx and other providers → their package name. */
function serviceOf(type: string): string {
  const [pkg, module] = type.split(":");
  if (pkg !== "aws") return pkg;
  const service = module.split("/")[0];
  return ({ lb: "elasticloadbalancing", cloudwatch: "logs", appautoscaling: "application-autoscaling", vpc: "ec2" } as Record<string, string>)[service] ?? service;
}

/** What a resource's mock state is computed from. */
interface MockInputs {
  name: string;
  inputs: Record<string, any>;
  region: string;
  /** The physical name AWS would give it: its `name` input, else the logical name and a hash. */
  physical: string;
  /** The ARN of a type without a shape of its own: arn:aws:<service>:<region>:<account>:<type>/<physical>. */
  arn: string;
  azCount: number;
}

const alarmState = ({ inputs, region }: MockInputs) => ({ arn: `arn:aws:cloudwatch:${region}:${MOCK_ACCOUNT_ID}:alarm:${inputs.name ?? inputs.alarmName}` });

/** Outputs AWS would compute per resource type, shaped like the real ones, so that ARNs, names and DNS names read realistically. */
const COMPUTED_STATE: Record<string, (r: MockInputs) => Record<string, unknown>> = {
  [TYPE.vpc]: ({ name, inputs, azCount }) => {
    const count = inputs.numberOfAvailabilityZones ?? azCount;
    const ids = (kind: string) => Array.from({ length: count }, (_, i) => `subnet-${shortHash(`${name}${kind}${i}`, 17)}`);
    const isolated = (inputs.subnetSpecs ?? []).some((s: { type: string }) => s.type === "Isolated");
    return { vpcId: `vpc-${shortHash(name, 17)}`, publicSubnetIds: ids("public"), privateSubnetIds: isolated ? [] : ids("private"), isolatedSubnetIds: isolated ? ids("isolated") : [] };
  },
  [TYPE.loadBalancer]: ({ inputs, region, physical }) => {
    const suffix = `app/${physical}/${shortHash(physical, 16)}`;
    return { name: physical, arnSuffix: suffix, arn: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT_ID}:loadbalancer/${suffix}`, dnsName: `${inputs.internal ? "internal-" : ""}${physical}-1234567890.${region}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" };
  },
  [TYPE.targetGroup]: ({ region, physical }) => {
    const suffix = `targetgroup/${physical}/${shortHash(physical, 16)}`;
    return { name: physical, arnSuffix: suffix, arn: `arn:aws:elasticloadbalancing:${region}:${MOCK_ACCOUNT_ID}:${suffix}` };
  },
  [TYPE.taskDefinition]: ({ inputs, region }) => ({ arn: `arn:aws:ecs:${region}:${MOCK_ACCOUNT_ID}:task-definition/${inputs.family}:1`, revision: 1 }),
  [TYPE.secret]: ({ region, physical }) => ({ arn: `arn:aws:secretsmanager:${region}:${MOCK_ACCOUNT_ID}:secret:${physical}-${shortHash(physical, 6)}` }),
  [TYPE.topic]: ({ region, physical }) => ({ name: physical, arn: `arn:aws:sns:${region}:${MOCK_ACCOUNT_ID}:${physical}` }),
  [TYPE.metricAlarm]: alarmState,
  [TYPE.compositeAlarm]: alarmState,
  [TYPE.role]: ({ physical }) => ({ name: physical, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${physical}` }),
  [TYPE.logGroup]: ({ region, physical }) => ({ name: physical, arn: `arn:aws:logs:${region}:${MOCK_ACCOUNT_ID}:log-group:${physical}` }),
  [TYPE.securityGroup]: ({ name, physical, arn }) => ({ name: physical, arn, id: `sg-${shortHash(name, 17)}` }),
  [TYPE.fileSystem]: ({ name, region }) => {
    const id = `fs-${shortHash(name, 17)}`;
    return { id, arn: `arn:aws:elasticfilesystem:${region}:${MOCK_ACCOUNT_ID}:file-system/${id}`, dnsName: `${id}.efs.${region}.amazonaws.com` };
  },
  [TYPE.accessPoint]: ({ name, region }) => {
    const id = `fsap-${shortHash(name, 17)}`;
    return { id, arn: `arn:aws:elasticfilesystem:${region}:${MOCK_ACCOUNT_ID}:access-point/${id}` };
  },
  [TYPE.kmsKey]: ({ name, inputs, region }) => {
    const keyId = `${shortHash(name, 8)}-${shortHash(`${name}1`, 4)}-${shortHash(`${name}2`, 4)}-${shortHash(`${name}3`, 4)}-${shortHash(`${name}4`, 12)}`;
    const keyRegion = inputs.region ?? region;
    return { id: keyId, keyId, arn: `arn:aws:kms:${keyRegion}:${MOCK_ACCOUNT_ID}:key/${keyId}` };
  },
  [TYPE.userPool]: ({ name, region }) => {
    const id = `${region}_${shortHash(name, 9).toUpperCase()}`;
    return { id, arn: `arn:aws:cognito-idp:${region}:${MOCK_ACCOUNT_ID}:userpool/${id}`, endpoint: `cognito-idp.${region}.amazonaws.com/${id}` };
  },
  [TYPE.repository]: ({ region, physical }) => ({ name: physical, arn: `arn:aws:ecr:${region}:${MOCK_ACCOUNT_ID}:repository/${physical}`, registryId: MOCK_ACCOUNT_ID, repositoryUrl: `${MOCK_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${physical}` }),
  // Offline, nothing is built: the digest stands for the one a build of these inputs would push.
  [TYPE.image]: ({ name, inputs }) => ({ digest: `sha256:${createHash("sha256").update(JSON.stringify(inputs.tags ?? name)).digest("hex")}`, ref: String(inputs.tags?.[0] ?? name) }),
  [TYPE.ebsVolume]: ({ name, region }) => {
    const id = `vol-${shortHash(name, 17)}`;
    return { id, arn: `arn:aws:ec2:${region}:${MOCK_ACCOUNT_ID}:volume/${id}` };
  },
  [TYPE.launchTemplate]: ({ name, region }) => ({ id: `lt-${shortHash(name, 17)}`, latestVersion: 1, arn: `arn:aws:ec2:${region}:${MOCK_ACCOUNT_ID}:launch-template/lt-${shortHash(name, 17)}` }),
  [TYPE.autoScalingGroup]: ({ name, region, physical }) => ({ name: physical, arn: `arn:aws:autoscaling:${region}:${MOCK_ACCOUNT_ID}:autoScalingGroup:${shortHash(name, 8)}-uuid:autoScalingGroupName/${physical}` }),
  [TYPE.instanceProfile]: ({ physical }) => ({ name: physical, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:instance-profile/${physical}` }),
  // Stands for the secret Cognito generates: it must never reach a plan output in clear.
  [TYPE.userPoolClient]: ({ name }) => ({ id: `client-${shortHash(name, 20)}`, clientSecret: `offline-client-secret-${shortHash(name, 12)}` }),
  [TYPE.backupVault]: ({ inputs, region, physical }) => ({ name: physical, arn: `arn:aws:backup:${inputs.region ?? region}:${MOCK_ACCOUNT_ID}:backup-vault:${physical}` }),
  [TYPE.backupPlan]: ({ name, region }) => ({ arn: `arn:aws:backup:${region}:${MOCK_ACCOUNT_ID}:backup-plan:${shortHash(name, 8)}-plan`, id: `${shortHash(name, 8)}-plan`, version: "1" }),
};

function computedState(type: string, name: string, inputs: Record<string, any>, region: string, azCount: number): Record<string, unknown> {
  const physical = inputs.name ?? `${name}-${shortHash(name)}`;
  const arn = `arn:aws:${serviceOf(type)}:${region}:${MOCK_ACCOUNT_ID}:${(type.split(":").pop() ?? type).toLowerCase()}/${physical}`;
  const state = COMPUTED_STATE[type];
  return state ? state({ name, inputs, region, physical, arn, azCount }) : { name: physical, arn };
}

/**
 * `resolvedImages` collects, per image reference the program resolved to a digest, the digest the mock answered: the
 * plan shows the tag it came from, since offline digests are stand-ins.
 */
export function createMocks(region: string, deployedOutputs: Record<string, unknown> = {}, resolvedImages: Map<string, string> = new Map()): pulumi.runtime.Mocks {
  const azs = ["a", "b", "c", "d", "e", "f"].map((z) => `${region}${z}`);
  return {
    newResource(args) {
      // The program reads its own stack's last outputs (program.ts): answer with the deployed ones given to the engine.
      if (args.type === "pulumi:pulumi:StackReference") {
        // As a self-managed backend in its legacy layout, the strictest of Pulumi's backends: a stack name only.
        if (String(args.inputs.name).includes("/")) {
          throw new Error(`could not read stack reference ${args.inputs.name}: a self-managed backend in the legacy layout takes a bare stack name`);
        }
        return { id: args.inputs.name, state: { name: args.inputs.name, outputs: deployedOutputs, secretOutputNames: [] } };
      }
      const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs, region, 3) };
      const id = (state.id as string | undefined) ?? (args.type === TYPE.vpc ? (state.vpcId as string) : `${args.name}-id`);
      return { id, state };
    },
    call(args) {
      switch (args.token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
          return { accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/plan`, userId: "AIDAPLAN", id: MOCK_ACCOUNT_ID };
        case "aws:index/getRegion:getRegion":
          return { name: region, region, id: region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
        case "aws:index/getPartition:getPartition":
          return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
          return { userName: "AWS", password: "offline-token", authorizationToken: "offline", proxyEndpoint: `https://${args.inputs.registryId ?? MOCK_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com`, expiresAt: "2099-01-01T00:00:00Z", id: region };
        case "aws:ec2/getSubnet:getSubnet":
          // A VPC's subnets are laid out one per AZ in order; the first private one is in the first AZ.
          return { id: args.inputs.id, availabilityZone: azs[0], availabilityZoneId: "use1-az1", vpcId: "vpc-offline", cidrBlock: "10.0.0.0/19" };
        case "docker:index/getRegistryImage:getRegistryImage": {
          // Stands for the digest the registry reports for the tag at deploy time (never a real one).
          const sha256Digest = `sha256:${createHash("sha256").update(`registry:${args.inputs.name}`).digest("hex")}`;
          resolvedImages.set(sha256Digest, args.inputs.name);
          return { id: args.inputs.name, name: args.inputs.name, sha256Digest };
        }
        case "aws:ec2/getAmi:getAmi":
          // Stands for the newest image the owner publishes under the name filter (an id no real AMI has).
          return { id: `ami-${shortHash(JSON.stringify(args.inputs), 17)}`, name: String(args.inputs.filters?.[0]?.values?.[0] ?? "image").replace("*", "1.0.0"), architecture: "arm64", rootDeviceName: "/dev/xvda" };
        case "aws:ec2/getRouteTable:getRouteTable":
          return { id: `rtb-${shortHash(String(args.inputs.subnetId), 17)}`, routeTableId: `rtb-${shortHash(String(args.inputs.subnetId), 17)}`, subnetId: args.inputs.subnetId, vpcId: "vpc-offline" };
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
          return { names: azs, zoneIds: azs.map((_, i) => `use1-az${i + 1}`), id: region };
        default:
          throw new Error(`offline engine: no mock answer for invoke ${args.token}; add one to engine/mocks.ts`);
      }
    },
  };
}
