import { POLICIES } from "../policies/rules";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { runPlanCli } from "../scripts/planCli";
import { renderCompactSummary, renderSummary, SUMMARY_WIDTH, wrap } from "../plan/summary";
import { shippedPlan } from "./support/shippedPlans";
import { rawConfigOf } from "./support/stackConfig";
import { TYPE } from "../decisions/resourceTypes";

const root = path.resolve(__dirname, "..");
const tsx = path.join(root, "node_modules/.bin/tsx");
/** The command as npm run plan starts it: its own process (for the entry point and exit codes). */
const plan = (...args: string[]) => spawnSync(tsx, ["scripts/plan.ts", ...args], { cwd: root, encoding: "utf8", timeout: 60000 });
/** The same command in this process (the Pulumi SDK loads once per test file, not once per case). */
async function planHere(...args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const status = await runPlanCli(args, { out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) });
  return { status, stdout: stdout.map((t) => `${t}\n`).join(""), stderr: stderr.map((t) => `${t}\n`).join("") };
}

describe("npm run plan", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "mcp-plan-"));
  /** A stack file for a changed copy of a shipped stack's config. */
  const stackFileWith = (name: string, raw: Record<string, any>) => {
    const file = path.join(dir, `Pulumi.${name}.yaml`);
    writeFileSync(file, stringify({ config: { "aws:region": "us-east-1", ...Object.fromEntries(Object.entries(raw).map(([k, v]) => [`mcp-stack:${k}`, v])) } }));
    return file;
  };

  it("prints the servers and resources of a stack and writes the full list with --json", async () => {
    const out = path.join(dir, "prod.json");
    const markdown = path.join(dir, "prod.md");
    const result = await planHere("prod", "--json", out, "--markdown", markdown, "--against", path.join(root, "tests/fixtures/empty-plan.json"));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^mcp-stack plan · stack prod · prod · us-east-1 · \d+ resources/);
    // One line per server: its path on the one origin the routes share, printed once.
    for (const server of ["gmail", "graphiti", "rag", "resend", "filesystem"]) expect(result.stdout).toMatch(new RegExp(`^${server} +/${server}/mcp +internet, token `, "m"));
    expect(result.stdout).toContain("routes on https://mcp.example.com");
    expect(result.stdout).toMatch(/^neo4j +internal neo4j:7687 +dependent servers only +1 vCPU 4 GB +1–1 +arm64, t4g\.large +90 s$/m);
    expect(result.stdout).toMatch(/^gmail .* 3–6 +arm64, 1 of 3 Spot +90 s$/m);
    expect(result.stdout).toMatch(/^Cost {5}\$\d+\.\d\d a month · \d+(\.\d)? % of the naive layout/m);
    expect(result.stdout).toContain(`Policies: ${POLICIES.length} rules of policies/ checked, no violations`);
    const written = JSON.parse(readFileSync(out, "utf8"));
    expect(written.resources.filter((r: any) => r.type === TYPE.service)).toHaveLength(7);
    expect(written.outputs.servers.gmail.url).toBe("https://mcp.example.com/gmail/mcp");
    const report = readFileSync(markdown, "utf8");
    expect(report).toMatch(/^# mcp-stack plan · `prod`/);
    expect(report).toContain(`${written.resources.length} to add, 0 to change (0 replaced), 0 to remove.`);
    // The terminal says it too, with the first resources and where to find the rest.
    expect(result.stdout).toContain(`empty-plan.json: ${written.resources.length} to add, 0 to change (0 replaced), 0 to remove.`);
    expect(result.stdout).toMatch(/^ {2}\+ {2}aws:/m);
    expect(result.stdout).toContain(`… and ${written.resources.length - 20} more: --markdown FILE lists them all`);
  });

  it("exits non-zero with the key and the fix for an invalid config, and creates nothing", async () => {
    const raw = rawConfigOf("dev");
    raw.servers.gmail.memory = 512;
    raw.servers.gmail.cpu = 1024;
    const result = await planHere("broken", "--stack-file", stackFileWith("broken", raw));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("servers.gmail.memory: 512 MiB is not valid; with cpu 1024 Fargate accepts memory 2048–8192");
    expect(result.stderr).toContain("Nothing was created");
    expect(result.stdout).toBe("");
  });

  it("with --deployed, refuses a config that would delete a deployed volume, like pulumi up", async () => {
    const deployed = path.join(dir, "deployed.json");
    writeFileSync(deployed, JSON.stringify({ volumes: { "gmail:/old-data": { fileSystemId: "fs-0123456789abcdef0", performanceMode: "generalPurpose", backup: true } } }));
    const result = await planHere("dev", "--deployed", deployed);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("servers.gmail.volumes: /old-data is no longer configured");
    expect(result.stderr).toContain("file system fs-0123456789abcdef0 holds its data and this deploy would delete it");
  });

  it("runs the policy pack over the plan: a mandatory violation exits 1 with the rule, resource and fix", async () => {
    const raw = rawConfigOf("dev");
    raw.servers.gmail.readOnlyRootFilesystem = false;
    const result = await planHere("writable", "--stack-file", stackFileWith("writable", raw));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("mandatory (1):");
    expect(result.stdout).toContain("[ecs-read-only-root-filesystem] gmail-task: container gmail has a writable root filesystem");
    expect(result.stderr).toContain("1 mandatory policy violation(s)");
  });

  it("explains a missing stack and bad arguments (the entry point itself, in its own process)", () => {
    expect(plan("nosuchstack").stderr).toContain("No such file");
    const bad = plan("dev", "--frobnicate");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown option --frobnicate");
    expect(plan("--help").stdout).toContain("Usage: npm run plan");
  });
});

describe("the plan a person reads", () => {
  it.each(["dev", "prod"] as const)("%s fits one screen of 120 columns without --details; --details adds the full tables", async (stack) => {
    const plan = await shippedPlan(stack);
    // What the command prints: the summary, then a blank line and the policy result.
    const compact = `${renderCompactSummary(plan, stack)}\n\nPolicies: ${POLICIES.length} rules of policies/ checked, no violations`;
    const lines = compact.split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(SUMMARY_WIDTH);
    expect(lines.length).toBeLessThanOrEqual(50);
    expect(compact).not.toContain("Resources by type");
    expect(compact).toContain(`Full tables (alarms, images, backups, cost lines, components): npm run plan -- ${stack} --details`);
    const detailed = renderSummary(plan, stack);
    for (const heading of ["Images and commands", "Alarms (severity → topic)", "Components", "Resources by type"]) expect(detailed).toContain(heading);
  });

  it("wraps a long line at word boundaries with an indent", () => {
    expect(wrap("aaa bbb ccc ddd", 8, "  ")).toEqual(["aaa bbb", "  ccc", "  ddd"]);
  });
});
