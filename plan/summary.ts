import { PROBE_HEADER, probeReport } from "./probeSummary";
import { reachOf, type Exposure } from "../decisions/exposure";
import { PAUSED_TAG } from "../decisions/scaling";
import { spotTasksOf } from "../decisions/deploy";
import { compareCosts, costHeadline } from "./costSummary";
import { backupReport } from "./backupSummary";
import { probeReport as probeOf } from "./probeSummary";
import { firstDeployChecklist } from "./firstDeploy";
import type { Plan, PlannedResource } from "../engine/offline";
import { backupSection } from "./backupSummary";
import { table } from "./table";
import { COMPONENT, TYPE } from "../decisions/resourceTypes";
import { ALARM_KEY, childName } from "../decisions/names";
import { mainContainerOf } from "./readers";

export { table };

export const shortType = (type: string) => type.split(":").pop()!;

/** A resource that stands for itself: AWS resources, and remote components (awsx) whose children mocks can't see. */
export const isLeaf = (r: PlannedResource) => (r.custom && !r.type.startsWith("pulumi:providers:")) || r.type.startsWith("awsx:");

export function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** Every resource below a component, at any depth. */
export function descendants(plan: Plan, component: string): PlannedResource[] {
  const below = new Set([component]);
  const result: PlannedResource[] = [];
  for (const r of plan.resources) {
    if (r.parent && below.has(r.parent)) {
      result.push(r);
      below.add(r.name);
    }
  }
  return result;
}

export interface ServerRow {
  name: string;
  route: string;
  size: string;
  tasks: string;
  platform: string;
  /** CPU architecture and how many of the baseline tasks run on Fargate Spot (or the EC2 host). */
  capacity: string;
  deploy: string;
  traffic: string;
  /** Who can reach the route, and whether it needs a token; paused servers say so. */
  reach: string;
}

/** Who can reach the stack's load balancer, read back from its scheme and its security group's client rules. */
function exposureOfPlan(plan: Plan): Exposure {
  const lb = plan.resources.find((r) => r.type === TYPE.loadBalancer)?.inputs ?? {};
  const rules = plan.resources.filter((r) => r.type === TYPE.ingressRule && r.name.startsWith("platform-alb-in-"));
  const cidrs = [...new Set(rules.flatMap((r) => [r.inputs.cidrIpv4, r.inputs.cidrIpv6].filter(Boolean)))] as string[];
  const prefixLists = [...new Set(rules.map((r) => r.inputs.prefixListId).filter(Boolean))] as string[];
  const kind = lb.internal ? "vpc" : cidrs.includes("0.0.0.0/0") || cidrs.includes("::/0") ? "internet" : "allowlist";
  return { kind, cidrs, prefixLists };
}

