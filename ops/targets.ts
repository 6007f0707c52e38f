import { readFileSync } from "node:fs";
import { DescribeClustersCommand, DescribeServicesCommand, ECSClient, ListClustersCommand, ListServicesCommand } from "@aws-sdk/client-ecs";
import { OpsError } from "./errors";
import { withRetry, type RetryOptions } from "./retry";
import { TAG } from "../decisions/names";

export interface StackTargets {
  stack: string;
  clusterName: string;
  /** Server name → ECS service name. */
  services: Record<string, string>;
  /** Server name → the task definition ARN the last deploy set (from the outputs; unknown when found by tags). */
  deployed?: Record<string, string>;
}

/** `pulumi stack output --json` of the stack, read from a file. */
export function readOutputs(stack: string, file: string): Record<string, any> {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new OpsError(`${file} is not readable JSON (${(error as Error).message}); write it with pulumi stack output --json --stack ${stack} > ${file}`);
  }
}

/** From `pulumi stack output --json` of the stack: clusterName and servers.<name>.serviceName. */
export function targetsFromOutputs(stack: string, file: string): StackTargets {
  const outputs = readOutputs(stack, file);
  if (!outputs.clusterName || !outputs.servers) throw new OpsError(`${file} is not the output of pulumi stack output --json for an mcp-stack stack (no clusterName or servers)`);
  const servers = Object.entries<any>(outputs.servers);
  return {
    stack,
    clusterName: outputs.clusterName,
    services: Object.fromEntries(servers.map(([name, s]) => [name, s.serviceName])),
    deployed: Object.fromEntries(servers.filter(([, s]) => s.taskDefinition).map(([name, s]) => [name, s.taskDefinition])),
  };
}

const chunks = <T>(items: T[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/** Without outputs: the cluster tagged mcp-stack:stack = <stack> and its services tagged mcp-stack:server. */
export async function discoverTargets(ecs: ECSClient, stack: string, retry?: Partial<RetryOptions>): Promise<StackTargets> {
  const clusterArns: string[] = [];
  let next: string | undefined;
  do {
    const page = await withRetry(() => ecs.send(new ListClustersCommand({ nextToken: next })), retry);
    clusterArns.push(...(page.clusterArns ?? []));
    next = page.nextToken;
  } while (next);
  let clusterName: string | undefined;
  for (const batch of chunks(clusterArns, 100)) {
    const { clusters = [] } = await withRetry(() => ecs.send(new DescribeClustersCommand({ clusters: batch, include: ["TAGS"] })), retry);
    clusterName ??= clusters.find((c) => c.tags?.some((t) => t.key === TAG.stack && t.value === stack))?.clusterName;
  }
  if (!clusterName) throw new OpsError(`unknown stack ${stack}: no ECS cluster in this account and region is tagged mcp-stack:stack=${stack} (check AWS_REGION, or pass --outputs)`);

  const serviceArns: string[] = [];
  next = undefined;
  do {
    const page = await withRetry(() => ecs.send(new ListServicesCommand({ cluster: clusterName, nextToken: next })), retry);
    serviceArns.push(...(page.serviceArns ?? []));
    next = page.nextToken;
  } while (next);
  const services: Record<string, string> = {};
  for (const batch of chunks(serviceArns, 10)) {
    const described = await withRetry(() => ecs.send(new DescribeServicesCommand({ cluster: clusterName, services: batch, include: ["TAGS"] })), retry);
    for (const s of described.services ?? []) {
      const server = s.tags?.find((t) => t.key === TAG.server)?.value;
      if (server && s.serviceName) services[server] = s.serviceName;
    }
  }
  return { stack, clusterName, services };
}

/** The servers a command acts on: all of them, or the one named (an unknown name lists the known ones). */
export function selectServers(targets: StackTargets, server?: string): string[] {
  const names = Object.keys(targets.services).sort();
  if (!server) return names;
  if (!names.includes(server)) throw new OpsError(`unknown server ${server} in stack ${targets.stack}; servers: ${names.join(", ")}`);
  return [server];
}
