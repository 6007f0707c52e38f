import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { customerKey, keyPolicy } from "./kmsKey";
import type { DeployContext } from "./context";
import { COMPONENT } from "../decisions/resourceTypes";

export interface LogsArgs extends DeployContext {
}

/**
 * The customer-managed key of the servers' log groups, which may hold user content (tool arguments, errors). CloudWatch
 * Logs uses it only for log groups of this account and region: the key policy names the service principal of the
 * region and binds it to the encryption context of a log group ARN (CloudWatch Logs user guide, "Encrypt log data in
 * CloudWatch Logs using AWS Key Management Service").
 */
export class Logs extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;

  constructor(name: string, args: LogsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.logs, name, {}, opts);
    this.key = customerKey(
      `${name}-key`,
      {
        description: `mcp-stack ${args.stack} server logs`,
        policy: keyPolicy(args.accountId, {
          Sid: "CloudWatchLogsOfThisAccount",
          Effect: "Allow",
          Principal: { Service: `logs.${args.region}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:aws:logs:${args.region}:${args.accountId}:log-group:*` } },
        }),
      },
      // Deleting the key makes every log event it encrypted unreadable.
      { parent: this, protect: args.protection.protectStateful, retainOnDelete: args.protection.retainStatefulOnDelete },
    );
    this.registerOutputs({ keyArn: this.key.arn });
  }
}

/**
 * Masks what must never sit readable in a log (e-mail addresses, private keys, AWS secret keys) as it is ingested, and
 * audits where it was found (CloudWatch Logs data protection; managed data identifiers).
 */
export function dataProtectionPolicy(name: string): string {
  const identifiers = ["EmailAddress", "AwsSecretKey", "OpenSshPrivateKey", "PgpPrivateKey", "PkcsPrivateKey", "PuttyPrivateKey"].map(
    (id) => `arn:aws:dataprotection::aws:data-identifier/${id}`,
  );
  return JSON.stringify({
    Name: `${name}-data-protection`,
    Version: "2021-06-01",
    Statement: [
      { Sid: "audit", DataIdentifier: identifiers, Operation: { Audit: { FindingsDestination: {} } } },
      { Sid: "redact", DataIdentifier: identifiers, Operation: { Deidentify: { MaskConfig: {} } } },
    ],
  });
}
