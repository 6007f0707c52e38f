import { parseStackConfig } from "../config/load";
import { dependencyOrder } from "../decisions/dependencies";
import { discoveryPriority, HOST_PRIORITY_BAND, listenerRulePriorities, PATH_PRIORITY_BAND, prefixRewrite, serverUrl } from "../decisions/routing";
import { containerCommand, shellJoin } from "../decisions/tasks";
import { trafficPolicyFor } from "../decisions/traffic";
import { rawConfigOf, routedServer } from "./support/stackConfig";

const prod = () => parseStackConfig(rawConfigOf("prod"));

describe("listener rule priorities", () => {
  it("are unique, in the path band for path routes and the host band for host routes", () => {
    const raw = rawConfigOf("prod");
    raw.servers.gmail.route = { host: "gmail.mcp.example.com" };
    const priorities = listenerRulePriorities(parseStackConfig(raw).servers);
    expect(new Set(priorities.values()).size).toBe(priorities.size);
    expect(priorities.get("gmail")).toBeGreaterThanOrEqual(HOST_PRIORITY_BAND.from);
    expect(priorities.get("gmail")).toBeLessThanOrEqual(HOST_PRIORITY_BAND.to);
    for (const name of ["rag", "graphiti", "resend", "filesystem"]) {
      expect(priorities.get(name)).toBeGreaterThanOrEqual(PATH_PRIORITY_BAND.from);
      expect(priorities.get(name)).toBeLessThanOrEqual(PATH_PRIORITY_BAND.to);
    }
    expect(priorities.has("neo4j")).toBe(false);
  });

  it("stay the same when another server is added or removed", () => {
    const config = prod();
    const before = listenerRulePriorities(config.servers);
    const { gmail, ...withoutGmail } = config.servers;
    const added = { ...config.servers, zendesk: { ...gmail, internal: false as const, route: { path: "/zendesk", stripPrefix: true } } };
    for (const servers of [withoutGmail, added]) {
      const after = listenerRulePriorities(servers);
      for (const [name, priority] of after) if (before.has(name)) expect([name, priority]).toEqual([name, before.get(name)]);
    }
  });

  it("honour a configured priority and probe past it", () => {
    const config = prod();
    const natural = listenerRulePriorities(config.servers).get("rag")!;
    config.servers.gmail.route = { path: "/gmail", stripPrefix: true, priority: natural };
    const priorities = listenerRulePriorities(config.servers);
    expect(priorities.get("gmail")).toBe(natural);
    expect(priorities.get("rag")).toBe(natural + 2);
  });

  it("are odd, leaving priority - 1 free for each server's OAuth discovery rule", () => {
    const priorities = [...listenerRulePriorities(prod().servers).values()];
    expect(priorities.every((p) => p % 2 === 1)).toBe(true);
    const all = new Set([...priorities, ...priorities.map(discoveryPriority)]);
    expect(all.size).toBe(priorities.length * 2);
  });
});

describe("routes and URLs", () => {
  it("strip the prefix unless told not to", () => {
    expect(prefixRewrite({ path: "/gmail", stripPrefix: true })).toEqual({ regex: "^/gmail/?(.*)$", replace: "/$1" });
    expect(prefixRewrite({ path: "/a.b", stripPrefix: true })!.regex).toBe("^/a\\.b/?(.*)$");
    expect(prefixRewrite({ path: "/gmail", stripPrefix: false })).toBeUndefined();
    expect(prefixRewrite({ host: "x.example.com", stripPrefix: true })).toBeUndefined();
  });

  it("the client URL includes the prefix and the server's MCP path", () => {
    const config = prod();
    const gmail = routedServer(config, "gmail");
    expect(serverUrl(gmail, config.ingress, "alb")).toBe("https://mcp.example.com/gmail/mcp");
    const sse = { ...gmail, mcpPath: "/sse" };
    expect(serverUrl(sse, { ...config.ingress, domain: undefined }, "alb.example")).toBe("http://alb.example/gmail/sse");
  });
});

describe("stdio bridge command", () => {
  it("quotes words the shell would split", () => {
    expect(shellJoin(["mcp-server-filesystem", "/data/my files", "it's"])).toBe(`mcp-server-filesystem '/data/my files' 'it'\\''s'`);
  });

  it("is stateless by default and stateful or SSE when configured", () => {
    const config = prod();
    const resend = config.servers.resend;
    expect(containerCommand(resend)).not.toContain("--stateful");
    expect(containerCommand({ ...resend, bridge: "streamable-http-stateful" })).toContain("--stateful");
    const sse = containerCommand({ ...resend, bridge: "sse", mcpPath: "/sse" })!;
    expect(sse.slice(sse.indexOf("--outputTransport"), sse.indexOf("--outputTransport") + 2)).toEqual(["--outputTransport", "sse"]);
    expect(sse).toEqual(expect.arrayContaining(["--ssePath", "/sse"]));
    expect(containerCommand(config.servers.gmail)).toBeUndefined();
  });

  it("a stdio server is load-balanced by what its bridge exposes", () => {
    const config = prod();
    expect(trafficPolicyFor({ ...config.servers.resend, bridge: "streamable-http-stateful" }, config.ingress).stickiness.enabled).toBe(true);
    expect(trafficPolicyFor(config.servers.resend, config.ingress).stickiness.enabled).toBe(false);
  });
});

describe("dependency order", () => {
  it("builds dependencies before their dependents and skips disabled servers", () => {
    const config = prod();
    config.servers.filesystem.enabled = false;
    const result = dependencyOrder(config.servers);
    if (!("order" in result)) throw new Error("unexpected cycle");
    expect(result.order.indexOf("neo4j")).toBeLessThan(result.order.indexOf("graphiti"));
    expect(result.order.indexOf("vectordb")).toBeLessThan(result.order.indexOf("rag"));
    expect(result.order).not.toContain("filesystem");
  });
});
