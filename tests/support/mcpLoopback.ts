import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

/**
 * MCP servers and a token endpoint on loopback, built on the official MCP SDK's server: what the probe and
 * `mcp-ops check` meet behind a real ALB, healthy or broken.
 */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export class Loopback {
  private readonly servers: Server[] = [];

  async listen(handler: Handler): Promise<string> {
    const server = createServer((req, res) => void handler(req, res));
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const s of this.servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  }
}

function withTools(): McpServer {
  const server = new McpServer({ name: "loopback", version: "1.0.0" });
  server.tool("send", { to: z.string() }, async () => ({ content: [{ type: "text", text: "sent" }] }));
  server.tool("list", {}, async () => ({ content: [{ type: "text", text: "[]" }] }));
  return server;
}

/** A stateless MCP server with two tools; with `bearer`, a 401 to any request without that token (the ALB's jwt-validation). */
export function mcpServer(bearer?: string): Handler {
  return async (req, res) => {
    if (bearer && req.headers.authorization !== `Bearer ${bearer}`) return void res.writeHead(401, { "www-authenticate": "Bearer" }).end();
    const server = withTools();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => void transport.close());
    await server.connect(transport);
    await transport.handleRequest(req, res);
  };
}

/** A stateful MCP server: it issues an Mcp-Session-Id and records the sessions clients end with DELETE. */
export function statefulMcpServer(): { handler: Handler; ended: string[] } {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const ended: string[] = [];
  const handler: Handler = async (req, res) => {
    const id = req.headers["mcp-session-id"] as string | undefined;
    let transport = id ? sessions.get(id) : undefined;
    if (req.method === "DELETE" && id) ended.push(id);
    if (!transport) {
      transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sid) => void sessions.set(sid, transport!) });
      await withTools().connect(transport);
    }
    await transport.handleRequest(req, res);
  };
  return { handler, ended };
}

/** JSON-RPC spoken, but initialize fails (an upstream key refused, a crashed child behind a bridge). */
export const initializeFails: Handler = (req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const { id } = JSON.parse(body || "{}");
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32603, message: "upstream API key rejected" } }));
  });
};

export interface TokenEndpoint {
  handler: Handler;
  /** The scope parameter of every request that reached it. */
  requests: string[];
}

/** Cognito's /oauth2/token: Basic client authentication, grant_type client_credentials, only the `granted` scopes. */
export function tokenEndpoint(client: { clientId: string; clientSecret: string }, granted: string[], token: string): TokenEndpoint {
  const requests: string[] = [];
  const handler: Handler = (req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const form = new URLSearchParams(body);
      const basic = `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64")}`;
      if (req.headers.authorization !== basic) return void res.writeHead(400, { "content-type": "application/json" }).end('{"error":"invalid_client"}');
      requests.push(form.get("scope") ?? "");
      const asked = (form.get("scope") ?? "").split(" ");
      if (form.get("grant_type") !== "client_credentials" || asked.some((scope) => !granted.includes(scope))) return void res.writeHead(400).end('{"error":"invalid_scope"}');
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access_token: token, token_type: "Bearer", expires_in: 3600 }));
    });
  };
  return { handler, requests };
}
