import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "../project";
import { SUPERGATEWAY_VERSION, bridgeLockDir } from "../decisions/bridge";

/**
 * `npm run bridge:lock -- <package spec>`: writes bridge/locks/<spec>/package.json and package-lock.json, so that the
 * bridge image installs the MCP package and supergateway with `npm ci --ignore-scripts` from exactly these versions.
 * Needs the npm registry (or NPM_CONFIG_REGISTRY); run it when adding or updating a bridged package, and commit the result.
 */
function main(): number {
  const spec = process.argv[2];
  if (!spec) {
    console.error("usage: npm run bridge:lock -- <package spec pinned to a version>, e.g. resend-mcp@2.22.0");
    return 1;
  }
  const dir = path.join(PROJECT_DIR, "bridge", "locks", bridgeLockDir(spec));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: "mcp-bridge", private: true, description: `supergateway and ${spec}` }, null, 2)}\n`);
  const npm = spawnSync("npm", ["install", "--package-lock-only", "--ignore-scripts", "--save-exact", "--no-fund", "--no-audit", `supergateway@${SUPERGATEWAY_VERSION}`, spec], { cwd: dir, stdio: "inherit" });
  if (npm.status !== 0) return npm.status ?? 1;
  console.log(`wrote ${path.relative(process.cwd(), dir)}/package.json and package-lock.json`);
  return 0;
}

process.exitCode = main();
