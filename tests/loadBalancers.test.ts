import type { StackConfig } from "../config/schema";
import { ALB_QUOTAS, assignLoadBalancers, groupHost } from "../decisions/loadBalancers";
import { serverUrl } from "../decisions/routing";
import { configWith, routedServer } from "./support/stackConfig";
import { firstDeployChecklist } from "../plan/firstDeploy";
import type { Plan } from "../engine/offline";

/** A fleet of public servers as the config contract shapes them (only what the assignment reads). */
function fleet(names: string[], ingress: Partial<StackConfig["ingress"]> = {}, pins: Record<string, string> = {}): Pick<StackConfig, "servers" | "ingress"> {
  const servers = Object.fromEntries(names.map((name) => [name, { enabled: true, route: { path: `/${name}` }, loadBalancer: pins[name] }])) as unknown as StackConfig["servers"];
  return { servers, ingress: { maxListenerRules: 100, ...ingress } as StackConfig["ingress"] };
}
const names = (n: number, prefix = "srv") => Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(3, "0")}`);

describe("spreading public servers over load balancers", () => {
  it("150 public servers: at least two ALBs, each within its target-group and listener-rule quotas", () => {
    for (const ingress of [{}, { auth: "cognito" as const, maxListenerRules: 200 }, { auth: "cognito" as const }]) {
      const { groups, problems } = assignLoadBalancers(fleet(names(150), ingress));
      expect(problems).toEqual([]);
      expect(groups.length).toBeGreaterThanOrEqual(2);
      for (const g of groups) {
        expect(g.targetGroups).toBeLessThanOrEqual(ALB_QUOTAS.targetGroups);
        expect(g.listenerRules).toBeLessThanOrEqual(ingress.maxListenerRules ?? 100);
      }
      expect(groups.reduce((n, g) => n + g.servers.length, 0)).toBe(150);
    }
    // With Cognito each server takes two rules: 50 to an ALB at the default quota of 100.
    expect(assignLoadBalancers(fleet(names(150), { auth: "cognito" })).groups.map((g) => [g.name, g.servers.length])).toEqual([["main", 50], ["lb2", 50], ["lb3", 50]]);
  });

  it("is stable: with the last deploy's assignment, adding or removing a server moves no other server", () => {
    const before = assignLoadBalancers(fleet(names(150))).groupOf;
    // A new server whose name sorts first, and one at the end.
    const added = assignLoadBalancers(fleet(["aaa-new", ...names(150), "zzz-new"]), before).groupOf;
    for (const name of names(150)) expect([name, added[name]]).toEqual([name, before[name]]);
    expect([added["aaa-new"], added["zzz-new"]]).toEqual(["lb2", "lb2"]);
    // Removing servers frees room on main: nobody moves into it but a new server.
    const removed = assignLoadBalancers(fleet(names(150).filter((n) => !["srv-001", "srv-002"].includes(n))), before).groupOf;
    for (const name of Object.keys(removed)) expect([name, removed[name]]).toEqual([name, before[name]]);
    const refilled = assignLoadBalancers(fleet([...names(150).filter((n) => n !== "srv-001"), "new-one"]), removed).groupOf;
    expect(refilled["new-one"]).toBe("main");
  });

  it("pins a server to a named load balancer of its own; pinned ones take only their pins", () => {
    const { groupOf, groups } = assignLoadBalancers(fleet(names(3), {}, { "srv-002": "partners" }));
    expect(groupOf).toEqual({ "srv-001": "main", "srv-002": "partners", "srv-003": "main" });
    expect(groups.map((g) => g.name)).toEqual(["main", "partners"]);
  });

  it("the seed stacks fit one load balancer: main, as before", () => {
    for (const stack of ["dev", "prod"]) expect(assignLoadBalancers(configWith(stack)).groups.map((g) => g.name)).toEqual(["main"]);
  });

  it("path routes of another load balancer live on <group>.<domain>; without a domain on its DNS name", () => {
    const prod = configWith("prod");
    expect(groupHost("lb2", "mcp.example.com")).toBe("lb2.mcp.example.com");
    expect(serverUrl(routedServer(prod, "gmail"), prod.ingress, "alb-2.elb.amazonaws.com", "lb2")).toBe("https://lb2.mcp.example.com/gmail/mcp");
    expect(serverUrl(routedServer(prod, "gmail"), prod.ingress, "alb.elb.amazonaws.com")).toBe("https://mcp.example.com/gmail/mcp");
    const dev = configWith("dev");
    expect(serverUrl(routedServer(dev, "gmail"), dev.ingress, "internal-alb-2.elb.amazonaws.com", "lb2")).toBe("http://internal-alb-2.elb.amazonaws.com/gmail/mcp");
  });

  it("the first-deploy checklist asks for a certificate that covers the other load balancers' hosts", () => {
    const plan = { stack: "prod", region: "us-east-1", resources: [], outputs: { servers: { gmail: { url: "https://mcp.example.com/gmail/mcp", loadBalancer: "main" }, rag: { url: "https://lb2.mcp.example.com/rag/mcp", loadBalancer: "lb2" } } } } as unknown as Plan;
    expect(firstDeployChecklist(plan)).toContainEqual(expect.stringContaining("must also cover lb2.mcp.example.com, the hosts of the stack's other load balancers"));
    const single = { ...plan, outputs: { servers: { gmail: plan.outputs.servers.gmail } } } as unknown as Plan;
    expect(firstDeployChecklist(single).join(" ")).not.toContain("must also cover");
  });
});
