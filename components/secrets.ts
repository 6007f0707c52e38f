import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { DeployContext } from "./context";
import { COMPONENT } from "../decisions/resourceTypes";

export interface StackSecretsArgs extends Pick<DeployContext, "stack" | "protection"> {
  /** Every secret name some enabled server lists. */
  names: string[];
  /** Names whose value is set in config (`secretValues`); the others are filled out of band. */
  namesWithValues: string[];
  values: pulumi.Output<Record<string, string>>;
}

/**
 * One Secrets Manager secret per secret name of the stack (a name shared by two servers, such as
 * NEO4J_PASSWORD for neo4j and graphiti, is one secret). Each server's execution role may read
 * only the ones it lists.
 */
export class StackSecrets extends pulumi.ComponentResource {
  readonly arns: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: StackSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.secrets, name, {}, opts);
    for (const secretName of args.names) {
      const secret = new aws.secretsmanager.Secret(
        `${name}-${secretName}`,
        {
          name: `mcp-stack/${args.stack}/${secretName}`,
          description: `${secretName} for mcp-stack ${args.stack}; set with pulumi config set --secret --path 'mcp-stack:secretValues.${secretName}' or out of band`,
          recoveryWindowInDays: args.protection.secretRecoveryWindowDays,
        },
        { parent: this, retainOnDelete: args.protection.retainStatefulOnDelete },
      );
      if (args.namesWithValues.includes(secretName)) {
        new aws.secretsmanager.SecretVersion(
          `${name}-${secretName}-value`,
          { secretId: secret.id, secretString: pulumi.secret(args.values.apply((v) => v[secretName])) },
          { parent: this },
        );
      }
      this.arns[secretName] = secret.arn;
    }
    this.registerOutputs({ arns: this.arns });
  }
}
