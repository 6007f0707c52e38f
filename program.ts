import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./config/errors";
import { loadConfig } from "./config/load";
import { volumesOf } from "./decisions/backup";
import { volumeChangeProblems, type DeployedVolume } from "./decisions/volumeGuard";
import { buildStack, type StackOutputs } from "./stack";

/**
 * The Pulumi program: validated config in, stack outputs out. Before anything is registered it reads
 * back what the last deploy of this stack recorded about its volumes and refuses a config that would
 * delete or replace a file system.
 */
export async function program(): Promise<StackOutputs> {
  const loaded = loadConfig();
  const problems = volumeChangeProblems(volumesOf(loaded.config), await deployedVolumes(), loaded.config.retiredVolumes);
  if (problems.length) throw new ConfigError(problems);
  return buildStack(loaded);
}

/** This stack's own `volumes` output from its last deploy; empty on the first. */
async function deployedVolumes(): Promise<Record<string, DeployedVolume>> {
  const self = new pulumi.StackReference("self", { name: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}` });
  const details = await self.getOutputDetails("volumes");
  return ((details.value ?? details.secretValue) as Record<string, DeployedVolume> | undefined) ?? {};
}
