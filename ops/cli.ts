import { existsSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand, type Service } from "@aws-sdk/client-ecs";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { parseStackConfig } from "../config/parse";
import { readRawStackConfig } from "../config/stackFile";
import { PROJECT_DIR } from "../project";
import { table } from "../plan/table";
import { serverLogGroupName } from "../decisions/tasks";
import { fetchLogs, followLogs, logText, type LogLine } from "./logs";
import { setRunning } from "./pause";
import { revisionOf, rollBack, rollbackTarget } from "./rollback";
import { imageText, runningImages } from "./running";
import { CHECK_HEADER, checkRows, checkTargets, probeCredentials, runChecks } from "./check";
import { alarmHistory, serverState, stackAlarms, type StackAlarm } from "./alarms";
import { describeAwsError, OpsError } from "./errors";
import { reportHtml } from "./html";
import { fetchSeries, periodFor, probeSpecs, seriesSpecs, type Series } from "./metrics";
import { buildReport, reportText } from "./report";
import { withRetry, type RetryOptions } from "./retry";
import { discoverTargets, selectServers, targetsFromOutputs, type StackTargets } from "./targets";

export interface OpsDeps {
  cloudwatch: CloudWatchClient;
  ecs: ECSClient;
  secrets: SecretsManagerClient;
  logs: CloudWatchLogsClient;
  autoscaling: ApplicationAutoScalingClient;
  now: () => Date;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Asks on the terminal; undefined when there is none (then --yes is required). */
  confirm?: (question: string) => Promise<boolean>;
  writeFile: (file: string, text: string) => void;
  retry?: Partial<RetryOptions>;
  projectDir?: string;
  /** The whole command's time limit (--timeout); every AWS request also has its own (defaultDeps). */
  deadlineSeconds?: number;
  /** Milliseconds between looks at a deployment that is under way (rollback). */
  pollMs?: number;
}

/** A command gives up after this long by default: on-call needs an answer or an error, never a hang. */
export const DEFAULT_DEADLINE_SECONDS = 120;
export const ROLLBACK_DEADLINE_SECONDS = 900;

