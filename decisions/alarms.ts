import type { ServerConfig, Severity, StackConfig } from "../config/schema";
import { METRICS, taskPresenceMetric, type MetricDef, type MetricKey, type Scope } from "./metrics";
import { alarmName } from "./names";

export type Comparison = "GreaterThanThreshold" | "LessThanThreshold";
export type MissingData = "breaching" | "notBreaching";

export interface MetricStat {
  metric: MetricKey;
  /** Statistic (Average, Sum, Minimum, Maximum) or percentile (p95). */
  stat: string;
}

export interface AlarmSpec {
  key: string;
  severity: Severity;
  /** One line: what is wrong. */
  summary: string;
  /** Likely causes and the first three steps, for the alarm description. */
  runbook: string;
  /** A single metric, or a metric-math expression over named metrics. */
  metric?: MetricStat;
  expression?: { expression: string; label: string; inputs: Record<string, MetricStat> };
  scope: Scope;
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  comparison: Comparison;
  threshold: number;
  /** ALB metrics vanish when no request flows; each alarm says deliberately what silence means. */
  treatMissingData: MissingData;
  unit?: string;
  /** Part of the ECS deployment alarms: an ALARM during a rollout rolls it back. */
  gatesDeployments: boolean;
}

const SEVERITY_RESPONSE: Record<Severity, string> = { P1: "respond within 15 min", P2: "respond within 1 h", P3: "respond within 4 h", P4: "respond within 24 h" };
export const SEVERITY_MEANING: Record<Severity, string> = { P1: "service down", P2: "degraded", P3: "resource pressure", P4: "minor / KPI" };

/** Error rate in percent of requests; 0 when idle so silence is not an error spike. */
export const ERROR_RATE = "IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)";
const AVAILABILITY = "IF(requests > 0, 100 - 100 * FILL(errors, 0) / requests, 100)";
const errorInputs = { requests: { metric: "requests", stat: "Sum" }, errors: { metric: "target5xx", stat: "Sum" } } as const;

/**
 * The down alarms look at one minute: ALB and Container Insights metrics come per minute (ELB user guide, "CloudWatch
 * metrics for your Application Load Balancer": 60-second periods), and the consecutive failures were counted already,
 * by the target group's unhealthy threshold or the container health check's retries. A single failed check never
 * makes a target unhealthy, so one breaching minute is no blip.
 */
const DETECT_WITHIN_A_MINUTE = { period: 60, evaluationPeriods: 1, datapointsToAlarm: 1 };

/** "3 consecutive failures": the team's threshold is both the datapoints and the evaluation periods. */
function consecutive(n: number, period = 60) {
  return { period, evaluationPeriods: n, datapointsToAlarm: n };
}

