import { OpsError } from "./errors";
import { discoverTargets, targetsFromOutputs, type StackTargets } from "./targets";
import type { OpsDeps } from "./deps";

const DURATION = /^(\d+)([smhd])$/;
export function parseDuration(text: string, option: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new OpsError(`${option} ${text}: use a number with s, m, h or d, such as 24h`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as "s" | "m" | "h" | "d"];
}

export function stackOf(values: Record<string, any>): string {
  const stack = values.stack ?? process.env.MCP_STACK;
  if (!stack) throw new OpsError("which stack? pass --stack dev|prod (or set MCP_STACK)");
  return stack;
}

export async function resolveTargets(values: Record<string, any>, deps: OpsDeps): Promise<StackTargets> {
  const stack = stackOf(values);
  return values.outputs ? targetsFromOutputs(stack, values.outputs) : discoverTargets(deps.ecs, stack, deps.retry);
}

export async function confirmOrYes(question: string, yes: boolean, deps: OpsDeps) {
  if (yes) return;
  if (!deps.confirm) throw new OpsError("refusing without --yes: there is no terminal to confirm on");
  if (!(await deps.confirm(`${question} [y/N] `))) throw new OpsError("cancelled", 1);
}

export const deliver = (text: string, out: string | undefined, deps: OpsDeps) => {
  if (out) {
    deps.writeFile(out, text);
    deps.err(`wrote ${out}`);
  } else deps.out(text);
};
