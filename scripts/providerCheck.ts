import { planStack } from "../engine/offline";
import { checkWithProvider, terraformAvailability } from "../engine/providerCheck";

/** `npm run check:provider -- <stack>`: the hashicorp/aws provider's own input validation over the stack's offline plan. */
async function main() {
  const stack = process.argv[2];
  if (!stack) throw new Error("usage: npm run check:provider -- <stack>   (e.g. prod)");
  const availability = terraformAvailability();
  if (!availability.available) throw new Error(`cannot check: ${availability.why}`);
  const result = checkWithProvider(await planStack(stack));
  console.log(`hashicorp/aws ${result.providerVersion}: ${result.checked} resources of ${stack} validated, ${result.errors.length} error(s)`);
  for (const e of result.errors) console.log(`  ✗ ${e.resource}: ${e.summary}${e.detail ? ` (${e.detail})` : ""}`);
  if (result.unknownTypes.length) console.log(`  not judged (types this provider version lacks): ${result.unknownTypes.join(", ")}`);
  if (result.unjudged.length) console.log(`  not judged (newer than this provider version): ${result.unjudged.join(", ")}`);
  process.exitCode = result.errors.length ? 1 : 0;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
