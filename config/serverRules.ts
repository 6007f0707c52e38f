import { existsSync } from "node:fs";
import * as path from "node:path";
import { runsOnHost } from "../decisions/deploy";
import { bridgeLockDir, PINNED_PACKAGE } from "../decisions/bridge";
import { BLOCK_STORAGE_DATABASES, isPinnedImage } from "../decisions/images";
import { PROJECT_DIR } from "../project";
import { FARGATE_MEMORY_BY_CPU, fargateMemoryHint } from "./fargate";
import { MAX_SERVER_NAME_LENGTH, SERVER_NAME } from "./names";
import type { StackShape } from "./schema";
import { SECRET_LOOKING_NAME } from "../decisions/tasks";
import { STACK_COMPONENT } from "../decisions/names";

export type Path = (string | number)[];
export type Fail = (path: Path, message: string) => void;
type Server = StackShape["servers"][string];

/** Names of the stack-level components; a server of the same name would clash with their resources. */
export const RESERVED_NAMES: string[] = Object.values(STACK_COMPONENT);

/** A server's own rules, each a step of its own. */
export function checkServer(config: StackShape, name: string, s: Server, fail: Fail) {
  checkName(name, fail);
  checkSize(name, s, fail);
  checkImage(config, name, s, fail);
  checkExposure(config, name, s, fail);
  checkScaling(config, name, s, fail);
  checkStorage(name, s, fail);
  checkSessions(name, s, fail);
  checkSpot(name, s, fail);
  checkDependencies(config, name, s, fail);
  checkSecrets(name, s, fail);
}

const at = (name: string, ...rest: Path): Path => ["servers", name, ...rest];

function checkName(name: string, fail: Fail) {
  if (!SERVER_NAME.test(name)) {
    fail(at(name), `server name "${name}" must be lowercase letters, digits and hyphens, starting with a letter (it becomes an ECS service and DNS name)`);
  } else if (RESERVED_NAMES.includes(name)) {
    fail(at(name), `server name "${name}" is reserved for a stack component (${RESERVED_NAMES.join(", ")}); pick another name`);
  } else if (name.length > MAX_SERVER_NAME_LENGTH) {
    fail(at(name), `server name "${name}" is ${name.length} characters; use at most ${MAX_SERVER_NAME_LENGTH} so its target group name stays within AWS's 32`);
  }
}

function checkSize(name: string, s: Server, fail: Fail) {
  // Fargate's fixed sizes; a server with ebs volumes runs on its own EC2 host, sized to fit (decisions/host.ts).
  const memories = FARGATE_MEMORY_BY_CPU[s.cpu];
  if (runsOnHost(s)) {
    if (s.cpu < 128 || s.memory < 128) fail(at(name, s.cpu < 128 ? "cpu" : "memory"), "must be at least 128 (CPU units / MiB) for a task on an EC2 host");
  } else if (!memories) fail(at(name, "cpu"), `${s.cpu} is not a Fargate size; ${fargateMemoryHint(s.cpu)}`);
  else if (!memories.includes(s.memory)) fail(at(name, "memory"), `${s.memory} MiB is not valid; ${fargateMemoryHint(s.cpu)}`);
}

function checkImage(config: StackShape, name: string, s: Server, fail: Fail) {
  if (s.image && s.build) fail(at(name, "build"), "give either image (pulled as is) or build (built and pushed to ECR), not both");
  else if (!s.image && !s.build) fail(at(name, "image"), "is required: the container image to run, pinned to a version tag or digest (or build: { context } to build one)");
  else if (s.build) checkBuildContext(s.build, at(name, "build"), fail);
  else if (s.image && config.environment === "prod" && !isPinnedImage(s.image)) {
    fail(at(name, "image"), `"${s.image}" is not pinned; prod needs a version tag or digest (e.g. ${s.image.split(":")[0]}:1.2.3), never latest`);
  }

  if (s.transport === "stdio" && !s.command) {
    fail(at(name, "command"), 'stdio servers need the command that starts them, e.g. ["npx", "-y", "@modelcontextprotocol/server-filesystem", "/data"]');
  }
  if (s.port === undefined) fail(at(name, "port"), "is required: the port the server listens on");
}