/** The alarms of one server, from the validated config. Public servers are watched through the ALB and ECS; internal ones through ECS. */
export function alarmSpecsFor(name: string, server: ServerConfig, alerts: StackConfig["alerts"], probeEveryMinutes?: number): AlarmSpec[] {
  const { thresholds: t, kpis } = alerts;
  const n = t.consecutiveFailures;
  const specs: AlarmSpec[] = [];

  if (server.internal) {
    const presence = taskPresenceMetric(alerts.containerInsights);
    specs.push({
      key: "down",
      severity: "P1",
      summary: alerts.containerInsights
        ? `${name} is down: fewer than ${Math.max(1, server.scaling.min)} running task(s) in a minute, after its health check failed ${n} times in a row`
        : `${name} is down: no running task in a minute (no CPU sample), after its health check failed ${n} times in a row`,
      runbook: `Likely: the container exits at start (bad image, missing secret, volume mount), or tasks are stopped for failing their health check. First: 1) ECS console › ${name} › Events and stopped-task reasons; 2) its log group; 3) mcp-ops restart ${name} once the cause is fixed.`,
      metric: { metric: presence.metric, stat: presence.stat },
      scope: "service",
      // The container health check already counted the consecutive failures: one minute here, not n more.
      ...DETECT_WITHIN_A_MINUTE,
      comparison: "LessThanThreshold",
      threshold: alerts.containerInsights ? Math.max(1, server.scaling.min) : 1,
      treatMissingData: "breaching",
      unit: alerts.containerInsights ? "Count" : undefined,
      gatesDeployments: false,
    });
  } else {
    if (server.scaling.min > 0) {
      specs.push({
        key: "down",
        severity: "P1",
        summary: `${name} is down: fewer than ${server.scaling.min} healthy target(s) in a minute, after ${n} failed health checks in a row`,
        runbook: `Likely: tasks crash or fail the /health check (bad deploy, missing secret, dependency down), or the service cannot place tasks. First: 1) target group health reasons and ECS service events; 2) its log group; 3) roll back to the last good image or mcp-ops restart ${name}.`,
        metric: { metric: "healthyHosts", stat: "Minimum" },
        scope: "targetGroup",
        // The target group already counted the consecutive failures (unhealthyThreshold): one minute here, not n more.
        ...DETECT_WITHIN_A_MINUTE,
        comparison: "LessThanThreshold",
        threshold: server.scaling.min,
        // The ALB always reports host counts for a target group in use: silence means it is gone.
        treatMissingData: "breaching",
        unit: "Count",
        // Not a deployment gate: before the first tasks are healthy it is in ALARM (no data, below min), so it would
        // roll back a healthy first rollout, with nothing to roll back to. The other gates stay quiet without traffic.
        gatesDeployments: false,
      });
    }
    specs.push(
      {
        key: "unhealthy",
        severity: "P2",
        summary: `${name} has unhealthy targets for ${n} consecutive minutes`,
        runbook: `Likely: a task fails ${n} health checks in a row (overload, dependency timeout, memory leak). First: 1) target health reasons in the target group; 2) CPU/memory on the ${name} dashboard; 3) stop the unhealthy task so ECS replaces it.`,
        metric: { metric: "unhealthyHosts", stat: "Maximum" },
        scope: "targetGroup",
        ...consecutive(n),
        comparison: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
        unit: "Count",
        gatesDeployments: true,
      },
      {
        key: "latency",
        severity: "P2",
        summary: `${name} p95 response time above ${t.responseTimeMs} ms for ${n} minutes`,
        runbook: `p95 of TargetResponseTime (seconds) per minute. Likely: slow upstream API (OpenAI, Gmail, Neo4j), CPU saturation, too few tasks. First: 1) the ${name} dashboard: requests vs latency vs CPU; 2) slow tool calls in its logs; 3) raise scaling.min or max.`,
        metric: { metric: "responseTime", stat: "p95" },
        scope: "targetGroup",
        ...consecutive(n),
        comparison: "GreaterThanThreshold",
        threshold: t.responseTimeMs / 1000,
        treatMissingData: "notBreaching",
        unit: "Seconds",
        gatesDeployments: true,
      },
      {
        key: "errors",
        severity: "P2",
        summary: `${name} 5xx rate above ${t.errorRatePercent} % for ${n} minutes`,
        runbook: `Target 5xx / requests × 100 (ELB-generated 5xx are on the stack's load balancer alarm). Likely: a bad deploy, a failing dependency or secret, exhausted memory. First: 1) errors in its log group; 2) recent deployments (ECS rolls back on this alarm); 3) dependency health.`,
        expression: { expression: ERROR_RATE, label: `${name} 5xx rate (%)`, inputs: errorInputs },
        scope: "targetGroup",
        ...consecutive(n),
        comparison: "GreaterThanThreshold",
        threshold: t.errorRatePercent,
        treatMissingData: "notBreaching",
        unit: "Percent",
        gatesDeployments: true,
      },
    );
    // The KPIs (P3/P4, never paging) where the traffic means something: off in dev unless alerts.kpiAlarms says so.
    if (alerts.kpiAlarms) {
      specs.push(
        {
          key: "latency-kpi",
          severity: "P4",
          summary: `${name} p95 above the ${kpis.p95ResponseMs} ms KPI for 15 minutes`,
          runbook: `KPI warning, no outage. Likely: growth in load or slower tool calls. First: 1) latency trend on the dashboard; 2) the slowest tools in its logs; 3) plan capacity (size or scaling).`,
          metric: { metric: "responseTime", stat: "p95" },
          scope: "targetGroup",
          ...consecutive(3, 300),
          comparison: "GreaterThanThreshold",
          threshold: kpis.p95ResponseMs / 1000,
          treatMissingData: "notBreaching",
          unit: "Seconds",
          gatesDeployments: false,
        },
        {
          key: "errors-kpi",
          severity: "P4",
          summary: `${name} 5xx rate above the ${kpis.errorRatePercent} % KPI for 15 minutes`,
          runbook: `KPI warning, no outage. Likely: an intermittent dependency or input error. First: 1) error trend on the dashboard; 2) the failing tool calls in its logs; 3) open a ticket with the samples.`,
          expression: { expression: ERROR_RATE, label: `${name} 5xx rate (%)`, inputs: errorInputs },
          scope: "targetGroup",
          ...consecutive(3, 300),
          comparison: "GreaterThanThreshold",
          threshold: kpis.errorRatePercent,
          treatMissingData: "notBreaching",
          unit: "Percent",
          gatesDeployments: false,
        },
        {
          key: "availability",
          severity: "P3",
          summary: `${name} availability below ${kpis.availabilityPercent} % over the last hour`,
          runbook: `Successful (non-5xx) requests / requests over 1 h. Likely: repeated short error bursts. First: 1) the errors panel of the ${name} dashboard; 2) deployments and restarts in the hour; 3) dependency incidents.`,
          expression: { expression: AVAILABILITY, label: `${name} availability (%)`, inputs: errorInputs },
          scope: "targetGroup",
          period: 3600,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          comparison: "LessThanThreshold",
          threshold: kpis.availabilityPercent,
          treatMissingData: "notBreaching",
          unit: "Percent",
          gatesDeployments: false,
        },
      );
    }
    if (server.minRequestsPerMinute !== undefined) {
      specs.push({
        key: "throughput",
        severity: "P4",
        summary: `${name} below ${server.minRequestsPerMinute} requests/min for 15 minutes`,
        runbook: `Traffic this server is expected to carry has dropped. Likely: clients cannot reach it (DNS, auth, WAF blocks) or a client is down. First: 1) WAF blocked requests; 2) 4xx on the dashboard; 3) ask the client teams.`,
        metric: { metric: "requests", stat: "Sum" },
        scope: "targetGroup",
        ...consecutive(3, 300),
        comparison: "LessThanThreshold",
        threshold: server.minRequestsPerMinute * 5,
        treatMissingData: "breaching",
        unit: "Count",
        gatesDeployments: false,
      });
    }
  }

  const pressure = (key: "cpu" | "memory", label: string, threshold: number, runbook: string): AlarmSpec => ({
    key,
    severity: "P3",
    summary: `${name} ${label} above ${threshold} % for ${n} minutes`,
    runbook,
    metric: { metric: key, stat: "Average" },
    scope: "service",
    ...consecutive(n),
    comparison: "GreaterThanThreshold",
    threshold,
    treatMissingData: "notBreaching",
    unit: "Percent",
    gatesDeployments: false,
  });
  specs.push(
    pressure("cpu", "CPU", t.cpuPercent, `Average CPUUtilization of the service. Likely: load beyond scaling.max, a hot loop. First: 1) requests vs tasks on the dashboard; 2) is the service at scaling.max?; 3) raise max or cpu.`),
    pressure("memory", "memory", t.memoryPercent, `Average MemoryUtilization of the service; at 100 % tasks are killed (OOM). Likely: a leak, large payloads, heap above the task size. First: 1) memory trend on the dashboard; 2) OOM stops in ECS events; 3) raise memory or restart.`),
  );
  if (probeEveryMinutes !== undefined) specs.push(...probeAlarmSpecs(name, alerts, probeEveryMinutes));
  return specs;
}

