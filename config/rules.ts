import { existsSync } from "node:fs";
import * as path from "node:path";
import type { z } from "zod";
import { FARGATE_MEMORY_BY_CPU, fargateMemoryHint } from "./fargate";
import { PROJECT_DIR } from "../project";
import { MAX_SERVER_NAME_LENGTH, SERVER_NAME } from "./names";
import { dependencyOrder } from "../decisions/dependencies";
import { runsOnHost } from "../decisions/deploy";
import { isPinnedImage } from "../decisions/images";
import { assignLoadBalancers } from "../decisions/loadBalancers";
import { checkBackupRules } from "./backupRules";
import { exposureOf } from "../decisions/exposure";
import { MAX_SCOPES_PER_RESOURCE_SERVER } from "../decisions/auth";
import { bridgeLockDir, PINNED_PACKAGE } from "../decisions/bridge";
import { PROBE_CLIENT } from "../decisions/probe";
import type { StackConfig } from "./schema";

/** The project directory: build contexts are relative to it. */


/** Names of the stack-level components; a server of the same name would clash with their resources. */
export const RESERVED_NAMES = ["network", "platform", "secrets", "alerting", "dashboards", "monitoring", "backup", "storage", "edge", "logs", "auth", "probe"];

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

export const SECRET_LOOKING_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|OAUTH_KEYS?)$/i;

/** Cross-field rules of the config contract; each issue names the key path and the fix. */
export function checkStackRules(config: StackConfig, ctx: Ctx): void {
  const fail = (path: Path, message: string) => ctx.addIssue({ code: "custom", path, message });
  checkNetwork(config, fail);
  checkIngress(config, fail);
  for (const [name, server] of Object.entries(config.servers)) checkServer(config, name, server, fail);
  checkRoutes(config, fail);
  checkSecretValues(config, fail);
  checkBackupRules(config, fail);
  const deps = dependencyOrder(config.servers);
  if ("cycle" in deps) fail(["servers", deps.cycle[0], "dependsOn"], `dependency cycle ${deps.cycle.join(" → ")}; remove one of these dependsOn entries`);
}

type Fail = (path: Path, message: string) => void;
type Server = StackConfig["servers"][string];

function checkNetwork({ network }: StackConfig, fail: Fail) {
  if (network.vpcId === undefined) {
    for (const key of ["publicSubnetIds", "privateSubnetIds"] as const) {
      if (network[key]) fail(["network", key], "only applies with an existing network.vpcId; remove it or set vpcId");
    }
    // awsx.ec2.Vpc refuses private subnets without a NAT gateway, and the tasks need a way out (images, secrets, APIs).
    if (network.natGateways === "None") fail(["network", "natGateways"], "None leaves the private subnets without a way out; use Instance (one NAT instance), Single or OnePerAz");
    return;
  }
  for (const key of ["availabilityZones", "natGateways", "cidrBlock"] as const) {
    if (network[key] !== undefined) fail(["network", key], "does not apply to an existing VPC (network.vpcId is set); remove it");
  }
  for (const key of ["publicSubnetIds", "privateSubnetIds"] as const) {
    const ids = network[key] ?? [];
    if (ids.length < 2) fail(["network", key], "an existing VPC needs at least 2 subnet ids in different AZs (the ALB requires two AZs)");
  }
}

