import type { PlannedResource } from "../engine/offline";

export interface PlanDiff {
  added: string[];
  removed: string[];
  /** Resource and the top-level inputs whose value differs. */
  changed: { resource: string; inputs: string[] }[];
}

type Comparable = Pick<PlannedResource, "type" | "name" | "inputs">;
const keyOf = (r: Comparable) => `${r.type}::${r.name}`;
const stable = (value: unknown): string => JSON.stringify(value, (_, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));

/** What a preview would show between two plans (`--json` files): resources added, removed, and changed with the inputs that differ. */
export function diffPlans(before: Comparable[], after: Comparable[]): PlanDiff {
  const old = new Map(before.map((r) => [keyOf(r), r]));
  const now = new Map(after.map((r) => [keyOf(r), r]));
  const changed: PlanDiff["changed"] = [];
  for (const [key, r] of now) {
    const prev = old.get(key);
    if (!prev) continue;
    const inputs = [...new Set([...Object.keys(prev.inputs), ...Object.keys(r.inputs)])].filter((k) => stable(prev.inputs[k]) !== stable(r.inputs[k])).sort();
    if (inputs.length) changed.push({ resource: key, inputs });
  }
  return {
    added: [...now.keys()].filter((k) => !old.has(k)).sort(),
    removed: [...old.keys()].filter((k) => !now.has(k)).sort(),
    changed: changed.sort((a, b) => a.resource.localeCompare(b.resource)),
  };
}
