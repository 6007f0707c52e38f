import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { customerKey, keyPolicy } from "./kmsKey";
import type { DeployContext } from "./context";
import { COMPONENT } from "../decisions/resourceTypes";

export interface StorageArgs extends Pick<DeployContext, "stack" | "accountId" | "protection"> {
  /** Region of the EFS replicas, when `backup.replication` is set: they need a key of their own there. */
  replicaRegion?: string;
}

/** The customer-managed KMS keys that encrypt the stack's file systems (and their replicas). */
export class Storage extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly replicaKey?: aws.kms.Key;

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.storage, name, {}, opts);
    // Deleting a key makes every file system and recovery point it encrypts unreadable: never with a routine deploy.
    const keep = { parent: this, protect: args.protection.protectStateful, retainOnDelete: args.protection.retainStatefulOnDelete };
    this.key = customerKey(`${name}-key`, { description: `mcp-stack ${args.stack} volumes (EFS and EBS)`, policy: keyPolicy(args.accountId) }, keep);
    if (args.replicaRegion) {
      this.replicaKey = customerKey(`${name}-replica-key`, { region: args.replicaRegion, description: `mcp-stack ${args.stack} EFS replicas`, policy: keyPolicy(args.accountId) }, keep);
    }
    this.registerOutputs({ keyArn: this.key.arn });
  }
}

