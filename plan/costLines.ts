import type { Plan, PlannedResource } from "../engine/offline";
import { PROBE_NAMESPACE } from "../probe/metricNames";
import { spotTasksOf, type CapacityShare } from "../decisions/deploy";
import { NAT_INSTANCE } from "../decisions/natInstance";
import { cronIntervalMinutes } from "../policies/rules/support";
import { A, childOf, ec2Hourly, H, line, MINUTES_PER_MONTH, ofType, P, runsPerMonth, usd, type CostLine } from "./costBasics";
import { childName, STACK_COMPONENT, TAG } from "../decisions/names";
import { COMPONENT, TYPE } from "../decisions/resourceTypes";

/** The cost lines by area. `naive` prices the same servers with every cost lever reverted (plan/cost.ts). */

interface FargateServer {
  name: string;
  vcpu: number;
  gb: number;
  tasks: number;
  arch: "x86_64" | "arm64";
  spotTasks: number;
}

/** Every server on Fargate with its baseline task count (scaling.min), size, architecture and Spot share. */
export function fargateServersOf(plan: Plan): FargateServer[] {
  return ofType(plan, COMPONENT.server).flatMap((server) => {
    const task = plan.resources.find((r) => r.name === childName.task(server.name))?.inputs;
    const service = childOf(plan, server.name, TYPE.service)?.inputs;
    if (!task || !service) return [];
    const strategy: CapacityShare[] = service.capacityProviderStrategies ?? [];
    if (strategy.some((c) => !c.capacityProvider.startsWith("FARGATE"))) return [];
    const tasks = Number(childOf(plan, server.name, TYPE.scalingTarget)?.inputs.minCapacity ?? 1);
    return [{ name: server.name, vcpu: Number(task.cpu) / 1024, gb: Number(task.memory) / 1024, tasks, arch: task.runtimePlatform?.cpuArchitecture === "ARM64" ? "arm64" : "x86_64", spotTasks: spotTasksOf(strategy, tasks) }];
  });
}

/** Baseline Fargate tasks by architecture and capacity (on-demand base, Spot above it). */
export function fargateLines(plan: Plan, naive: boolean): CostLine[] {
  const pools = new Map<string, { vcpu: number; gb: number; tasks: number }>();
  for (const s of fargateServersOf(plan)) {
    const arch = naive ? "x86_64" : s.arch;
    const spot = naive ? 0 : s.spotTasks;
    for (const [kind, tasks] of [["on-demand", s.tasks - spot], ["Spot", spot]] as const) {
      if (!tasks) continue;
      const pool = pools.get(`${arch} ${kind}`) ?? { vcpu: 0, gb: 0, tasks: 0 };
      pools.set(`${arch} ${kind}`, { vcpu: pool.vcpu + s.vcpu * tasks, gb: pool.gb + s.gb * tasks, tasks: pool.tasks + tasks });
    }
  }
  return [...pools].sort().flatMap(([key, { vcpu, gb, tasks }]) => {
    const [arch, kind] = key.split(" ") as ["x86_64" | "arm64", string];
    const [vcpuKey, gbKey] = kind === "Spot" ? (["fargateSpotVcpuHour", "fargateSpotGbHour"] as const) : (["fargateVcpuHour", "fargateGbHour"] as const);
    return line(`Fargate ${arch} ${kind}`, `${tasks} tasks: ${vcpu} vCPU, ${gb} GB × ${H} h`, (vcpu * P[vcpuKey][arch] + gb * P[gbKey][arch]) * H, [`${vcpuKey}.${arch}`, `${gbKey}.${arch}`]);
  });
}

