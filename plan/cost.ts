import type { Plan, PlannedResource } from "../engine/offline";
import PRICES from "./prices.json";
import { PROBE_NAMESPACE } from "../probe/metricNames";

export type Layout = "planned" | "naive";

export interface CostLine {
  item: string;
  quantity: string;
  monthly: number;
}

const T = {
  task: "aws:ecs/taskDefinition:TaskDefinition",
  service: "aws:ecs/service:Service",
  scaling: "aws:appautoscaling/target:Target",
  alb: "aws:lb/loadBalancer:LoadBalancer",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  vpc: "awsx:ec2:Vpc",
  efs: "aws:efs/fileSystem:FileSystem",
  plan: "aws:backup/plan:Plan",
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
  schedule: "aws:scheduler/schedule:Schedule",
  lambda: "aws:lambda/function:Function",
};

/** Runs a month (730 h) of an EventBridge Scheduler rate expression. */
function runsPerMonth(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
  if (!match) throw new Error(`cannot price the schedule ${expression}`);
  const minutes = Number(match[1]) * (match[2].startsWith("hour") ? 60 : 1);
  return Math.round((PRICES.hoursPerMonth * 60) / minutes);
}

const ofType = (plan: Plan, type: string) => plan.resources.filter((r) => r.type === type);
const childOf = (plan: Plan, parent: string, type: string) => plan.resources.find((r) => r.parent === parent && r.type === type);
const usd = (n: number) => Math.round(n * 100) / 100;

/**
 * Monthly cost of what the plan would create, by line item, from plan/prices.json and its stated assumptions. `naive`
 * prices the same servers the way a stack without this design would run them: an ALB per public service, a NAT
 * gateway per AZ, x86 on-demand Fargate.
 */
