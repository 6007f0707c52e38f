import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlarmSpec } from "../../decisions/alarms";
import type { ScopeValues } from "../../decisions/metrics";
import { ALARM_KEY, alarmName, childName, TAG } from "../../decisions/names";
import { createAlarm, type AlarmContext } from "../alarms";
import type { McpServerArgs, ServerSelf } from "./args";

export interface CreatedAlarm {
  spec: AlarmSpec;
  alarm: aws.cloudwatch.MetricAlarm;
}

/** The server's alarms of one kind: those that need no service (before it, so that its deployments can roll back on them), or those on the service. */
export function createServerAlarms(self: ServerSelf, args: McpServerArgs, onService: boolean, scope: AlarmContext["scope"]): CreatedAlarm[] {
  const context: AlarmContext = { stack: args.stack, owner: self.serverName, scope, topics: args.alarms.topics, parent: self, paused: args.server.paused };
  return args.alarms.specs.filter((spec) => (spec.scope === "service") === onService).map((spec) => ({ spec, alarm: createAlarm(spec, context) }));
}

/** The scope every alarm of a server reads its dimensions from; the service's name once it exists. */
export function alarmScope(self: ServerSelf, args: McpServerArgs, targetGroup?: aws.lb.TargetGroup): ScopeValues<pulumi.Input<string>> {
  return { loadBalancer: args.platform.loadBalancerOf(args.loadBalancerGroup).alb.arnSuffix, targetGroup: targetGroup?.arnSuffix, cluster: args.platform.cluster.name, stack: args.stack, server: self.serverName };
}

/** The roll-up of the P1/P2 alarms: what dashboards and mcp-ops read as the server's health; it notifies no one. */
export function createHealthAlarm(self: ServerSelf, stack: string, alarms: CreatedAlarm[]): aws.cloudwatch.CompositeAlarm {
  const name = self.serverName;
  const urgent = alarms.filter(({ spec }) => spec.severity === "P1" || spec.severity === "P2");
  return new aws.cloudwatch.CompositeAlarm(
    childName.alarm(name, ALARM_KEY.health),
    {
      alarmName: alarmName(stack, name, ALARM_KEY.health),
      alarmDescription: `${name} needs attention: one of its P1/P2 alarms is in ALARM. No notification of its own (each alarm notifies its severity's topic); the status dashboards and mcp-ops read it.`,
      alarmRule: pulumi.all(urgent.map(({ alarm }) => alarm.name)).apply((names) => names.map((n) => `ALARM("${n}")`).join(" OR ")),
      actionsEnabled: false,
      tags: { [TAG.server]: name },
    },
    { parent: self, dependsOn: urgent.map(({ alarm }) => alarm) },
  );
}
