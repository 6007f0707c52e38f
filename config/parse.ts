import { z } from "zod";
import { ConfigError, describeIssues, keyPath } from "./errors";
import { checkStackRules } from "./rules";
import { resolveStackConfig } from "./resolve";
import { stackShapeSchema, type StackConfig, type StackShape } from "./schema";

/** The cross-field rules alone, over a config that passed stackShapeSchema. */
const stackRulesSchema = z.custom<StackShape>().superRefine(checkStackRules);

/** The top-level keys of the `mcp-stack:` namespace that the schema reads. */
export const OBJECT_KEYS = ["network", "ingress", "alerts", "backup", "retiredVolumes", "servers"] as const;
export const TOP_LEVEL_KEYS = ["environment", ...OBJECT_KEYS, "secretValues"] as const;

/**
 * Validates a raw config object (keys as in Pulumi.<stack>.yaml, without the `mcp-stack:` prefix) and reports every
 * problem in one run. The cross-field rules need input that passed the schema, so the keys the schema refused are set
 * aside (defaults take their place) until the rest passes, and the rules then check that rest; what they report about
 * a key that was set aside is a consequence, not news, and is left out.
 */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
  const issues: z.core.$ZodIssue[] = [];
  const setAside: PropertyKey[][] = [];
  /** Objects set aside whole because a required key of theirs was: the rules about their siblings are consequences too. */
  const escalated: PropertyKey[][] = [];
  const within = (p: PropertyKey[], q: PropertyKey[]) => keyPath(p).startsWith(keyPath(q)) || keyPath(q).startsWith(keyPath(p));
  const related = (p: PropertyKey[]) => setAside.some((q) => within(p, q)) || escalated.some((q) => within(p, q.slice(0, -1)));
  let rest = raw;
  for (let round = 0; round < 10; round++) {
    const shape = stackShapeSchema.safeParse(rest);
    if (shape.success) {
      const rules = stackRulesSchema.safeParse(shape.data);
      if (rules.success && !issues.length) return resolveStackConfig(shape.data);
      if (!rules.success) issues.push(...rules.error.issues.filter((i) => !related(i.path)));
      break;
    }
    // A key that is required where it was set aside: its object goes too, so that defaults (or a plain "required") apply.
    // An unknown key's issue names its object; it is the key that goes.
    const refused = shape.error.issues.flatMap((i): { issue: z.core.$ZodIssue; path: PropertyKey[] }[] => (i.code === "unrecognized_keys" ? i.keys.map((key) => ({ issue: i, path: [...i.path, key] })) : [{ issue: i, path: i.path }]));
    const next = refused.map(({ issue, path }) => (related(path) ? { issue: undefined, path: path.slice(0, -1) } : { issue, path }));
    issues.push(...new Set(next.flatMap(({ issue }) => (issue ? [issue] : []))));
    setAside.push(...next.map(({ path }) => path).filter((p) => p.length > 0));
    escalated.push(...next.filter(({ issue, path }) => !issue && path.length > 0).map(({ path }) => path));
    rest = withoutPaths(rest, setAside);
  }
  throw new ConfigError(describeIssues(issues));
}

/** A copy of `raw` without the values at `paths` (an unrecognized key's path names its object: the key goes). */
function withoutPaths(raw: Record<string, unknown>, paths: PropertyKey[][]): Record<string, unknown> {
  const copy = structuredClone(raw);
  for (const path of paths) {
    let node: any = copy;
    for (const part of path.slice(0, -1)) node = node?.[part as string];
    if (node && typeof node === "object") delete node[path[path.length - 1] as string];
  }
  return copy;
}
