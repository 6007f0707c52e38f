import type { Plan, PlannedResource } from "../../engine/offline";
import { COMPONENT } from "../../decisions/resourceTypes";

export function ofType(plan: Plan, type: string): PlannedResource[] {
  return plan.resources.filter((r) => r.type === type);
}

export function named(plan: Plan, name: string, type?: string): PlannedResource {
  const found = plan.resources.filter((r) => r.name === name && (!type || r.type === type));
  if (found.length !== 1) throw new Error(`expected one resource named ${name}${type ? ` of ${type}` : ""}, found ${found.length}`);
  return found[0];
}

export function childOf(plan: Plan, parent: string, type: string): PlannedResource | undefined {
  return plan.resources.find((r) => r.parent === parent && r.type === type);
}

export function childrenOf(plan: Plan, parent: string, type?: string): PlannedResource[] {
  return plan.resources.filter((r) => r.parent === parent && (!type || r.type === type));
}

export function container(plan: Plan, server: string): Record<string, any> {
  const task = named(plan, `${server}-task`);
  if (!task) throw new Error(`${server} has no task definition`);
  return JSON.parse(task.inputs.containerDefinitions)[0];
}

export const serverNames = (plan: Plan) => ofType(plan, COMPONENT.server).map((r) => r.name).sort();
