import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { PAUSED_TAG } from "../../decisions/scaling";
import { PROBE_NAMESPACE, PROBE_SUCCESS } from "../../probe/metricNames";
import { componentOf, cronIntervalMinutes, resourcesOfType, stackOfUrn, ruleConfig, PROD_STACKS } from "./support";
import { TAG } from "../../decisions/names";
import { TYPE } from "../../decisions/resourceTypes";

const WORLD = ["0.0.0.0/0", "::/0"];
const PROBE_METRIC = { namespace: PROBE_NAMESPACE, name: PROBE_SUCCESS };

/** The servers a probe schedule targets: its input is the probe's event (probe/handler.ts ProbeEvent). */
function probedServersOf(schedule: PolicyResource): string[] {
  try {
    return (JSON.parse(schedule.props.target?.input ?? "{}").targets ?? []).map((t: { server?: string }) => t.server);
  } catch {
    return [];
  }
}

/** The load balancer a listener rule belongs to, through its listener. */
const loadBalancerOf = (rule: PolicyResource): PolicyResource | undefined =>
  (rule.propertyDependencies.listenerArn ?? []).flatMap((listener) => listener.propertyDependencies.loadBalancerArn ?? []).find((r) => r.type === TYPE.loadBalancer);

const forwardsWithoutToken = (rule: PolicyResource) => {
  const actions: any[] = rule.props.actions ?? [];
  const discovery = (rule.props.conditions ?? []).some((c: any) => (c.pathPattern?.values ?? []).every((v: string) => v.includes("/.well-known/oauth-")) && c.pathPattern);
  return !discovery && actions.some((a) => a.type === "forward") && !actions.some((a) => a.type === "jwt-validation" || a.type === "authenticate-oidc" || a.type === "authenticate-cognito");
};

/** Stacks whose internet-facing MCP routes must authenticate or opt out (policy config `stacks`; "*" is every stack). */
const authStacks = { stacks: { type: "array" as const, items: { type: "string" as const }, default: ["*"] } };
const covers = (stacks: string[], urn: string) => stacks.includes("*") || stacks.includes(stackOfUrn(urn));

/**
 * A load balancer the whole internet can reach: internet-facing, and its security group admits 0.0.0.0/0 or ::/0 (an
 * allowlist of networks, or an internal scheme, is a restriction the pack accepts instead of a token).
 */
function openToInternet(lb: PolicyResource, resources: PolicyResource[]): boolean {
  if (lb.props.internal) return false;
  const groups = (lb.propertyDependencies.securityGroups ?? []).map((g) => g.urn);
  return resourcesOfType(resources, TYPE.ingressRule).some(
    (r) => (r.propertyDependencies.securityGroupId ?? []).some((g) => groups.includes(g.urn)) && (r.props.cidrIpv4 === "0.0.0.0/0" || r.props.cidrIpv6 === "::/0"),
  );
}

const serverOf = (r: PolicyResource): string | undefined => r.props.tags?.[TAG.server];

/** Both authentication rules apply to the same stacks. */
const authConfig = ruleConfig(authStacks);
const mcpPublicServiceAlarmsConfig = ruleConfig({ requiredAlarms: { type: "array", items: { type: "string" }, default: ["down", "unhealthy", "latency", "errors", "cpu", "memory"] } });
const mcpProbeRequiredConfig = ruleConfig({ stacks: PROD_STACKS });
const backupPlanMeetsRpoConfig = ruleConfig({ rpoMinutes: { type: "integer", default: 60, minimum: 60 } });
const noTaskPortOpenToTheWorldConfig = ruleConfig({ publicPorts: { type: "array", items: { type: "integer" }, default: [80, 443] } });