export const HELP: Record<string, string> = {
  main: `mcp-ops: on-call commands for an mcp-stack stack, straight from CloudWatch and ECS.

Usage: mcp-ops <command> --stack <stack> [options]     (or npm run ops -- <command> …)

Commands:
  status    each server's alarm state, tasks, last deployment, revision, running image, MCP probe; exits 1 if a P1 alarm fires
  report    health report per server (alarm history, p95, requests, 5xx, availability vs the KPI, CPU, memory)
  metrics   export the metric series (GetMetricData) as CSV or JSON
  restart   force a new deployment of a server
  scale     set a server's task count within its scaling min and max
  stop      stop a server now (0 tasks, autoscaling 0–0, its alarms silenced); start undoes it
  rollback  put a server back on its previous (or a given) task definition revision and follow the deployment
  logs      a server's log lines, all tasks merged in time order (--since, --filter, --follow)
  check     an MCP handshake with each public server like a client: initialize, tools/list, session end; exits 1 on a failure

Common options:
  --stack S        the stack (default: $MCP_STACK)
  --outputs FILE   pulumi stack output --json of the stack; without it the stack is found by its ECS tags
  --server NAME    one server only
  --timeout S      give up after S seconds (default ${DEFAULT_DEADLINE_SECONDS}); each AWS request times out after 10 s and is retried
Region and credentials come from the usual AWS environment (AWS_PROFILE, AWS_REGION, …).
Run mcp-ops <command> --help for a command's options.`,
  status: `Usage: mcp-ops status --stack S [--server NAME] [--json]
Each server's state from its alarms (OK, ALARM P1…P4, INSUFFICIENT_DATA), running vs desired tasks, the last
deployment's rollout state, the running task definition revision (with --outputs: "(deployed N)" when it is not the
one the last deploy set), the main container's image and digest(s), and the MCP probe's last result. Exit code 1
when any P1 alarm is in ALARM, so it can gate scripts.`,
  report: `Usage: mcp-ops report --stack S [--format text|json|html] [--out FILE] [--since 24h] [--server NAME]
A health report per server over the window (--since: 30m, 24h, 7d): alarm state changes, p95 latency, requests, 5xx
rate, availability against the KPI (its availability alarm's threshold; 99.9 % by default), CPU and memory. html is one self-contained file with charts.`,
  metrics: `Usage: mcp-ops metrics --stack S [--interval 60] [--duration 60] [--format csv|json] [--out FILE] [--server NAME]
Exports p95 latency, requests, 5xx, CPU and memory of each server: one datapoint every --interval seconds (a multiple
of 60) over the last --duration minutes, fetched with GetMetricData in batches of 500 queries, all pages.`,
  stop: `Usage: mcp-ops stop NAME --stack S [--yes]
For emergencies: sets the server's autoscaling bounds to 0–0 and its desired count to 0, and disables its alarms'
actions (what servers.<name>.paused: true does). The next pulumi up starts it again unless the stack file says
paused: true — set it there to keep the server stopped.`,
  start: `Usage: mcp-ops start NAME --stack S [--yes] [--stack-file FILE]
Undoes stop: the autoscaling bounds and desired count from servers.<name>.scaling of Pulumi.<stack>.yaml, alarm
actions enabled again. If the stack file says paused: true, the next pulumi up stops it again: remove it there.`,
  rollback: `Usage: mcp-ops rollback NAME --stack S [--to REVISION] [--yes] [--timeout 900]
Points the server's ECS service at the previous ACTIVE task definition revision (or --to REVISION) and follows the
deployment until ECS reports it COMPLETED or FAILED (exit 1), or --timeout passes (exit 1, still under way). The next
pulumi up deploys the stack file's version again: to keep the old version, put its image back in Pulumi.<stack>.yaml.`,
  logs: `Usage: mcp-ops logs NAME --stack S [--since 1h] [--filter PATTERN] [--follow] [--json]
The server's log group (/mcp-stack/<stack>/<server>) over the window, every page of FilterLogEvents, all tasks merged in
time order, each line with the task id that wrote it. --filter takes a CloudWatch Logs filter pattern (ERROR,
"timed out", { $.level = "error" }). --follow keeps going with CloudWatch Logs Live Tail (no --timeout; Ctrl-C ends it).
--json prints one JSON object per line.`,
  check: `Usage: mcp-ops check [NAME …] --stack S --outputs FILE [--stack-file FILE] [--json]
Connects to each named server (every public one when none is named) through its public URL, as an MCP client would:
a client-credentials token from the stack's probe client where the route requires one (read from Secrets Manager,
mcp-stack/<stack>/probe-client), then initialize, tools/list and the end of the session. Reports per server: result,
auth, protocol version, tool count, session handling, latency and the error. Exit code 1 when any check fails.
URLs come from --outputs (pulumi stack output --json), scopes from the stack file.`,
  restart: `Usage: mcp-ops restart NAME --stack S [--yes]
Forces a new deployment of the server's ECS service: new tasks start, pass their health checks, old ones drain.`,
  scale: `Usage: mcp-ops scale NAME N --stack S [--yes] [--stack-file FILE]
Sets the server's desired task count to N, within scaling.min and scaling.max of Pulumi.<stack>.yaml. Autoscaling
may change it again afterwards.`,
};

const DURATION = /^(\d+)([smhd])$/;
export function parseDuration(text: string, option: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new OpsError(`${option} ${text}: use a number with s, m, h or d, such as 24h`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as "s" | "m" | "h" | "d"];
}

function stackOf(values: Record<string, any>): string {
  const stack = values.stack ?? process.env.MCP_STACK;
  if (!stack) throw new OpsError("which stack? pass --stack dev|prod (or set MCP_STACK)");
  return stack;
}

async function resolveTargets(values: Record<string, any>, deps: OpsDeps): Promise<StackTargets> {
  const stack = stackOf(values);
  return values.outputs ? targetsFromOutputs(stack, values.outputs) : discoverTargets(deps.ecs, stack, deps.retry);
}