/** Internal servers have no route; WAF rules need a WAF; an SSE stream needs an idle timeout above its heartbeat. */
function checkExposure(config: StackShape, name: string, s: Server, fail: Fail) {
  if (s.internal) {
    if (s.route) fail(at(name, "route"), "internal servers get no load balancer route; remove route or set internal: false");
    if (s.rateLimitPerMinute !== undefined) fail(at(name, "rateLimitPerMinute"), "applies to public routes only; internal servers are not behind the WAF");
  } else if (!config.ingress.waf.enabled) {
    for (const key of ["rateLimitPerMinute", "toolCallsPerMinute"] as const) {
      if (s[key] !== undefined) fail(at(name, key), "is a WAF rule and this stack has no WAF (ingress.waf.enabled is false, the default of an internal load balancer); remove it or set ingress.waf.enabled: true");
    }
  }
  const exposesSse = s.transport === "sse" || (s.transport === "stdio" && s.bridge === "sse");
  if (exposesSse && config.ingress.idleTimeoutSeconds <= s.sseHeartbeatSeconds) {
    fail(["ingress", "idleTimeoutSeconds"], `${config.ingress.idleTimeoutSeconds} s would cut ${name}'s SSE stream between heartbeats (every ${s.sseHeartbeatSeconds} s); raise it above the heartbeat`);
  }
}

/** Scaling below the alarm thresholds, so that the alarms do not fire before autoscaling reacts. */
function checkScaling(config: StackShape, name: string, s: Server, fail: Fail) {
  if (s.scaling.min > s.scaling.max) fail(at(name, "scaling", "min"), `${s.scaling.min} is above scaling.max ${s.scaling.max}; set min ≤ max`);
  const { cpuPercent, memoryPercent } = config.alerts.thresholds;
  if (s.scaling.cpuPercent >= cpuPercent) {
    fail(at(name, "scaling", "cpuPercent"), `${s.scaling.cpuPercent} must be below the CPU alarm threshold ${cpuPercent} (alerts.thresholds.cpuPercent), or the alarm fires before autoscaling reacts`);
  }
  if (s.scaling.memoryPercent >= memoryPercent) {
    fail(at(name, "scaling", "memoryPercent"), `${s.scaling.memoryPercent} must be below the memory alarm threshold ${memoryPercent} (alerts.thresholds.memoryPercent), or the alarm fires before autoscaling reacts`);
  }
  if (s.healthCheck.timeoutSeconds >= s.healthCheck.intervalSeconds) {
    fail(at(name, "healthCheck", "timeoutSeconds"), `must be less than healthCheck.intervalSeconds (${s.healthCheck.intervalSeconds})`);
  }
}

function checkDependencies(config: StackShape, name: string, s: Server, fail: Fail) {
  s.dependsOn.forEach((dep, i) => {
    const target = config.servers[dep];
    if (dep === name) fail(at(name, "dependsOn", i), "a server cannot depend on itself");
    else if (!target) fail(at(name, "dependsOn", i), `"${dep}" is not a server in mcp-stack:servers (known: ${Object.keys(config.servers).join(", ")})`);
    else if (!target.enabled && s.enabled) fail(at(name, "dependsOn", i), `"${dep}" is disabled (enabled: false); enable it or drop the dependency`);
  });
}

/** Each secret once, never also a plain variable; plain variables that look like secrets are refused. */
function checkSecrets(name: string, s: Server, fail: Fail) {
  const secrets = new Set<string>();
  s.secrets.forEach((secret, i) => {
    if (secrets.has(secret)) fail(at(name, "secrets", i), `${secret} is listed twice`);
    secrets.add(secret);
  });
  for (const key of Object.keys(s.environment)) {
    if (secrets.has(key)) fail(at(name, "environment", key), `is also listed in secrets; a variable comes from one place: keep it in secrets`);
    else if (SECRET_LOOKING_NAME.test(key)) {
      fail(at(name, "environment", key), `looks like a secret; move it to secrets: [${key}] so its value comes from Secrets Manager, never plain config`);
    }
  }
}

/**
 * Stateful MCP sessions live in one task's memory. ALB stickiness is a cookie (ELB user guide, "Sticky sessions"), and
 * many MCP clients keep no cookies, so with several tasks a client's next request may reach a task without its session.
 */
function checkSessions(name: string, s: Server, fail: Fail) {
  const exposed = s.transport === "stdio" ? s.bridge : s.transport;
  if (exposed === "streamable-http" || s.scaling.max <= 1 || s.sharedSessionState || s.clientsKeepCookies) return;
  fail(
    ["servers", name, "scaling", "max"],
    `${s.scaling.max} tasks of a ${exposed} server lose sessions for clients that keep no cookies (ALB stickiness is a cookie); set max: 1, or sharedSessionState: true if the server keeps its sessions in a store all tasks share, or clientsKeepCookies: true if every client keeps the ALB cookie`,
  );
}

