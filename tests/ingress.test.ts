import { parseStackConfig } from "../config/load";
import { checkPolicies, readPolicyConfig } from "../engine/policyCheck";
import type { Plan } from "../engine/offline";
import { serverRows } from "../plan/summary";
import { childOf, childrenOf, named, ofType } from "./support/plan";
import { shippedPlan } from "./support/shippedPlans";
import { configProblems, planWith, rawConfigOf } from "./support/stackConfig";
import { TYPE } from "../decisions/resourceTypes";

/** Who can reach the MCP routes, stateful sessions behind several tasks, and pausing a server. */
let dev: Plan;
let prod: Plan;
beforeAll(async () => {
  dev = await shippedPlan("dev");
  prod = await shippedPlan("prod");
});



const clientRules = (plan: Plan) => childrenOf(plan, "platform", TYPE.ingressRule).filter((r) => r.name.startsWith("platform-alb-in-"));
const reachOf = (plan: Plan) => Object.fromEntries(serverRows(plan).map((s) => [s.name, s.reach]));

describe("who can reach the load balancer", () => {
  it("dev as shipped: an internal ALB in the private subnets, reachable from the VPC only, on plain HTTP", () => {
    const alb = named(dev, "platform-alb").inputs;
    expect(alb).toMatchObject({ internal: true, subnets: dev.outputs.privateSubnetIds });
    expect(clientRules(dev).map((r) => [r.name, r.inputs.cidrIpv4, r.inputs.fromPort])).toEqual([["platform-alb-in-80-0", "10.0.0.0/16", 80]]);
    expect(reachOf(dev)).toMatchObject({ gmail: "VPC only: 10.0.0.0/16, no token", resend: "VPC only: 10.0.0.0/16, no token", neo4j: "dependent servers only" });
    expect(dev.outputs.servers.gmail.url).toMatch(/^http:\/\/internal-/);
  });

  it("prod as shipped: the internet, with a token on every route", () => {
    expect(named(prod, "platform-alb").inputs.internal).toBe(false);
    expect(clientRules(prod).map((r) => [r.name, r.inputs.cidrIpv4])).toEqual([["platform-alb-in-443", "0.0.0.0/0"], ["platform-alb-in-80", "0.0.0.0/0"]]);
    expect(new Set(Object.values(reachOf(prod)))).toEqual(new Set(["internet, token", "dependent servers only"]));
  });

  it("an allowlist of CIDRs (IPv4 and IPv6) and managed prefix lists admits exactly those networks on each listener port", async () => {
    const plan = await planWith("prod", (raw) => (raw.ingress = { ...raw.ingress, allowedCidrs: ["203.0.113.0/24", "2001:db8::/32"], allowedPrefixLists: ["pl-0123456789abcdef0"] }));
    expect(clientRules(plan).map((r) => [r.name, r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6 ?? r.inputs.prefixListId])).toEqual([
      ["platform-alb-in-443-0", "203.0.113.0/24"],
      ["platform-alb-in-443-1", "2001:db8::/32"],
      ["platform-alb-in-443-2", "pl-0123456789abcdef0"],
      ["platform-alb-in-80-0", "203.0.113.0/24"],
      ["platform-alb-in-80-1", "2001:db8::/32"],
      ["platform-alb-in-80-2", "pl-0123456789abcdef0"],
    ]);
    expect(reachOf(plan).gmail).toBe("allowlist: 203.0.113.0/24, 2001:db8::/32, pl-0123456789abcdef0, token");
  });

  it("a stack open to the whole internet without tokens must say why, in every environment, and the pack flags it", async () => {
    expect(configProblems("dev", (raw) => (raw.ingress = { internal: false }))).toEqual([
      "ingress.unauthenticatedReason: the MCP routes would be open to the whole internet without a token: restrict who can reach them (ingress.internal: true, ingress.allowedCidrs or ingress.allowedPrefixLists), validate tokens (ingress.auth: cognito), or say why that is fine here in ingress.unauthenticatedReason (the policy pack flags it on every preview)",
    ]);
    const open = await planWith("dev", (raw) => (raw.ingress = { internal: false, unauthenticatedReason: "a throwaway demo with dummy credentials" }));
    const found = await checkPolicies(open, readPolicyConfig());
    expect(found.map((v) => [v.policy, v.enforcementLevel, v.resource])).toEqual([["mcp-auth-opt-out", "advisory", "platform-alb"]]);
    expect(reachOf(open).gmail).toBe("internet, no token");
  });

  it("refuses an internal ALB in an existing VPC without the networks that may reach it, and a reason where none applies", () => {
    expect(
      configProblems("dev", (raw) => (raw.network = { vpcId: "vpc-0abc", publicSubnetIds: ["subnet-0a", "subnet-0b"], privateSubnetIds: ["subnet-1a", "subnet-1b"] })),
    ).toEqual([expect.stringContaining("ingress.allowedCidrs: an internal load balancer in an existing VPC needs the networks that may reach it")]);
    expect(configProblems("dev", (raw) => (raw.ingress.unauthenticatedReason = "nobody can reach it anyway"))).toEqual([
      "ingress.unauthenticatedReason: does not apply: the routes are not open to the whole internet; remove it",
    ]);
  });
});

