import type { Plan, PlannedResource } from "../engine/offline";
import PRICES from "./prices.json";
import { PROBE_NAMESPACE } from "../probe/metricNames";
import { spotTasksOf, type CapacityShare } from "../decisions/deploy";
import { NAT_INSTANCE } from "../decisions/natInstance";
import { smallestInstanceFor } from "../decisions/host";
import { cronIntervalMinutes } from "../policies/rules/support";

/**
 * planned: what the plan creates. naive: the same servers, task counts, alarms and backups with every cost lever of
 * this design reverted — an ALB per public server, a managed NAT gateway per AZ, x86 on-demand Fargate and x86 hosts,
 * a dashboard per server beside the overview.
 */
export type Layout = "planned" | "naive";

export interface CostLine {
  item: string;
  quantity: string;
  monthly: number;
  /** The keys of plan/prices.json the line multiplies (prices.<key>). */
  prices: string[];
}

const T = {
  task: "aws:ecs/taskDefinition:TaskDefinition",
  service: "aws:ecs/service:Service",
  cluster: "aws:ecs/cluster:Cluster",
  scaling: "aws:appautoscaling/target:Target",
  scalingPolicy: "aws:appautoscaling/policy:Policy",
  alb: "aws:lb/loadBalancer:LoadBalancer",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  vpc: "awsx:ec2:Vpc",
  efs: "aws:efs/fileSystem:FileSystem",
  plan: "aws:backup/plan:Plan",
  restoreTest: "aws:backup/restoreTestingSelection:RestoreTestingSelection",
  restorePlan: "aws:backup/restoreTestingPlan:RestoreTestingPlan",
  recorder: "aws:cfg/recorder:Recorder",
  framework: "aws:backup/framework:Framework",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  composite: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  secret: "aws:secretsmanager/secret:Secret",
  kms: "aws:kms/key:Key",
  waf: "aws:wafv2/webAcl:WebAcl",
  ecr: "aws:ecr/repository:Repository",
  cognitoClient: "aws:cognito/userPoolClient:UserPoolClient",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  ebs: "aws:ebs/volume:Volume",
  server: "mcp-stack:index:McpServer",
  natInstance: "mcp-stack:index:NatInstance",
  schedule: "aws:scheduler/schedule:Schedule",
  lambda: "aws:lambda/function:Function",
};

const { prices: p, assumptions: a, hoursPerMonth: H } = PRICES;
const MINUTES_PER_MONTH = H * 60;
const usd = (n: number) => Math.round(n * 100) / 100;
const ofType = (plan: Plan, type: string) => plan.resources.filter((r) => r.type === type);
const childOf = (plan: Plan, parent: string, type: string) => plan.resources.find((r) => r.parent === parent && r.type === type);

/** Runs a month (730 h) of an EventBridge Scheduler rate expression. */
function runsPerMonth(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
  if (!match) throw new Error(`cannot price the schedule ${expression}`);
  const minutes = Number(match[1]) * (match[2].startsWith("hour") ? 60 : 1);
  return Math.round(MINUTES_PER_MONTH / minutes);
}

function ec2Hourly(type: string): number {
  const price = (p.ec2Hour as Record<string, number>)[type];
  if (price === undefined) throw new Error(`plan/prices.json has no price for ${type}; add it to prices.ec2Hour`);
  return price;
}

/** The x86 (t3) type of the same size as a Graviton (t4g) one: what the naive layout runs a database host on. */
const x86Twin = (type: string) => type.replace(/^t4g\./, "t3.");

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
  return ofType(plan, T.server).flatMap((server) => {
    const task = plan.resources.find((r) => r.name === `${server.name}-task`)?.inputs;
    const service = childOf(plan, server.name, T.service)?.inputs;
    if (!task || !service) return [];
    const strategy: CapacityShare[] = service.capacityProviderStrategies ?? [];
    if (strategy.some((c) => !c.capacityProvider.startsWith("FARGATE"))) return [];
    const tasks = Number(childOf(plan, server.name, T.scaling)?.inputs.minCapacity ?? 1);
    return [{ name: server.name, vcpu: Number(task.cpu) / 1024, gb: Number(task.memory) / 1024, tasks, arch: task.runtimePlatform?.cpuArchitecture === "ARM64" ? "arm64" : "x86_64", spotTasks: spotTasksOf(strategy, tasks) }];
  });
}

