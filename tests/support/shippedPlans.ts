import { readFileSync } from "node:fs";
import * as path from "node:path";
import { planStack, type Plan } from "../../engine/offline";

/** The plan of a shipped stack file: planned once per run by globalSetup, or here when a file runs on its own. */
export async function shippedPlan(stack: "dev" | "prod"): Promise<Plan> {
  const dir = process.env.MCP_SHIPPED_PLANS_DIR;
  if (dir) return JSON.parse(readFileSync(path.join(dir, `${stack}.json`), "utf8")) as Plan;
  return planStack(stack);
}
