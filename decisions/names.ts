/**
 * The naming contract: every name and tag key that one part of mcp-stack writes and another finds — the stack when it
 * creates a resource; the plan, the policy pack and mcp-ops when they look for it. Both sides import it from here, so a
 * rename is made once (tests/contract.test.ts checks mcp-ops against a planned stack).
 */

export const SEVERITIES = ["P1", "P2", "P3", "P4"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Tag keys the stack sets and its tools read. */
export const TAG = {
  stack: "mcp-stack:stack",
  environment: "mcp-stack:environment",
  server: "mcp-stack:server",
  volume: "mcp-stack:volume",
  backup: "mcp-stack:backup",
  backupExempt: "mcp-stack:backup-exempt",
  access: "mcp-stack:access",
  host: "mcp-stack:host",
  nat: "mcp-stack:nat",
  loadBalancer: "mcp-stack:load-balancer",
  paused: "mcp-stack:paused",
  /** On the load balancer: who may reach it and how the routes authenticate (read by the policy pack). */
  auth: "mcp-stack:auth",
  exposure: "mcp-stack:exposure",
  unauthenticatedReason: "mcp-stack:unauthenticated-reason",
  /** On recovery points: the backup rule that made them. */
  rule: "mcp-stack:rule",
  /** On the step-scaling alarms: "scaling" (they page no one; the plan's timings read them). */
  purpose: "mcp-stack:purpose",
  severity: "severity",
} as const;

/** Physical names start with the stack's prefix: `mcp-<stack>-…`. */
export const stackPrefix = (stack: string) => `mcp-${stack}`;
export const physicalName = (stack: string, ...parts: string[]) => [stackPrefix(stack), ...parts].join("-");

/** `mcp-<stack>-<owner>-<key>`: the owner is a server's name, or a stack-wide component (alerting, backup). */
export const alarmName = (stack: string, owner: string, key: string) => physicalName(stack, owner, key);

/** The server an alarm of the stack belongs to (the longest server name it starts with), and its key. */
export function parseAlarmName(stack: string, servers: string[], name: string): { server?: string; key?: string } {
  const prefix = `${stackPrefix(stack)}-`;
  if (!name.startsWith(prefix)) return {};
  const server = [...servers].sort((a, b) => b.length - a.length).find((s) => name.startsWith(`${prefix}${s}-`));
  return server ? { server, key: name.slice(`${prefix}${server}-`.length) } : {};
}

/**
 * The logical names of the stack-wide components. Every child is named after its component (`backup-role`), so a
 * server may not take one of these names: its children would clash with the component's (config/serverRules.ts).
 */
export const STACK_COMPONENT = {
  network: "network",
  platform: "platform",
  secrets: "secrets",
  alerting: "alerting",
  logs: "logs",
  storage: "storage",
  backup: "backup",
  auth: "auth",
  edge: "edge",
  probe: "probe",
  dashboards: "dashboards",
} as const;

/** The alarm keys the plan and mcp-ops read a server's state from (status, report, check, timings). */
export const ALARM_KEY = { down: "down", health: "health", availability: "availability", probe: "probe" } as const;

/**
 * Logical (Pulumi) names of the children the plan finds by name. They are part of each resource's URN: a rename
 * replaces the resource on live stacks.
 */
export const childName = {
  task: (server: string) => `${server}-task`,
  route: (server: string) => `${server}-rule`,
  alarm: (owner: string, key: string) => `${owner}-alarm-${key}`,
  host: (server: string) => `${server}-host`,
  launchTemplate: (host: string) => `${host}-template`,
  /** The ingress rule that opens `to`'s port to `from`'s tasks. */
  dependency: (from: string, to: string) => `${from}-to-${to}`,
};

/** Each severity notifies its own SNS topic, `mcp-<stack>-p1` …: an alarm's actions say its severity. */
export const severityTopicName = (stack: string, severity: Severity) => physicalName(stack, severity.toLowerCase());

/** The severity of an alarm, read from the topic its actions notify (undefined for scaling alarms and composites without one). */
export function severityOfActions(stack: string, actions: readonly string[] = []): Severity | undefined {
  const topics = new Set(actions.map((arn) => arn.split(":").pop()));
  return SEVERITIES.find((s) => topics.has(severityTopicName(stack, s)));
}

/** The ECS task definition families of a server and of its restore task (ECR repositories follow `mcp-<stack>/<server>`). */
export const taskFamily = (stack: string, server: string) => physicalName(stack, server);
export const restoreTaskFamily = (stack: string, server: string) => physicalName(stack, server, "restore");
export const serverRepository = (stack: string, server: string) => `${stackPrefix(stack)}/${server}`;
