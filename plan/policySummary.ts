import type { Violation } from "../engine/policyCheck";

const ORDER = ["mandatory", "advisory"] as const;

/** Policy violations grouped by enforcement level, one line each, naming the policy and the resource. */
export function policySection(violations: Violation[], policyCount: number): string[] {
  if (violations.length === 0) return [`Policies: ${policyCount} rules of policies/ checked, no violations`];
  const lines = [`Policies: ${policyCount} rules of policies/ checked, ${violations.length} violation(s)`];
  for (const level of ORDER) {
    const group = violations.filter((v) => v.enforcementLevel === level);
    if (!group.length) continue;
    lines.push(`${level} (${group.length}):`);
    for (const v of group) lines.push(`  [${v.policy}] ${v.message}`);
  }
  return lines;
}