describe("stateful sessions behind several tasks", () => {
  it("are refused with the reason, unless the server shares its session state or its clients keep cookies", () => {
    expect(configProblems("prod", (raw) => ((raw.servers.gmail.transport = "streamable-http-stateful"), (raw.servers.gmail.spot = false)))).toEqual([
      "servers.gmail.scaling.max: 6 tasks of a streamable-http-stateful server lose sessions for clients that keep no cookies (ALB stickiness is a cookie); set max: 1, or sharedSessionState: true if the server keeps its sessions in a store all tasks share, or clientsKeepCookies: true if every client keeps the ALB cookie",
    ]);
    expect(configProblems("prod", (raw) => ((raw.servers.resend.bridge = "sse"), (raw.servers.resend.scaling = { min: 2, max: 4 })))[0]).toMatch(/^servers\.resend\.scaling\.max: 4 tasks of a sse server/);
    for (const fix of [{ sharedSessionState: true }, { clientsKeepCookies: true }, { scaling: { min: 1, max: 1 } }]) {
      const raw = rawConfigOf("prod");
      Object.assign(raw.servers.gmail, { transport: "streamable-http-stateful", spot: false, ...fix });
      expect(() => parseStackConfig(raw)).not.toThrow();
    }
  });
});

describe("pausing a server", () => {
  let paused: Plan;
  beforeAll(async () => {
    paused = await planWith("prod", (raw) => {
      raw.servers.gmail.paused = true;
      raw.servers.neo4j.paused = true;
    });
  });

  it("scales it to 0 tasks through its autoscaling range and keeps its data, secrets, logs and route", () => {
    expect(childOf(paused, "gmail", TYPE.scalingTarget)!.inputs).toMatchObject({ minCapacity: 0, maxCapacity: 0 });
    expect(childOf(paused, "gmail", TYPE.service)!.inputs).toMatchObject({ desiredCount: 0, tags: { "mcp-stack:paused": "true" } });
    for (const kept of ["gmail-app-data-efs", "gmail-logs", "gmail-rule", "gmail-tg", "secrets-GMAIL_CREDENTIALS", "neo4j-data-ebs"]) expect(named(paused, kept)).toBeDefined();
    // The route still forwards: with no registered targets the ALB itself answers 503 (ELB user guide, "HTTP 503").
    expect(named(paused, "gmail-rule").inputs.actions.map((a: any) => a.type)).toEqual(["jwt-validation", "forward"]);
    expect(reachOf(paused)).toMatchObject({ gmail: "PAUSED (0 tasks, the ALB answers 503)", neo4j: "PAUSED (0 tasks)", rag: "internet, token" });
  });

  it("keeps its alarms, which stop paging, and leaves the other servers' alone; the pack accepts it", async () => {
    const alarms = childrenOf(paused, "gmail", TYPE.metricAlarm);
    expect(alarms.length).toBeGreaterThan(5);
    for (const alarm of alarms) expect(alarm.inputs.actionsEnabled).toBe(false);
    for (const alarm of alarms.filter((a) => a.inputs.tags["mcp-stack:purpose"] !== "scaling")) expect(alarm.inputs.tags["mcp-stack:paused"]).toBe("true");
    for (const alarm of childrenOf(paused, "rag", TYPE.metricAlarm)) expect(alarm.inputs.actionsEnabled).toBe(true);
    expect(await checkPolicies(paused, readPolicyConfig())).toEqual([]);
  });

  it("resuming is setting paused back to false: the same resources as never paused", () => {
    const resumed = ofType(prod, TYPE.scalingTarget).find((t) => t.parent === "gmail")!;
    expect(resumed.inputs).toMatchObject({ minCapacity: 3, maxCapacity: 6 });
    // The same resources, but for the probe of a paused server (it would only see the ALB's 503).
    const probeOfPaused = (name: string) => /^(gmail|neo4j)-alarm-probe/.test(name);
    expect(paused.resources.map((r) => r.name).sort()).toEqual(prod.resources.map((r) => r.name).filter((n) => !probeOfPaused(n)).sort());
  });

  it("scaling.min 0 is refused in favour of paused", () => {
    expect(configProblems("dev", (raw) => (raw.servers.gmail.scaling = { min: 0, max: 2 }))).toEqual([
      "servers.gmail.scaling.min: must be at least 1; to stop a server, set paused: true (it keeps its data, secrets, logs and route, and its alarms stop paging)",
    ]);
  });
});