async function confirmOrYes(question: string, yes: boolean, deps: OpsDeps) {
  if (yes) return;
  if (!deps.confirm) throw new OpsError("refusing without --yes: there is no terminal to confirm on");
  if (!(await deps.confirm(`${question} [y/N] `))) throw new OpsError("cancelled", 1);
}

const deliver = (text: string, out: string | undefined, deps: OpsDeps) => {
  if (out) {
    deps.writeFile(out, text);
    deps.err(`wrote ${out}`);
  } else deps.out(text);
};

/** The running revision, flagged when it is not the one the last deploy set (a rollback, a change outside Pulumi). */
function revisionText(running: string | undefined, deployed: string | undefined): string {
  if (!running) return "?";
  const now = revisionOf(running).revision;
  if (!deployed || deployed === running) return String(now);
  return `${now} (deployed ${revisionOf(deployed).revision})`;
}

type LastProbe = { ok: boolean; latencyMs?: number; at: string } | "no data" | "not probed";

/** The newest probe datapoint of a server: success or failure, with the latency of a success. */
function lastProbe(series: Series[], alarms: StackAlarm[]): LastProbe {
  if (!alarms.some((a) => a.key === "probe")) return "not probed";
  const success = series.find((x) => x.metric === "probeSuccess")?.points.at(-1);
  if (!success) return "no data";
  const latency = series.find((x) => x.metric === "probeLatencyMs")?.points.find((p) => p.t.getTime() === success.t.getTime());
  return { ok: success.v >= 1, ...(success.v >= 1 && latency ? { latencyMs: Math.round(latency.v) } : {}), at: success.t.toISOString() };
}

function probeText(probe: LastProbe, now: Date): string {
  if (typeof probe === "string") return probe === "not probed" ? "-" : probe;
  const minutes = Math.max(0, Math.round((now.getTime() - new Date(probe.at).getTime()) / 60000));
  return `${probe.ok ? `ok${probe.latencyMs !== undefined ? ` ${probe.latencyMs} ms` : ""}` : "FAILED"}, ${minutes} min ago`;
}

async function status(values: Record<string, any>, deps: OpsDeps): Promise<number> {
  const targets = await resolveTargets(values, deps);
  const servers = selectServers(targets, values.server);
  const alarms = await stackAlarms(deps.cloudwatch, targets.stack, Object.keys(targets.services), deps.retry);
  const described: Service[] = [];
  for (let i = 0; i < servers.length; i += 10) {
    const batch = servers.slice(i, i + 10).map((s) => targets.services[s]);
    const page = await withRetry(() => deps.ecs.send(new DescribeServicesCommand({ cluster: targets.clusterName, services: batch })), deps.retry);
    described.push(...(page.services ?? []));
  }
  // The probe's last result: its datapoints of the last ten minutes, one a minute.
  const end = deps.now();
  const probes = await fetchSeries(deps.cloudwatch, servers.flatMap((s) => probeSpecs(s, alarms, 60)), new Date(end.getTime() - 10 * 60 * 1000), end, { retry: deps.retry });
  const images = await runningImages(deps.ecs, targets.clusterName, Object.fromEntries(servers.map((s) => [s, targets.services[s]])), deps.retry);
  const rows = servers.map((server) => {
    const own = alarms.filter((a) => a.server === server);
    const service = described.find((s) => s.serviceName === targets.services[server]);
    const primary = service?.deployments?.find((d) => d.status === "PRIMARY");
    return {
      server,
      state: serverState(own),
      firing: own.filter((a) => a.state === "ALARM" && a.severity).map((a) => `${a.severity} ${a.key ?? a.name}`),
      insufficient: own.filter((a) => a.state === "INSUFFICIENT_DATA").length,
      running: service?.runningCount ?? 0,
      desired: service?.desiredCount ?? 0,
      deployment: primary ? `${primary.rolloutState ?? "?"}${primary.rolloutStateReason ? `: ${primary.rolloutStateReason}` : ""}` : "unknown",
      probe: lastProbe(probes.series.filter((x) => x.server === server), own),
      image: imageText(images[server]),
      revision: revisionText(service?.taskDefinition, targets.deployed?.[server]),
    };
  });
  if (values.json) deps.out(JSON.stringify({ stack: targets.stack, servers: rows }, null, 2));
  else
    deps.out(
      table(
        ["server", "state", "firing", "no data", "tasks", "deployment", "revision", "image", "MCP probe"],
        rows.map((r) => [r.server, r.state, r.firing.join(", ") || "-", String(r.insufficient), `${r.running}/${r.desired}`, r.deployment, r.revision, r.image, probeText(r.probe, end)]),
      ),
    );
  return rows.some((r) => r.state === "ALARM P1") ? 1 : 0;
}

