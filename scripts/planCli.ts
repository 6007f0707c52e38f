import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

const USAGE = `Usage: npm run plan -- <stack> [--details] [--json FILE] [--markdown FILE] [--against FILE] [--stack-file FILE] [--deployed FILE]

Runs the Pulumi program offline (Pulumi's mock runtime, no credentials, no AWS) with the config of
Pulumi.<stack>.yaml, prints what the stack would create and checks it against the policy pack in policies/
(with policies/policy-config.json); a mandatory violation exits 1. It prints one screen: a line per server, the
monthly cost, backups, the probe and what to do before the first deploy.
  --details          print the full tables too: alarms, images, backups, cost lines, components, resources by type
  --json FILE        write every resource (type, name, parent, inputs, options), the outputs and the violations as JSON
  --markdown FILE    write a report for a pull request: summary, servers with modelled timings, backups, policy
                     violations, monthly cost (this layout and a naive one) and a Mermaid diagram
  --against FILE     a plan written earlier with --json: the report lists what would be added, changed, removed
  --stack-file FILE  plan another stack file instead of Pulumi.<stack>.yaml
  --deployed FILE    the stack's outputs from its last deploy (pulumi stack output --json --show-secrets),
                     so the plan refuses a change that would delete or replace a volume, as pulumi up would`;

const FILE_OPTIONS = { "--json": "json", "--markdown": "markdown", "--against": "against", "--stack-file": "stackFile", "--deployed": "deployed" } as const;
type FileOption = (typeof FILE_OPTIONS)[keyof typeof FILE_OPTIONS];

function parseArgs(argv: string[]) {
  const args: { stack: string; details?: boolean } & Partial<Record<FileOption, string>> = { stack: "" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") return undefined;
    if (arg === "--details") {
      args.details = true;
      continue;
    }
    if (arg in FILE_OPTIONS) {
      const value = argv[++i];
      if (!value) throw new Error(`${arg} needs a file name`);
      args[FILE_OPTIONS[arg as keyof typeof FILE_OPTIONS]] = value;
    } else if (arg.startsWith("-")) throw new Error(`unknown option ${arg}`);
    else if (!args.stack) args.stack = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  if (!args.stack) throw new Error("name the stack to plan, e.g. npm run plan -- dev");
  return args;
}

/** Progress on a terminal only, so that piped and CI output stays the report itself. */
const progress = (step: string) => process.stderr.isTTY && process.stderr.write(`… ${step}\n`);

export interface PlanIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const consoleIo: PlanIo = { out: (text) => console.log(text), err: (text) => console.error(text) };

/** The plan command: arguments in, report out, exit code back (the tests run it in-process; scripts/plan.ts spawns it). */
export async function runPlanCli(argv: string[], io: PlanIo = consoleIo): Promise<number> {
  let args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!args) {
    io.out(USAGE);
    return 0;
  }
  const file = args.stackFile ?? path.join(path.resolve(__dirname, ".."), `Pulumi.${args.stack}.yaml`);
  if (!existsSync(file)) {
    io.err(`No such file ${file}: check the file name (stacks: dev, prod).`);
    return 1;
  }
  // The Pulumi SDK and the program load only once the arguments are known to be good: usage errors answer at once.
  const { OfflineRunError } = await import("../engine/offline");
  try {
    return await planAndReport(args, file, io);
  } catch (err) {
    if (err instanceof OfflineRunError) {
      io.err(`${err.message}\n\nNothing was created: the program stopped before registering any resource.`);
      return 1;
    }
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      io.err(`No such file ${(err as NodeJS.ErrnoException).path ?? file}: check the file name (stacks: dev, prod).`);
      return 1;
    }
    throw err;
  }
}

/** Plans the stack, prints the summary and the policy result, writes the files asked for; exit 1 on a mandatory violation. */
async function planAndReport(args: NonNullable<ReturnType<typeof parseArgs>>, file: string, io: PlanIo): Promise<number> {
  const [{ planStack, readStackFile }, { checkPolicies, readPolicyConfig }, { diffPlans, renderDiffLines }, { renderMarkdown }, { policySection }, { renderSummary, renderCompactSummary }, { POLICIES }] = await Promise.all([
    import("../engine/offline"),
    import("../engine/policyCheck"),
    import("../plan/diff"),
    import("../plan/markdown"),
    import("../plan/policySummary"),
    import("../plan/summary"),
    import("../policies/rules"),
  ]);
  const deployedOutputs = args.deployed ? JSON.parse(readFileSync(args.deployed, "utf8")) : undefined;
  const against = args.against ? JSON.parse(readFileSync(args.against, "utf8")) : undefined;
  progress(`planning ${args.stack} offline`);
  const plan = await planStack(args.stack, file, { deployedOutputs });
  const environment = readStackFile(file).values["mcp-stack:environment"] ?? "?";
  progress(`checking ${POLICIES.length} policies`);
  const violations = await checkPolicies(plan, readPolicyConfig());
  io.out(args.details ? renderSummary(plan, environment) : renderCompactSummary(plan, environment));
  io.out(["", ...policySection(violations, POLICIES.length)].join("\n"));
  const diff = against && args.against ? { against: args.against, changes: diffPlans(against.resources, plan.resources) } : undefined;
  if (diff) io.out(["", ...renderDiffLines(diff.against, diff.changes)].join("\n"));
  if (args.json) {
    writeFileSync(args.json, JSON.stringify({ stack: plan.stack, region: plan.region, outputs: plan.outputs, resources: plan.resources, violations }, null, 2));
    io.out(`\nWrote ${plan.resources.length} resources to ${args.json}`);
  }
  if (args.markdown) {
    progress("writing the Markdown report");
    writeFileSync(args.markdown, renderMarkdown({ plan, environment, violations, diff }));
    io.out(`Wrote the report to ${args.markdown}`);
  }
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  if (mandatory) io.err(`\n${mandatory} mandatory policy violation(s): pulumi preview --policy-pack policies would refuse this stack.`);
  return mandatory ? 1 : 0;
}
