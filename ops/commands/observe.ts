import { DescribeServicesCommand, type Service } from "@aws-sdk/client-ecs";
import { table } from "../../plan/table";
import { serverLogGroupName } from "../../decisions/tasks";
import { fetchLogs, followLogs, logText, type LogLine } from "../logs";
import { revisionOf } from "../rollback";
import { imageText, runningImages } from "../running";
import { alarmHistory, serverState, stackAlarms, type StackAlarm } from "../alarms";
import { OpsError } from "../errors";
import { reportHtml } from "../html";
import { fetchSeries, periodFor, probeSpecs, seriesSpecs, type Series } from "../metrics";
import { buildReport, reportText } from "../report";
import { withRetry } from "../retry";
import { selectServers } from "../targets";
import type { OpsDeps } from "../deps";
import { deliver, parseDuration, resolveTargets } from "../commandSupport";
import { ALARM_KEY } from "../../decisions/names";

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
  if (!alarms.some((a) => a.key === ALARM_KEY.probe)) return "not probed";
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

export async function status(values: Record<string, any>, deps: OpsDeps): Promise<number> {
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

export async function report(values: Record<string, any>, deps: OpsDeps): Promise<number> {
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

export async function metrics(values: Record<string, any>, deps: OpsDeps): Promise<number> {
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

export async function logs(positionals: string[], values: Record<string, any>, deps: OpsDeps): Promise<number> {
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