async function report(values: Record<string, any>, deps: OpsDeps): Promise<number> {
  const format = values.format ?? "text";
  if (!["text", "json", "html"].includes(format)) throw new OpsError(`--format ${format}: use text, json or html`);
  const targets = await resolveTargets(values, deps);
  const servers = selectServers(targets, values.server);
  const end = deps.now();
  const windowSeconds = parseDuration(values.since ?? "24h", "--since");
  const start = new Date(end.getTime() - windowSeconds * 1000);
  const alarms = await stackAlarms(deps.cloudwatch, targets.stack, Object.keys(targets.services), deps.retry);
  const history = await alarmHistory(deps.cloudwatch, targets.stack, Object.keys(targets.services), start, end, deps.retry);
  const period = periodFor(windowSeconds);
  const data = await fetchSeries(deps.cloudwatch, servers.flatMap((s) => seriesSpecs(s, alarms, period)), start, end, { retry: deps.retry });
  if (data.partial) deps.err("warning: CloudWatch returned partial data for some series; the report says so");
  const built = buildReport({ stack: targets.stack, servers, alarms, history, data, start, end, now: end });
  deliver(format === "json" ? JSON.stringify(built, null, 2) : format === "html" ? reportHtml(built) : reportText(built), values.out, deps);
  return 0;
}

async function metrics(values: Record<string, any>, deps: OpsDeps): Promise<number> {
  const format = values.format ?? "csv";
  if (!["csv", "json"].includes(format)) throw new OpsError(`--format ${format}: use csv or json`);
  const interval = Number(values.interval ?? 60);
  if (!Number.isInteger(interval) || interval < 60 || interval % 60 !== 0) throw new OpsError(`--interval ${values.interval}: use a multiple of 60 seconds`);
  const duration = Number(values.duration ?? 60);
  if (!Number.isInteger(duration) || duration < 1) throw new OpsError(`--duration ${values.duration}: use a whole number of minutes`);
  const targets = await resolveTargets(values, deps);
  const servers = selectServers(targets, values.server);
  const end = deps.now();
  const start = new Date(end.getTime() - duration * 60_000);
  const alarms = await stackAlarms(deps.cloudwatch, targets.stack, Object.keys(targets.services), deps.retry);
  const specs = servers.flatMap((s) => seriesSpecs(s, alarms, interval));
  const data = await fetchSeries(deps.cloudwatch, specs, start, end, { retry: deps.retry, onProgress: (done, total) => deps.err(`… ${done}/${total} series`) });
  if (data.partial) deps.err("warning: CloudWatch returned partial data for some series");
  const text =
    format === "json"
      ? JSON.stringify({ stack: targets.stack, start: start.toISOString(), end: end.toISOString(), intervalSeconds: interval, partial: data.partial, series: data.series }, null, 2)
      : ["timestamp,server,metric,value", ...data.series.flatMap((s) => s.points.map((p) => `${p.t.toISOString()},${s.server},${s.metric},${p.v}`))].join("\n");
  deliver(text, values.out, deps);
  return 0;
}

