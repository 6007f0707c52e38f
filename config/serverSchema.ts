import { z } from "zod";
import { absolutePath, envVarName, LOG_RETENTION_DAYS, percent, port, positiveInt, STDIO_OUTPUTS, TRANSPORTS, urlPath } from "./primitives";

/** One MCP server of `mcp-stack:servers`: each key documented where it is defined, with its default. */

const route = z
  .strictObject({
    path: urlPath.optional(),
    host: z
      .string()
      .regex(/^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, "must be a DNS host name such as gmail.mcp.example.com")
      .optional(),
    /** Strip the path prefix before the request reaches the server (ALB URL rewrite), so it sees /mcp, not /gmail/mcp. */
    stripPrefix: z.boolean().default(true),
    /** Listener rule priority; derived from the server name when absent. */
    priority: z.number().int().min(1).max(50000, "must be a listener rule priority between 1 and 50000").optional(),
  })
  .refine((r) => (r.path === undefined) !== (r.host === undefined), {
    message: "give exactly one of path (e.g. { path: /gmail }) or host (e.g. { host: gmail.mcp.example.com })",
  })
  // The refinement proves exactly one of path and host: the type says so too.
  .transform((r) => r as PathRoute | HostRoute);

interface RouteOptions {
  stripPrefix: boolean;
  priority?: number;
}
/** A route by path on its load balancer's host (`/gmail`). */
export type PathRoute = RouteOptions & { path: string; host?: undefined };
/** A route by host name of its own (`gmail.mcp.example.com`). */
export type HostRoute = RouteOptions & { host: string; path?: undefined };

const healthCheck = z.strictObject({
  path: urlPath.default("/health"),
  /** Seconds between checks: ALB target group and container check alike; × consecutiveFailures is the first part of detection. */
  intervalSeconds: z.number().int().min(5).max(300).default(10),
  timeoutSeconds: z.number().int().min(2).max(120).default(5),
  healthyThreshold: z.number().int().min(2).max(10).default(2),
  /** Seconds ECS ignores failing load-balancer health checks after a task starts. */
  gracePeriodSeconds: z.number().int().min(0).max(2147483647).default(60),
  /** Container health check command (`["CMD-SHELL", "..."]`); a probe of `path` when absent. */
  command: z.array(z.string().min(1)).min(2).optional(),
});

const scaling = z.strictObject({
  /** At least 1: a server is stopped with `paused: true`, which keeps its route answering and its alarms quiet. */
  min: z.number().int().min(1, "must be at least 1; to stop a server, set paused: true (it keeps its data, secrets, logs and route, and its alarms stop paging)").default(1),
  max: z.number().int().min(1).optional(),
  cpuPercent: percent.default(60),
  memoryPercent: percent.default(70),
  /** ALBRequestCountPerTarget target (requests per target per minute). */
  requestsPerTarget: positiveInt.default(500),
});

const posixOwner = z.string().regex(/^\d+:\d+$/, 'must be a numeric uid:gid such as "1000:1000"');
const volume = z.strictObject({
  /**
   * efs: an EFS file system (NFS), shared by every task: file data. ebs: an EBS volume on the server's own EC2 host,
   * one writer: databases, whose vendors do not support network file systems.
   */
  type: z.enum(["efs", "ebs"], { message: "must be efs or ebs" }).default("efs"),
  /** Size of an ebs volume (gp3, 1–16384 GiB); it can grow later, never shrink. */
  sizeGiB: z.number().int().min(1).max(16384, "must be at most 16384 GiB (gp3)").default(20),
  /** Mounted read-only: with efs, the file system policy does not even grant ClientWrite to the server's tasks. */
  readOnly: z.boolean().default(false),
  /** Selected by the backup plan; the server's `backup` flag (default true) when absent. */
  backup: z.boolean().optional(),
  /** The POSIX user the access point enforces for every file operation and that owns its root directory. */
  owner: posixOwner.default("1000:1000"),
  /** Changing it replaces the file system, so it is fixed once deployed (the program refuses the change). */
  performanceMode: z
    .enum(["generalPurpose", "maxIO"])
    .default("generalPurpose")
    // EFS user guide, "Performance modes": Max I/O is not supported with Elastic throughput, which every volume uses.
    .refine((m) => m !== "maxIO", "maxIO is not available with Elastic throughput, which the stack gives every file system; use generalPurpose"),
});

