import { existsSync } from "node:fs";
import * as path from "node:path";
import { UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { parseStackConfig } from "../../config/parse";
import { readRawStackConfig } from "../../config/stackFile";
import { PROJECT_DIR } from "../../project";
import { table } from "../../plan/table";
import { setRunning } from "../pause";
import { rollBack, rollbackTarget } from "../rollback";
import { CHECK_HEADER, checkRows, checkTargets, probeCredentials, runChecks } from "../check";
import { stackAlarms } from "../alarms";
import { OpsError } from "../errors";
import { withRetry } from "../retry";
import { selectServers } from "../targets";
import type { OpsDeps } from "../deps";
import { confirmOrYes, resolveTargets, stackOf } from "../commandSupport";

export async function rollback(positionals: string[], values: Record<string, any>, deps: OpsDeps, deadlineSeconds: number): Promise<number> {
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

export async function check(positionals: string[], values: Record<string, any>, deps: OpsDeps): Promise<number> {
  const stack = stackOf(values);
  if (!values.outputs) throw new OpsError(`check needs the servers' URLs: pass --outputs FILE, written by pulumi stack output --json --stack ${stack} > FILE`);
  const targets = checkTargets(stack, values.outputs, stackFileConfig(stack, values, deps, "the routes' scopes").config, positionals);
  const credentials = targets.some((t) => t.scope) ? await probeCredentials(deps.secrets, stack, deps.retry) : undefined;
  const results = await runChecks(stack, targets, credentials, CHECK_TIMEOUT_MS);
  if (values.json) deps.out(JSON.stringify({ stack, servers: results }, null, 2));
  else deps.out(table(CHECK_HEADER, checkRows(results)));
  return results.every((r) => r.ok) ? 0 : 1;
}

export async function restart(positionals: string[], values: Record<string, any>, deps: OpsDeps): Promise<number> {
  const [name] = positionals;
  if (!name) throw new OpsError("name the server to restart: mcp-ops restart NAME --stack S");
  const targets = await resolveTargets(values, deps);
  selectServers(targets, name);
  await confirmOrYes(`Restart ${name} in ${targets.stack} (a new deployment replaces all its tasks)?`, !!values.yes, deps);
  await withRetry(() => deps.ecs.send(new UpdateServiceCommand({ cluster: targets.clusterName, service: targets.services[name], forceNewDeployment: true })), deps.retry);
  deps.out(`restarting ${name}: a new deployment of ${targets.services[name]} started; follow it with mcp-ops status --stack ${targets.stack} --server ${name}`);
  return 0;
}

export async function stopOrStart(command: "stop" | "start", positionals: string[], values: Record<string, any>, deps: OpsDeps): Promise<number> {
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

export async function scale(positionals: string[], values: Record<string, any>, deps: OpsDeps): Promise<number> {
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
