import * as pulumi from "@pulumi/pulumi";
import { ConfigError, keyPath } from "./config/errors";
import { loadConfig } from "./config/load";
import { volumesOf } from "./decisions/backup";
import { assignLoadBalancers } from "./decisions/loadBalancers";
import { volumeChangeProblems, type DeployedVolume } from "./decisions/volumeGuard";
import { buildStack, type StackOutputs } from "./stack";

/**
 * The Pulumi program: validated config in, stack outputs out. Before anything is registered it reads
 * back what the last deploy of this stack recorded — its volumes, refusing a config that would delete or replace a
 * file system, and which load balancer carries each server, so that no server moves to another.
 */
export async function program(): Promise<StackOutputs> {
  const loaded = loadConfig();
  const deployed = await deployedState();
  const assignment = assignLoadBalancers(loaded.config, deployed.loadBalancers);
  const problems = [
    ...volumeChangeProblems(volumesOf(loaded.config), deployed.volumes, loaded.config.retiredVolumes),
    ...assignment.problems.map((p) => `${keyPath(p.path)}: ${p.message}`),
  ];
  if (problems.length) throw new ConfigError(problems);
  return buildStack(loaded, assignment);
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

/** This stack's own `volumes` and per-server `loadBalancer` outputs from its last deploy; empty on the first. */
async function deployedState(): Promise<{ volumes: Record<string, DeployedVolume>; loadBalancers: Record<string, string> }> {
  const self = new pulumi.StackReference("self", { name: selfReferenceName(pulumi.getOrganization(), pulumi.getProject(), pulumi.getStack()) });
  const output = async <T>(name: string): Promise<T | undefined> => {
    const details = await self.getOutputDetails(name);
    return (details.value ?? details.secretValue) as T | undefined;
  };
  const [volumes, servers] = await Promise.all([output<Record<string, DeployedVolume>>("volumes"), output<Record<string, { loadBalancer?: string }>>("servers")]);
  const loadBalancers = Object.fromEntries(Object.entries(servers ?? {}).flatMap(([name, s]) => (s?.loadBalancer ? [[name, s.loadBalancer]] : [])));
  return { volumes: volumes ?? {}, loadBalancers };
}