/** Load balancers (an internet-facing one has a public IPv4 address per AZ) and the way out: NAT gateways or a NAT instance. */
export function networkLines(plan: Plan, naive: boolean): CostLine[] {
  const vpc = ofType(plan, TYPE.vpc)[0]?.inputs;
  const azs = Number(vpc?.numberOfAvailabilityZones ?? 2);
  const publicAlbs = ofType(plan, TYPE.loadBalancer).filter((lb) => !lb.inputs.internal).length;
  const albs = naive ? ofType(plan, TYPE.targetGroup).length : ofType(plan, TYPE.loadBalancer).length;
  const albAddresses = (naive ? (publicAlbs ? albs : 0) : publicAlbs) * azs;
  const strategy = vpc?.natGateways?.strategy;
  const natInstances = naive ? 0 : ofType(plan, COMPONENT.natInstance).length;
  const nats = naive ? azs : strategy === "OnePerAz" ? azs : strategy === "Single" ? 1 : 0;
  return [
    ...line("Application Load Balancer", `${albs} × (${H} h + ${A.lcuPerAlb} LCU)`, albs * (P.albHour + A.lcuPerAlb * P.albLcuHour) * H, ["albHour", "albLcuHour"]),
    ...line("Public IPv4 of the load balancers", `${albAddresses} addresses (one per AZ, internet-facing only)`, albAddresses * P.publicIpv4Hour * H, ["publicIpv4Hour"]),
    ...line("NAT gateways", `${nats} × ${H} h + EIP, ${A.natGbPerMonth} GB processed`, nats * (P.natHour + P.publicIpv4Hour) * H + (nats ? A.natGbPerMonth * P.natGb : 0), ["natHour", "publicIpv4Hour", "natGb"]),
    ...line(
      "NAT instance (fck-nat)",
      `${natInstances} × ${NAT_INSTANCE.instanceType} × ${H} h + EIP + ${A.natInstanceRootGb} GB gp3`,
      natInstances * ((ec2Hourly(NAT_INSTANCE.instanceType) + P.publicIpv4Hour) * H + A.natInstanceRootGb * P.ebsGp3GbMonth),
      [`ec2Hour.${NAT_INSTANCE.instanceType}`, "publicIpv4Hour", "ebsGp3GbMonth"],
    ),
  ];
}

/** The x86 (t3) type of the same size as a Graviton (t4g) one: what the naive layout runs a database host on. */
const x86Twin = (type: string) => type.replace(/^t4g\./, "t3.");

/** The database hosts: EC2, their root and data volumes, and the volumes' snapshots. */
export function hostLines(plan: Plan, naive: boolean): CostLine[] {
  const natTemplates = new Set(ofType(plan, COMPONENT.natInstance).map((n) => n.name));
  const hosts = ofType(plan, TYPE.launchTemplate)
    .filter((t) => !natTemplates.has(t.parent ?? ""))
    .map((t) => (naive ? x86Twin(String(t.inputs.instanceType)) : String(t.inputs.instanceType)));
  const volumes = ofType(plan, TYPE.ebsVolume);
  const dataGb = volumes.reduce((sum, v) => sum + Number(v.inputs.size), 0);
  const snapshots = volumes.filter((v) => v.inputs.tags?.[TAG.backup]).reduce((sum, v) => sum + Number(v.inputs.size), 0);
  return [
    ...line("EC2 hosts of EBS-backed servers", `${hosts.join(", ")} × ${H} h`, hosts.reduce((sum, type) => sum + ec2Hourly(type) * H, 0), hosts.map((h) => `ec2Hour.${h}`)),
    ...line("EBS gp3 of the hosts", `${dataGb} GB data + ${hosts.length} × ${A.hostRootVolumeGb} GB root`, (dataGb + hosts.length * A.hostRootVolumeGb) * P.ebsGp3GbMonth, ["ebsGp3GbMonth"]),
    ...line("AWS Backup EBS snapshots", `${snapshots} GB (at most the volumes' size, incremental)`, snapshots * P.backupEbsSnapshotGbMonth, ["backupEbsSnapshotGbMonth"]),
  ];
}

/** EFS and its AWS Backup storage, copies to a second region included. */
export function fileStorageLines(plan: Plan): CostLine[] {
  const fileSystems = ofType(plan, TYPE.fileSystem);
  const backedUp = fileSystems.filter((fs: PlannedResource) => fs.inputs.tags?.[TAG.backup]).length;
  const copies = ofType(plan, TYPE.backupPlan).some((bp) => (bp.inputs.rules ?? []).some((r: any) => r.copyActions?.length));
  return [
    ...line("EFS (Standard)", `${fileSystems.length} × ${A.efsGbPerVolume} GB`, fileSystems.length * A.efsGbPerVolume * P.efsStandardGbMonth, ["efsStandardGbMonth"]),
    ...line(
      "AWS Backup storage",
      `${backedUp} volumes × ${A.backupGbPerVolume} GB${copies ? " + second-region copies" : ""}`,
      backedUp * A.backupGbPerVolume * (P.backupEfsWarmGbMonth * (copies ? 2 : 1) + (copies ? P.crossRegionTransferGb : 0)),
      ["backupEfsWarmGbMonth", ...(copies ? ["crossRegionTransferGb"] : [])],
    ),
  ];
}

