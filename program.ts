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

/**
 * How this stack refers to itself. A self-managed (DIY) backend names its organization "organization" and accepts a
 * bare stack name in both its layouts, while its legacy layout refuses `org/project/stack` (pulumi/pulumi
 * pkg/backend/diy: legacyReferenceStore parses the whole string as a stack name; projectReferenceStore infers org and
 * project). Pulumi Cloud resolves a bare name against the user's default org, so there the name is fully qualified.
 */
export function selfReferenceName(organization: string, project: string, stack: string): string {
  return organization === "organization" ? stack : `${organization}/${project}/${stack}`;
}

/** This stack's own `volumes` output from its last deploy; empty on the first. */
async function deployedVolumes(): Promise<Record<string, DeployedVolume>> {
  const self = new pulumi.StackReference("self", { name: selfReferenceName(pulumi.getOrganization(), pulumi.getProject(), pulumi.getStack()) });
  const details = await self.getOutputDetails("volumes");
  return ((details.value ?? details.secretValue) as Record<string, DeployedVolume> | undefined) ?? {};
}
