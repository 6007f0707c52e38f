import type { ServerConfig, StackConfig } from "../config/schema";
import { AVAILABILITY, consecutive, DETECT_WITHIN_A_MINUTE, ERROR_RATE, errorInputs, type AlarmFields, type AlarmSource, type AlarmSpec } from "./alarms";
import { taskPresenceMetric } from "./metrics";
import { ALARM_KEY } from "./names";

type Alerts = StackConfig["alerts"];

/** What most alarms share: they neither page on silence nor gate deployments; each spec says where it differs. */
type Defaulted = "treatMissingData" | "gatesDeployments";
const alarm = (spec: AlarmSource & Omit<AlarmFields, Defaulted> & Partial<Pick<AlarmFields, Defaulted>>): AlarmSpec => ({
  treatMissingData: "notBreaching",
  gatesDeployments: false,
  ...spec,
});

/**
 * The alarms of one server, from the validated config. Public servers are watched through the ALB and ECS; internal
 * ones through ECS; probed ones through the MCP probe too.
 */
export function alarmSpecsFor(name: string, server: ServerConfig, alerts: Alerts, probeEveryMinutes?: number): AlarmSpec[] {
  return [
    ...(server.internal ? [internalDownAlarm(name, server, alerts)] : publicAlarms(name, server, alerts)),
    ...pressureAlarms(name, alerts),
    ...(probeEveryMinutes !== undefined ? probeAlarmSpecs(name, alerts, probeEveryMinutes) : []),
  ];
}

/** An internal server is down when its tasks are gone: Container Insights' count, else the absence of its CPU samples. */
function internalDownAlarm(name: string, server: ServerConfig, alerts: Alerts): AlarmSpec {
  const n = alerts.thresholds.consecutiveFailures;
  const presence = taskPresenceMetric(alerts.containerInsights);
  return alarm({
    key: ALARM_KEY.down,
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
  });
}

/** A public server's alarms on its target group: down, the deployment gates, the KPIs and its expected traffic. */
function publicAlarms(name: string, server: ServerConfig, alerts: Alerts): AlarmSpec[] {
  return [
    ...(server.scaling.min > 0 ? [publicDownAlarm(name, server, alerts)] : []),
    ...deploymentGateAlarms(name, alerts),
    // The KPIs (P3/P4, never paging) where the traffic means something: off in dev unless alerts.kpiAlarms says so.
    ...(alerts.kpiAlarms ? kpiAlarms(name, alerts.kpis) : []),
    ...(server.minRequestsPerMinute !== undefined ? [throughputAlarm(name, server.minRequestsPerMinute)] : []),
  ];
}

function publicDownAlarm(name: string, server: ServerConfig, alerts: Alerts): AlarmSpec {
  const n = alerts.thresholds.consecutiveFailures;
  return alarm({
    key: ALARM_KEY.down,
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
  });
}

/** The P2 alarms ECS rolls a deployment back on. */
function deploymentGateAlarms(name: string, alerts: Alerts): AlarmSpec[] {
  const { thresholds: t } = alerts;
  const n = t.consecutiveFailures;
  return [
    alarm({
      key: "unhealthy",
      severity: "P2",
      summary: `${name} has unhealthy targets for ${n} consecutive minutes`,
      runbook: `Likely: a task fails ${n} health checks in a row (overload, dependency timeout, memory leak). First: 1) target health reasons in the target group; 2) CPU/memory on the ${name} dashboard; 3) stop the unhealthy task so ECS replaces it.`,
      metric: { metric: "unhealthyHosts", stat: "Maximum" },
      scope: "targetGroup",
      ...consecutive(n),
      comparison: "GreaterThanThreshold",
      threshold: 0,
      unit: "Count",
      gatesDeployments: true,
    }),
    alarm({
      key: "latency",
      severity: "P2",
      summary: `${name} p95 response time above ${t.responseTimeMs} ms for ${n} minutes`,
      runbook: `p95 of TargetResponseTime (seconds) per minute. Likely: slow upstream API (OpenAI, Gmail, Neo4j), CPU saturation, too few tasks. First: 1) the ${name} dashboard: requests vs latency vs CPU; 2) slow tool calls in its logs; 3) raise scaling.min or max.`,
      metric: { metric: "responseTime", stat: "p95" },
      scope: "targetGroup",
      ...consecutive(n),
      comparison: "GreaterThanThreshold",
      threshold: t.responseTimeMs / 1000,
      unit: "Seconds",
      gatesDeployments: true,
    }),
    alarm({
      key: "errors",
      severity: "P2",
      summary: `${name} 5xx rate above ${t.errorRatePercent} % for ${n} minutes`,
      runbook: `Target 5xx / requests × 100 (ELB-generated 5xx are on the stack's load balancer alarm). Likely: a bad deploy, a failing dependency or secret, exhausted memory. First: 1) errors in its log group; 2) recent deployments (ECS rolls back on this alarm); 3) dependency health.`,
      expression: { expression: ERROR_RATE, label: `${name} 5xx rate (%)`, inputs: errorInputs },
      scope: "targetGroup",
      ...consecutive(n),
      comparison: "GreaterThanThreshold",
      threshold: t.errorRatePercent,
      unit: "Percent",
      gatesDeployments: true,
    }),
  ];
}

