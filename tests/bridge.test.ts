import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { parseStackConfig } from "../config/load";
import { ConfigError } from "../config/errors";
import { bridgeLockDir, SUPERGATEWAY_VERSION } from "../decisions/bridge";
import { containerCommand } from "../decisions/tasks";
import { checkRows, checkTargets, runChecks } from "../ops/check";
import { metricRecord, probe } from "../probe/handler";
import { freePort } from "./support/net";
import { rawConfigOf } from "./support/stackConfig";

/**
 * The stdio bridge for real, on loopback: exactly the command prod's bridged tasks would run (supergateway around
 * @modelcontextprotocol/server-filesystem and around resend-mcp), with the data directory, port and secret swapped for
 * loopback stand-ins, driven by the official MCP SDK client over Streamable HTTP.
 */
const root = path.resolve(__dirname, "..");

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

interface Bridged {
  server: "filesystem" | "resend";
  /** Loopback stand-ins for what the task has: the volume's path, the secret from Secrets Manager. */
  prepare: (raw: Record<string, any>, dataDir: string) => void;
  env?: Record<string, string>;
  serverName: string;
  tools: string[];
  call?: { name: string; arguments: (dataDir: string) => Record<string, unknown>; returns: string };
}

const BRIDGED: Bridged[] = [
  {
    server: "filesystem",
    prepare: (raw, dataDir) => (raw.servers.filesystem.command = ["mcp-server-filesystem", dataDir]),
    serverName: "secure-filesystem-server",
    tools: ["list_directory", "read_text_file"],
    call: { name: "read_text_file", arguments: (dataDir) => ({ path: path.join(dataDir, "hello.txt") }), returns: "hello from the volume" },
  },
  {
    // Resend's own MCP server (npm resend-mcp), stdio by default; a dummy key is enough to initialize and list tools.
    server: "resend",
    prepare: () => {},
    env: { RESEND_API_KEY: "re_dummy_key_for_loopback_tests" },
    serverName: "resend",
    tools: ["send-email", "list-emails"],
  },
];

describe.each(BRIDGED)("the stdio bridge around $server on loopback", ({ server: name, prepare, env, serverName, tools, call }) => {
  let bridge: ChildProcess;
  let base: string;
  let dataDir: string;
  let command: string[];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "mcp-data-"));
    writeFileSync(path.join(dataDir, "hello.txt"), "hello from the volume\n");
    const port = await freePort();
    const raw = rawConfigOf("prod");
    prepare(raw, dataDir);
    raw.servers[name].port = port;
    const server = parseStackConfig(raw).servers[name];
    command = containerCommand(server)!;
    base = `http://127.0.0.1:${port}`;
    // Its own process group, so the bridge and the server it spawned stop together.
    bridge = spawn(command[0], command.slice(1), {
      cwd: dataDir,
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, ...env, PATH: `${path.join(root, "node_modules/.bin")}${path.delimiter}${process.env.PATH}` },
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
    expect(command.slice(0, 2)).toEqual(["supergateway", "--stdio"]);
    expect(command).toEqual(expect.arrayContaining(["--outputTransport", "streamableHttp", "--healthEndpoint", "/health"]));
    expect(command).not.toContain("--stateful");
  });

  it("answers the ALB's health check with 200", async () => {
    expect(await waitForHealth(`${base}/health`, bridge)).toBe(200);
  });

  it("speaks MCP to the official SDK client: initialize and tools/list (and a tool call where one needs no upstream)", async () => {
    await waitForHealth(`${base}/health`, bridge);
    const client = new Client({ name: "mcp-stack-bridge-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)));
    try {
      expect(client.getServerVersion()?.name).toBe(serverName);
      const listed = await client.listTools();
      expect(listed.tools.map((t) => t.name)).toEqual(expect.arrayContaining(tools));
      if (call) {
        const result = await client.callTool({ name: call.name, arguments: call.arguments(dataDir) });
        expect(result.isError).toBeFalsy();
        expect(JSON.stringify(result.content)).toContain(call.returns);
      }
    } finally {
      await client.close();
    }
  });

  it("passes the stack's MCP probe (the Lambda function's code): initialized, tools counted, as the probe alarm reads it", async () => {
    await waitForHealth(`${base}/health`, bridge);
    const result = await probe({ stack: "prod", server: name, url: `${base}/mcp` }, undefined, 10000);
    expect(result).toMatchObject({ ok: true });
    expect(result.tools).toBeGreaterThanOrEqual(tools.length);
    expect(metricRecord({ stack: "prod", server: name, url: `${base}/mcp` }, result).ProbeSuccess).toBe(1);
  });

  it("passes mcp-ops check as dev's route (no token) would serve it", async () => {
    await waitForHealth(`${base}/health`, bridge);
    const outputs = path.join(dataDir, "outputs.json");
    writeFileSync(outputs, JSON.stringify({ clusterName: "c", servers: { [name]: { serviceName: `${name}-service`, url: `${base}/mcp` } } }));
    // The command's own steps (the CLI around them is tested in ops.test.ts): targets from outputs and stack file, checks, rows.
    const targets = checkTargets("dev", outputs, parseStackConfig(rawConfigOf("dev")), [name]);
    const rows = checkRows(await runChecks("dev", targets, undefined, 10000));
    expect(rows).toEqual([[name, "ok", "none", expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), expect.stringMatching(/^\d+$/), "stateless", expect.stringMatching(/ ms$/), ""]]);
    expect(Number(rows[0][4])).toBeGreaterThanOrEqual(tools.length);
  });

  it("stops cleanly on SIGTERM, leaving nothing running", async () => {
    const exited = new Promise<number | null>((r) => bridge.once("exit", (code) => r(code)));
    process.kill(-bridge.pid!, "SIGTERM");
    await exited;
    expect(() => process.kill(-bridge.pid!, 0)).toThrow();
  });
});