async function logs(positionals: string[], values: Record<string, any>, deps: OpsDeps): Promise<number> {
  const [name] = positionals;
  if (!name) throw new OpsError("name the server: mcp-ops logs NAME --stack S");
  const targets = await resolveTargets(values, deps);
  selectServers(targets, name);
  const group = serverLogGroupName(targets.stack, name);
  const print = (line: LogLine) => deps.out(values.json ? JSON.stringify(line) : logText(line));
  if (values.follow) {
    await followLogs(deps.logs, group, values.filter, print, deps.err);
    return 0;
  }
  const end = deps.now();
  const start = new Date(end.getTime() - parseDuration(values.since ?? "1h", "--since") * 1000);
  const lines = await fetchLogs(deps.logs, group, start, end, values.filter, deps.retry);
  lines.forEach(print);
  if (!lines.length) deps.err(`no log events in ${group} since ${start.toISOString()}${values.filter ? ` matching ${values.filter}` : ""}`);
  return 0;
}

async function rollback(positionals: string[], values: Record<string, any>, deps: OpsDeps, deadlineSeconds: number): Promise<number> {
  const [name] = positionals;
  if (!name) throw new OpsError("name the server: mcp-ops rollback NAME --stack S [--to REVISION]");
  const to = values.to === undefined ? undefined : Number(values.to);
  if (to !== undefined && !(Number.isInteger(to) && to > 0)) throw new OpsError(`--to ${values.to}: give a revision number, such as 6`);
  const targets = await resolveTargets(values, deps);
  selectServers(targets, name);
  const service = targets.services[name];
  const { family, from, to: target } = await rollbackTarget(deps.ecs, targets.clusterName, service, to, deps.retry);
  await confirmOrYes(`Roll ${name} in ${targets.stack} back from ${family}:${from} to ${family}:${target}?`, !!values.yes, deps);
  const started = Date.now();
  const { outcome, reason } = await rollBack(deps.ecs, targets.clusterName, service, `${family}:${target}`, {
    pollMs: deps.pollMs ?? 15000,
    // Leave a poll's margin inside the command's deadline, so the answer is this one and not the deadline's.
    deadline: started + deadlineSeconds * 1000 - (deps.pollMs ?? 15000),
    now: () => Date.now(),
    retry: deps.retry,
  });
  deps.out(`${name}: ${family}:${from} → ${family}:${target}: deployment ${outcome}${reason ? ` (${reason})` : ""}`);
  deps.out(`The next pulumi up deploys the version of Pulumi.${targets.stack}.yaml again; to keep ${family}:${target}, put its image back in servers.${name} there.`);
  return outcome === "COMPLETED" ? 0 : 1;
}

/** Each server's checks take at most this long; they run at the same time. */
const CHECK_TIMEOUT_MS = 15000;

/** The stack file's config (Pulumi.<stack>.yaml, or --stack-file): what the operator's version of the stack says. */
function stackFileConfig(stack: string, values: Record<string, any>, deps: OpsDeps, purpose: string) {
  const file = values["stack-file"] ?? path.join(deps.projectDir ?? PROJECT_DIR, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) throw new OpsError(`no stack file ${file} to read ${purpose} from; pass --stack-file`);
  return { file, config: parseStackConfig(readRawStackConfig(file)) };
}

function stackFileServer(stack: string, name: string, values: Record<string, any>, deps: OpsDeps) {
  const { file, config } = stackFileConfig(stack, values, deps, `${name}'s scaling bounds`);
  const server = config.servers[name];
  if (!server) throw new OpsError(`${name} is not in ${file}`);
  return server;
}

async function check(positionals: string[], values: Record<string, any>, deps: OpsDeps): Promise<number> {
  const stack = stackOf(values);
  if (!values.outputs) throw new OpsError(`check needs the servers' URLs: pass --outputs FILE, written by pulumi stack output --json --stack ${stack} > FILE`);
  const targets = checkTargets(stack, values.outputs, stackFileConfig(stack, values, deps, "the routes' scopes").config, positionals);
  const credentials = targets.some((t) => t.scope) ? await probeCredentials(deps.secrets, stack, deps.retry) : undefined;
  const results = await runChecks(stack, targets, credentials, CHECK_TIMEOUT_MS);
  if (values.json) deps.out(JSON.stringify({ stack, servers: results }, null, 2));
  else deps.out(table(CHECK_HEADER, checkRows(results)));
  return results.every((r) => r.ok) ? 0 : 1;
}