/** What each server would run as, read back from the resources the plan would create. */
export function serverRows(plan: Plan): ServerRow[] {
  return plan.resources
    .filter((r) => r.type === COMPONENT.server)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((component) => {
      const own = descendants(plan, component.name);
      const find = (type: string) => own.find((r) => r.type === type)?.inputs;
      const service = find(TYPE.service) ?? {};
      const task = own.find((r) => r.name === childName.task(component.name))?.inputs ?? {};
      const scaling = find(TYPE.scalingTarget) ?? {};
      const tg = find(TYPE.targetGroup);
      const container = mainContainerOf(task);
      const url = plan.outputs.servers?.[component.name]?.url as string | undefined;
      const rule = own.find((r) => r.name === childName.route(component.name))?.inputs;
      const paused = service.tags?.[PAUSED_TAG] === "true";
      const reach = rule ? reachOf(exposureOfPlan(plan), (rule.actions ?? []).some((a: any) => a.type === "jwt-validation")) : "dependent servers only";
      const alias = service.serviceConnectConfiguration?.services?.[0]?.clientAlias?.[0];
      const template = plan.resources.find((r) => r.name === childName.launchTemplate(childName.host(component.name)))?.inputs;
      const strategy = service.capacityProviderStrategies ?? [];
      const capacity = template ? `EC2 ${template.instanceType} + EBS` : strategy.map((c: any) => `${c.capacityProvider}${c.base ? ` (base ${c.base})` : ""}`).join(" + ");
      const spot = template ? 0 : spotTasksOf(strategy, Number(scaling.minCapacity ?? 0));
      const arch = task.runtimePlatform?.cpuArchitecture === "ARM64" ? "arm64" : "x86";
      const breaker = service.deploymentCircuitBreaker?.rollback ? "auto-rollback" : "NO rollback";
      return {
        name: component.name,
        route: url ?? (alias ? `internal ${alias.dnsName}:${alias.port}` : "internal"),
        size: `${Number(task.cpu) / 1024} vCPU / ${Number(task.memory) / 1024} GB`,
        tasks: `${scaling.minCapacity}–${scaling.maxCapacity}`,
        platform: `${task.runtimePlatform?.cpuArchitecture} ${capacity}`,
        capacity: template ? `${arch}, ${template.instanceType}` : `${arch}, ${spot ? `${spot} of ${scaling.minCapacity} Spot` : "on-demand"}`,
        deploy: `${service.deploymentMinimumHealthyPercent}–${service.deploymentMaximumPercent} %, ${breaker}${service.healthCheckGracePeriodSeconds !== undefined ? `, grace ${service.healthCheckGracePeriodSeconds} s` : ""}`,
        traffic: tg
          ? `${tg.stickiness?.enabled ? "sticky" : "no stickiness"}, drain ${tg.deregistrationDelay} s, unhealthy after ${tg.healthCheck?.unhealthyThreshold}×${tg.healthCheck?.interval} s`
          : `container check every ${container.healthCheck?.interval} s ×${container.healthCheck?.retries}`,
        reach: paused ? `PAUSED (0 tasks${rule ? ", the ALB answers 503" : ""})` : reach,
      };
    });
}

export const SERVER_HEADER = ["server", "route", "reached by", "size", "tasks", "platform", "deploy", "traffic"];
export const serverCells = (s: ServerRow) => [s.name, s.route, s.reach, s.size, s.tasks, s.platform, s.deploy, s.traffic];
export const ALARM_HEADER = ["sev", "alarm", "metric", "threshold", "datapoints", "missing data", "topic"];

const COMPARE: Record<string, string> = { GreaterThanThreshold: ">", LessThanThreshold: "<", GreaterThanOrEqualToThreshold: "≥", LessThanOrEqualToThreshold: "≤" };

/** The alarm table of one server, read back from its MetricAlarm resources. */
export function alarmRows(plan: Plan, server: string): string[][] {
  return descendants(plan, server)
    .filter((r) => r.type === TYPE.metricAlarm)
    .map(({ inputs: a }) => {
      const query = a.metricQueries?.find((q: any) => q.returnData);
      const what = query ? `${query.label} = ${query.expression}` : `${a.namespace} ${a.metricName} ${a.extendedStatistic ?? a.statistic}`;
      const period = a.period ?? a.metricQueries?.find((q: any) => q.metric)?.metric.period;
      return [
        a.tags?.severity ?? "?",
        a.name.replace(/^mcp-[^-]+-/, ""),
        what,
        `${COMPARE[a.comparisonOperator] ?? a.comparisonOperator} ${a.threshold}${a.unit ? ` ${a.unit}` : ""}`,
        `${a.datapointsToAlarm} of ${a.evaluationPeriods} × ${period} s`,
        a.treatMissingData,
        String(a.alarmActions?.[0] ?? "").split(":").pop()!,
      ];
    });
}

