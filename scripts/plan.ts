import { readFileSync, writeFileSync } from "node:fs";
import { OfflineRunError, planStack, readStackFile, stackFilePath } from "../engine/offline";
import { checkPolicies, readPolicyConfig } from "../engine/policyCheck";
import { policySection } from "../plan/policySummary";
import { renderSummary } from "../plan/summary";
import { POLICIES } from "../policies/rules";

const USAGE = `Usage: npm run plan -- <stack> [--json FILE] [--stack-file FILE] [--deployed FILE]

Runs the Pulumi program offline (Pulumi's mock runtime, no credentials, no AWS) with the config of
Pulumi.<stack>.yaml, prints what the stack would create and checks it against the policy pack in policies/
(with policies/policy-config.json); a mandatory violation exits 1.
  --json FILE        write every resource (type, name, parent, inputs, options) and the outputs as JSON
  --stack-file FILE  plan another stack file instead of Pulumi.<stack>.yaml
  --deployed FILE    the stack's outputs from its last deploy (pulumi stack output --json --show-secrets),
                     so the plan refuses a change that would delete or replace a volume, as pulumi up would`;

function parseArgs(argv: string[]) {
  const args = { stack: "", json: undefined as string | undefined, stackFile: undefined as string | undefined, deployed: undefined as string | undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") return undefined;
    if (arg === "--json" || arg === "--stack-file" || arg === "--deployed") {
      const value = argv[++i];
      if (!value) throw new Error(`${arg} needs a file name`);
      if (arg === "--json") args.json = value;
      else if (arg === "--deployed") args.deployed = value;
      else args.stackFile = value;
    } else if (arg.startsWith("-")) throw new Error(`unknown option ${arg}`);
    else if (!args.stack) args.stack = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  if (!args.stack) throw new Error("name the stack to plan, e.g. npm run plan -- dev");
  return args;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!args) {
    console.log(USAGE);
    return 0;
  }
  const file = args.stackFile ?? stackFilePath(args.stack);
  try {
    const deployedOutputs = args.deployed ? JSON.parse(readFileSync(args.deployed, "utf8")) : undefined;
    const plan = await planStack(args.stack, file, { deployedOutputs });
    const environment = readStackFile(file).values["mcp-stack:environment"] ?? "?";
    console.log(renderSummary(plan, environment));
    const violations = await checkPolicies(plan, readPolicyConfig());
    console.log(["", ...policySection(violations, POLICIES.length)].join("\n"));
    if (args.json) {
      writeFileSync(args.json, JSON.stringify({ stack: plan.stack, region: plan.region, outputs: plan.outputs, resources: plan.resources, violations }, null, 2));
      console.log(`\nWrote ${plan.resources.length} resources to ${args.json}`);
    }
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    if (mandatory) console.error(`\n${mandatory} mandatory policy violation(s): pulumi preview --policy-pack policies would refuse this stack.`);
    return mandatory ? 1 : 0;
  } catch (err) {
    if (err instanceof OfflineRunError) {
      console.error(`${err.message}\n\nNothing was created: the program stopped before registering any resource.`);
      return 1;
    }
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      console.error(`No stack file ${file}: create it or pick an existing stack (dev, prod).`);
      return 1;
    }
    throw err;
  }
}

main().then((code) => process.exit(code));