/**
 * Monthly cost of what the plan would create, by line item, from plan/prices.json (us-east-1 list prices) and its
 * stated assumptions; each line names the prices it multiplies.
 */
export function estimateCost(plan: Plan, layout: Layout): CostLine[] {
  const naive = layout === "naive";
  const lines: CostLine[] = [];
  const add = (item: string, quantity: string, monthly: number, prices: string[]) => monthly > 0 && lines.push({ item, quantity, monthly: usd(monthly), prices });

  // Fargate: baseline tasks by architecture and capacity (on-demand base, Spot above it).
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
  for (const [key, { vcpu, gb, tasks }] of [...pools].sort()) {
    const [arch, kind] = key.split(" ") as ["x86_64" | "arm64", string];
    const [vcpuKey, gbKey] = kind === "Spot" ? ["fargateSpotVcpuHour", "fargateSpotGbHour"] : ["fargateVcpuHour", "fargateGbHour"];
    const vcpuPrice = (p as any)[vcpuKey][arch] as number;
    const gbPrice = (p as any)[gbKey][arch] as number;
    add(`Fargate ${arch} ${kind}`, `${tasks} tasks: ${vcpu} vCPU, ${gb} GB × ${H} h`, (vcpu * vcpuPrice + gb * gbPrice) * H, [`${vcpuKey}.${arch}`, `${gbKey}.${arch}`]);
  }

  const vpc = ofType(plan, T.vpc)[0]?.inputs;
  const azs = Number(vpc?.numberOfAvailabilityZones ?? 2);
  const publicAlbs = ofType(plan, T.alb).filter((lb) => !lb.inputs.internal).length;
  const albs = naive ? ofType(plan, T.targetGroup).length : ofType(plan, T.alb).length;
  // An internet-facing ALB has a public IPv4 address per AZ; an internal one none.
  const albAddresses = (naive ? (publicAlbs ? albs : 0) : publicAlbs) * azs;
  add("Application Load Balancer", `${albs} × (${H} h + ${a.lcuPerAlb} LCU)`, albs * (p.albHour + a.lcuPerAlb * p.albLcuHour) * H, ["albHour", "albLcuHour"]);
  add("Public IPv4 of the load balancers", `${albAddresses} addresses (one per AZ, internet-facing only)`, albAddresses * p.publicIpv4Hour * H, ["publicIpv4Hour"]);

  const strategy = vpc?.natGateways?.strategy;
  const natInstances = naive ? 0 : ofType(plan, T.natInstance).length;
  const nats = naive ? azs : strategy === "OnePerAz" ? azs : strategy === "Single" ? 1 : 0;
  add("NAT gateways", `${nats} × ${H} h + EIP, ${a.natGbPerMonth} GB processed`, nats * (p.natHour + p.publicIpv4Hour) * H + (nats ? a.natGbPerMonth * p.natGb : 0), ["natHour", "publicIpv4Hour", "natGb"]);
  add(
    "NAT instance (fck-nat)",
    `${natInstances} × ${NAT_INSTANCE.instanceType} × ${H} h + EIP + ${a.natInstanceRootGb} GB gp3`,
    natInstances * ((ec2Hourly(NAT_INSTANCE.instanceType) + p.publicIpv4Hour) * H + a.natInstanceRootGb * p.ebsGp3GbMonth),
    [`ec2Hour.${NAT_INSTANCE.instanceType}`, "publicIpv4Hour", "ebsGp3GbMonth"],
  );

  const hosts = ofType(plan, T.launchTemplate)
    .filter((t) => !plan.resources.some((r) => r.type === T.natInstance && t.parent === r.name))
    .map((t) => (naive ? x86Twin(String(t.inputs.instanceType)) : String(t.inputs.instanceType)));
  add("EC2 hosts of EBS-backed servers", `${hosts.join(", ")} × ${H} h`, hosts.reduce((sum, type) => sum + ec2Hourly(type) * H, 0), hosts.map((h) => `ec2Hour.${h}`));
  const volumes = ofType(plan, T.ebs);
  const dataGb = volumes.reduce((sum, v) => sum + Number(v.inputs.size), 0);
  add("EBS gp3 of the hosts", `${dataGb} GB data + ${hosts.length} × ${a.hostRootVolumeGb} GB root`, (dataGb + hosts.length * a.hostRootVolumeGb) * p.ebsGp3GbMonth, ["ebsGp3GbMonth"]);
  const snapshots = volumes.filter((v) => v.inputs.tags?.["mcp-stack:backup"]).reduce((sum, v) => sum + Number(v.inputs.size), 0);
  add("AWS Backup EBS snapshots", `${snapshots} GB (at most the volumes' size, incremental)`, snapshots * p.backupEbsSnapshotGbMonth, ["backupEbsSnapshotGbMonth"]);

  const fileSystems = ofType(plan, T.efs);
  add("EFS (Standard)", `${fileSystems.length} × ${a.efsGbPerVolume} GB`, fileSystems.length * a.efsGbPerVolume * p.efsStandardGbMonth, ["efsStandardGbMonth"]);
  const backedUp = fileSystems.filter((fs: PlannedResource) => fs.inputs.tags?.["mcp-stack:backup"]).length;
  const backupRules = ofType(plan, T.plan).flatMap((bp) => bp.inputs.rules ?? []);
  const copies = backupRules.some((r: any) => r.copyActions?.length);
  add(
    "AWS Backup storage",
    `${backedUp} volumes × ${a.backupGbPerVolume} GB${copies ? " + second-region copies" : ""}`,
    backedUp * a.backupGbPerVolume * (p.backupEfsWarmGbMonth * (copies ? 2 : 1) + (copies ? p.crossRegionTransferGb : 0)),
    ["backupEfsWarmGbMonth", ...(copies ? ["crossRegionTransferGb"] : [])],
  );
  lines.push(...restoreTestCost(plan), ...auditCost(plan, backupRules, backedUp + snapshotsCount(volumes)));

  lines.push(...probeCost(plan));
  const isProbeAlarm = (al: PlannedResource) => al.inputs.namespace === PROBE_NAMESPACE;
  const alarms = ofType(plan, T.alarm).filter((al) => !isProbeAlarm(al));
  const alarmMetrics = alarms.reduce((n, al) => n + Math.max(1, (al.inputs.metricQueries ?? []).filter((q: any) => q.metric).length), 0);
  // Target tracking creates and bills two alarms of its own per policy (Application Auto Scaling user guide, "Target tracking scaling policies").
  const tracking = ofType(plan, T.scalingPolicy).filter((sp) => sp.inputs.policyType === "TargetTrackingScaling").length;
  const composites = ofType(plan, T.composite).length;
  add(
    "CloudWatch alarms",
    `${alarms.length} alarms on ${alarmMetrics} metrics, ${tracking * 2} of target tracking, ${composites} composite`,
    (alarmMetrics + tracking * 2) * p.alarmMetricMonth + composites * p.compositeAlarmMonth,
    ["alarmMetricMonth", "compositeAlarmMonth"],
  );
  const dashboards = naive ? ofType(plan, T.server).length + 1 : ofType(plan, T.dashboard).length;
  add("CloudWatch dashboards", naive ? `${dashboards}: one per server and an overview` : `${dashboards}`, dashboards * p.dashboardMonth, ["dashboardMonth"]);
  lines.push(...containerInsightsCost(plan));
  const servers = ofType(plan, T.server).length;
  add("CloudWatch Logs ingestion", `${servers} servers × ${a.logsGbPerServerMonth} GB`, servers * a.logsGbPerServerMonth * p.logsIngestGb, ["logsIngestGb"]);
  add("Secrets Manager", `${ofType(plan, T.secret).length} secrets`, ofType(plan, T.secret).length * p.secretMonth, ["secretMonth"]);
  add("KMS keys", `${ofType(plan, T.kms).length} keys`, ofType(plan, T.kms).length * p.kmsKeyMonth, ["kmsKeyMonth"]);
  const acl = ofType(plan, T.waf)[0]?.inputs;
  if (acl) {
    add("WAF", `1 web ACL, ${acl.rules.length} rules, ${a.wafMillionRequestsPerMonth} M requests`, p.wafWebAclMonth + acl.rules.length * p.wafRuleMonth + a.wafMillionRequestsPerMonth * p.wafMillionRequests, ["wafWebAclMonth", "wafRuleMonth", "wafMillionRequests"]);
  }
  add("ECR storage", `${ofType(plan, T.ecr).length} repositories × ${a.ecrGbPerRepository} GB`, ofType(plan, T.ecr).length * a.ecrGbPerRepository * p.ecrGbMonth, ["ecrGbMonth"]);
  add("Cognito machine-to-machine clients", `${ofType(plan, T.cognitoClient).length}`, ofType(plan, T.cognitoClient).length * p.cognitoM2mClientMonth, ["cognitoM2mClientMonth"]);
  return lines;
}