/** What each server runs: a pulled image, or one the stack builds and pushes to its ECR repository; and the bridge command of stdio servers. */
export function imageRows(plan: Plan): string[][] {
  return serverRows(plan).map(({ name }) => {
    const own = descendants(plan, name);
    const built = own.find((r) => r.type === TYPE.image)?.inputs;
    const task = own.find((r) => r.name === childName.task(name))?.inputs;
    const container = mainContainerOf(task);
    const digest = /@(sha256:[0-9a-f]{64})$/.exec(String(container.image))?.[1];
    const resolved = digest && plan.resolvedImages?.[digest];
    const image = built ? `built from ${built.context.location} → ${built.tags[0]}` : resolved ? `${resolved}, run by its digest (resolved at deploy)` : String(container.image);
    const command: string[] = container.command ?? [];
    return [name, image, command.length ? command.map((w) => (/\s/.test(w) ? JSON.stringify(w) : w)).join(" ") : "image default"];
  });
}

/** Modelled time to detect a dead service, from the health check and the down alarm the plan would create. */
export function timeToDetect(plan: Plan, server: string): string {
  const detection = detectionOf(plan, server);
  return detection ? `${detection.seconds} s = ${detection.formula}` : "no down alarm (scaling.min is 0)";
}

/** The same as seconds and the formula they come from; undefined without a down alarm. */
export function detectionOf(plan: Plan, server: string): { seconds: number; formula: string } | undefined {
  const own = descendants(plan, server);
  const down = own.find((r) => r.type === TYPE.metricAlarm && r.name === childName.alarm(server, ALARM_KEY.down))?.inputs;
  if (!down) return undefined;
  const tg = own.find((r) => r.type === TYPE.targetGroup)?.inputs.healthCheck;
  const task = own.find((r) => r.name === childName.task(server))?.inputs;
  const container = mainContainerOf(task).healthCheck;
  const [kind, interval, count] = tg ? ["target health check", tg.interval, tg.unhealthyThreshold] : ["container health check", container.interval, container.retries];
  const check = interval * count;
  const alarm = down.period * down.datapointsToAlarm;
  return { seconds: check + alarm, formula: `${kind} ${interval} s × ${count} + down alarm ${down.period} s × ${down.datapointsToAlarm}` };
}

/** Per top-level component: its kind, how many resources it holds and of which types. */
export function componentRows(plan: Plan): string[][] {
  return plan.resources
    .filter((r) => !r.custom && r.parent === undefined && !r.type.startsWith("pulumi:"))
    .map((c) => {
      const own = descendants(plan, c.name).filter(isLeaf);
      const types = [...countBy(own, (r) => shortType(r.type))].map(([t, n]) => `${t}×${n}`).join(", ");
      return [c.name, shortType(c.type), String(own.length), types];
    });
}

function probeSection(plan: Plan): string[] {
  const report = probeReport(plan);
  return report ? ["", report.headline, table(PROBE_HEADER, report.rows)] : ["", "MCP probe: none (alerts.probe.enabled is false, or no public server)"];
}

/** The checklist closes the plan: the last thing a reader sees before running pulumi up. */
export function firstDeploySection(plan: Plan): string[] {
  const items = firstDeployChecklist(plan);
  return [`Before the first deploy of ${plan.stack}`, ...(items.length ? items.map((item, i) => `${i + 1}. ${item}`) : ["nothing left to do"])];
}

/** The terminal's width the summary keeps to, and the lines it fits in for the seed stacks. */
export const SUMMARY_WIDTH = 120;

/** Words wrapped to the width, continuation lines indented. */
export function wrap(text: string, width = SUMMARY_WIDTH, indent = "   "): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && (line + " " + word).length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** A cell cut to a width, with an ellipsis. */
const cut = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);

/**
 * The plan on one screen: a line per server (route, who reaches it, size, tasks, architecture and Spot share, time to
 * detect a dead service), the month's cost against the naive layout and the status quo, backups, the probe, and what
 * to do before the first deploy. `--details` prints the full tables.
 */
