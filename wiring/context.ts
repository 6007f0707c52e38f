import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { LoadedConfig } from "../config/load";
import type { StackConfig } from "../config/schema";
import { MAIN_GROUP, type Assignment } from "../decisions/loadBalancers";
import { protectionFor } from "../decisions/protection";
import type { DeployContext } from "../components/context";
import { TAG } from "../decisions/names";

/** What every step of the stack shares: the config, where it deploys, how stateful resources are protected. */
export interface StackContext {
  config: StackConfig;
  /** Stack, region, account and protection: what every component takes (components/context.ts). */
  deploy: DeployContext;
  secretValues: LoadedConfig["secretValues"];
  /** Resource options of every top-level component: the stack's own AWS provider. */
  opts: pulumi.ComponentResourceOptions;
  /** The enabled servers, by name. */
  enabled: [string, StackConfig["servers"][string]][];
  assignment: Assignment;
  /** The load balancer group of a routed server (decisions/loadBalancers.ts); main for the others. */
  groupOf: (server: string) => string;
}

/** The provider every resource goes through (region and default tags) and the context built around it. */
export function stackContext({ config, region, stack, secretValues }: LoadedConfig, assignment: Assignment): StackContext {
  const provider = new aws.Provider("aws", {
    region: region as aws.Region,
    defaultTags: { tags: { [TAG.stack]: stack, [TAG.environment]: config.environment, "managed-by": "pulumi" } },
  });
  return {
    config,
    deploy: { stack, region, accountId: aws.getCallerIdentityOutput({}, { provider }).accountId, protection: protectionFor(config.environment) },
    secretValues,
    opts: { providers: [provider] },
    enabled: Object.entries(config.servers).filter(([, s]) => s.enabled),
    assignment,
    groupOf: (server) => assignment.groupOf[server] ?? MAIN_GROUP,
  };
}