function kpiAlarms(name: string, kpis: Alerts["kpis"]): AlarmSpec[] {
  return [
    alarm({
      key: "latency-kpi",
      severity: "P4",
      summary: `${name} p95 above the ${kpis.p95ResponseMs} ms KPI for 15 minutes`,
      runbook: `KPI warning, no outage. Likely: growth in load or slower tool calls. First: 1) latency trend on the dashboard; 2) the slowest tools in its logs; 3) plan capacity (size or scaling).`,
      metric: { metric: "responseTime", stat: "p95" },
      scope: "targetGroup",
      ...consecutive(3, 300),
      comparison: "GreaterThanThreshold",
      threshold: kpis.p95ResponseMs / 1000,
      unit: "Seconds",
    }),
    alarm({
      key: "errors-kpi",
      severity: "P4",
      summary: `${name} 5xx rate above the ${kpis.errorRatePercent} % KPI for 15 minutes`,
      runbook: `KPI warning, no outage. Likely: an intermittent dependency or input error. First: 1) error trend on the dashboard; 2) the failing tool calls in its logs; 3) open a ticket with the samples.`,
      expression: { expression: ERROR_RATE, label: `${name} 5xx rate (%)`, inputs: errorInputs },
      scope: "targetGroup",
      ...consecutive(3, 300),
      comparison: "GreaterThanThreshold",
      threshold: kpis.errorRatePercent,
      unit: "Percent",
    }),
    alarm({
      key: ALARM_KEY.availability,
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
      unit: "Percent",
    }),
  ];
}

function throughputAlarm(name: string, minRequestsPerMinute: number): AlarmSpec {
  return alarm({
    key: "throughput",
    severity: "P4",
    summary: `${name} below ${minRequestsPerMinute} requests/min for 15 minutes`,
    runbook: `Traffic this server is expected to carry has dropped. Likely: clients cannot reach it (DNS, auth, WAF blocks) or a client is down. First: 1) WAF blocked requests; 2) 4xx on the dashboard; 3) ask the client teams.`,
    metric: { metric: "requests", stat: "Sum" },
    scope: "targetGroup",
    ...consecutive(3, 300),
    comparison: "LessThanThreshold",
    threshold: minRequestsPerMinute * 5,
    treatMissingData: "breaching",
    unit: "Count",
  });
}

/** CPU and memory of the service, every server. */
function pressureAlarms(name: string, alerts: Alerts): AlarmSpec[] {
  const { thresholds: t } = alerts;
  const n = t.consecutiveFailures;
  const pressure = (key: "cpu" | "memory", label: string, threshold: number, runbook: string): AlarmSpec =>
    alarm({
      key,
      severity: "P3",
      summary: `${name} ${label} above ${threshold} % for ${n} minutes`,
      runbook,
      metric: { metric: key, stat: "Average" },
      scope: "service",
      ...consecutive(n),
      comparison: "GreaterThanThreshold",
      threshold,
      unit: "Percent",
    });
  return [
    pressure("cpu", "CPU", t.cpuPercent, `Average CPUUtilization of the service. Likely: load beyond scaling.max, a hot loop. First: 1) requests vs tasks on the dashboard; 2) is the service at scaling.max?; 3) raise max or cpu.`),
    pressure("memory", "memory", t.memoryPercent, `Average MemoryUtilization of the service; at 100 % tasks are killed (OOM). Likely: a leak, large payloads, heap above the task size. First: 1) memory trend on the dashboard; 2) OOM stops in ECS events; 3) raise memory or restart.`),
  ];
}

/**
 * The active probe's alarms: failing N probes in a row (the team's consecutive-failures threshold) is P1 — a client
 * cannot use the server, whatever /health says — and missing results count as failures (the probe itself broke);
 * slower than responseTimeMs over N probes is P2.
 */
function probeAlarmSpecs(name: string, alerts: Alerts, everyMinutes: number): AlarmSpec[] {
  const n = alerts.thresholds.consecutiveFailures;
  const each = { period: everyMinutes * 60, evaluationPeriods: n, datapointsToAlarm: n };
  return [
    {
      key: ALARM_KEY.probe,
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
