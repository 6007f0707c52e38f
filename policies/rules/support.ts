import type { PolicyResource } from "@pulumi/policy";

/** A container definition as ECS takes it (only the fields the rules read). */
export interface ContainerDefinition {
  name?: string;
  image?: string;
  privileged?: boolean;
  readonlyRootFilesystem?: boolean;
  environment?: { name: string; value: string }[];
  logConfiguration?: { logDriver?: string };
  command?: string[];
}

/** `containerDefinitions` is a JSON string in the task definition's inputs. */
export function containersOf(props: { containerDefinitions?: unknown }): ContainerDefinition[] {
  const defs = props.containerDefinitions;
  if (typeof defs === "string") return JSON.parse(defs) as ContainerDefinition[];
  return (defs as ContainerDefinition[] | undefined) ?? [];
}

/** `urn:pulumi:prod::mcp-stack::…` → `prod`. */
export const stackOfUrn = (urn: string): string => urn.split(":")[2] ?? "";

export { isPinnedImage } from "../../decisions/images";


/** Resources of a type in a stack validation. */
export const resourcesOfType = (resources: PolicyResource[], type: string) => resources.filter((r) => r.type === type);

/** The component a resource belongs to (an MCP server's resources share one). */
export const componentOf = (r: PolicyResource): string | undefined => r.parent?.urn;

/** The interval between runs of an AWS Backup cron expression, in minutes; undefined when it can't tell. */
export function cronIntervalMinutes(schedule: string): number | undefined {
  const fields = /^cron\((.+)\)$/.exec(schedule.trim())?.[1].split(/\s+/);
  if (!fields || fields.length !== 6) return undefined;
  const [minute, hour, dayOfMonth, , dayOfWeek] = fields;
  if (minute.includes("/") || minute === "*") return Number(minute.split("/")[1] ?? 1);
  if (hour === "*") return 60;
  const everyHours = /^(\d+|\*)\/(\d+)$/.exec(hour);
  if (everyHours) return Number(everyHours[2]) * 60;
  if (hour.includes(",")) return undefined;
  if (dayOfWeek !== "*" && dayOfWeek !== "?") return dayOfWeek.split(",").length === 1 ? 7 * 24 * 60 : undefined;
  if (dayOfMonth !== "*" && dayOfMonth !== "?") return undefined;
  return 24 * 60;
}

/**
 * A rule's config: the JSON schema the pack publishes (`configSchema`) and a reader that applies the same defaults, so
 * each default is stated once, in the schema.
 */
export function ruleConfig<D extends Record<string, unknown>>(properties: { [K in keyof D]: { default: D[K] } & Record<string, unknown> }) {
  const defaults = Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, (property as { default: unknown }).default])) as D;
  return {
    configSchema: { properties },
    read: (args: { getConfig<T extends object>(): T }): D => ({ ...defaults, ...args.getConfig<Partial<D>>() }),
  };
}

/** The stacks a production-only rule checks (policy config `<rule>.stacks`). */
export const PROD_STACKS = { type: "array", items: { type: "string" }, default: ["prod", "production"], description: "Stacks this rule applies to." };
