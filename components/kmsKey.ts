import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** A key policy: the account administers the key; services are let in by the statements a key adds. */
export function keyPolicy(accountId: pulumi.Input<string>, ...serviceStatements: Record<string, unknown>[]) {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "AccountAdmin", Effect: "Allow", Principal: { AWS: pulumi.interpolate`arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" }, ...serviceStatements],
  });
}

/** A customer managed key of the stack: rotated yearly, 30 days' grace before deletion unless the caller says otherwise. */
export function customerKey(name: string, args: Omit<aws.kms.KeyArgs, "enableKeyRotation">, opts: pulumi.CustomResourceOptions): aws.kms.Key {
  return new aws.kms.Key(name, { enableKeyRotation: true, deletionWindowInDays: 30, ...args }, opts);
}