export function renderCompactSummary(plan: Plan, environment: string): string {
  const rows = serverRows(plan);
  // Each route as its path, with its load balancer's name when the stack has several; their origins are printed once.
  const urls = rows.map((r) => (/^https?:\/\//.test(r.route) ? new URL(r.route) : undefined));
  const groupOf = (name: string) => String(plan.outputs.servers?.[name]?.loadBalancer ?? "main");
  const origins = new Map(rows.flatMap((r, i) => urls[i]?.origin ? [[groupOf(r.name), urls[i].origin] as const] : []));
  const route = (r: ServerRow, i: number) => {
    const url = urls[i];
    return url ? `${origins.size > 1 ? `${groupOf(r.name)}:` : ""}${url.pathname}` : r.route;
  };
  const servers = rows.map((r, i) => [r.name, cut(route(r, i), 32), cut(r.reach, 31), r.size.replace(" / ", " "), r.tasks, r.capacity, `${detectionOf(plan, r.name)?.seconds ?? "-"} s`]);
  const cost = compareCosts(plan);
  const backup = backupReport(plan);
  const probe = probeOf(plan);
  const custom = plan.resources.filter(isLeaf);
  return [
    `mcp-stack plan · stack ${plan.stack} · ${environment} · ${plan.region} · ${custom.length} resources (${(plan.millis / 1000).toFixed(1)} s)`,
    "",
    table(["server", "route", "reached by", "size", "tasks", "arch, capacity", "detect"], servers),
    ...[...origins].map(([group, origin]) => `routes on ${origins.size > 1 ? `${group} ` : ""}${origin}`),
    "",
    ...wrap(`Cost     ${costHeadline(cost)}; ${cost.spotPercent} % of the Fargate tasks on Spot`, SUMMARY_WIDTH, "         "),
    ...(backup
      ? wrap(
          `Backups  ${backup.volumes.length} volumes, ${backup.volumes.some((v) => v.join(" ").includes("✗")) ? "NOT all" : "all"} within the ${backup.headline.replace(/^Backups · targets /, "targets ")}`,
          SUMMARY_WIDTH,
          "         ",
        )
      : []),
    `Probe    ${probe ? `${probe.rows.length} servers, ${probe.headline.split(" · ")[1].split(":")[0]}, initialize + tools/list like a client` : "none"}`,
    `Watch    CloudWatch dashboard ${String(plan.outputs.dashboardUrl).split("/").pop()} (stack output dashboardUrl); mcp-ops status`,
    "",
    ...firstDeploySection(plan).flatMap((item) => wrap(item)),
    "",
    `Full tables (alarms, images, backups, cost lines, components): npm run plan -- ${plan.stack} --details`,
  ].join("\n");
}

export function renderSummary(plan: Plan, environment: string): string {
  const components = componentRows(plan);
  const custom = plan.resources.filter(isLeaf);
  const byType = [...countBy(custom, (r) => r.type)].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => [t, String(n)]);
  const servers = serverRows(plan).map(serverCells);
  return [
    `mcp-stack plan · stack ${plan.stack} · environment ${environment} · ${plan.region} · ${custom.length} resources in ${components.length} components (${(plan.millis / 1000).toFixed(1)} s)`,
    "",
    "Servers",
    table(SERVER_HEADER, servers),
    "",
    "Images and commands",
    table(["server", "image", "command"], imageRows(plan)),
    "",
    "Alarms (severity → topic) and modelled time to detect a dead service",
    ...serverRows(plan).flatMap((srv) => [
      "",
      `${srv.name}: detects a dead service in ${timeToDetect(plan, srv.name)}`,
      table(ALARM_HEADER, alarmRows(plan, srv.name)),
    ]),
    ...(plan.resources.some((r) => r.name === "backup" && !r.custom)
      ? ["", "backup: recovery points of the volumes", table(ALARM_HEADER, alarmRows(plan, "backup"))]
      : []),
    ...probeSection(plan),
    "",
    ...backupSection(plan),
    "",
    "Components",
    table(["component", "kind", "resources", "what"], components),
    "",
    "Resources by type",
    table(["type", "count"], byType),
    "",
    `Load balancers: ${Object.entries(plan.outputs.loadBalancers ?? { main: plan.outputs.albDnsName }).map(([group, dns]) => `${group} ${dns}`).join(", ")}`,
    `Overview dashboard: ${plan.outputs.dashboardUrl}`,
    "",
    ...firstDeploySection(plan),
  ].join("\n");
}
