import { shippedPlan } from "./support/shippedPlans";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { runOffline, type Plan } from "../engine/offline";
import { checkPolicies, readPolicyConfig } from "../engine/policyCheck";
import { estimateCost, PRICE_TABLE, statusQuoCost, totalOf } from "../plan/cost";
import { compareCosts } from "../plan/costSummary";
import { stackDiagram } from "../plan/diagram";
import { describeChange, diffPlans, renderDiffLines } from "../plan/diff";
import { renderMarkdown } from "../plan/markdown";
import { configMapOf, rawConfigOf } from "./support/stackConfig";
import { TYPE } from "../decisions/resourceTypes";

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

  it("prices this stack and the naive layout line by line from the dated price table, each line with its prices", () => {
    const cost = section("Monthly cost estimate");
    expect(cost).toContain("as of 2026-11-01");
    // 730 h × ($0.0225 + 1 LCU × $0.008) per ALB; an internet-facing one has a public IPv4 per AZ (730 h × $0.005).
    expect(cost).toContain("| Application Load Balancer | 1 × (730 h + 1 LCU) | $22.27 | 5 × (730 h + 1 LCU) | $111.33 | `albHour`, `albLcuHour` |");
    expect(cost).toContain("| Public IPv4 of the load balancers | 3 addresses (one per AZ, internet-facing only) | $10.95 | 15 addresses (one per AZ, internet-facing only) | $54.75 | `publicIpv4Hour` |");
    expect(cost).toContain(`**$${totalOf(estimateCost(prod, "planned")).toFixed(2)}**`);
    expect(cost).toContain("### Status quo: one VM with docker-compose");
  });

  it("every line of both stacks names prices that exist in plan/prices.json", () => {
    const priceOf = (key: string) => {
      const [head, ...rest] = key.split(".");
      const value = (PRICE_TABLE.prices as Record<string, any>)[head];
      return rest.length ? value?.[rest.join(".")] : value;
    };
    for (const plan of [dev, prod]) {
      const { planned, naive, statusQuo } = compareCosts(plan);
      for (const line of [...planned, ...naive, ...statusQuo]) {
        expect([line.item, line.prices.length > 0]).toEqual([line.item, true]);
        for (const key of line.prices) expect([line.item, key, typeof priceOf(key)]).toEqual([line.item, key, "number"]);
      }
    }
  });

  it("meets the cost targets: prod at most 70 % of the naive layout, dev at most $110 a month with every seed server", () => {
    expect(compareCosts(prod).percentOfNaive).toBeLessThanOrEqual(70);
    expect(totalOf(compareCosts(dev).planned)).toBeLessThanOrEqual(110);
    // The levers that get there, as resources: Graviton everywhere, Spot above an on-demand base, one dashboard, dev's NAT instance.
    expect(compareCosts(prod).spotPercent).toBe(40);
    expect(estimateCost(prod, "planned").map((l) => l.item)).toEqual(expect.arrayContaining(["Fargate arm64 on-demand", "Fargate arm64 Spot", "Container Insights", "AWS Config recording", "AWS Backup Audit Manager", "AWS Backup restore tests"]));
    expect(estimateCost(dev, "planned").map((l) => l.item)).toEqual(expect.arrayContaining(["NAT instance (fck-nat)", "Fargate arm64 Spot"]));
    expect(estimateCost(dev, "planned").map((l) => l.item)).not.toEqual(expect.arrayContaining(["NAT gateways", "WAF", "Container Insights"]));
  });

  it("the naive layout reverts every lever and nothing else; the status quo is one VM that holds every server once", () => {
    const lines = (layout: "planned" | "naive") => Object.fromEntries(estimateCost(prod, layout).map((l) => [l.item, l]));
    const [p, n] = [lines("planned"), lines("naive")];
    expect(n["Fargate x86_64 on-demand"].quantity).toBe("10 tasks: 8.5 vCPU, 17 GB × 730 h");
    expect(n["CloudWatch dashboards"]).toMatchObject({ quantity: "8: one per server and an overview", monthly: 24 });
    expect(p["CloudWatch dashboards"]).toMatchObject({ quantity: "1", monthly: 3 });
    for (const same of ["CloudWatch alarms", "AWS Backup storage", "WAF", "MCP probe", "Container Insights", "AWS Config recording", "Secrets Manager", "KMS keys"]) expect(n[same]).toEqual(p[same]);
    // Prod reserves 6 vCPU and 14 GB for its servers: a t3.2xlarge (8 vCPU, 32 GB) is the smallest t3 that holds them.
    expect(statusQuoCost(prod)[0]).toMatchObject({ item: "EC2 VM running docker-compose", monthly: 242.94, prices: ["ec2Hour.t3.2xlarge"] });
  });

  it("prices the MCP probe per server (Lambda, Scheduler, log lines, two metrics, two alarms) under a dollar, and its token requests", () => {
    const lines = Object.fromEntries(estimateCost(prod, "planned").map((l) => [l.item, l]));
    // 43 800 runs × 1.5 s × 0.125 GB × $0.0000133334 + 43 800 × ($0.2 + $1)/M + 5 × 2 metrics × $0.30 + 10 alarms × $0.10 + log lines.
    expect(lines["MCP probe"].quantity).toBe("5 servers × 0.84 $: 43800 runs of 1.5 s at 128 MB, 10 custom metrics, 10 alarms");
    expect(lines["MCP probe"].monthly / 5).toBeLessThan(1);
    expect(lines["Cognito token requests of the probe"].monthly).toBe(2.25);
    // The probe's alarms are in its line, not counted again with the others.
    expect(lines["CloudWatch alarms"].quantity).toMatch(/^62 alarms on 78 metrics, 24 of target tracking/);
    const devProbe = estimateCost(dev, "planned").find((l) => l.item === "MCP probe")!;
    expect(devProbe.quantity).toMatch(/8760 runs/);
    expect(estimateCost(dev, "planned").find((l) => l.item === "Cognito token requests of the probe")).toBeUndefined();
  });

  it("prices dev's Spot tasks and NAT instance, which the naive layout does not have", () => {
    const planned = estimateCost(dev, "planned");
    const naive = estimateCost(dev, "naive");
    expect(planned.map((l) => l.item)).toContain("Fargate arm64 Spot");
    expect(naive.map((l) => l.item)).not.toContain("Fargate arm64 Spot");
    // t4g.nano $0.0042 + EIP $0.005 an hour × 730 h + 8 GB gp3 × $0.08.
    expect(planned.find((l) => l.item === "NAT instance (fck-nat)")).toMatchObject({ monthly: 7.36, prices: ["ec2Hour.t4g.nano", "publicIpv4Hour", "ebsGp3GbMonth"] });
    expect(naive.find((l) => l.item === "NAT gateways")!.quantity).toMatch(/^2 ×/);
    // Dev's ALB is internal: no public address to pay for.
    expect(planned.find((l) => l.item === "Public IPv4 of the load balancers")).toBeUndefined();
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
    expect(diff.changed).toContainEqual(expect.objectContaining({ resource: "aws:ecs/taskDefinition:TaskDefinition::gmail-task", inputs: ["memory"], replace: true, values: [{ input: "memory", before: "1024", after: "2048" }] }));
    expect(diff.added).toContain("aws:ecs/service:Service::zendesk-service");
    expect(diff.removed).toContain("aws:ecs/service:Service::resend-service");
    const md = renderMarkdown({ plan: changed, environment: "dev", violations: [], diff: { against: "plan-dev.json", changes: diff } });
    expect(md).toContain(`## Changes against \`plan-dev.json\``);
    expect(md).toContain(`${diff.added.length} to add, ${diff.changed.length} to change (${diff.changed.filter((c) => c.replace).length} replaced), ${diff.removed.length} to remove.`);
    expect(md).toContain("| +- | aws:ecs/taskDefinition:TaskDefinition::gmail-task | a new revision; the service rolls it out (rolling deploy, rolled back on failure); memory: 1024 → 2048 |");
    const terminal = renderDiffLines("plan-dev.json", diff, 500);
    expect(terminal[0]).toBe(`Against plan-dev.json: ${diff.added.length} to add, ${diff.changed.length} to change (${diff.changed.filter((c) => c.replace).length} replaced), ${diff.removed.length} to remove.`);
    expect(terminal).toContain("  +- aws:ecs/taskDefinition:TaskDefinition::gmail-task  a new revision; the service rolls it out (rolling deploy, rolled back on failure); memory: 1024 → 2048");
    expect(terminal).toContain("  -  aws:ecs/service:Service::resend-service");
  });

  it("leaves out what ignoreChanges covers, marks replacements and shows old → new values, like pulumi preview", () => {
    const service = (desiredCount: number, extra: Record<string, unknown> = {}) => ({ type: TYPE.service, name: "gmail-service", inputs: { desiredCount, cluster: "c1", ...extra }, options: { ignoreChanges: ["desiredCount"] } });
    expect(diffPlans([service(3)], [service(5)]).changed).toEqual([]);
    expect(diffPlans([service(3)], [service(3, { forceNewDeployment: true })]).changed).toEqual([
      { resource: "aws:ecs/service:Service::gmail-service", inputs: ["forceNewDeployment"], values: [{ input: "forceNewDeployment", before: undefined, after: true }], replace: false, note: undefined },
    ]);
    expect(diffPlans([service(3)], [service(3, { cluster: "c2" })]).changed[0]).toMatchObject({ replace: true });
    const tg = (port: number) => ({ type: TYPE.targetGroup, name: "gmail-tg", inputs: { port, deregistrationDelay: 30 } });
    const [change] = diffPlans([tg(8080)], [tg(8081)]).changed;
    expect(change.replace).toBe(true);
    expect(describeChange(change.values[0])).toBe("port: 8080 → 8081");
  });
});
