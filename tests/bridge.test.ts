import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { parseStackConfig } from "../config/load";
import { containerCommand } from "../decisions/tasks";
import { rawConfigOf } from "./support/stackConfig";

/**
 * The stdio bridge for real, on loopback: exactly the command prod's filesystem task would run (supergateway around
 * @modelcontextprotocol/server-filesystem), with the data directory and port swapped for a temp dir and a free port,
 * driven by the official MCP SDK client over Streamable HTTP.
 */
const root = path.resolve(__dirname, "..");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once("error", reject);
  });
}

async function waitForHealth(url: string, bridge: ChildProcess, timeoutMs = 20000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (bridge.exitCode !== null) throw new Error(`the bridge exited with ${bridge.exitCode}`);
    const status = await fetch(url).then((r) => r.status, () => 0);
    if (status) return status;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no answer on ${url} within ${timeoutMs} ms`);
}

describe("the stdio bridge on loopback", () => {
  let bridge: ChildProcess;
  let base: string;
  let dataDir: string;
  let command: string[];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "mcp-data-"));
    writeFileSync(path.join(dataDir, "hello.txt"), "hello from the volume\n");
    const port = await freePort();
    const raw = rawConfigOf("prod");
    raw.servers.filesystem.command = ["mcp-server-filesystem", dataDir];
    raw.servers.filesystem.port = port;
    const server = parseStackConfig(raw).servers.filesystem;
    command = containerCommand(server)!;
    base = `http://127.0.0.1:${port}`;
    // Its own process group, so the bridge and the server it spawned stop together.
    bridge = spawn(command[0], command.slice(1), {
      cwd: dataDir,
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, PATH: `${path.join(root, "node_modules/.bin")}${path.delimiter}${process.env.PATH}` },
    });
  });

  afterAll(async () => {
    if (bridge.exitCode === null && bridge.signalCode === null) {
      const exited = new Promise((r) => bridge.once("exit", r));
      process.kill(-bridge.pid!, "SIGTERM");
      await exited;
    }
  });

  it("runs the generated command: supergateway serving the stdio server as stateless Streamable HTTP", () => {
    expect(command.slice(0, 3)).toEqual(["supergateway", "--stdio", `mcp-server-filesystem ${dataDir}`]);
    expect(command).toEqual(expect.arrayContaining(["--outputTransport", "streamableHttp", "--healthEndpoint", "/health"]));
    expect(command).not.toContain("--stateful");
  });

  it("answers the ALB's health check with 200", async () => {
    expect(await waitForHealth(`${base}/health`, bridge)).toBe(200);
  });

  it("speaks MCP to the official SDK client: initialize, tools/list and a tool call", async () => {
    await waitForHealth(`${base}/health`, bridge);
    const client = new Client({ name: "mcp-stack-bridge-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
    try {
      expect(client.getServerVersion()?.name).toBe("secure-filesystem-server");
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["list_directory", "read_text_file"]));
      const result = await client.callTool({ name: "read_text_file", arguments: { path: path.join(dataDir, "hello.txt") } });
      expect(result.isError).toBeFalsy();
      expect(JSON.stringify(result.content)).toContain("hello from the volume");
    } finally {
      await client.close();
    }
  });

  it("stops cleanly on SIGTERM, leaving nothing running", async () => {
    const exited = new Promise<number | null>((r) => bridge.once("exit", (code) => r(code)));
    process.kill(-bridge.pid!, "SIGTERM");
    await exited;
    expect(() => process.kill(-bridge.pid!, 0)).toThrow();
  });
});