function checkIngress(config: StackConfig, fail: Fail) {
  const { ingress, environment } = config;
  if (ingress.domain && !ingress.certificateArn) fail(["ingress", "certificateArn"], "is required when ingress.domain is set (an ACM certificate for the domain)");
  if (ingress.certificateArn && !ingress.domain) fail(["ingress", "domain"], "is required when ingress.certificateArn is set");
  if (ingress.hostedZoneId && !ingress.domain) fail(["ingress", "hostedZoneId"], "needs ingress.domain to create a DNS record for");
  if (environment === "prod" && !ingress.domain) {
    fail(["ingress", "domain"], "prod needs a domain and certificateArn so MCP traffic is served over HTTPS");
  }
  if (ingress.auth === "cognito" && !ingress.domain) {
    fail(["ingress", "auth"], "cognito needs HTTPS: the ALB validates bearer tokens only on an HTTPS listener; set ingress.domain and ingress.certificateArn");
  }
  if (environment === "prod" && ingress.auth === undefined) {
    fail(["ingress", "auth"], "prod serves MCP on the internet: set ingress.auth: cognito, or ingress.auth: none with ingress.unauthenticatedReason saying who protects the endpoints");
  }
  const undecidedProd = environment === "prod" && ingress.auth === undefined; // reported just above
  if (!undecidedProd && exposureOf(config).kind === "internet" && ingress.auth !== "cognito" && !ingress.unauthenticatedReason) {
    fail(
      ["ingress", "unauthenticatedReason"],
      "the MCP routes would be open to the whole internet without a token: restrict who can reach them (ingress.internal: true, ingress.allowedCidrs or ingress.allowedPrefixLists), validate tokens (ingress.auth: cognito), or say why that is fine here in ingress.unauthenticatedReason (the policy pack flags it on every preview)",
    );
  }
  if (ingress.internal && config.network.vpcId && !ingress.allowedCidrs?.length && !ingress.allowedPrefixLists?.length) {
    fail(["ingress", "allowedCidrs"], "an internal load balancer in an existing VPC needs the networks that may reach it (the VPC's CIDR, a VPN's): set ingress.allowedCidrs or ingress.allowedPrefixLists");
  }
  if (ingress.unauthenticatedReason && (ingress.auth === "cognito" || exposureOf(config).kind !== "internet")) {
    fail(["ingress", "unauthenticatedReason"], `does not apply: the routes ${ingress.auth === "cognito" ? "validate tokens" : "are not open to the whole internet"}; remove it`);
  }
  if (ingress.auth === "cognito") checkClients(config, fail);
  if (ingress.auth !== "cognito") {
    if (ingress.clients) fail(["ingress", "clients"], "only applies with ingress.auth: cognito");
    if (ingress.authDomainPrefix) fail(["ingress", "authDomainPrefix"], "only applies with ingress.auth: cognito");
  } else if (ingress.authDomainPrefix && /aws|amazon|cognito/.test(ingress.authDomainPrefix)) {
    fail(["ingress", "authDomainPrefix"], "must not contain aws, amazon or cognito (Cognito refuses such domains)");
  }
}

/** Client scopes name routed servers; every routed server has two scopes, within Cognito's 100 per resource server. */
function checkClients(config: StackConfig, fail: Fail) {
  const routed = Object.entries(config.servers).filter(([, s]) => s.enabled && !s.internal).map(([name]) => name);
  if (routed.length * 2 > MAX_SCOPES_PER_RESOURCE_SERVER) {
    fail(["servers"], `${routed.length} routed servers need ${routed.length * 2} scopes (read and write each), above Cognito's ${MAX_SCOPES_PER_RESOURCE_SERVER} per resource server; route at most ${MAX_SCOPES_PER_RESOURCE_SERVER / 2} servers through one stack with cognito`);
  }
  for (const [client, { scopes }] of Object.entries(config.ingress.clients ?? {})) {
    if (client === PROBE_CLIENT) fail(["ingress", "clients", client], `"${PROBE_CLIENT}" is the MCP probe's own client; name yours differently`);
    scopes.forEach((scope, i) => {
      const server = scope.replace(/\.(read|write)$/, "");
      if (!routed.includes(server)) fail(["ingress", "clients", client, "scopes", i], `"${server}" is not a routed server of this stack (routed: ${routed.sort().join(", ")})`);
    });
  }
}

