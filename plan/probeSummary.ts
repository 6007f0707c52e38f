import type { Plan } from "../engine/offline";
import { PROBE_LATENCY, PROBE_NAMESPACE, PROBE_SUCCESS } from "../probe/metricNames";
import { TYPE } from "../decisions/resourceTypes";
import { STACK_COMPONENT } from "../decisions/names";

export const PROBE_HEADER = ["server", "probed URL", "token scope", "metrics", "alarms"];

export interface ProbeReport {
  headline: string;
  rows: string[][];
}

/** The MCP probe as the plan would create it, read back from its schedule and the alarms on its metrics. */
export function probeReport(plan: Plan): ProbeReport | undefined {
  const schedule = plan.resources.find((r) => r.type === TYPE.schedule && r.parent === STACK_COMPONENT.probe)?.inputs;
  if (!schedule) return undefined;
  const event = JSON.parse(schedule.target.input) as { targets: { server: string; url: string; scope?: string }[] };
  const alarms = plan.resources.filter((r) => r.type === TYPE.metricAlarm && r.inputs.namespace === PROBE_NAMESPACE).map((r) => r.inputs);
  const rows = event.targets.map((t) => [
    t.server,
    t.url,
    t.scope ?? "none",
    `${PROBE_NAMESPACE} ${PROBE_SUCCESS}, ${PROBE_LATENCY}`,
    alarms
      .filter((a) => a.dimensions?.Server === t.server)
      .map((a) => `${a.tags?.severity} ${a.name.replace(/^mcp-[^-]+-/, "")}`)
      .join(", "),
  ]);
  return {
    headline: `MCP probe · ${schedule.scheduleExpression}: initialize and tools/list on every public server in one run (Lambda ${schedule.name}), no retries`,
    rows,
  };
}