const snapshotsCount = (volumes: PlannedResource[]) => volumes.filter((v) => v.inputs.tags?.["mcp-stack:backup"]).length;

/** Weekly (or other) restore tests: each restores every selected recovery point; EFS restores are billed per GB, EBS ones are free. */
function restoreTestCost(plan: Plan): CostLine[] {
  const testPlan = ofType(plan, T.restorePlan)[0]?.inputs;
  if (!testPlan) return [];
  const interval = cronIntervalMinutes(testPlan.scheduleExpression) ?? 7 * 24 * 60;
  const runs = MINUTES_PER_MONTH / interval;
  const efs = ofType(plan, T.restoreTest).filter((s) => s.inputs.protectedResourceType === "EFS").length;
  const efsFileSystems = ofType(plan, T.efs).filter((fs) => fs.inputs.tags?.["mcp-stack:backup"]).length;
  const restoredGb = runs * Math.min(efs, 1) * efsFileSystems * a.efsGbPerVolume;
  const monthly = restoredGb * p.backupEfsRestoreGb;
  return monthly > 0 ? [{ item: "AWS Backup restore tests", quantity: `${usd(runs)} runs × ${efsFileSystems} EFS × ${a.efsGbPerVolume} GB restored (EBS restores free)`, monthly: usd(monthly), prices: ["backupEfsRestoreGb"] }] : [];
}

