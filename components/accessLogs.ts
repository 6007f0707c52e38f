import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DeployContext } from "./context";
import { physicalName } from "../decisions/names";

/** The Elastic Load Balancing account of regions that predate the log-delivery service principal (AWS docs, "Enable access logs"). */
const ELB_ACCOUNTS: Record<string, string> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "ca-central-1": "985666609251",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-west-3": "009996457667",
  "eu-central-1": "054676820928",
  "eu-north-1": "897822967062",
  "ap-south-1": "718504428378",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ap-northeast-2": "600734575887",
  "sa-east-1": "507241528517",
};

export const ACCESS_LOG_PREFIX = "alb";

export interface AccessLogBucketArgs extends DeployContext {
  parent: pulumi.Resource;
}

/**
 * The ALB's access-log bucket (Security Hub ELB.5): private, owner-enforced, SSE-S3 (the only encryption ALB
 * log delivery supports), TLS only, logs expire with the stack's log retention. Returns the bucket and the policy
 * the ALB must wait for (it checks that it may write when logging is turned on).
 */
export function createAccessLogBucket(args: AccessLogBucketArgs) {
  const { parent } = args;
  const name = "platform-alb-logs";
  const bucket = new aws.s3.Bucket(
    name,
    { bucketPrefix: `${physicalName(args.stack, "alb", "logs")}-`, forceDestroy: !args.protection.retainStatefulOnDelete },
    { parent, retainOnDelete: args.protection.retainStatefulOnDelete },
  );
  new aws.s3.BucketPublicAccessBlock(`${name}-private`, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, { parent });
  new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent });
  new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, { parent });
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-expiry`,
    { bucket: bucket.id, rules: [{ id: "expire-access-logs", status: "Enabled", filter: { prefix: `${ACCESS_LOG_PREFIX}/` }, expiration: { days: args.protection.logRetentionDays } }] },
    { parent },
  );
  const writers: object[] = [{ Service: "logdelivery.elasticloadbalancing.amazonaws.com" }];
  const elbAccount = ELB_ACCOUNTS[args.region];
  if (elbAccount) writers.push({ AWS: `arn:aws:iam::${elbAccount}:root` });
  const policy = new aws.s3.BucketPolicy(
    `${name}-policy`,
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          ...writers.map((principal, i) => ({
            Sid: `AlbLogDelivery${i}`,
            Effect: "Allow",
            Principal: principal,
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucket.arn}/${ACCESS_LOG_PREFIX}/AWSLogs/${args.accountId}/*`,
          })),
          { Sid: "DenyWithoutTls", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ],
      }),
    },
    { parent },
  );
  return { bucket, policy };
}
