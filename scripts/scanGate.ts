import { ECRClient } from "@aws-sdk/client-ecr";
import { planStack } from "../engine/offline";
import { checkImages, imagesToGate } from "../ops/scanGate";
import { runMain } from "./runMain";

/**
 * `npm run scan-gate -- <stack> --from <stack>`: exits 1 unless every image <stack> would build was pushed to <from>'s
 * repositories under the same content tag and ECR's scan found nothing critical (`--refuse HIGH` to be stricter).
 * The deploy workflow runs it before prod's `pulumi up`, with AWS credentials that may read the scan findings.
 */
async function main(): Promise<number> {
  const [stack] = process.argv.slice(2);
  const option = (name: string) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const from = option("--from");
  if (!stack || !from) {
    console.error("usage: npm run scan-gate -- <stack> --from <stack> [--refuse CRITICAL|HIGH|MEDIUM]");
    return 1;
  }
  const images = imagesToGate(await planStack(stack), from);
  const results = await checkImages(new ECRClient({}), images, option("--refuse") ?? "CRITICAL");
  for (const r of results) console.log(`${r.ok ? "✓" : "✗"} ${r.image.server}: ${r.image.repository}:${r.image.tag} ${r.reason}`);
  if (!images.length) console.log(`${stack} builds no images: nothing to gate`);
  return results.every((r) => r.ok) ? 0 : 1;
}

runMain(main);
