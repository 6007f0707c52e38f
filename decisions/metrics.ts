import { PROBE_LATENCY, PROBE_NAMESPACE, PROBE_SERVER, PROBE_STACK, PROBE_SUCCESS } from "../probe/metricNames";
/** Every metric alarms and dashboards use, with the scope its dimensions come from. One catalogue, so both always agree. */
export type Scope = "loadBalancer" | "targetGroup" | "service" | "eventRule" | "probe";

export interface MetricDef {
  namespace: string;
  name: string;
  scope: Scope;
  unit?: string;
}

export const METRICS = {
  requests: { namespace: "AWS/ApplicationELB", name: "RequestCount", scope: "targetGroup", unit: "Count" },
  target5xx: { namespace: "AWS/ApplicationELB", name: "HTTPCode_Target_5XX_Count", scope: "targetGroup", unit: "Count" },
  // ALB reports TargetResponseTime in seconds.
  responseTime: { namespace: "AWS/ApplicationELB", name: "TargetResponseTime", scope: "targetGroup", unit: "Seconds" },
  healthyHosts: { namespace: "AWS/ApplicationELB", name: "HealthyHostCount", scope: "targetGroup", unit: "Count" },
  // Requests per registered target and minute (Sum is its only meaningful statistic); published without a unit.
  requestsPerTarget: { namespace: "AWS/ApplicationELB", name: "RequestCountPerTarget", scope: "targetGroup" },
  unhealthyHosts: { namespace: "AWS/ApplicationELB", name: "UnHealthyHostCount", scope: "targetGroup", unit: "Count" },
  cpu: { namespace: "AWS/ECS", name: "CPUUtilization", scope: "service", unit: "Percent" },
  memory: { namespace: "AWS/ECS", name: "MemoryUtilization", scope: "service", unit: "Percent" },
  runningTasks: { namespace: "ECS/ContainerInsights", name: "RunningTaskCount", scope: "service", unit: "Count" },
  // Without Container Insights: ECS sends a service's CPUUtilization each minute only while it has RUNNING tasks (ECS
  // developer guide, "Amazon ECS CloudWatch metrics"), so a minute without a sample is a minute without a task.
  cpuSamples: { namespace: "AWS/ECS", name: "CPUUtilization", scope: "service" },
  // ELB-generated 5xx (no healthy target, timeouts) exist per load balancer only, not per target group.
  elb5xx: { namespace: "AWS/ApplicationELB", name: "HTTPCode_ELB_5XX_Count", scope: "loadBalancer", unit: "Count" },
  albRequests: { namespace: "AWS/ApplicationELB", name: "RequestCount", scope: "loadBalancer", unit: "Count" },
  activeConnections: { namespace: "AWS/ApplicationELB", name: "ActiveConnectionCount", scope: "loadBalancer", unit: "Count" },
  // The active MCP probe's metrics (probe/handler.ts, Embedded Metric Format), per stack and server.
  probeSuccess: { namespace: PROBE_NAMESPACE, name: PROBE_SUCCESS, scope: "probe", unit: "Count" },
  probeLatency: { namespace: PROBE_NAMESPACE, name: PROBE_LATENCY, scope: "probe", unit: "Milliseconds" },
  // EventBridge counts each time a rule invokes its target, per rule, every minute, and sends nothing while it is zero
  // (EventBridge user guide, "Monitoring Amazon EventBridge"): the backup job rules' deliveries are the job events.
  ruleInvocations: { namespace: "AWS/Events", name: "Invocations", scope: "eventRule", unit: "Count" },
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;

/** What tells whether a service has running tasks: Container Insights' count, else the presence of its CPU samples. */
export const taskPresenceMetric = (containerInsights: boolean) =>
  containerInsights ? ({ metric: "runningTasks", stat: "Minimum", title: "running tasks" } as const) : ({ metric: "cpuSamples", stat: "SampleCount", title: "CPU samples (none: no task)" } as const);

/** The values a scope's dimensions are filled from: ALB and target group ARN suffixes, cluster and service names. */
export interface ScopeValues<T = string> {
  loadBalancer?: T;
  targetGroup?: T;
  cluster?: T;
  /** Absent for alarms created before the service exists (those gating its deployments). */
  service?: T;
  /** An EventBridge rule on the default bus. */
  eventRule?: T;
  /** The probe's dimensions: the stack and the server's name. */
  stack?: T;
  server?: T;
}

export function dimensionsFor<T>(scope: Scope, values: ScopeValues<T>): Record<string, T> {
  switch (scope) {
    case "loadBalancer":
      return { LoadBalancer: need(values.loadBalancer, "load balancer") };
    case "targetGroup":
      return { LoadBalancer: need(values.loadBalancer, "load balancer"), TargetGroup: need(values.targetGroup, "target group") };
    case "service":
      return { ClusterName: need(values.cluster, "cluster"), ServiceName: need(values.service, "service name") };
    case "eventRule":
      return { RuleName: need(values.eventRule, "event rule") };
    case "probe":
      return { [PROBE_STACK]: need(values.stack, "stack"), [PROBE_SERVER]: need(values.server, "server") };
  }
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`this metric needs the ${what} in its scope`);
  return value;
}
