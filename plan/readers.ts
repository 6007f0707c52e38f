import type { Plan } from "../engine/offline";

/** The plan's resources of a type. */
export const ofType = (plan: Plan, type: string) => plan.resources.filter((r) => r.type === type);
/** The first resource of a type directly below a component. */
export const childOf = (plan: Plan, parent: string, type: string) => plan.resources.find((r) => r.parent === parent && r.type === type);
/** The server's own container (a task's first) from a task definition's inputs; {} without one. */
export const mainContainerOf = (task: Record<string, any> | undefined): Record<string, any> => (task?.containerDefinitions ? JSON.parse(task.containerDefinitions)[0] : {});