const build = z.strictObject({
  /** Build context, relative to the project directory (e.g. `bridge`). */
  context: z.string().min(1).refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "must be a directory inside the project, such as bridge"),
  /** Dockerfile, relative to the context; `Dockerfile` when absent. */
  dockerfile: z.string().min(1).optional(),
  args: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a build-arg name"), z.string()).default({}),
  /** Images the ECR repository keeps; older ones expire. */
  keepImages: z.number().int().min(1).max(1000).default(20),
});

const serverInput = z.strictObject({
  /** false keeps the entry but deploys nothing (its resources are deleted; volumes are guarded). @default true */
  enabled: z.boolean().default(true),
  /** The container image, pulled as given; prod refuses `latest` and untagged images. Required unless `build`. */
  image: z.string().min(1).optional(),
  /** Build the image from this repository and push it to an ECR repository the stack owns (instead of `image`). */
  build: build.optional(),
  /** The container command; required for stdio servers (what the bridge runs). @default the image's */
  command: z.array(z.string().min(1)).min(1).optional(),
  /** The port the server (or its bridge) listens on. @default 8000 for stdio servers; required otherwise */
  port: port.optional(),
  /** streamable-http (stateless), streamable-http-stateful, sse or stdio (behind the bridge). @default streamable-http */
  transport: z.enum(TRANSPORTS).default("streamable-http"),
  /** For stdio servers: what the bridge (supergateway) exposes over HTTP. */
  bridge: z.enum(STDIO_OUTPUTS).default("streamable-http"),
  /** The MCP endpoint, used in the server's URL. @default /mcp (/sse for SSE) */
  mcpPath: urlPath.optional(),
  /** Seconds between an SSE stream's heartbeats; ingress.idleTimeoutSeconds must exceed it. @default 30 */
  sseHeartbeatSeconds: z.number().int().positive().default(30),
  /** No load balancer route: reachable by name through Service Connect from servers that dependsOn it. @default false */
  internal: z.boolean().default(false),
  /** { path } or { host } on the load balancer; stripPrefix, priority. @default { path: /<name>, stripPrefix: true } */
  route: route.optional(),
  /** CPU units: a Fargate size with `memory` (256 … 16384); any size on a database's own host. @default 1024 */
  cpu: z.number().int().default(1024),
  /** MiB: a valid Fargate pair with `cpu`. @default 2048 */
  memory: z.number().int().default(2048),
  /**
   * CPU the tasks run on. Graviton (arm64) Fargate costs ~20 % less. Built images build for it; a pulled image must publish
   * linux/arm64 (npm run check:images -- <stack> reads the registry). Default: arm64 with build, x86_64 with image.
   */
  architecture: z.enum(["x86_64", "arm64"], { message: "must be x86_64 or arm64" }).optional(),
  /**
   * Fargate Spot: true runs every task on Spot, { onDemandBase: n } keeps n tasks on on-demand Fargate and runs the rest
   * (scale-out included) on Spot. Spot tasks can be reclaimed with two minutes' notice: stateless servers only.
   */
  spot: z
    .union([z.boolean(), z.strictObject({ onDemandBase: z.number().int().min(1, "must be at least 1; spot: true runs every task on Spot") })], {
      message: "must be true, false or { onDemandBase: <tasks> }",
    })
    .default(false),
  /** min, max, and the target-tracking targets cpuPercent (60), memoryPercent (70), requestsPerTarget (500). @default { min: 1, max: min } */
  scaling: scaling.prefault({}),
  /** Expected traffic: a P4 alarm fires below it. Off by default for quiet servers. */
  minRequestsPerMinute: positiveInt.optional(),
  /** Requests per client IP and minute on this server's route (a WAF rate rule, 429 above it). @default none */
  rateLimitPerMinute: z.number().int().min(10, "must be at least 10: WAF's smallest rate limit per 60 s window").optional(),
  /** tools/call requests per minute from all clients together (a WAF cap for servers that call a rate-limited API). */
  toolCallsPerMinute: z.number().int().min(10, "must be at least 10: WAF's smallest rate limit per 60 s window").optional(),
  /** path (/health), intervalSeconds (10), timeoutSeconds (5), healthyThreshold, gracePeriodSeconds (60), command. */
  healthCheck: healthCheck.prefault({}),
  /** Plain variables; secret-looking names are refused (list them in `secrets`). @default {} */
  environment: z.record(envVarName, z.string()).default({}),
  /** Variables filled from Secrets Manager (mcp-stack/<stack>/<NAME>) at task start. @default [] */
  secrets: z.array(envVarName).default([]),
  /** { /path: { type: efs | ebs, backup, owner, readOnly, performanceMode, sizeGiB } }. @default {} */
  volumes: z.record(absolutePath, volume.prefault({})).default({}),
  /** Default of `volumes.<path>.backup` for this server's volumes. */
  backup: z.boolean().optional(),
  /** Servers this one calls: their port opens to its tasks, and they deploy first. @default [] */
  dependsOn: z.array(z.string()).default([]),
  /** Run as this user (`node`, `1000:1000`). @default the image's */
  user: z.string().regex(/^[A-Za-z0-9_-]+(:[A-Za-z0-9_-]+)?$/, "must be a user or uid[:gid] such as 1000:1000").optional(),
  /** A read-only root filesystem with a writable /tmp. @default true */
  readOnlyRootFilesystem: z.boolean().default(true),
  /** Days its log group keeps events; the environment's (prod 90, staging 30, dev 14) when absent. Keep it short for payloads. */
  logRetentionDays: z
    .number()
    .refine((d) => LOG_RETENTION_DAYS.includes(d), `must be one of CloudWatch Logs' retention periods: ${[1, 3, 5, 7, 14, 30, 60, 90, 180, 365].join(", ")} … days`)
    .optional(),
  /** The scope the ALB requires on this server's route (with ingress.auth: cognito): mcp/<name>.read or mcp/<name>.write. */
  requiredScope: z.enum(["read", "write"], { message: "must be read or write" }).default("read"),
  /** Stop the server without losing anything: no tasks, its route answers 503, its alarms do not page; false resumes it. */
  paused: z.boolean().default(false),
  /** Stateful sessions (streamable-http-stateful, sse) live in a store every task shares, so any task can serve them. */
  sharedSessionState: z.boolean().default(false),
  /** Every client of this server keeps the ALB's stickiness cookie, so its requests return to the task holding its session. */
  clientsKeepCookies: z.boolean().default(false),
  /**
   * The load balancer that carries this server's route: `main` (the stack's first) or a name of your own; the stack
   * spreads unpinned servers over main, lb2, lb3 … as the ALB quotas require (decisions/loadBalancers.ts).
   */
  loadBalancer: z.string().regex(/^[a-z][a-z0-9]{0,9}$/, "must be 1–10 lowercase letters and digits, starting with a letter (it becomes part of the ALB's name and host)").optional(),
  /** EC2 instance type of the host of a server with ebs volumes; the smallest that fits cpu and memory when absent. */
  instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as t3.large").optional(),
});

/** Defaults that depend on other fields of the same server. */
export const server = serverInput.transform((s) => {
  const isStdio = s.transport === "stdio";
  const exposes = isStdio ? s.bridge : s.transport;
  return {
    ...s,
    port: s.port ?? (isStdio ? 8000 : undefined),
    architecture: s.architecture ?? (s.build ? "arm64" : "x86_64"),
    mcpPath: s.mcpPath ?? (exposes === "sse" ? "/sse" : "/mcp"),
    scaling: { ...s.scaling, max: s.scaling.max ?? Math.max(s.scaling.min, 1) },
    volumes: Object.fromEntries(Object.entries(s.volumes).map(([path, v]) => [path, { ...v, backup: v.backup ?? s.backup ?? true }])),
  };
});