/** The stack-wide alarm on 5xx the load balancer itself returns (no healthy target, timeouts). */
export function loadBalancerAlarmSpecs(alerts: StackConfig["alerts"]): AlarmSpec[] {
  const n = alerts.thresholds.consecutiveFailures;
  return [
    {
      key: "alb-5xx",
      severity: "P2",
      summary: `load balancer 5xx rate above ${alerts.thresholds.errorRatePercent} % for ${n} minutes`,
      runbook: `ELB-generated 5xx / requests × 100: 502/503/504 from the ALB itself. Likely: a server with no healthy task (503), timeouts beyond the idle timeout (504). First: 1) which server's down alarm is on; 2) target health; 3) idle timeout vs SSE streams.`,
      expression: {
        expression: ERROR_RATE,
        label: "ALB 5xx rate (%)",
        inputs: { requests: { metric: "albRequests", stat: "Sum" }, errors: { metric: "elb5xx", stat: "Sum" } },
      },
      scope: "loadBalancer",
      ...consecutive(n),
      comparison: "GreaterThanThreshold",
      threshold: alerts.thresholds.errorRatePercent,
      treatMissingData: "notBreaching",
      unit: "Percent",
      gatesDeployments: false,
    },
  ];
}

export { alarmName };

/** CloudWatch alarm description (≤ 1024 characters): severity, meaning, response time and the runbook. */
export function alarmDescription(spec: AlarmSpec): string {
  return `${spec.severity} (${SEVERITY_MEANING[spec.severity]}, ${SEVERITY_RESPONSE[spec.severity]}): ${spec.summary}. ${spec.runbook}`.slice(0, 1024);
}

