import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { planStack } from "../../engine/offline";

/**
 * Plans the shipped stacks once per test run, before the workers start: a dozen test files read the same two plans,
 * and each offline plan costs a second or two of a 2-core machine. Workers inherit the directory through the env.
 */
export default async function globalSetup(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "mcp-shipped-plans-"));
  for (const stack of ["dev", "prod"]) writeFileSync(path.join(dir, `${stack}.json`), JSON.stringify(await planStack(stack)));
  process.env.MCP_SHIPPED_PLANS_DIR = dir;
}