/**
 * Fargate Spot tasks are stopped with two minutes' notice when AWS needs the capacity back, and ECS does not fall back
 * to on-demand when Spot has none (ECS developer guide, "Fargate capacity providers"): stateless servers only, and a
 * base that is all on-demand means no Spot at all.
 */
function checkSpot(name: string, s: Server, fail: Fail) {
  if (!s.spot || runsOnHost(s)) return;
  const exposed = s.transport === "stdio" ? s.bridge : s.transport;
  if (exposed !== "streamable-http" && !s.sharedSessionState) {
    fail(["servers", name, "spot"], `a reclaimed Spot task takes its ${exposed} sessions with it; remove spot, or set sharedSessionState: true if every task shares the session store`);
  }
  if (typeof s.spot === "object" && s.spot.onDemandBase >= s.scaling.max) {
    fail(["servers", name, "spot", "onDemandBase"], `${s.spot.onDemandBase} on-demand tasks cover scaling.max ${s.scaling.max}: no task would run on Spot; lower it or set spot: false`);
  }
}

/** Paths a volume must not cover: the task's own /tmp, and the container's system directories. */
const RESERVED_MOUNT_PATHS = ["/", "/tmp", "/proc", "/sys", "/dev", "/etc", "/usr", "/bin", "/sbin", "/lib", "/run"];

function checkStorage(name: string, s: Server, fail: Fail) {
  const volumes = Object.entries(s.volumes);
  const ebs = volumes.filter(([, v]) => v.type === "ebs");
  const database = s.image ? BLOCK_STORAGE_DATABASES.exec(s.image)?.[2] : undefined;
  for (const [volumePath, v] of volumes) {
    const reserved = RESERVED_MOUNT_PATHS.find((r) => volumePath === r || (r !== "/" && volumePath.startsWith(`${r}/`)));
    if (reserved === "/tmp") fail(at(name, "volumes", volumePath), "the task mounts its own writable /tmp there (read-only root filesystem); keep data elsewhere, such as /data");
    else if (reserved) fail(at(name, "volumes", volumePath), `would hide the container's ${reserved === "/" ? "whole filesystem" : `system directory ${reserved}`}; mount data elsewhere, such as /data`);
    if (database && v.type === "efs") {
      fail(at(name, "volumes", volumePath, "type"), `${database} does not support network file systems and EFS is NFS: set type: ebs (an EBS volume on the server's own host, one writer)`);
    }
    if (ebs.length && v.type === "efs") fail(at(name, "volumes", volumePath, "type"), "a server keeps all its volumes on one kind of storage: make this one ebs too, or move the ebs ones to efs");
  }
  if (!ebs.length) {
    if (s.instanceType) fail(at(name, "instanceType"), "only applies to a server with ebs volumes (it sizes their EC2 host)");
    return;
  }
  if (s.scaling.max !== 1) fail(at(name, "scaling", "max"), `${s.scaling.max}: an EBS volume attaches to one instance, so a server with ebs volumes runs exactly one task; set scaling: { min: 1, max: 1 }`);
  if (s.spot) fail(at(name, "spot"), "a server with ebs volumes runs on its own on-demand EC2 host, not on Fargate Spot; remove spot");
}

function checkBuildContext(build: NonNullable<Server["build"]>, at: Path, fail: Fail) {
  const dir = path.resolve(PROJECT_DIR, build.context);
  if (!existsSync(dir)) return fail([...at, "context"], `directory ${build.context} does not exist in the project`);
  const dockerfile = path.join(dir, build.dockerfile ?? "Dockerfile");
  if (!existsSync(dockerfile)) fail([...at, build.dockerfile ? "dockerfile" : "context"], `${path.relative(PROJECT_DIR, dockerfile)} does not exist`);
  const spec = build.args.MCP_PACKAGE;
  if (spec === undefined) return;
  if (!PINNED_PACKAGE.test(spec)) {
    fail([...at, "args", "MCP_PACKAGE"], `"${spec}" is not pinned: give one version (name@1.2.3), a tarball URL, or git+https://…#<full commit sha>, so a rebuild installs the same code`);
  } else if (!existsSync(path.join(dir, "locks", bridgeLockDir(spec), "package-lock.json"))) {
    fail([...at, "args", "MCP_PACKAGE"], `${spec} has no lockfile in ${build.context}/locks/${bridgeLockDir(spec)}: run npm run bridge:lock -- ${spec} and commit it`);
  }
}
