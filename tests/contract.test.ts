import { CloudWatchClient, DescribeAlarmsCommand, type CompositeAlarm, type MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { mockClient } from "aws-sdk-client-mock";
import { stackAlarms } from "../ops/alarms";
import type { Plan, PlannedResource } from "../engine/offline";
import { shippedPlan } from "./support/shippedPlans";
import { COMPONENT, TYPE } from "../decisions/resourceTypes";

/**
 * The contract between the stack and its on-call tool: the alarms a planned stack would create, as CloudWatch's
 * DescribeAlarms returns them, are each attributed by mcp-ops to their server and severity. A rename or a new
 * severity encoding on one side only fails here.
 */
const cw = mockClient(CloudWatchClient);

/** The McpServer component a resource belongs to, if any. */
function serverOf(plan: Plan, r: PlannedResource): string | undefined {
  const parent = plan.resources.find((p) => p.name === r.parent && !p.custom);
  return parent?.type === COMPONENT.server ? parent.name : undefined;
}

describe.each(["prod", "dev"] as const)("mcp-ops reads the alarms %s creates", (stack) => {
  it("every alarm to its server, every paging alarm to the severity it was planned with", async () => {
    const plan = await shippedPlan(stack);
    const servers = plan.resources.filter((r) => r.type === COMPONENT.server).map((r) => r.name);
    const metric = plan.resources.filter((r) => r.type === TYPE.metricAlarm);
    const composite = plan.resources.filter((r) => r.type === TYPE.compositeAlarm);
    cw.reset();
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: metric.map((a): MetricAlarm => ({ AlarmName: a.inputs.name, AlarmDescription: a.inputs.alarmDescription, AlarmActions: a.inputs.alarmActions, ActionsEnabled: a.inputs.actionsEnabled, StateValue: "OK" })),
      CompositeAlarms: composite.map((a): CompositeAlarm => ({ AlarmName: a.inputs.alarmName, AlarmActions: a.inputs.alarmActions, StateValue: "OK" })),
    });
    const read = new Map((await stackAlarms(new CloudWatchClient({ region: "us-east-1" }), stack, servers)).map((a) => [a.name, a]));
    expect(read.size).toBe(metric.length + composite.length);
    for (const a of metric) {
      expect([a.inputs.name, read.get(a.inputs.name)?.server]).toEqual([a.inputs.name, serverOf(plan, a)]);
      expect([a.inputs.name, read.get(a.inputs.name)?.severity]).toEqual([a.inputs.name, a.inputs.tags?.severity]);
    }
    for (const a of composite) expect([a.inputs.alarmName, read.get(a.inputs.alarmName)?.server]).toEqual([a.inputs.alarmName, serverOf(plan, a)]);
    // Every server's alarms are found, and each severity is there.
    expect(new Set([...read.values()].map((a) => a.server).filter(Boolean))).toEqual(new Set(servers));
    expect(new Set([...read.values()].map((a) => a.severity).filter(Boolean))).toEqual(new Set(["P1", "P2", "P3", ...(stack === "prod" ? ["P4"] : [])]));
  });
});
