import { METRICS, type MetricDef } from "../decisions/metrics";
import { CloudWatchClient, GetMetricDataCommand, type Dimension, type MetricDataQuery } from "@aws-sdk/client-cloudwatch";
import type { StackAlarm } from "./alarms";
import { withRetry, type RetryOptions } from "./retry";
import { ALARM_KEY } from "../decisions/names";

export type MetricName = "p95LatencySeconds" | "requests" | "errors5xx" | "cpuPercent" | "memoryPercent" | "probeSuccess" | "probeLatencyMs";

interface SeriesSpec {
  server: string;
  metric: MetricName;
  query: MetricDataQuery;
}

export interface Series {
  server: string;
  metric: MetricName;
  points: { t: Date; v: number }[];
}

export interface MetricData {
  series: Series[];
  /** Some series came back incomplete (StatusCode PartialData after every page). */
  partial: boolean;
}

/** GetMetricData takes at most 500 queries per request. */
const MAX_QUERIES = 500;

const dims = (alarm?: StackAlarm): Dimension[] | undefined => alarm?.metric?.Dimensions;

/** The series of each server, with the dimensions its own alarms use (read from them, so they always match). */
export function seriesSpecs(server: string, alarms: StackAlarm[], period: number): SeriesSpec[] {
  const own = alarms.filter((a) => a.server === server);
  const byKey = (key: string) => own.find((a) => a.key === key && a.metric?.Dimensions?.length);
  const targetGroup = dims(byKey("latency"));
  const service = dims(byKey("cpu")) ?? dims(byKey("memory"));
  const id = (suffix: string) => `s_${server.replace(/[^A-Za-z0-9]/g, "_")}_${suffix}`;
  const spec = (metric: MetricName, def: MetricDef, dimensions: Dimension[], stat: string): SeriesSpec => ({
    server,
    metric,
    query: { Id: id(metric), MetricStat: { Metric: { Namespace: def.namespace, MetricName: def.name, Dimensions: dimensions }, Period: period, Stat: stat }, ReturnData: true },
  });
  // The stack's metric catalogue (decisions/metrics.ts): the same metrics its alarms and dashboards read.
  const specs: SeriesSpec[] = [];
  if (targetGroup) {
    specs.push(spec("p95LatencySeconds", METRICS.responseTime, targetGroup, "p95"), spec("requests", METRICS.requests, targetGroup, "Sum"), spec("errors5xx", METRICS.target5xx, targetGroup, "Sum"));
  }
  if (service) specs.push(spec("cpuPercent", METRICS.cpu, service, "Average"), spec("memoryPercent", METRICS.memory, service, "Average"));
  return specs;
}

/** The MCP probe's success and latency of a server, from its probe alarm's own metric (none when it is not probed). */
export function probeSpecs(server: string, alarms: StackAlarm[], period: number): SeriesSpec[] {
  const alarm = alarms.find((a) => a.server === server && a.key === ALARM_KEY.probe && a.metric?.Dimensions?.length)?.metric;
  if (!alarm) return [];
  const id = (suffix: string) => `p_${server.replace(/[^A-Za-z0-9]/g, "_")}_${suffix}`;
  const spec = (metric: MetricName, def: MetricDef, stat: string): SeriesSpec => ({
    server,
    metric,
    query: { Id: id(metric), MetricStat: { Metric: { Namespace: def.namespace, MetricName: def.name, Dimensions: alarm.Dimensions }, Period: period, Stat: stat }, ReturnData: true },
  });
  return [spec("probeSuccess", METRICS.probeSuccess, "Minimum"), spec("probeLatencyMs", METRICS.probeLatency, "Average")];
}

/** All series in as few GetMetricData calls as the limits allow: batches of 500 queries, each paginated. */
export async function fetchSeries(
  cloudwatch: CloudWatchClient,
  specs: SeriesSpec[],
  start: Date,
  end: Date,
  options: { retry?: Partial<RetryOptions>; onProgress?: (done: number, total: number) => void } = {},
): Promise<MetricData> {
  const points = new Map<string, { t: Date; v: number }[]>();
  let partial = false;
  for (let i = 0; i < specs.length; i += MAX_QUERIES) {
    const batch = specs.slice(i, i + MAX_QUERIES);
    let next: string | undefined;
    do {
      const page = await withRetry(
        () => cloudwatch.send(new GetMetricDataCommand({ MetricDataQueries: batch.map((s) => s.query), StartTime: start, EndTime: end, NextToken: next, ScanBy: "TimestampAscending" })),
        options.retry,
      );
      for (const result of page.MetricDataResults ?? []) {
        const list = points.get(result.Id!) ?? [];
        (result.Timestamps ?? []).forEach((t, k) => list.push({ t: new Date(t), v: result.Values![k] }));
        points.set(result.Id!, list);
        if (!page.NextToken && result.StatusCode === "PartialData") partial = true;
      }
      next = page.NextToken;
    } while (next);
    options.onProgress?.(Math.min(i + MAX_QUERIES, specs.length), specs.length);
  }
  return {
    partial,
    series: specs.map((s) => ({ server: s.server, metric: s.metric, points: (points.get(s.query.Id!) ?? []).sort((a, b) => a.t.getTime() - b.t.getTime()) })),
  };
}

/** A period that keeps a series within ~360 points for the window (a multiple of 60 s, at least the one asked for). */
export function periodFor(windowSeconds: number, atLeast = 60): number {
  return Math.max(atLeast, Math.ceil(windowSeconds / 360 / 60) * 60);
}
