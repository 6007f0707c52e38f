import type { AlarmTransition, StackAlarm } from "./alarms";
import { serverState } from "./alarms";
import type { MetricData, MetricName, Series } from "./metrics";
import { kpisSchema } from "../config/schema";
import { ALARM_KEY } from "../decisions/names";

/**
 * The availability a server is held to: the threshold of its own availability alarm (the stack's alerts.kpis as
 * deployed), else the config contract's default KPI (a stack without KPI alarms, such as dev).
 */
export function availabilityKpiOf(server: string, alarms: StackAlarm[]): number {
  const own = alarms.find((a) => a.server === server && a.key === ALARM_KEY.availability);
  return own?.metric?.Threshold ?? kpisSchema.parse({}).availabilityPercent;
}

export interface ServerHealth {
  server: string;
  state: string;
  p95LatencyMaxSeconds?: number;
  p95LatencyAvgSeconds?: number;
  requests: number;
  errors5xx: number;
  errorRatePercent?: number;
  availabilityPercent?: number;
  availabilityMet?: boolean;
  /** The KPI availabilityMet was judged against (availabilityKpiOf). */
  availabilityKpi: number;
  cpuAvg?: number;
  cpuMax?: number;
  memoryAvg?: number;
  memoryMax?: number;
  transitions: { at: string; alarm: string; summary: string }[];
  series: Record<string, { t: string; v: number }[]>;
}

export interface HealthReport {
  stack: string;
  generatedAt: string;
  since: string;
  until: string;
  partial: boolean;
  servers: ServerHealth[];
}

const values = (s?: Series) => s?.points.map((p) => p.v) ?? [];
const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined);
const max = (xs: number[]) => (xs.length ? Math.max(...xs) : undefined);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const round = (x: number | undefined, digits = 3) => (x === undefined ? undefined : Math.round(x * 10 ** digits) / 10 ** digits);

/** Per server: alarm state and history in the window, latency, traffic, errors, availability against the KPI, CPU and memory. */
export function buildReport(args: { stack: string; servers: string[]; alarms: StackAlarm[]; history: AlarmTransition[]; data: MetricData; start: Date; end: Date; now: Date }): HealthReport {
  const servers = args.servers.map((server): ServerHealth => {
    const of = (metric: MetricName) => args.data.series.find((s) => s.server === server && s.metric === metric);
    const requests = sum(values(of("requests")));
    const errors = sum(values(of("errors5xx")));
    const rate = requests > 0 ? (100 * errors) / requests : undefined;
    const kpi = availabilityKpiOf(server, args.alarms);
    return {
      server,
      state: serverState(args.alarms.filter((a) => a.server === server)),
      p95LatencyMaxSeconds: round(max(values(of("p95LatencySeconds")))),
      p95LatencyAvgSeconds: round(avg(values(of("p95LatencySeconds")))),
      requests,
      errors5xx: errors,
      errorRatePercent: round(rate),
      availabilityPercent: round(rate === undefined ? undefined : 100 - rate),
      availabilityMet: rate === undefined ? undefined : 100 - rate >= kpi,
      availabilityKpi: kpi,
      cpuAvg: round(avg(values(of("cpuPercent"))), 1),
      cpuMax: round(max(values(of("cpuPercent"))), 1),
      memoryAvg: round(avg(values(of("memoryPercent"))), 1),
      memoryMax: round(max(values(of("memoryPercent"))), 1),
      transitions: args.history.filter((h) => h.server === server).map((h) => ({ at: h.at.toISOString(), alarm: h.alarm, summary: h.summary })),
      series: Object.fromEntries(args.data.series.filter((s) => s.server === server).map((s) => [s.metric, s.points.map((p) => ({ t: p.t.toISOString(), v: p.v }))])),
    };
  });
  return { stack: args.stack, generatedAt: args.now.toISOString(), since: args.start.toISOString(), until: args.end.toISOString(), partial: args.data.partial, servers };
}

const fmt = (x: number | undefined, unit = "") => (x === undefined ? "n/a" : `${x}${unit}`);

export function reportText(report: HealthReport): string {
  const lines = [`mcp-stack ${report.stack} health ${report.since} → ${report.until}${report.partial ? " (PARTIAL DATA: some series are incomplete)" : ""}`, ""];
  for (const s of report.servers) {
    lines.push(
      `${s.server}: ${s.state}`,
      `  p95 latency  max ${fmt(s.p95LatencyMaxSeconds, " s")}, avg ${fmt(s.p95LatencyAvgSeconds, " s")}`,
      `  requests     ${s.requests}, 5xx ${s.errors5xx} (${fmt(s.errorRatePercent, " %")})`,
      `  availability ${fmt(s.availabilityPercent, " %")} ${s.availabilityMet === undefined ? "" : s.availabilityMet ? `✓ ≥ ${s.availabilityKpi} %` : `✗ below the ${s.availabilityKpi} % KPI`}`.trimEnd(),
      `  CPU          avg ${fmt(s.cpuAvg, " %")}, max ${fmt(s.cpuMax, " %")}; memory avg ${fmt(s.memoryAvg, " %")}, max ${fmt(s.memoryMax, " %")}`,
      `  alarms       ${s.transitions.length ? "" : "no state changes"}`.trimEnd(),
      ...s.transitions.map((t) => `    ${t.at} ${t.alarm}: ${t.summary}`),
      "",
    );
  }
  return lines.join("\n");
}