function checkServer(config: StackConfig, name: string, s: Server, fail: Fail) {
  const at = (...rest: Path): Path => ["servers", name, ...rest];

  if (!SERVER_NAME.test(name)) {
    fail(at(), `server name "${name}" must be lowercase letters, digits and hyphens, starting with a letter (it becomes an ECS service and DNS name)`);
  } else if (RESERVED_NAMES.includes(name)) {
    fail(at(), `server name "${name}" is reserved for a stack component (${RESERVED_NAMES.join(", ")}); pick another name`);
  } else if (name.length > MAX_SERVER_NAME_LENGTH) {
    fail(at(), `server name "${name}" is ${name.length} characters; use at most ${MAX_SERVER_NAME_LENGTH} so its target group name stays within AWS's 32`);
  }

  // Fargate's fixed sizes; a server with ebs volumes runs on its own EC2 host, sized to fit (decisions/host.ts).
  const memories = FARGATE_MEMORY_BY_CPU[s.cpu];
  if (runsOnHost(s)) {
    if (s.cpu < 128 || s.memory < 128) fail(at(s.cpu < 128 ? "cpu" : "memory"), "must be at least 128 (CPU units / MiB) for a task on an EC2 host");
  } else if (!memories) fail(at("cpu"), `${s.cpu} is not a Fargate size; ${fargateMemoryHint(s.cpu)}`);
  else if (!memories.includes(s.memory)) fail(at("memory"), `${s.memory} MiB is not valid; ${fargateMemoryHint(s.cpu)}`);

  if (s.image && s.build) fail(at("build"), "give either image (pulled as is) or build (built and pushed to ECR), not both");
  else if (!s.image && !s.build) fail(at("image"), "is required: the container image to run, pinned to a version tag or digest (or build: { context } to build one)");
  else if (s.build) checkBuildContext(s.build, at("build"), fail);
  else if (s.image && config.environment === "prod" && !isPinnedImage(s.image)) {
    fail(at("image"), `"${s.image}" is not pinned; prod needs a version tag or digest (e.g. ${s.image.split(":")[0]}:1.2.3), never latest`);
  }

  if (s.transport === "stdio" && !s.command) {
    fail(at("command"), 'stdio servers need the command that starts them, e.g. ["npx", "-y", "@modelcontextprotocol/server-filesystem", "/data"]');
  }
  if (s.port === undefined) fail(at("port"), "is required: the port the server listens on");

  if (s.internal) {
    if (s.route) fail(at("route"), "internal servers get no load balancer route; remove route or set internal: false");
    if (s.rateLimitPerMinute !== undefined) fail(at("rateLimitPerMinute"), "applies to public routes only; internal servers are not behind the WAF");
  } else if (!config.ingress.waf.enabled) {
    for (const key of ["rateLimitPerMinute", "toolCallsPerMinute"] as const) {
      if (s[key] !== undefined) fail(at(key), "is a WAF rule and this stack has no WAF (ingress.waf.enabled is false, the default of an internal load balancer); remove it or set ingress.waf.enabled: true");
    }
  }

  if (s.scaling.min > s.scaling.max) fail(at("scaling", "min"), `${s.scaling.min} is above scaling.max ${s.scaling.max}; set min ≤ max`);
  const { cpuPercent, memoryPercent } = config.alerts.thresholds;
  if (s.scaling.cpuPercent >= cpuPercent) {
    fail(at("scaling", "cpuPercent"), `${s.scaling.cpuPercent} must be below the CPU alarm threshold ${cpuPercent} (alerts.thresholds.cpuPercent), or the alarm fires before autoscaling reacts`);
  }
  if (s.scaling.memoryPercent >= memoryPercent) {
    fail(at("scaling", "memoryPercent"), `${s.scaling.memoryPercent} must be below the memory alarm threshold ${memoryPercent} (alerts.thresholds.memoryPercent), or the alarm fires before autoscaling reacts`);
  }
  if (s.healthCheck.timeoutSeconds >= s.healthCheck.intervalSeconds) {
    fail(at("healthCheck", "timeoutSeconds"), `must be less than healthCheck.intervalSeconds (${s.healthCheck.intervalSeconds})`);
  }

  const exposesSse = s.transport === "sse" || (s.transport === "stdio" && s.bridge === "sse");
  if (exposesSse && config.ingress.idleTimeoutSeconds <= s.sseHeartbeatSeconds) {
    fail(["ingress", "idleTimeoutSeconds"], `${config.ingress.idleTimeoutSeconds} s would cut ${name}'s SSE stream between heartbeats (every ${s.sseHeartbeatSeconds} s); raise it above the heartbeat`);
  }

  checkStorage(name, s, fail);
  checkSessions(name, s, fail);
  checkSpot(name, s, fail);

  s.dependsOn.forEach((dep, i) => {
    const target = config.servers[dep];
    if (dep === name) fail(at("dependsOn", i), "a server cannot depend on itself");
    else if (!target) fail(at("dependsOn", i), `"${dep}" is not a server in mcp-stack:servers (known: ${Object.keys(config.servers).join(", ")})`);
    else if (!target.enabled && s.enabled) fail(at("dependsOn", i), `"${dep}" is disabled (enabled: false); enable it or drop the dependency`);
  });

  const secrets = new Set<string>();
  s.secrets.forEach((secret, i) => {
    if (secrets.has(secret)) fail(at("secrets", i), `${secret} is listed twice`);
    secrets.add(secret);
  });
  for (const key of Object.keys(s.environment)) {
    if (secrets.has(key)) fail(at("environment", key), `is also listed in secrets; a variable comes from one place: keep it in secrets`);
    else if (SECRET_LOOKING_NAME.test(key)) {
      fail(at("environment", key), `looks like a secret; move it to secrets: [${key}] so its value comes from Secrets Manager, never plain config`);
    }
  }
}

/**
 * Images of databases that must keep their store on a local block device: Qdrant "won't work with network file
 * systems such as NFS" (installation requirements), Neo4j does not support NFS (knowledge base: store locking and
 * corruption); the others document the same for their data directories.
 */
