import { backupVaultName } from "./backup";
import { ERROR_RATE } from "./alarms";
import { dimensionsFor, METRICS, taskPresenceMetric, type MetricKey, type ScopeValues } from "./metrics";
import { physicalName } from "./names";

/** CloudWatch dashboards lay widgets on a grid 24 columns wide. */
export const GRID_COLUMNS = 24;

export interface Position {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Widget extends Position {
  type: "metric" | "alarm" | "text";
  properties: Record<string, unknown>;
}

export interface ServerPanel {
  name: string;
  /** Whether the cluster has Container Insights (else task presence is read from the service's CPU samples). */
  containerInsights: boolean;
  internal: boolean;
  /** Whether the MCP probe checks it (its success and latency get a row). */
  probed: boolean;
  /** ARNs of the server's alarms, the composite first. */
  alarmArns: string[];
  scope: ScopeValues<string>;
}

type MetricLine = (string | Record<string, unknown>)[];

/** A metric in CloudWatch's widget notation, with the same dimensions the alarms use. */
export function metricLine(metric: MetricKey, stat: string, scope: ScopeValues<string>, extra: Record<string, unknown> = {}): MetricLine {
  const def = METRICS[metric];
  const dims = Object.entries(dimensionsFor(def.scope, scope)).flat();
  return [def.namespace, def.name, ...dims, { stat, ...extra }];
}

/** The 5xx rate as metric math over target 5xx and requests, as the errors alarm computes it. */
function errorRateLines(scope: ScopeValues<string>, requests: MetricKey = "requests", errors: MetricKey = "target5xx"): MetricLine[] {
  return [
    [{ expression: ERROR_RATE, label: "5xx rate (%)", id: "rate" }],
    metricLine(requests, "Sum", scope, { id: "requests", visible: false }),
    metricLine(errors, "Sum", scope, { id: "errors", visible: false }),
  ];
}

export function metricWidget(title: string, metrics: MetricLine[], at: Position, region: string, extra: Record<string, unknown> = {}): Widget {
  return { type: "metric", ...at, properties: { title, region, metrics, view: "timeSeries", stacked: false, period: 60, ...extra } };
}

export function alarmWidget(title: string, alarms: string[], at: Position): Widget {
  return { type: "alarm", ...at, properties: { title, alarms, sortBy: "stateUpdatedTimestamp" } };
}

export function textWidget(markdown: string, at: Position): Widget {
  return { type: "text", ...at, properties: { markdown } };
}

/** Lays cells of the given widths left to right on one row. */
function row(y: number, height: number, cells: [number, (at: Position) => Widget][]): Widget[] {
  let x = 0;
  return cells.map(([width, make]) => {
    const widget = make({ x, y, width, height });
    x += width;
    return widget;
  });
}

/** The WAF web ACL in front of the ALB, for the overview's edge row. */
export interface WafPanel {
  webAcl: string;
  /** Rule names whose blocks are worth a line each (the rate limits). */
  rateRules: string[];
}

const wafLine = (metric: string, webAcl: string, region: string, rule: string, extra: Record<string, unknown> = {}): MetricLine => [
  "AWS/WAFV2",
  metric,
  "WebACL",
  webAcl,
  "Region",
  region,
  "Rule",
  rule,
  { stat: "Sum", ...extra },
];

/** One row per server: alarm status, requests, p95 latency, 5xx rate, healthy tasks, CPU, memory; then the WAF. */
function overviewDashboard(stack: string, region: string, servers: ServerPanel[], waf?: WafPanel): { widgets: Widget[] } {
  const widgets: Widget[] = [
    textWidget(`# mcp-stack ${stack}\nOne row per MCP server. Status is the server's P1/P2 roll-up; each alarm notifies its severity's topic.`, { x: 0, y: 0, width: GRID_COLUMNS, height: 2 }),
  ];
  servers.forEach((s, i) => {
    const y = 2 + i * 5;
    const m = (title: string, lines: MetricLine[]) => (at: Position) => metricWidget(`${s.name}: ${title}`, lines, at, region);
    const cells: [number, (at: Position) => Widget][] = s.internal
      ? [
          [6, (at) => alarmWidget(`${s.name} status`, s.alarmArns, at)],
          [6, m(taskPresenceMetric(s.containerInsights).title, [metricLine(taskPresenceMetric(s.containerInsights).metric, taskPresenceMetric(s.containerInsights).stat, s.scope)])],
          [6, m("CPU %", [metricLine("cpu", "Average", s.scope)])],
          [6, m("memory %", [metricLine("memory", "Average", s.scope)])],
        ]
      : [
          [6, (at) => alarmWidget(`${s.name} status`, s.alarmArns, at)],
          [3, m("requests", [metricLine("requests", "Sum", s.scope)])],
          [3, m("p95 latency (s)", [metricLine("responseTime", "p95", s.scope)])],
          [3, m("5xx rate %", errorRateLines(s.scope))],
          [3, m("healthy tasks", [metricLine("healthyHosts", "Minimum", s.scope)])],
          [3, m("CPU %", [metricLine("cpu", "Average", s.scope)])],
          [3, m("memory %", [metricLine("memory", "Average", s.scope)])],
        ];
    widgets.push(...row(y, 5, cells));
  });
  if (waf) {
    const y = 2 + servers.length * 5;
    widgets.push(
      ...row(y, 5, [
        [12, (at) => metricWidget("WAF: allowed / blocked / counted", ["AllowedRequests", "BlockedRequests", "CountedRequests"].map((m) => wafLine(m, waf.webAcl, region, "ALL", { label: m })), at, region, { period: 300 })],
        [12, (at) => metricWidget("WAF: blocked by rate limit (429)", waf.rateRules.map((r) => wafLine("BlockedRequests", waf.webAcl, region, r, { label: r })), at, region, { period: 300 })],
      ]),
    );
  }
  return { widgets };
}

/** A server's detail view, with the load balancer and backup jobs it depends on. */
/**
 * AWS Backup publishes job metrics per BackupVaultName and per BackupVaultName + ResourceType (AWS Backup developer
 * guide, "Monitoring with CloudWatch"). A SEARCH schema matches metrics with exactly its dimensions, so the schema names
 * both, and the vault name keeps it to this stack.
 */
export const backupJobSearch = (stack: string, metricName: string) =>
  `SEARCH('{AWS/Backup,BackupVaultName,ResourceType} BackupVaultName="${backupVaultName(stack)}" MetricName="${metricName}"', 'Sum', 3600)`;

function serverDashboard(stack: string, region: string, s: ServerPanel): { widgets: Widget[] } {
  const m = (title: string, lines: MetricLine[], extra?: Record<string, unknown>) => (at: Position) => metricWidget(title, lines, at, region, extra);
  const widgets: Widget[] = [
    textWidget(`# ${s.name} (mcp-stack ${stack})\nAlarm descriptions carry the runbook: likely causes and the first three steps.`, { x: 0, y: 0, width: GRID_COLUMNS, height: 2 }),
    alarmWidget(`${s.name} alarms`, s.alarmArns, { x: 0, y: 2, width: GRID_COLUMNS, height: 4 }),
  ];
  if (!s.internal) {
    widgets.push(
      ...row(6, 6, [
        [12, m("requests per minute", [metricLine("requests", "Sum", s.scope)])],
        [12, m("response time (s): p50, p95, p99", ["p50", "p95", "p99"].map((p) => metricLine("responseTime", p, s.scope, { label: p })))],
      ]),
      ...row(12, 6, [
        [12, m("5xx rate %", errorRateLines(s.scope))],
        [12, m("healthy / unhealthy targets", [metricLine("healthyHosts", "Minimum", s.scope), metricLine("unhealthyHosts", "Maximum", s.scope)])],
      ]),
    );
  }
  widgets.push(
    ...row(18, 6, [
      [8, m(taskPresenceMetric(s.containerInsights).title, [metricLine(taskPresenceMetric(s.containerInsights).metric, taskPresenceMetric(s.containerInsights).stat, s.scope)])],
      [8, m("CPU %", [metricLine("cpu", "Average", s.scope)])],
      [8, m("memory %", [metricLine("memory", "Average", s.scope)])],
    ]),
    ...row(24, 6, [
      [8, m("load balancer 5xx rate %", errorRateLines(s.scope, "albRequests", "elb5xx"))],
      [8, m("load balancer active connections", [metricLine("activeConnections", "Sum", s.scope)])],
      [
        8,
        m(
          "backup jobs",
          [
            [{ expression: backupJobSearch(stack, "NumberOfBackupJobsCompleted"), id: "done", label: "completed" }],
            [{ expression: backupJobSearch(stack, "NumberOfBackupJobsFailed"), id: "failed", label: "failed" }],
          ],
          { period: 3600 },
        ),
      ],
    ]),
  );
  if (s.probed) {
    widgets.push(
      ...row(30, 6, [
        [12, m("MCP probe: success (1) or failure (0), initialize + tools/list through the public URL", [metricLine("probeSuccess", "Minimum", s.scope)])],
        [12, m("MCP probe latency (ms)", [metricLine("probeLatency", "Average", s.scope), metricLine("probeLatency", "Maximum", s.scope, { label: "slowest" })])],
      ]),
    );
  }
  return { widgets };
}

/** A dashboard body holds at most 500 widgets (CloudWatch API reference, "Dashboard Body Structure and Syntax"). */
export const MAX_WIDGETS_PER_DASHBOARD = 500;
/** About 21 widgets a server (its overview row and its detail section): 20 servers stay well under the limit. */
export const SERVERS_PER_DASHBOARD = 20;

/** Dashboard names: the stack's overview, then one more per further group of servers. */
export const dashboardNameOf = (stack: string, group: number) => physicalName(stack, ...(group ? ["overview", String(group + 1)] : ["overview"]));

/** The servers of each dashboard, in order. */
export const dashboardGroups = <T>(servers: T[]): T[][] =>
  Array.from({ length: Math.max(1, Math.ceil(servers.length / SERVERS_PER_DASHBOARD)) }, (_, i) => servers.slice(i * SERVERS_PER_DASHBOARD, (i + 1) * SERVERS_PER_DASHBOARD));

/**
 * One dashboard ($3 a month each, the free three being per account) for a group of servers: on top one row per server
 * (its status at a glance) and the WAF, below one detail section per server, in the same order.
 */
export function stackDashboard(stack: string, region: string, servers: ServerPanel[], waf?: WafPanel): { widgets: Widget[] } {
  const overview = overviewDashboard(stack, region, servers, waf).widgets;
  const widgets = [...overview];
  let y = Math.max(...overview.map((w) => w.y + w.height));
  for (const server of servers) {
    const detail = serverDashboard(stack, region, server).widgets;
    widgets.push(...detail.map((w) => ({ ...w, y: w.y + y })));
    y += Math.max(...detail.map((w) => w.y + w.height));
  }
  if (widgets.length > MAX_WIDGETS_PER_DASHBOARD) throw new Error(`dashboard of ${servers.length} servers has ${widgets.length} widgets; CloudWatch allows ${MAX_WIDGETS_PER_DASHBOARD}`);
  return { widgets };
}