/** Alarms (the probe's are in its line; target tracking bills two of its own per policy) and dashboards. */
export function monitoringLines(plan: Plan, naive: boolean): CostLine[] {
  const alarms = ofType(plan, TYPE.metricAlarm).filter((al) => al.inputs.namespace !== PROBE_NAMESPACE);
  const alarmMetrics = alarms.reduce((n, al) => n + Math.max(1, (al.inputs.metricQueries ?? []).filter((q: any) => q.metric).length), 0);
  // Application Auto Scaling user guide, "Target tracking scaling policies": it creates and manages two alarms per policy.
  const tracking = ofType(plan, TYPE.scalingPolicy).filter((sp) => sp.inputs.policyType === "TargetTrackingScaling").length;
  const composites = ofType(plan, TYPE.compositeAlarm).length;
  const dashboards = naive ? ofType(plan, COMPONENT.server).length + 1 : ofType(plan, TYPE.dashboard).length;
  return [
    ...line(
      "CloudWatch alarms",
      `${alarms.length} alarms on ${alarmMetrics} metrics, ${tracking * 2} of target tracking, ${composites} composite`,
      (alarmMetrics + tracking * 2) * P.alarmMetricMonth + composites * P.compositeAlarmMonth,
      ["alarmMetricMonth", "compositeAlarmMonth"],
    ),
    ...line("CloudWatch dashboards", naive ? `${dashboards}: one per server and an overview` : `${dashboards}`, dashboards * P.dashboardMonth, ["dashboardMonth"]),
  ];
}

/** Logs, secrets, keys, the WAF, ECR and Cognito's machine clients. */
export function serviceLines(plan: Plan): CostLine[] {
  const servers = ofType(plan, COMPONENT.server).length;
  const acl = ofType(plan, TYPE.webAcl)[0]?.inputs;
  const count = (type: string) => ofType(plan, type).length;
  return [
    ...line("CloudWatch Logs ingestion", `${servers} servers × ${A.logsGbPerServerMonth} GB`, servers * A.logsGbPerServerMonth * P.logsIngestGb, ["logsIngestGb"]),
    ...line("Secrets Manager", `${count(TYPE.secret)} secrets`, count(TYPE.secret) * P.secretMonth, ["secretMonth"]),
    ...line("KMS keys", `${count(TYPE.kmsKey)} keys`, count(TYPE.kmsKey) * P.kmsKeyMonth, ["kmsKeyMonth"]),
    ...(acl
      ? line("WAF", `1 web ACL, ${acl.rules.length} rules, ${A.wafMillionRequestsPerMonth} M requests`, P.wafWebAclMonth + acl.rules.length * P.wafRuleMonth + A.wafMillionRequestsPerMonth * P.wafMillionRequests, ["wafWebAclMonth", "wafRuleMonth", "wafMillionRequests"])
      : []),
    ...line("ECR storage", `${count(TYPE.repository)} repositories × ${A.ecrGbPerRepository} GB`, count(TYPE.repository) * A.ecrGbPerRepository * P.ecrGbMonth, ["ecrGbMonth"]),
    ...line("Cognito machine-to-machine clients", `${count(TYPE.userPoolClient)}`, count(TYPE.userPoolClient) * P.cognitoM2mClientMonth, ["cognitoM2mClientMonth"]),
  ];
}

/** Weekly (or other) restore tests: each restores every selected recovery point; EFS restores are billed per GB, EBS ones are free. */
export function restoreTestLines(plan: Plan): CostLine[] {
  const testPlan = ofType(plan, TYPE.restoreTestingPlan)[0]?.inputs;
  if (!testPlan) return [];
  const interval = cronIntervalMinutes(testPlan.scheduleExpression) ?? 7 * 24 * 60;
  const runs = MINUTES_PER_MONTH / interval;
  const efs = ofType(plan, TYPE.restoreTestingSelection).filter((s) => s.inputs.protectedResourceType === "EFS").length;
  const efsFileSystems = ofType(plan, TYPE.fileSystem).filter((fs) => fs.inputs.tags?.[TAG.backup]).length;
  const restoredGb = runs * Math.min(efs, 1) * efsFileSystems * A.efsGbPerVolume;
  return line("AWS Backup restore tests", `${usd(runs)} runs × ${efsFileSystems} EFS × ${A.efsGbPerVolume} GB restored (EBS restores free)`, restoredGb * P.backupEfsRestoreGb, ["backupEfsRestoreGb"]);
}

/**
 * The audit framework reads AWS Config: a recorder this stack creates records a configuration item for each recovery
 * point created and expired, and each control evaluates as a Config rule.
 */