export const stackPolicies: StackValidationPolicy[] = [
  {
    name: "mcp-auth-required",
    description: "Every MCP route the whole internet can reach validates a bearer token at the load balancer, unless the load balancer carries a documented opt-out (unauthenticatedReason). In every stack by default.",
    enforcementLevel: "mandatory",
    configSchema: authConfig.configSchema,
    validateStack: (args, reportViolation) => {
      const { stacks } = authConfig.read(args);
      for (const rule of resourcesOfType(args.resources, TYPE.listenerRule)) {
        const lb = loadBalancerOf(rule);
        if (!covers(stacks, rule.urn) || !lb || !openToInternet(lb, args.resources) || lb.props.tags?.[TAG.unauthenticatedReason]) continue;
        if (forwardsWithoutToken(rule)) {
          reportViolation(`${rule.name}: forwards MCP requests from the whole internet without authentication in stack ${stackOfUrn(rule.urn)}; restrict who can reach it (ingress.internal, ingress.allowedCidrs), set ingress.auth: cognito, or opt out explicitly with ingress.unauthenticatedReason.`, rule.urn);
        }
      }
    },
  },
  {
    name: "mcp-auth-opt-out",
    description: "Flags a load balancer that serves MCP to the whole internet without authentication by explicit opt-out, with its reason, on every preview.",
    enforcementLevel: "advisory",
    configSchema: authConfig.configSchema,
    validateStack: (args, reportViolation) => {
      const { stacks } = authConfig.read(args);
      for (const lb of resourcesOfType(args.resources, TYPE.loadBalancer)) {
        const reason = lb.props.tags?.[TAG.unauthenticatedReason];
        if (reason && openToInternet(lb, args.resources) && covers(stacks, lb.urn)) {
          reportViolation(`${lb.name}: serves MCP without authentication by explicit opt-out ("${reason}"); revisit with ingress.auth: cognito.`, lb.urn);
        }
      }
    },
  },
  {
    name: "mcp-public-service-alarms",
    description: "Every public MCP service has the team's alarms: down, unhealthy, latency, errors, CPU and memory.",
    enforcementLevel: "mandatory",
    configSchema: mcpPublicServiceAlarmsConfig.configSchema,
    validateStack: (args, reportViolation) => {
      const { requiredAlarms } = mcpPublicServiceAlarmsConfig.read(args);
      const alarms = resourcesOfType(args.resources, TYPE.metricAlarm);
      for (const service of resourcesOfType(args.resources, TYPE.service)) {
        if (!(service.props.loadBalancers ?? []).length) continue;
        const server = serverOf(service);
        const names = alarms.filter((a) => serverOf(a) === server).map((a) => String(a.props.name ?? ""));
        const missing = requiredAlarms.filter((key) => !names.some((n) => n.endsWith(`-${key}`)));
        if (missing.length) reportViolation(`${service.name}: public MCP service without its ${missing.join(", ")} alarm(s); create them from decisions/serverAlarms.ts (alarmSpecsFor).`, service.urn);
      }
    },
  },
  {
    name: "mcp-probe-required",
    description: "In production stacks every public MCP service (not paused) is probed like a client — initialize and tools/list on a schedule — and a failing probe raises an alarm.",
    enforcementLevel: "mandatory",
    configSchema: mcpProbeRequiredConfig.configSchema,
    validateStack: (args, reportViolation) => {
      const { stacks } = mcpProbeRequiredConfig.read(args);
      const scheduled = new Set<string | undefined>(resourcesOfType(args.resources, TYPE.schedule).flatMap(probedServersOf));
      const alarmed = new Set(
        resourcesOfType(args.resources, TYPE.metricAlarm)
          .filter((a) => a.props.namespace === PROBE_METRIC.namespace && a.props.metricName === PROBE_METRIC.name)
          .map((a) => a.props.dimensions?.Server),
      );
      for (const service of resourcesOfType(args.resources, TYPE.service)) {
        if (!stacks.includes(stackOfUrn(service.urn)) || !(service.props.loadBalancers ?? []).length || service.props.tags?.[PAUSED_TAG] === "true") continue;
        const server = serverOf(service);
        const missing = [...(scheduled.has(server) ? [] : ["schedule"]), ...(alarmed.has(server) ? [] : ["ProbeSuccess alarm"])];
        if (missing.length) reportViolation(`${service.name}: public MCP service without an MCP probe (${missing.join(", ")}) in stack ${stackOfUrn(service.urn)}; set mcp-stack:alerts.probe.enabled: true.`, service.urn);
      }
    },
  },
  {
    name: "mcp-service-scaling-target",
    description: "Every MCP service has an Application Auto Scaling target, so its task count follows load within its min and max.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
      const targets = resourcesOfType(args.resources, TYPE.scalingTarget);
      for (const service of resourcesOfType(args.resources, TYPE.service)) {
        const component = componentOf(service);
        if (!targets.some((t) => t.props.scalableDimension === "ecs:service:DesiredCount" && component !== undefined && componentOf(t) === component)) {
          reportViolation(`${service.name}: has no autoscaling target; add an aws.appautoscaling.Target for ecs:service:DesiredCount next to it.`, service.urn);
        }
      }
    },
  },
  {
    name: "backup-plan-meets-rpo",
    description: "Every backup plan has a rule at least as frequent as the recovery point objective.",
    enforcementLevel: "mandatory",
    configSchema: backupPlanMeetsRpoConfig.configSchema,
    validateStack: (args, reportViolation) => {
      const { rpoMinutes } = backupPlanMeetsRpoConfig.read(args);
      for (const plan of resourcesOfType(args.resources, TYPE.backupPlan)) {
        const intervals = ((plan.props.rules ?? []) as { schedule?: string }[]).map((r) => cronIntervalMinutes(r.schedule ?? "")).filter((i): i is number => i !== undefined);
        const best = intervals.length ? Math.min(...intervals) : undefined;
        if (best === undefined || best > rpoMinutes) {
          reportViolation(`${plan.name}: its most frequent rule runs every ${best ?? "?"} min, above the RPO of ${rpoMinutes} min; add a rule whose schedule runs at least that often (backup.rpoMinutes).`, plan.urn);
        }
      }
    },
  },
  {
    name: "no-task-port-open-to-the-world",
    description: "No security group opens a port to 0.0.0.0/0 or ::/0 except the load balancer's listener ports.",
    enforcementLevel: "mandatory",
    configSchema: noTaskPortOpenToTheWorldConfig.configSchema,
    validateStack: (args, reportViolation) => {
      const { publicPorts } = noTaskPortOpenToTheWorldConfig.read(args);
      const allowed = (from: number, to: number) => from === to && publicPorts.includes(from);
      for (const rule of resourcesOfType(args.resources, TYPE.ingressRule)) {
        const { cidrIpv4, cidrIpv6, fromPort, toPort, ipProtocol } = rule.props;
        if (!WORLD.includes(cidrIpv4) && !WORLD.includes(cidrIpv6)) continue;
        if (ipProtocol === "-1" || !allowed(fromPort, toPort)) {
          reportViolation(`${rule.name}: opens ${ipProtocol === "-1" ? "every port" : `port ${fromPort}${toPort !== fromPort ? `–${toPort}` : ""}`} to the internet; admit the task port only from the load balancer's security group.`, rule.urn);
        }
      }
      for (const group of resourcesOfType(args.resources, TYPE.securityGroup)) {
        for (const ingress of (group.props.ingress ?? []) as any[]) {
          const world = [...(ingress.cidrBlocks ?? []), ...(ingress.ipv6CidrBlocks ?? [])].some((c: string) => WORLD.includes(c));
          if (world && (ingress.protocol === "-1" || !allowed(ingress.fromPort, ingress.toPort))) {
            reportViolation(`${group.name}: an inline ingress opens port ${ingress.fromPort} to the internet; admit the task port only from the load balancer's security group.`, group.urn);
          }
        }
      }
    },
  },
];
