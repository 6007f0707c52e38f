import { shippedPlan } from "./support/shippedPlans";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { runOffline, type Plan } from "../engine/offline";
import { checkPolicies, readPolicyConfig } from "../engine/policyCheck";
import { estimateCost, totalOf } from "../plan/cost";
import { stackDiagram } from "../plan/diagram";
import { diffPlans } from "../plan/diff";
import { renderMarkdown } from "../plan/markdown";
import { configMapOf, rawConfigOf } from "./support/stackConfig";

const root = path.resolve(__dirname, "..");
const parseMermaid = (text: string) => spawnSync(process.execPath, [path.join(root, "tests/support/checkMermaid.mjs")], { input: text, encoding: "utf8", cwd: root });

let prod: Plan;
let dev: Plan;
let report: string;
beforeAll(async () => {
  prod = await shippedPlan("prod");
  dev = await shippedPlan("dev");
  report = renderMarkdown({ plan: prod, environment: "prod", violations: await checkPolicies(prod, readPolicyConfig()) });
});

const section = (name: string) => {
  const start = report.indexOf(`\n## ${name}\n`);
  if (start < 0) throw new Error(`no section ${name}`);
  const next = report.indexOf("\n## ", start + 1);
  return report.slice(start, next < 0 ? undefined : next);
};

