import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DeployContext } from "./context";
import { physicalName, stackPrefix } from "../decisions/names";

/**
 * What AWS Backup Audit Manager reads through AWS Config ("Turning on resource tracking", AWS Backup developer guide):
 * the backup resources, the compliance results, and the resource types the plan protects.
 */
export const AUDITED_RESOURCE_TYPES = [
  "AWS::Backup::BackupPlan",
  "AWS::Backup::BackupSelection",
  "AWS::Backup::BackupVault",
  "AWS::Backup::RecoveryPoint",
  "AWS::Config::ResourceCompliance",
  "AWS::EFS::FileSystem",
  "AWS::EC2::Volume",
];

export interface ConfigRecordingArgs extends Pick<DeployContext, "stack" | "accountId" | "protection"> {
  parent: pulumi.Resource;
}

/**
 * An AWS Config recorder limited to the audited types, with its delivery bucket, for accounts that record nothing
 * yet. AWS Config allows one recorder per account and region: accounts that have one use `backup.audit:
 * existing-recorder` instead. Returns the resource the audit framework must wait for.
 */
export function createConfigRecording(args: ConfigRecordingArgs): pulumi.Resource {
  const { parent, stack } = args;
  const name = "backup-config";
  const bucket = new aws.s3.Bucket(
    `${name}-bucket`,
    { bucketPrefix: `${physicalName(stack, "config")}-`, forceDestroy: !args.protection.retainStatefulOnDelete },
    { parent, retainOnDelete: args.protection.retainStatefulOnDelete },
  );
  new aws.s3.BucketPublicAccessBlock(`${name}-bucket-private`, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, { parent });
  new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-bucket-encryption`, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, { parent });
  // The delivery channel's bucket policy as the AWS Config developer guide gives it ("Permissions for the Amazon S3 bucket").
  const source = { StringEquals: { "AWS:SourceAccount": args.accountId } };
  const policy = new aws.s3.BucketPolicy(
    `${name}-bucket-policy`,
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "ConfigAclCheck", Effect: "Allow", Principal: { Service: "config.amazonaws.com" }, Action: ["s3:GetBucketAcl", "s3:ListBucket"], Resource: bucket.arn, Condition: source },
          {
            Sid: "ConfigDelivery",
            Effect: "Allow",
            Principal: { Service: "config.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucket.arn}/AWSLogs/${args.accountId}/Config/*`,
            Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "AWS:SourceAccount": args.accountId } },
          },
          { Sid: "DenyWithoutTls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ],
      }),
    },
    { parent },
  );
  const role = new aws.iam.Role(
    `${name}-role`,
    {
      description: `AWS Config recorder of mcp-stack ${stack} (backup audit)`,
      assumeRolePolicy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "config.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.accountId } } }],
      }),
    },
    { parent },
  );
  new aws.iam.RolePolicyAttachment(`${name}-role-managed`, { role: role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AWS_ConfigRole" }, { parent });
  const recorder = new aws.cfg.Recorder(
    `${name}-recorder`,
    { name: stackPrefix(stack), roleArn: role.arn, recordingGroup: { allSupported: false, includeGlobalResourceTypes: false, resourceTypes: AUDITED_RESOURCE_TYPES } },
    { parent },
  );
  const channel = new aws.cfg.DeliveryChannel(`${name}-delivery`, { name: stackPrefix(stack), s3BucketName: bucket.id }, { parent, dependsOn: [recorder, policy] });
  return new aws.cfg.RecorderStatus(`${name}-recording`, { name: recorder.name, isEnabled: true }, { parent, dependsOn: [channel] });
}
