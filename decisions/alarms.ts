import type { Severity, StackConfig } from "../config/schema";
import { METRICS, type MetricDef, type MetricKey, type Scope } from "./metrics";
import { alarmName } from "./names";

export type Comparison = "GreaterThanThreshold" | "LessThanThreshold";
export type MissingData = "breaching" | "notBreaching";

export interface MetricStat {
  metric: MetricKey;
  /** Statistic (Average, Sum, Minimum, Maximum) or percentile (p95). */
  stat: string;
}

/** A single metric, or a metric-math expression over named metrics. */
export type AlarmSource = { metric: MetricStat; expression?: undefined } | { expression: { expression: string; label: string; inputs: Record<string, MetricStat> }; metric?: undefined };

export type AlarmSpec = AlarmSource & AlarmFields;

export interface AlarmFields {
  key: string;
  severity: Severity;
  /** One line: what is wrong. */
  summary: string;
  /** Likely causes and the first three steps, for the alarm description. */
  runbook: string;
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
export const AVAILABILITY = "IF(requests > 0, 100 - 100 * FILL(errors, 0) / requests, 100)";
export const errorInputs = { requests: { metric: "requests", stat: "Sum" }, errors: { metric: "target5xx", stat: "Sum" } } as const;

/**
 * The down alarms look at one minute: ALB and Container Insights metrics come per minute (ELB user guide, "CloudWatch
 * metrics for your Application Load Balancer": 60-second periods), and the consecutive failures were counted already,
 * by the target group's unhealthy threshold or the container health check's retries. A single failed check never
 * makes a target unhealthy, so one breaching minute is no blip.
 */
export const DETECT_WITHIN_A_MINUTE = { period: 60, evaluationPeriods: 1, datapointsToAlarm: 1 };

/** "3 consecutive failures": the team's threshold is both the datapoints and the evaluation periods. */
export function consecutive(n: number, period = 60) {
  return { period, evaluationPeriods: n, datapointsToAlarm: n };
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