describe("the Markdown plan report", () => {
  it("has the summary, servers, backups, policy violations, cost and diagram sections", () => {
    expect(report).toMatch(/^# mcp-stack plan · `prod`/);
    for (const name of ["Summary", "Servers", "Backups", "Policy violations", "Monthly cost estimate", "Diagram"]) expect(section(name).length).toBeGreaterThan(20);
    expect(section("Summary")).toContain("| backup | Backup |");
  });

  it("gives every server its modelled timings with the formula behind each figure", () => {
    for (const name of ["filesystem", "gmail", "graphiti", "neo4j", "rag", "resend", "vectordb"]) expect(report).toContain(`### ${name}`);
    expect(report).toContain("| rollout of a new version (all new tasks start at once: 200 % maximum) | 110 | start 60 s + 2 healthy checks × 10 s + drain 30 s |");
    expect(report).toContain("| time to detect a dead service | 90 | target health check 10 s × 3 + down alarm 60 s × 1 |");
    expect(report).toContain("| scale-out reaction (step scaling on a one-minute alarm) | 140 | step alarm 60 s × 1 + start 60 s + 2 healthy checks × 10 s |");
    expect(report).toContain("| time to detect an MCP endpoint clients cannot use (probe) | 180 | 3 failed probes × 60 s |");
    expect(section("MCP probe")).toContain("| resend | https://mcp.example.com/resend/mcp | mcp/resend.write | MCPStack/Probe ProbeSuccess, ProbeLatency | P1 resend-probe, P2 resend-probe-latency |");
  });

  it("shows RPO and RTO achieved against the targets and that no policy is violated", () => {
    expect(section("Backups")).toMatch(/\| neo4j:\/data \| EBS 20 GB, encrypted \(KMS key\), protected \| yes: hourly, daily, weekly \| 60 min ✓ \| 3\+60\+8 = 71 min ✓ \| 1440 min \|/);
    expect(section("Policy violations")).toContain("None: every rule of the policy pack passes.");
  });

  it("prices this stack and the naive layout line by line from the dated price table", () => {
    const cost = section("Monthly cost estimate");
    expect(cost).toContain("as of 2026-11-01");
    expect(cost).toMatch(/\| Application Load Balancer \| 1 × \(730 h \+ 1 LCU\) \+ 3 public IPv4 \| \$33\.22 \| 5 × \(730 h \+ 1 LCU\) \+ 15 public IPv4 \| \$166\.08 \|/);
    expect(cost).toContain(`**$${totalOf(estimateCost(prod, "planned")).toFixed(2)}**`);
    expect(totalOf(estimateCost(prod, "naive"))).toBeGreaterThan(totalOf(estimateCost(prod, "planned")));
  });

  it("prices the MCP probe per server (Lambda, Scheduler, log lines, two metrics, two alarms) under a dollar, and its token requests", () => {
    const lines = Object.fromEntries(estimateCost(prod, "planned").map((l) => [l.item, l]));
    // 43 800 runs × 1.5 s × 0.125 GB × $0.0000133334 + 43 800 × ($0.2 + $1)/M + 5 × 2 metrics × $0.30 + 10 alarms × $0.10 + log lines.
    expect(lines["MCP probe"].quantity).toBe("5 servers × 0.84 $: 43800 runs of 1.5 s at 128 MB, 10 custom metrics, 10 alarms");
    expect(lines["MCP probe"].monthly / 5).toBeLessThan(1);
    expect(lines["Cognito token requests of the probe"].monthly).toBe(2.25);
    // The probe's alarms are in its line, not counted again with the others.
    expect(lines["CloudWatch alarms"].quantity).toMatch(/^62 alarms/);
    const devProbe = estimateCost(dev, "planned").find((l) => l.item === "MCP probe")!;
    expect(devProbe.quantity).toMatch(/8760 runs/);
    expect(estimateCost(dev, "planned").find((l) => l.item === "Cognito token requests of the probe")).toBeUndefined();
  });

  it("prices dev's Spot tasks and single NAT gateway, which the naive layout does not have", () => {
    const planned = estimateCost(dev, "planned");
    const naive = estimateCost(dev, "naive");
    expect(planned.map((l) => l.item)).toContain("Fargate x86_64 Spot");
    expect(naive.map((l) => l.item)).not.toContain("Fargate x86_64 Spot");
    expect(planned.find((l) => l.item === "NAT gateways")!.quantity).toMatch(/^1 ×/);
    expect(naive.find((l) => l.item === "NAT gateways")!.quantity).toMatch(/^2 ×/);
  });

  it("draws the stack as a Mermaid flowchart that mermaid itself parses", () => {
    const diagram = stackDiagram(prod);
    expect(report).toContain("```mermaid\n" + diagram + "\n```");
    expect(diagram).toContain('alb -->|"/gmail"| gmail');
    expect(diagram).toContain("graphiti --> neo4j");
    expect(diagram).toContain("neo4j_data_ebs -. backup .-> vault");
    const parsed = parseMermaid(diagram);
    expect(parsed.stderr).toBe("");
    expect(parsed.stdout.trim()).toBe("flowchart-v2");
    expect(parseMermaid("flowchart LR\n  a((x) --> b[").status).toBe(1);
  });

  it("lists what changed against an earlier plan, like a preview", async () => {
    const raw = rawConfigOf("dev");
    raw.servers.gmail.memory = 2048;
    delete raw.servers.resend;
    raw.servers.zendesk = { ...raw.servers.graphiti, route: { path: "/zendesk" }, dependsOn: [] };
    const changed = await runOffline("dev", configMapOf("dev", raw));
    const diff = diffPlans(dev.resources, changed.resources);
    expect(diff.changed).toContainEqual({ resource: "aws:ecs/taskDefinition:TaskDefinition::gmail-task", inputs: ["memory"] });
    expect(diff.added).toContain("aws:ecs/service:Service::zendesk-service");
    expect(diff.removed).toContain("aws:ecs/service:Service::resend-service");
    const md = renderMarkdown({ plan: changed, environment: "dev", violations: [], diff: { against: "plan-dev.json", changes: diff } });
    expect(md).toContain(`## Changes against \`plan-dev.json\``);
    expect(md).toContain(`${diff.added.length} to add, ${diff.changed.length} to change, ${diff.removed.length} to remove.`);
    expect(md).toContain("| ~ | aws:ecs/taskDefinition:TaskDefinition::gmail-task | memory |");
  });
});