/**
 * The audit framework reads AWS Config: a recorder this stack creates records a configuration item for each recovery
 * point created and expired, and each control evaluates as a Config rule.
 */
function auditCost(plan: Plan, rules: any[], resources: number): CostLine[] {
  const framework = ofType(plan, T.framework)[0]?.inputs;
  const recorder = ofType(plan, T.recorder).length > 0;
  if (!framework && !recorder) return [];
  const pointsPerMonth = rules.reduce((sum, r) => sum + MINUTES_PER_MONTH / (cronIntervalMinutes(r.schedule) ?? 24 * 60), 0) * resources;
  const lines: CostLine[] = [];
  if (recorder) {
    const items = Math.round(pointsPerMonth * 2 + a.configItemsOtherPerMonth);
    lines.push({ item: "AWS Config recording", quantity: `${items} configuration items (recovery points created and expired, and the audited resources)`, monthly: usd(items * p.configItem), prices: ["configItem"] });
  }
  if (framework) {
    const evaluations = Math.round((framework.controls?.length ?? 0) * pointsPerMonth);
    lines.push({ item: "AWS Backup Audit Manager", quantity: `${framework.controls?.length ?? 0} controls × ${Math.round(pointsPerMonth)} recovery points, as Config rule evaluations`, monthly: usd(evaluations * p.configRuleEvaluation), prices: ["configRuleEvaluation"] });
  }
  return lines;
}

/**
 * Container Insights on a cluster publishes custom metrics per cluster, per service and per task family (CloudWatch
 * user guide, "Amazon ECS Container Insights metrics": counted in plan/prices.json assumptions) and its performance log
 * events as log ingestion.
 */
function containerInsightsCost(plan: Plan): CostLine[] {
  const cluster = ofType(plan, T.cluster)[0]?.inputs;
  const on = (cluster?.settings ?? []).some((s: any) => s.name === "containerInsights" && s.value !== "disabled");
  if (!on) return [];
  const services = ofType(plan, T.service).length;
  const metrics = a.containerInsightsMetricsPerCluster + services * (a.containerInsightsMetricsPerService + a.containerInsightsMetricsPerTaskFamily);
  const tasks = ofType(plan, T.scaling).reduce((n, t) => n + Number(t.inputs.minCapacity ?? 1), 0);
  const logsGb = (tasks * MINUTES_PER_MONTH * a.containerInsightsKbPerTaskMinute) / 1024 / 1024;
  return [
    {
      item: "Container Insights",
      quantity: `${metrics} custom metrics (${services} services) + ${usd(logsGb)} GB performance events`,
      monthly: usd(metrics * p.customMetricMonth + logsGb * p.logsIngestGb),
      prices: ["customMetricMonth", "logsIngestGb"],
    },
  ];
}

