import * as path from "node:path";
import { parseStackConfig } from "../config/parse";
import { readRawStackConfig } from "../config/stackFile";
import { checkImagePlatforms } from "../ops/imagePlatforms";
import { runMain } from "./runMain";

/**
 * `npm run check:images -- <stack>`: exits 1 when a pulled image does not publish the architecture its server runs on
 * (servers.<name>.architecture), reading each image's manifest from its registry. Needs the network, so the plan
 * (offline) cannot: the preview workflow runs it before the plan.
 */
async function main(): Promise<number> {
  const [stack] = process.argv.slice(2);
  if (!stack) {
    console.error("usage: npm run check:images -- <stack>");
    return 1;
  }
  const config = parseStackConfig(readRawStackConfig(path.join(__dirname, "..", `Pulumi.${stack}.yaml`)));
  const results = await checkImagePlatforms(config.servers);
  for (const r of results) console.log(`${r.ok ? "✓" : "✗"} ${r.server}: ${r.image} (${r.architecture}) ${r.message}`);
  return results.every((r) => r.ok) ? 0 : 1;
}

runMain(main);
