import { DescribeServicesCommand, ListTaskDefinitionsCommand, UpdateServiceCommand, type ECSClient } from "@aws-sdk/client-ecs";
import { OpsError } from "./errors";
import { withRetry, type RetryOptions } from "./retry";

/** family:revision of a task definition ARN (arn:aws:ecs:…:task-definition/family:revision). */
export function revisionOf(arn: string): { family: string; revision: number } {
  const match = /task-definition\/([^:]+):(\d+)$/.exec(arn);
  if (!match) throw new OpsError(`cannot read a family and revision from ${arn}`);
  return { family: match[1], revision: Number(match[2]) };
}

/** The service's current task definition and the revision to go back to: `to`, or the newest ACTIVE one before it. */
export async function rollbackTarget(ecs: ECSClient, cluster: string, service: string, to: number | undefined, retry?: Partial<RetryOptions>) {
  const described = await withRetry(() => ecs.send(new DescribeServicesCommand({ cluster, services: [service] })), retry);
  const current = described.services?.[0]?.taskDefinition;
  if (!current) throw new OpsError(`service ${service} not found in cluster ${cluster}`);
  const { family, revision } = revisionOf(current);
  const active: number[] = [];
  let next: string | undefined;
  do {
    const page = await withRetry(() => ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status: "ACTIVE", sort: "DESC", nextToken: next })), retry);
    // familyPrefix is a prefix: mcp-prod-gmail also lists mcp-prod-gmail-restore.
    for (const arn of page.taskDefinitionArns ?? []) if (revisionOf(arn).family === family) active.push(revisionOf(arn).revision);
    next = page.nextToken;
  } while (next);
  const target = to ?? Math.max(...active.filter((r) => r < revision), -1);
  if (target === revision) throw new OpsError(`${family}:${revision} is already what runs`);
  if (!active.includes(target)) {
    throw new OpsError(
      to === undefined
        ? `${family} has no ACTIVE revision before ${revision} to go back to`
        : `${family}:${to} is not an ACTIVE revision (ECS cannot run deregistered ones); ACTIVE: ${active.sort((a, b) => b - a).join(", ")}`,
    );
  }
  return { family, from: revision, to: target };
}

export type RolloutOutcome = "COMPLETED" | "FAILED" | "IN_PROGRESS";

/** Points the service at the revision, then follows the new deployment until ECS says it completed or failed. */
export async function rollBack(
  ecs: ECSClient,
  cluster: string,
  service: string,
  taskDefinition: string,
  options: { pollMs: number; deadline: number; now: () => number; retry?: Partial<RetryOptions> },
): Promise<{ outcome: RolloutOutcome; reason?: string }> {
  const updated = await withRetry(() => ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition })), options.retry);
  const deploymentId = updated.service?.deployments?.find((d) => d.status === "PRIMARY")?.id;
  for (;;) {
    const described = await withRetry(() => ecs.send(new DescribeServicesCommand({ cluster, services: [service] })), options.retry);
    const deployments = described.services?.[0]?.deployments ?? [];
    const ours = deployments.find((d) => (deploymentId ? d.id === deploymentId : d.status === "PRIMARY"));
    if (ours?.rolloutState === "COMPLETED" || ours?.rolloutState === "FAILED") return { outcome: ours.rolloutState, reason: ours.rolloutStateReason };
    if (options.now() + options.pollMs > options.deadline) return { outcome: "IN_PROGRESS", reason: ours?.rolloutStateReason };
    await new Promise((r) => setTimeout(r, options.pollMs));
  }
}