/** The MCP probe, per probed server: its share of the runs (Lambda, Scheduler, log lines) plus its two metrics and alarms. */
function probeCost(plan: Plan): CostLine[] {
  const schedule = ofType(plan, T.schedule).find((r) => r.parent === "probe")?.inputs;
  const fn = ofType(plan, T.lambda).find((r) => r.parent === "probe")?.inputs;
  if (!schedule || !fn) return [];
  const targets: { scope?: string }[] = JSON.parse(schedule.target.input).targets;
  const probed = targets.length;
  const runs = runsPerMonth(schedule.scheduleExpression);
  const gbSeconds = runs * a.probeRunSeconds * (fn.memorySize / 1024);
  const logsGb = (runs * probed * a.probeLogKbPerServerRun) / 1024 / 1024;
  const alarms = ofType(plan, T.alarm).filter((al) => al.inputs.namespace === PROBE_NAMESPACE).length;
  const monthly = gbSeconds * p.lambdaArmGbSecond + (runs / 1e6) * (p.lambdaMillionRequests + p.schedulerMillionInvocations) + logsGb * p.logsIngestGb + probed * 2 * p.customMetricMonth + alarms * p.alarmMetricMonth;
  const lines: CostLine[] = [
    {
      item: "MCP probe",
      quantity: `${probed} servers × ${usd(monthly / probed)} $: ${runs} runs of ${a.probeRunSeconds} s at ${fn.memorySize} MB, ${probed * 2} custom metrics, ${alarms} alarms`,
      monthly: usd(monthly),
      prices: ["lambdaArmGbSecond", "lambdaMillionRequests", "schedulerMillionInvocations", "logsIngestGb", "customMetricMonth", "alarmMetricMonth"],
    },
  ];
  const tokens = targets.some((t) => t.scope) ? a.probeTokenRequestsPerMonth : 0;
  if (tokens) lines.push({ item: "Cognito token requests of the probe", quantity: `${tokens} (one token an hour, kept by the warm function)`, monthly: usd((tokens / 1000) * p.cognitoThousandTokenRequests), prices: ["cognitoThousandTokenRequests"] });
  return lines;
}

/**
 * The status quo: the same servers, one copy each, with docker-compose on one x86 VM (the smallest t3 that holds
 * every server's reserved size), its disk and nightly snapshots, and a public address. No second AZ, no load
 * balancer, no alarms: what availability costs is the difference.
 */
export function statusQuoCost(plan: Plan): CostLine[] {
  const tasks = ofType(plan, T.server).flatMap((server) => {
    const task = plan.resources.find((r) => r.name === `${server.name}-task`)?.inputs;
    return task ? [{ cpu: Number(task.cpu), memory: Number(task.memory) }] : [];
  });
  const cpu = tasks.reduce((n, t) => n + t.cpu, 0);
  const memory = tasks.reduce((n, t) => n + t.memory, 0);
  const vm = smallestInstanceFor(cpu, memory, "t3", a.vmMemoryShare);
  const dataGb = ofType(plan, T.ebs).reduce((sum, v) => sum + Number(v.inputs.size), 0) + ofType(plan, T.efs).length * a.efsGbPerVolume;
  const diskGb = a.hostRootVolumeGb + dataGb;
  return [
    { item: "EC2 VM running docker-compose", quantity: `${vm} (${cpu / 1024} vCPU, ${memory / 1024} GB reserved by ${tasks.length} servers) × ${H} h`, monthly: usd(ec2Hourly(vm) * H), prices: [`ec2Hour.${vm}`] },
    { item: "EBS gp3", quantity: `${diskGb} GB (root + data)`, monthly: usd(diskGb * p.ebsGp3GbMonth), prices: ["ebsGp3GbMonth"] },
    { item: "EBS snapshots", quantity: `${dataGb} GB`, monthly: usd(dataGb * p.backupEbsSnapshotGbMonth), prices: ["backupEbsSnapshotGbMonth"] },
    { item: "Public IPv4", quantity: "1 address", monthly: usd(p.publicIpv4Hour * H), prices: ["publicIpv4Hour"] },
  ];
}

export const totalOf = (lines: CostLine[]) => usd(lines.reduce((sum, l) => sum + l.monthly, 0));
export const PRICE_TABLE = PRICES;