export const BLOCK_STORAGE_DATABASES = /(^|\/)(neo4j|qdrant|postgres|postgresql|mysql|mariadb|mongo|mongodb|redis|valkey|elasticsearch|opensearch)(:|@|$)/;

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
  const at = (...rest: Path): Path => ["servers", name, ...rest];
  const volumes = Object.entries(s.volumes);
  const ebs = volumes.filter(([, v]) => v.type === "ebs");
  const database = s.image ? BLOCK_STORAGE_DATABASES.exec(s.image)?.[2] : undefined;
  for (const [volumePath, v] of volumes) {
    const reserved = RESERVED_MOUNT_PATHS.find((r) => volumePath === r || (r !== "/" && volumePath.startsWith(`${r}/`)));
    if (reserved === "/tmp") fail(at("volumes", volumePath), "the task mounts its own writable /tmp there (read-only root filesystem); keep data elsewhere, such as /data");
    else if (reserved) fail(at("volumes", volumePath), `would hide the container's ${reserved === "/" ? "whole filesystem" : `system directory ${reserved}`}; mount data elsewhere, such as /data`);
    if (database && v.type === "efs") {
      fail(at("volumes", volumePath, "type"), `${database} does not support network file systems and EFS is NFS: set type: ebs (an EBS volume on the server's own host, one writer)`);
    }
    if (ebs.length && v.type === "efs") fail(at("volumes", volumePath, "type"), "a server keeps all its volumes on one kind of storage: make this one ebs too, or move the ebs ones to efs");
  }
  if (!ebs.length) {
    if (s.instanceType) fail(at("instanceType"), "only applies to a server with ebs volumes (it sizes their EC2 host)");
    return;
  }
  if (s.scaling.max !== 1) fail(at("scaling", "max"), `${s.scaling.max}: an EBS volume attaches to one instance, so a server with ebs volumes runs exactly one task; set scaling: { min: 1, max: 1 }`);
  if (s.spot) fail(at("spot"), "a server with ebs volumes runs on its own on-demand EC2 host, not on Fargate Spot; remove spot");
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


/** Servers spread over as many ALBs as the quotas require; a pin that breaks a quota is refused (decisions/loadBalancers.ts). */
function checkLoadBalancers(config: StackConfig, fail: Fail) {
  for (const problem of assignLoadBalancers(config).problems) fail(problem.path, problem.message);
  for (const [name, s] of Object.entries(config.servers)) {
    if (s.loadBalancer && !s.route) fail(["servers", name, "loadBalancer"], "only applies to a server with a route (internal servers have no load balancer)");
  }
}

function checkRoutes(config: StackConfig, fail: Fail) {
  checkLoadBalancers(config, fail);
  const paths: { name: string; path: string }[] = [];
  const hosts = new Map<string, string>();
  const priorities = new Map<number, string>();
  for (const [name, s] of Object.entries(config.servers)) {
    if (!s.enabled || !s.route) continue;
    const { path, host, priority } = s.route;
    if (priority !== undefined && config.ingress.auth === "cognito" && (priority < 2 || priorities.has(priority - 1) || priorities.has(priority + 1))) {
      fail(["servers", name, "route", "priority"], `${priority} needs ${priority - 1} free for the server's OAuth discovery rule (auth: cognito); pick another`);
    }
    if (priority !== undefined) {
      const other = priorities.get(priority);
      if (other) fail(["servers", name, "route", "priority"], `${priority} is already used by ${other}; listener rule priorities must be unique`);
      priorities.set(priority, name);
    }
    if (host !== undefined) {
      const other = hosts.get(host);
      if (other) fail(["servers", name, "route", "host"], `"${host}" is already routed to ${other}; give each server its own host`);
      hosts.set(host, name);
      continue;
    }
    for (const seen of paths) {
      if (seen.path === path) {
        fail(["servers", name, "route", "path"], `"${path}" is already routed to ${seen.name}; give each server its own path`);
      } else if (isPrefixPath(seen.path, path!) || isPrefixPath(path!, seen.path)) {
        fail(["servers", name, "route", "path"], `"${path}" overlaps ${seen.name}'s "${seen.path}"; routes must not be nested`);
      }
    }
    paths.push({ name, path: path! });
  }
}

const isPrefixPath = (outer: string, inner: string) => outer === "/" || inner.startsWith(`${outer}/`);

function checkSecretValues(config: StackConfig, fail: Fail) {
  const declared = new Set(Object.values(config.servers).flatMap((s) => s.secrets));
  for (const key of Object.keys(config.secretValues)) {
    if (!declared.has(key)) fail(["secretValues", key], `no server lists ${key} in its secrets; add it to a server's secrets or remove the value`);
  }
}
