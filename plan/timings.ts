import type { Plan } from "../engine/offline";
import { descendants, detectionOf } from "./summary";
import { TYPE } from "../decisions/resourceTypes";
import { ALARM_KEY, childName, TAG } from "../decisions/names";
import { mainContainerOf } from "./readers";

/** Assumed seconds for Fargate to place a task, pull its image and start it (measure yours: ECS service events). */
export const TASK_START_SECONDS = 60;

export interface Timing {
  what: string;
  seconds: number;
  formula: string;
}

/** Modelled timings of one server, each with the formula it came from, read back from the plan's resources. */
export function serverTimings(plan: Plan, server: string): Timing[] {
  const own = descendants(plan, server);
  const hc = own.find((r) => r.type === TYPE.targetGroup)?.inputs;
  const task = own.find((r) => r.name === childName.task(server))?.inputs;
  const check = mainContainerOf(task).healthCheck;
  const healthy = hc
    ? { seconds: hc.healthCheck.healthyThreshold * hc.healthCheck.interval, text: `${hc.healthCheck.healthyThreshold} healthy checks × ${hc.healthCheck.interval} s` }
    : { seconds: check?.interval ?? 0, text: `first container health check after ${check?.interval ?? 0} s` };
  const drain = hc ? { seconds: Number(hc.deregistrationDelay), text: ` + drain ${hc.deregistrationDelay} s` } : { seconds: 0, text: "" };
  const service = own.find((r) => r.type === TYPE.service)?.inputs ?? {};
  const timings: Timing[] = [
    {
      what:
        (service.deploymentMaximumPercent ?? 200) > 100
          ? `rollout of a new version (all new tasks start at once: ${service.deploymentMaximumPercent ?? 200} % maximum)`
          : "rollout of a new version (stop-before-start: the old task stops first)",
      seconds: TASK_START_SECONDS + healthy.seconds + drain.seconds,
      formula: `start ${TASK_START_SECONDS} s + ${healthy.text}${drain.text}`,
    },
  ];
  const detection = detectionOf(plan, server);
  if (detection) timings.push({ what: "time to detect a dead service", ...detection });
  const step = own.find((r) => r.type === TYPE.metricAlarm && r.inputs.tags?.[TAG.purpose] === "scaling")?.inputs;
  if (step) {
    const alarm = step.period * step.datapointsToAlarm;
    timings.push({
      what: "scale-out reaction (step scaling on a one-minute alarm)",
      seconds: alarm + TASK_START_SECONDS + healthy.seconds,
      formula: `step alarm ${step.period} s × ${step.datapointsToAlarm} + start ${TASK_START_SECONDS} s + ${healthy.text}`,
    });
  }
  const probe = own.find((r) => r.type === TYPE.metricAlarm && r.name === childName.alarm(server, ALARM_KEY.probe))?.inputs;
  if (probe) {
    timings.push({
      what: "time to detect an MCP endpoint clients cannot use (probe)",
      seconds: probe.period * probe.datapointsToAlarm,
      formula: `${probe.datapointsToAlarm} failed probes × ${probe.period} s`,
    });
  }
  return timings;
}