async function restart(positionals: string[], values: Record<string, any>, deps: OpsDeps): Promise<number> {
  const [name] = positionals;
  if (!name) throw new OpsError("name the server to restart: mcp-ops restart NAME --stack S");
  const targets = await resolveTargets(values, deps);
  selectServers(targets, name);
  await confirmOrYes(`Restart ${name} in ${targets.stack} (a new deployment replaces all its tasks)?`, !!values.yes, deps);
  await withRetry(() => deps.ecs.send(new UpdateServiceCommand({ cluster: targets.clusterName, service: targets.services[name], forceNewDeployment: true })), deps.retry);
  deps.out(`restarting ${name}: a new deployment of ${targets.services[name]} started; follow it with mcp-ops status --stack ${targets.stack} --server ${name}`);
  return 0;
}

async function stopOrStart(command: "stop" | "start", positionals: string[], values: Record<string, any>, deps: OpsDeps): Promise<number> {
  const [name] = positionals;
  if (!name) throw new OpsError(`name the server: mcp-ops ${command} NAME --stack S`);
  const targets = await resolveTargets(values, deps);
  selectServers(targets, name);
  const server = stackFileServer(targets.stack, name, values, deps);
  const bounds = command === "stop" ? { min: 0, max: 0 } : { min: server.scaling.min, max: server.scaling.max };
  const alarms = (await stackAlarms(deps.cloudwatch, targets.stack, Object.keys(targets.services), deps.retry)).filter((a) => a.server === name).map((a) => a.name);
  await confirmOrYes(
    command === "stop" ? `Stop ${name} in ${targets.stack} (0 tasks, ${alarms.length} alarms silenced)?` : `Start ${name} in ${targets.stack} (${bounds.min}–${bounds.max} tasks)?`,
    !!values.yes,
    deps,
  );
  await setRunning(deps, { cluster: targets.clusterName, service: targets.services[name], alarms }, bounds, deps.retry);
  if (command === "stop") {
    deps.out(`stopped ${name}: 0 tasks, autoscaling 0–0, ${alarms.length} alarms without actions`);
    deps.out(server.paused ? `Pulumi.${targets.stack}.yaml already says servers.${name}.paused: true.` : `The next pulumi up starts it again: set servers.${name}.paused: true in Pulumi.${targets.stack}.yaml to keep it stopped.`);
  } else {
    deps.out(`started ${name}: ${bounds.min}–${bounds.max} tasks, ${alarms.length} alarms with actions again`);
    if (server.paused) deps.out(`Pulumi.${targets.stack}.yaml says servers.${name}.paused: true: the next pulumi up stops it again; remove it there.`);
  }
  return 0;
}

async function scale(positionals: string[], values: Record<string, any>, deps: OpsDeps): Promise<number> {
  const [name, countText] = positionals;
  const count = Number(countText);
  if (!name || countText === undefined || !Number.isInteger(count) || count < 0) throw new OpsError("usage: mcp-ops scale NAME N --stack S (N a whole number of tasks)");
  const targets = await resolveTargets(values, deps);
  selectServers(targets, name);
  const bounds = stackFileServer(targets.stack, name, values, deps).scaling;
  if (count < bounds.min || count > bounds.max) throw new OpsError(`${count} is outside ${name}'s scaling bounds ${bounds.min}–${bounds.max} (servers.${name}.scaling); change the config to go beyond them`);
  await confirmOrYes(`Scale ${name} in ${targets.stack} to ${count} task(s)?`, !!values.yes, deps);
  await withRetry(() => deps.ecs.send(new UpdateServiceCommand({ cluster: targets.clusterName, service: targets.services[name], desiredCount: count })), deps.retry);
  deps.out(`scaling ${name} to ${count} task(s); autoscaling may adjust it within ${bounds.min}–${bounds.max}`);
  return 0;
}

