import type * as pulumi from "@pulumi/pulumi";
import type { Protection } from "../decisions/protection";

/** Just the deploy context of a component's arguments, to hand on to another builder. */
export const deployOf = ({ stack, region, accountId, protection }: DeployContext): DeployContext => ({ stack, region, accountId, protection });

/** Where the stack deploys and how its stateful resources are protected: what the components share (wiring/context.ts). */
export interface DeployContext {
  stack: string;
  region: string;
  accountId: pulumi.Input<string>;
  protection: Protection;
}