export const metricOf = (stat: MetricStat): MetricDef => METRICS[stat.metric];

/**
 * The active probe's alarms: failing N probes in a row (the team's consecutive-failures threshold) is P1 — a client
 * cannot use the server, whatever /health says — and missing results count as failures (the probe itself broke);
 * slower than responseTimeMs over N probes is P2.
 */
function probeAlarmSpecs(name: string, alerts: StackConfig["alerts"], everyMinutes: number): AlarmSpec[] {
  const n = alerts.thresholds.consecutiveFailures;
  const each = { period: everyMinutes * 60, evaluationPeriods: n, datapointsToAlarm: n };
  return [
    {
      key: "probe",
      severity: "P1",
      summary: `${name} failed its MCP probe (initialize and tools/list through its public URL) ${n} times in a row`,
      runbook: `A client cannot use ${name}. Likely: the MCP endpoint fails while /health passes (a bridge whose server crashed, an expired upstream key), token validation or WAF refuses it, the route is broken. First: 1) the probe's log group (/aws/lambda/mcp-<stack>-probe) for its error; 2) ${name}'s log group; 3) mcp-ops check ${name}.`,
      metric: { metric: "probeSuccess", stat: "Minimum" },
      scope: "probe",
      ...each,
      comparison: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
      unit: "Count",
      gatesDeployments: false,
    },
    {
      key: "probe-latency",
      severity: "P2",
      summary: `${name}'s MCP probe takes longer than ${alerts.thresholds.responseTimeMs} ms, ${n} times in a row`,
      runbook: `Initialize plus tools/list is slow for ${name}. Likely: cold or overloaded tasks, a slow token endpoint, a bridge starting its server on every request. First: 1) the ${name} dashboard: probe latency vs requests vs CPU; 2) the probe's log lines; 3) raise scaling.min.`,
      metric: { metric: "probeLatency", stat: "Average" },
      scope: "probe",
      ...each,
      comparison: "GreaterThanThreshold",
      threshold: alerts.thresholds.responseTimeMs,
      treatMissingData: "notBreaching",
      unit: "Milliseconds",
      gatesDeployments: false,
    },
  ];
}