export function auditLines(plan: Plan): CostLine[] {
  const rules = ofType(plan, TYPE.backupPlan).flatMap((bp) => bp.inputs.rules ?? []);
  const resources = [...ofType(plan, TYPE.fileSystem), ...ofType(plan, TYPE.ebsVolume)].filter((r) => r.inputs.tags?.[TAG.backup]).length;
  const framework = ofType(plan, TYPE.backupFramework)[0]?.inputs;
  const recorder = ofType(plan, TYPE.configRecorder).length > 0;
  if (!framework && !recorder) return [];
  const pointsPerMonth = rules.reduce((sum, r) => sum + MINUTES_PER_MONTH / (cronIntervalMinutes(r.schedule) ?? 24 * 60), 0) * resources;
  const items = Math.round(pointsPerMonth * 2 + A.configItemsOtherPerMonth);
  const controls = framework?.controls?.length ?? 0;
  return [
    ...(recorder ? line("AWS Config recording", `${items} configuration items (recovery points created and expired, and the audited resources)`, items * P.configItem, ["configItem"]) : []),
    ...line("AWS Backup Audit Manager", `${controls} controls × ${Math.round(pointsPerMonth)} recovery points, as Config rule evaluations`, Math.round(controls * pointsPerMonth) * P.configRuleEvaluation, ["configRuleEvaluation"]),
  ];
}

/**
 * Container Insights on a cluster publishes custom metrics per cluster, per service and per task family (CloudWatch
 * user guide, "Amazon ECS Container Insights metrics": counted in plan/prices.json assumptions) and its performance log
 * events as log ingestion.
 */
export function containerInsightsLines(plan: Plan): CostLine[] {
  const cluster = ofType(plan, TYPE.cluster)[0]?.inputs;
  const on = (cluster?.settings ?? []).some((s: any) => s.name === "containerInsights" && s.value !== "disabled");
  if (!on) return [];
  const services = ofType(plan, TYPE.service).length;
  const metrics = A.containerInsightsMetricsPerCluster + services * (A.containerInsightsMetricsPerService + A.containerInsightsMetricsPerTaskFamily);
  const tasks = ofType(plan, TYPE.scalingTarget).reduce((n, t) => n + Number(t.inputs.minCapacity ?? 1), 0);
  const logsGb = (tasks * MINUTES_PER_MONTH * A.containerInsightsKbPerTaskMinute) / 1024 / 1024;
  return line("Container Insights", `${metrics} custom metrics (${services} services) + ${usd(logsGb)} GB performance events`, metrics * P.customMetricMonth + logsGb * P.logsIngestGb, ["customMetricMonth", "logsIngestGb"]);
}

/** The MCP probe, per probed server: its share of the runs (Lambda, Scheduler, log lines) plus its two metrics and alarms. */
export function probeLines(plan: Plan): CostLine[] {
  const schedule = ofType(plan, TYPE.schedule).find((r) => r.parent === STACK_COMPONENT.probe)?.inputs;
  const fn = ofType(plan, TYPE.lambdaFunction).find((r) => r.parent === STACK_COMPONENT.probe)?.inputs;
  if (!schedule || !fn) return [];
  const targets: { scope?: string }[] = JSON.parse(schedule.target.input).targets;
  const probed = targets.length;
  const runs = runsPerMonth(schedule.scheduleExpression);
  const gbSeconds = runs * A.probeRunSeconds * (fn.memorySize / 1024);
  const logsGb = (runs * probed * A.probeLogKbPerServerRun) / 1024 / 1024;
  const alarms = ofType(plan, TYPE.metricAlarm).filter((al) => al.inputs.namespace === PROBE_NAMESPACE).length;
  const monthly = gbSeconds * P.lambdaArmGbSecond + (runs / 1e6) * (P.lambdaMillionRequests + P.schedulerMillionInvocations) + logsGb * P.logsIngestGb + probed * 2 * P.customMetricMonth + alarms * P.alarmMetricMonth;
  const tokens = targets.some((t) => t.scope) ? A.probeTokenRequestsPerMonth : 0;
  return [
    ...line(
      "MCP probe",
      `${probed} servers × ${usd(monthly / probed)} $: ${runs} runs of ${A.probeRunSeconds} s at ${fn.memorySize} MB, ${probed * 2} custom metrics, ${alarms} alarms`,
      monthly,
      ["lambdaArmGbSecond", "lambdaMillionRequests", "schedulerMillionInvocations", "logsIngestGb", "customMetricMonth", "alarmMetricMonth"],
    ),
    ...line("Cognito token requests of the probe", `${tokens} (one token an hour, kept by the warm function)`, (tokens / 1000) * P.cognitoThousandTokenRequests, ["cognitoThousandTokenRequests"]),
  ];
}