describe("bridged packages in the shipped stack files", () => {
  it.each(["dev", "prod"])("%s: every MCP_PACKAGE is pinned to an exact version that the lockfile resolves from the registry", (stack) => {
    const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8"));
    const servers = parseStackConfig(rawConfigOf(stack)).servers;
    const packages = Object.values(servers).flatMap((s) => (s.build?.args.MCP_PACKAGE ? [s.build.args.MCP_PACKAGE] : []));
    expect(packages.sort()).toEqual(["@modelcontextprotocol/server-filesystem@2026.8.31", "resend-mcp@2.22.0"]);
    for (const spec of packages) {
      const [, name, version] = /^(@?[^@]+)@(\d+\.\d+\.\d+)$/.exec(spec)!;
      expect(lock.packages[`node_modules/${name}`]?.version).toBe(version);
    }
  });
});

describe("the bridge image's supply chain", () => {
  const locks = path.join(root, "bridge", "locks");
  it.each(["resend-mcp@2.22.0", "@modelcontextprotocol/server-filesystem@2026.8.31"])("%s installs from a committed lockfile: exact versions, integrity hashes, no install scripts", (spec) => {
    const dir = path.join(locks, bridgeLockDir(spec));
    const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
    const [, name, version] = /^(@?[^@]+)@(.+)$/.exec(spec)!;
    expect(manifest.dependencies).toEqual({ [name]: version, supergateway: SUPERGATEWAY_VERSION });
    const lock = JSON.parse(readFileSync(path.join(dir, "package-lock.json"), "utf8"));
    const installed = Object.entries(lock.packages as Record<string, any>).filter(([key]) => key !== "");
    expect(installed.length).toBeGreaterThan(50);
    for (const [key, entry] of installed) {
      expect([key, typeof entry.integrity === "string" && entry.integrity.startsWith("sha512-")]).toEqual([key, true]);
      expect([key, entry.hasInstallScript ?? false]).toEqual([key, false]);
    }
  });

  it("the Dockerfile pins the base image's Node and Alpine versions and installs with npm ci --ignore-scripts from the lockfile", () => {
    const dockerfile = readFileSync(path.join(root, "bridge", "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:\d+\.\d+\.\d+-alpine\d+\.\d+$/m);
    expect(dockerfile).toContain("npm ci --omit=dev --ignore-scripts");
    expect(dockerfile).not.toMatch(/npm install/);
    expect(readFileSync(path.join(root, "bridge", ".dockerignore"), "utf8").split("\n")).toContain("!locks/");
  });

  it.each([
    ["resend-mcp", "is not pinned"],
    ["resend-mcp@^2.22.0", "is not pinned"],
    ["resend-mcp@latest", "is not pinned"],
    ["git+https://github.com/resend/mcp-send-email.git#main", "is not pinned"],
    ["resend-mcp@2.21.0", "has no lockfile in bridge/locks/resend-mcp@2.21.0: run npm run bridge:lock -- resend-mcp@2.21.0"],
  ])("MCP_PACKAGE %s is refused", (spec, message) => {
    const raw = rawConfigOf("prod");
    raw.servers.resend.build.args.MCP_PACKAGE = spec;
    const problems = (() => {
      try {
        parseStackConfig(raw);
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    })();
    expect(problems).toEqual([expect.stringContaining(`servers.resend.build.args.MCP_PACKAGE: `)]);
    expect(problems[0]).toContain(message);
  });
});
