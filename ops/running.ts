import { DescribeTasksCommand, ListTasksCommand, type ECSClient } from "@aws-sdk/client-ecs";
import { withRetry, type RetryOptions } from "./retry";

/** What a server's running tasks run: the image reference of its main container and the digest ECS resolved it to. */
export interface RunningImage {
  image: string;
  /** Distinct digests across the running tasks (two during a rollout). */
  digests: string[];
}

/** The main container (named after the server) of each service's running tasks: ListTasks, then DescribeTasks by 100. */
export async function runningImages(ecs: ECSClient, cluster: string, services: Record<string, string>, retry?: Partial<RetryOptions>): Promise<Record<string, RunningImage>> {
  const result: Record<string, RunningImage> = {};
  for (const [server, serviceName] of Object.entries(services)) {
    const taskArns: string[] = [];
    let next: string | undefined;
    do {
      const page = await withRetry(() => ecs.send(new ListTasksCommand({ cluster, serviceName, desiredStatus: "RUNNING", nextToken: next })), retry);
      taskArns.push(...(page?.taskArns ?? []));
      next = page?.nextToken;
    } while (next);
    for (let i = 0; i < taskArns.length; i += 100) {
      const page = await withRetry(() => ecs.send(new DescribeTasksCommand({ cluster, tasks: taskArns.slice(i, i + 100) })), retry);
      for (const container of (page?.tasks ?? []).flatMap((t) => t.containers ?? []).filter((c) => c.name === server)) {
        const seen = (result[server] ??= { image: container.image ?? "?", digests: [] });
        if (container.imageDigest && !seen.digests.includes(container.imageDigest)) seen.digests.push(container.imageDigest);
      }
    }
  }
  return result;
}

/** repository:tag with the short digest(s): what an operator compares at a glance. */
export function imageText(running: RunningImage | undefined): string {
  if (!running) return "no running task";
  const name = running.image.replace(/@sha256:[0-9a-f]+$/, "").split("/").pop();
  return [name, ...running.digests.map((d) => d.replace(/^sha256:/, "").slice(0, 12))].join(" ");
}
