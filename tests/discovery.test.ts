import { shippedPlan } from "./support/shippedPlans";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { discoverOAuthProtectedResourceMetadata } from "@modelcontextprotocol/sdk/client/auth.js";
import { runOffline, type Plan, type PlannedResource } from "../engine/offline";
import { albRuleFor } from "./support/awsSemantics";
import { named, ofType } from "./support/plan";
import { configMapOf, rawConfigOf } from "./support/stackConfig";
import { TYPE } from "../decisions/resourceTypes";

/**
 * OAuth discovery as a real MCP client does it: the MCP SDK's own discovery functions against a loopback server that
 * answers as the planned HTTPS listener would (its rules evaluated with the ALB's matching semantics).
 */
const PUBLIC = ["filesystem", "gmail", "graphiti", "rag", "resend"];

function listenerRules(plan: Plan): PlannedResource[] {
  return ofType(plan, TYPE.listenerRule).filter((r) => r.inputs.listenerArn.includes("platform-https"));
}

/** The listener on loopback: the first matching rule's action, or the listener's 404. The virtual host comes in a header. */
function fakeListener(rules: PlannedResource[]): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url!, "http://loopback");
    const rule = albRuleFor(rules, { host: String(req.headers["x-alb-host"]), path: url.pathname });
    const action = rule?.inputs.actions.sort((a: any, b: any) => (a.order ?? 0) - (b.order ?? 0))[0];
    if (!action) return void res.writeHead(404, { "content-type": "application/json" }).end('{"error":"no MCP server at this path"}');
    if (action.type === "fixed-response") {
      const f = action.fixedResponse;
      return void res.writeHead(Number(f.statusCode), { "content-type": f.contentType }).end(f.messageBody);
    }
    if (action.type === "jwt-validation" && !req.headers.authorization) return void res.writeHead(401, { "www-authenticate": "Bearer" }).end();
    res.writeHead(200, { "content-type": "text/plain" }).end(`forwarded by ${rule!.name}`);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** A fetch that sends https://<host>/… to the loopback listener, keeping the host for its rules. */
function viaListener(server: Server): typeof fetch {
  const { port } = server.address() as AddressInfo;
  return (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    return fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, { ...init, headers: { ...(init?.headers as Record<string, string>), "x-alb-host": url.host } });
  };
}

async function withListener<T>(plan: Plan, run: (f: typeof fetch) => Promise<T>, rules = listenerRules(plan)): Promise<T> {
  const server = await fakeListener(rules);
  try {
    return await run(viaListener(server));
  } finally {
    await new Promise((r) => server.close(r));
  }
}

let prod: Plan;
beforeAll(async () => {
  prod = await shippedPlan("prod");
});

describe("OAuth protected-resource discovery through the planned listener rules", () => {
  it("every public server's metadata is found by the MCP SDK where RFC 9728 puts it, without a token", async () => {
    const issuer = prod.outputs.auth.issuer;
    await withListener(prod, async (f) => {
      for (const name of PUBLIC) {
        const url = prod.outputs.servers[name].url;
        const metadata = await discoverOAuthProtectedResourceMetadata(url, undefined, f);
        expect(metadata).toMatchObject({ resource: url, authorization_servers: [issuer], scopes_supported: [`mcp/${name}.read`, `mcp/${name}.write`] });
        // The MCP endpoint itself still demands a token.
        expect((await f(url, { method: "POST" })).status).toBe(401);
      }
    });
  });

  it("the discovery rule comes just before the route's rule and forwards nothing", () => {
    for (const name of PUBLIC) {
      const discovery = named(prod, `${name}-rule-discovery`).inputs;
      expect(discovery.priority).toBe(named(prod, `${name}-rule`).inputs.priority - 1);
      expect(discovery.conditions).toEqual([{ pathPattern: { values: [`/.well-known/oauth-protected-resource/${name}`, `/.well-known/oauth-protected-resource/${name}/*`] } }]);
      expect(discovery.actions).toEqual([{ type: "fixed-response", fixedResponse: { contentType: "application/json", statusCode: "200", messageBody: expect.any(String) } }]);
      expect(discovery.actions[0].fixedResponse.messageBody.length).toBeLessThanOrEqual(1024);
    }
  });

  it("a host-routed server answers on its own host, at the bare and the path-aware well-known path", async () => {
    const raw = rawConfigOf("prod");
    raw.servers.gmail.route = { host: "gmail.mcp.example.com" };
    const plan = await runOffline("prod", configMapOf("prod", raw));
    const url = plan.outputs.servers.gmail.url;
    expect(url).toBe("https://gmail.mcp.example.com/mcp");
    await withListener(plan, async (f) => {
      expect((await discoverOAuthProtectedResourceMetadata(url, undefined, f)).resource).toBe(url);
      expect((await f("https://gmail.mcp.example.com/.well-known/oauth-protected-resource")).status).toBe(200);
      // Other servers' paths on the shared domain are unaffected.
      expect((await discoverOAuthProtectedResourceMetadata(plan.outputs.servers.rag.url, undefined, f)).resource).toBe(plan.outputs.servers.rag.url);
    });
  });

  it("the rules the stack had (<route>/.well-known/oauth-*) leave a spec-compliant client without metadata", async () => {
    const old = listenerRules(prod).map((r) =>
      r.name.endsWith("-rule-discovery") ? { ...r, inputs: { ...r.inputs, conditions: [{ pathPattern: { values: [`/${r.name.replace("-rule-discovery", "")}/.well-known/oauth-*`] } }] } } : r,
    );
    await withListener(prod, (f) => expect(discoverOAuthProtectedResourceMetadata(prod.outputs.servers.gmail.url, undefined, f)).rejects.toThrow("does not implement OAuth 2.0 Protected Resource Metadata"), old);
  });
});
