/** Every metric alarms and dashboards use, with the scope its dimensions come from. One catalogue, so both always agree. */
export type Scope = "loadBalancer" | "targetGroup" | "service";

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
  unhealthyHosts: { namespace: "AWS/ApplicationELB", name: "UnHealthyHostCount", scope: "targetGroup", unit: "Count" },
  cpu: { namespace: "AWS/ECS", name: "CPUUtilization", scope: "service", unit: "Percent" },
  memory: { namespace: "AWS/ECS", name: "MemoryUtilization", scope: "service", unit: "Percent" },
  runningTasks: { namespace: "ECS/ContainerInsights", name: "RunningTaskCount", scope: "service", unit: "Count" },
  // ELB-generated 5xx (no healthy target, timeouts) exist per load balancer only, not per target group.
  elb5xx: { namespace: "AWS/ApplicationELB", name: "HTTPCode_ELB_5XX_Count", scope: "loadBalancer", unit: "Count" },
  albRequests: { namespace: "AWS/ApplicationELB", name: "RequestCount", scope: "loadBalancer", unit: "Count" },
  activeConnections: { namespace: "AWS/ApplicationELB", name: "ActiveConnectionCount", scope: "loadBalancer", unit: "Count" },
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;

/** The values a scope's dimensions are filled from: ALB and target group ARN suffixes, cluster and service names. */
export interface ScopeValues<T = string> {
  loadBalancer: T;
  targetGroup?: T;
  cluster: T;
  /** Absent for alarms created before the service exists (those gating its deployments). */
  service?: T;
}

export function dimensionsFor<T>(scope: Scope, values: ScopeValues<T>): Record<string, T> {
  switch (scope) {
    case "loadBalancer":
      return { LoadBalancer: values.loadBalancer };
    case "targetGroup":
      if (values.targetGroup === undefined) throw new Error("a target-group metric needs a target group");
      return { LoadBalancer: values.loadBalancer, TargetGroup: values.targetGroup };
    case "service":
      if (values.service === undefined) throw new Error("a service metric needs the service name");
      return { ClusterName: values.cluster, ServiceName: values.service };
  }
}