const OPTIONS = {
  stack: { type: "string" },
  outputs: { type: "string" },
  server: { type: "string" },
  json: { type: "boolean" },
  format: { type: "string" },
  out: { type: "string" },
  since: { type: "string" },
  interval: { type: "string" },
  duration: { type: "string" },
  yes: { type: "boolean", short: "y" },
  "stack-file": { type: "string" },
  timeout: { type: "string" },
  filter: { type: "string" },
  to: { type: "string" },
  follow: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Runs a command within the deadline: past it, a one-line error instead of waiting on a connection that never answers. */
async function withinDeadline<T>(seconds: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new OpsError(`no answer from AWS within ${seconds} s; check the network, AWS_REGION and AWS_ENDPOINT_URL, or give it longer with --timeout`)),
      seconds * 1000,
    );
  });
  try {
    return await Promise.race([run(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one command; returns the exit code. Errors are printed as one line. */
export async function runOps(argv: string[], deps: OpsDeps): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    deps.out(HELP.main);
    return 0;
  }
  if (!(command in HELP) || command === "main") {
    deps.err(`unknown command ${command}\n\n${HELP.main}`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
    if (values.help) {
      deps.out(HELP[command]);
      return 0;
    }
    if (command === "logs" && values.follow) return await logs(positionals, values, deps);
    // A rollback waits for ECS to replace every task: minutes, not seconds.
    const fallback = deps.deadlineSeconds ?? (command === "rollback" ? ROLLBACK_DEADLINE_SECONDS : DEFAULT_DEADLINE_SECONDS);
    const deadline = values.timeout === undefined ? fallback : Number(values.timeout);
    if (!(deadline > 0)) throw new OpsError(`--timeout ${values.timeout}: give a number of seconds above 0`);
    return await withinDeadline(deadline, () => {
      switch (command) {
        case "status":
          return status(values, deps);
        case "report":
          return report(values, deps);
        case "metrics":
          return metrics(values, deps);
        case "restart":
          return restart(positionals, values, deps);
        case "check":
          return check(positionals, values, deps);
        case "logs":
          return logs(positionals, values, deps);
        case "rollback":
          return rollback(positionals, values, deps, deadline);
        case "stop":
        case "start":
          return stopOrStart(command, positionals, values, deps);
        default:
          return scale(positionals, values, deps);
      }
    });
  } catch (error) {
    const described = (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? new OpsError(`${(error as Error).message}\n\n${HELP[command]}`) : describeAwsError(error);
    deps.err(`mcp-ops ${command}: ${described.message}`);
    return described.exitCode;
  }
}

/**
 * Per AWS request: connecting and answering each have a limit (the SDK's default is to wait forever). The request
 * timeout only logs a warning unless throwOnRequestTimeout is set (@smithy/node-http-handler, setRequestTimeout).
 */
export const REQUEST_TIMEOUTS = { connectionTimeout: 3000, requestTimeout: 10000, throwOnRequestTimeout: true };

/**
 * The real dependencies: SDK clients with request timeouts, the terminal, the file system. The clients make one
 * attempt per call: mcp-ops retries throttled and transient calls itself (ops/retry.ts), once, not as 8 × 6 attempts.
 */
export function defaultDeps(overrides: { maxAttempts?: number; requestTimeoutMs?: number } = {}): OpsDeps {
  const clientOptions = {
    maxAttempts: overrides.maxAttempts ?? 1,
    requestHandler: { ...REQUEST_TIMEOUTS, ...(overrides.requestTimeoutMs ? { requestTimeout: overrides.requestTimeoutMs } : {}) },
  };
  return {
    cloudwatch: new CloudWatchClient(clientOptions),
    ecs: new ECSClient(clientOptions),
    secrets: new SecretsManagerClient(clientOptions),
    logs: new CloudWatchLogsClient(clientOptions),
    autoscaling: new ApplicationAutoScalingClient(clientOptions),
    now: () => new Date(),
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    confirm: process.stdin.isTTY
      ? async (question) => {
          const { createInterface } = await import("node:readline/promises");
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          const answer = await rl.question(question);
          rl.close();
          return /^y(es)?$/i.test(answer.trim());
        }
      : undefined,
    writeFile: (file, text) => writeFileSync(file, text),
  };
}

if (require.main === module) {
  runOps(process.argv.slice(2), defaultDeps()).then((code) => process.exit(code));
}