export function estimateCost(plan: Plan, layout: Layout): CostLine[] {
  const { prices: p, assumptions: a, hoursPerMonth: H } = PRICES;
  const lines: CostLine[] = [];
  const add = (item: string, quantity: string, monthly: number) => monthly > 0 && lines.push({ item, quantity, monthly: usd(monthly) });

  // Fargate: the baseline task count (scaling.min) of every server, by architecture and capacity type.
  const fargate = new Map<string, { vcpu: number; gb: number; tasks: number }>();
  for (const server of ofType(plan, T.server)) {
    const task = plan.resources.find((r) => r.name === `${server.name}-task`)?.inputs;
    const service = childOf(plan, server.name, T.service)?.inputs;
    const tasks = Number(childOf(plan, server.name, T.scaling)?.inputs.minCapacity ?? 1);
    if (!task || !service) continue;
    // A server on its own EC2 host is priced as that host (below); the naive layout runs it on Fargate like the rest.
    if (layout === "planned" && service.capacityProviderStrategies?.some((c: any) => !String(c.capacityProvider).startsWith("FARGATE"))) continue;
    const arch = layout === "naive" ? "x86_64" : task.runtimePlatform?.cpuArchitecture === "ARM64" ? "arm64" : "x86_64";
    const spot = layout === "planned" && service.capacityProviderStrategies?.some((c: any) => c.capacityProvider === "FARGATE_SPOT");
    const key = `${arch}${spot ? " Spot" : " on-demand"}`;
    const agg = fargate.get(key) ?? { vcpu: 0, gb: 0, tasks: 0 };
    agg.vcpu += (Number(task.cpu) / 1024) * tasks;
    agg.gb += (Number(task.memory) / 1024) * tasks;
    agg.tasks += tasks;
    fargate.set(key, agg);
  }
  for (const [key, { vcpu, gb, tasks }] of [...fargate].sort()) {
    const [arch, kind] = key.split(" ") as ["x86_64" | "arm64", string];
    const vcpuPrice = kind === "Spot" ? p.fargateSpotVcpuHour[arch] : p.fargateVcpuHour[arch];
    const gbPrice = kind === "Spot" ? p.fargateSpotGbHour[arch] : p.fargateGbHour[arch];
    add(`Fargate ${arch} ${kind}`, `${tasks} tasks: ${vcpu} vCPU, ${gb} GB × ${H} h`, (vcpu * vcpuPrice + gb * gbPrice) * H);
  }

  const vpc = ofType(plan, T.vpc)[0]?.inputs;
  const azs = Number(vpc?.numberOfAvailabilityZones ?? 2);
  const albs = layout === "naive" ? ofType(plan, T.targetGroup).length : ofType(plan, T.alb).length;
  add("Application Load Balancer", `${albs} × (${H} h + ${a.lcuPerAlb} LCU) + ${albs * azs} public IPv4`, albs * (p.albHour + a.lcuPerAlb * p.albLcuHour) * H + albs * azs * p.publicIpv4Hour * H);

  const strategy = vpc?.natGateways?.strategy;
  const nats = layout === "naive" ? azs : strategy === "OnePerAz" ? azs : strategy === "Single" ? 1 : 0;
  add("NAT gateways", `${nats} × ${H} h + EIP, ${a.natGbPerMonth} GB processed`, nats * (p.natHour + p.publicIpv4Hour) * H + (nats ? a.natGbPerMonth * p.natGb : 0));

  if (layout === "planned") {
    const hosts = ofType(plan, T.launchTemplate).map((t) => String(t.inputs.instanceType));
    const hourly = (type: string) => {
      const price = (p.ec2Hour as Record<string, number>)[type];
      if (price === undefined) throw new Error(`plan/prices.json has no price for ${type}; add it to prices.ec2Hour`);
      return price;
    };
    add("EC2 hosts of EBS-backed servers", `${hosts.join(", ") || "none"} × ${H} h`, hosts.reduce((sum, type) => sum + hourly(type) * H, 0));
    const volumes = ofType(plan, T.ebs);
    const dataGb = volumes.reduce((sum, v) => sum + Number(v.inputs.size), 0);
    add("EBS gp3", `${dataGb} GB data + ${hosts.length} × ${a.hostRootVolumeGb} GB root`, (dataGb + hosts.length * a.hostRootVolumeGb) * p.ebsGp3GbMonth);
    const snapshots = volumes.filter((v) => v.inputs.tags?.["mcp-stack:backup"]).reduce((sum, v) => sum + Number(v.inputs.size), 0);
    add("AWS Backup EBS snapshots", `${snapshots} GB (at most the volumes' size, incremental)`, snapshots * p.backupEbsSnapshotGbMonth);
  }

  const fileSystems = ofType(plan, T.efs);
  add("EFS (Standard)", `${fileSystems.length} × ${a.efsGbPerVolume} GB`, fileSystems.length * a.efsGbPerVolume * p.efsStandardGbMonth);
  const backedUp = fileSystems.filter((fs: PlannedResource) => fs.inputs.tags?.["mcp-stack:backup"]).length;
  const copies = ofType(plan, T.plan).some((bp) => (bp.inputs.rules ?? []).some((r: any) => r.copyActions?.length));
  add("AWS Backup storage", `${backedUp} volumes × ${a.backupGbPerVolume} GB${copies ? " + second-region copies" : ""}`, backedUp * a.backupGbPerVolume * (p.backupEfsWarmGbMonth * (copies ? 2 : 1) + (copies ? p.crossRegionTransferGb : 0)));

  // The MCP probe, per probed server: its share of the runs (Lambda, Scheduler, log lines) plus its two metrics and alarms.
  const probeSchedule = ofType(plan, T.schedule).find((r) => r.parent === "probe")?.inputs;
  const probeFunction = ofType(plan, T.lambda).find((r) => r.parent === "probe")?.inputs;
  const isProbeAlarm = (al: PlannedResource) => al.inputs.namespace === PROBE_NAMESPACE;
  if (probeSchedule && probeFunction) {
    const targets: { scope?: string }[] = JSON.parse(probeSchedule.target.input).targets;
    const probed = targets.length;
    const runs = runsPerMonth(probeSchedule.scheduleExpression);
    const gbSeconds = runs * a.probeRunSeconds * (probeFunction.memorySize / 1024);
    const logsGb = (runs * probed * a.probeLogKbPerServerRun) / 1024 / 1024;
    const probeAlarms = ofType(plan, T.alarm).filter(isProbeAlarm).length;
    const monthly =
      gbSeconds * p.lambdaArmGbSecond + (runs / 1e6) * (p.lambdaMillionRequests + p.schedulerMillionInvocations) + logsGb * p.logsIngestGb + probed * 2 * p.customMetricMonth + probeAlarms * p.alarmMetricMonth;
    add("MCP probe", `${probed} servers × ${usd(monthly / probed)} $: ${runs} runs of ${a.probeRunSeconds} s at ${probeFunction.memorySize} MB, ${probed * 2} custom metrics, ${probeAlarms} alarms`, monthly);
    const tokens = targets.some((t) => t.scope) ? a.probeTokenRequestsPerMonth : 0;
    add("Cognito token requests of the probe", `${tokens} (one token an hour, kept by the warm function)`, (tokens / 1000) * p.cognitoThousandTokenRequests);
  }

  const alarms = ofType(plan, T.alarm).filter((al) => !isProbeAlarm(al));
  const alarmMetrics = alarms.reduce((n, al) => n + Math.max(1, (al.inputs.metricQueries ?? []).filter((q: any) => q.metric).length), 0);
  add("CloudWatch alarms", `${alarms.length} alarms on ${alarmMetrics} metrics, ${ofType(plan, T.composite).length} composite`, alarmMetrics * p.alarmMetricMonth + ofType(plan, T.composite).length * p.compositeAlarmMonth);
  add("CloudWatch dashboards", `${ofType(plan, T.dashboard).length}`, ofType(plan, T.dashboard).length * p.dashboardMonth);
  const servers = ofType(plan, T.server).length;
  add("CloudWatch Logs ingestion", `${servers} servers × ${a.logsGbPerServerMonth} GB`, servers * a.logsGbPerServerMonth * p.logsIngestGb);
  add("Secrets Manager", `${ofType(plan, T.secret).length} secrets`, ofType(plan, T.secret).length * p.secretMonth);
  add("KMS keys", `${ofType(plan, T.kms).length} keys`, ofType(plan, T.kms).length * p.kmsKeyMonth);
  const acl = ofType(plan, T.waf)[0]?.inputs;
  if (acl) add("WAF", `1 web ACL, ${acl.rules.length} rules, ${a.wafMillionRequestsPerMonth} M requests`, p.wafWebAclMonth + acl.rules.length * p.wafRuleMonth + a.wafMillionRequestsPerMonth * p.wafMillionRequests);
  add("ECR storage", `${ofType(plan, T.ecr).length} repositories × ${a.ecrGbPerRepository} GB`, ofType(plan, T.ecr).length * a.ecrGbPerRepository * p.ecrGbMonth);
  add("Cognito machine-to-machine client", `${ofType(plan, T.cognitoClient).length}`, ofType(plan, T.cognitoClient).length * p.cognitoM2mClientMonth);
  return lines;
}

export const totalOf = (lines: CostLine[]) => usd(lines.reduce((sum, l) => sum + l.monthly, 0));
export const PRICE_TABLE = PRICES;
