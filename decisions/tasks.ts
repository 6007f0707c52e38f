import type { ServerConfig, StackConfig } from "../config/schema";
import { exposedTransport } from "./traffic";

/** A server's log group: where its tasks write and where `mcp-ops logs` reads. */
export const serverLogGroupName = (stack: string, server: string) => `/mcp-stack/${stack}/${server}`;

export interface TaskSize {
  cpu: string;
  memory: string;
  vcpu: number;
  memoryGb: number;
}

export function taskSize(server: ServerConfig): TaskSize {
  return { cpu: String(server.cpu), memory: String(server.memory), vcpu: server.cpu / 1024, memoryGb: server.memory / 1024 };
}

/** The bridge's binary inside the stdio bridge image (bridge/Dockerfile). */
export const BRIDGE_BINARY = "supergateway";

const BRIDGE_OUTPUT = { "streamable-http": "streamableHttp", "streamable-http-stateful": "streamableHttp", sse: "sse" } as const;

/**
 * Container command. A stdio server runs behind supergateway, which speaks the server's stdio
 * and serves MCP over HTTP on the server's port, with a plain health endpoint for the ALB.
 */
export function containerCommand(server: ServerConfig): string[] | undefined {
  if (server.transport !== "stdio") return server.command;
  const output = exposedTransport(server);
  const args = [BRIDGE_BINARY, "--stdio", shellJoin(server.command), "--outputTransport", BRIDGE_OUTPUT[output], "--port", String(server.port)];
  if (output === "sse") args.push("--ssePath", server.mcpPath);
  else args.push("--streamableHttpPath", server.mcpPath);
  if (output === "streamable-http-stateful") args.push("--stateful");
  // supergateway logs every JSON-RPC message in full at info (e-mails, file contents): only errors of its own here.
  args.push("--healthEndpoint", server.healthCheck.path, "--logLevel", "none");
  return args;
}

/** supergateway runs `--stdio` through a shell: quote each word that needs it. */
export function shellJoin(words: string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_./@:=+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" ");
}

/** V8's heap limit for Node processes: 75 % of the task's memory leaves room for buffers and the bridge. */
export function nodeHeapMb(server: ServerConfig): number {
  return Math.floor(server.memory * 0.75);
}

/** Plain environment, sorted for stable diffs; stdio bridges (Node) get a heap limit sized to the task. */
export function containerEnvironment(server: ServerConfig): { name: string; value: string }[] {
  const env: Record<string, string> = { ...server.environment };
  if (server.transport === "stdio" && env.NODE_OPTIONS === undefined) env.NODE_OPTIONS = `--max-old-space-size=${nodeHeapMb(server)}`;
  return Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name] }));
}

export interface ContainerHealthCheck {
  command: string[];
  interval: number;
  timeout: number;
  retries: number;
  startPeriod: number;
}

/**
 * The container's own health check: the configured command, else an HTTP probe of the health path
 * with whichever client the image has (curl, wget, python3 or node). `retries` is the team's
 * consecutive-failures threshold.
 */
export function containerHealthCheck(server: ServerConfig, thresholds: StackConfig["alerts"]["thresholds"]): ContainerHealthCheck {
  const url = `http://127.0.0.1:${server.port}${server.healthCheck.path}`;
  const probe = [
    `curl -fsS -o /dev/null ${url}`,
    `wget -q -O /dev/null ${url}`,
    `python3 -c "import urllib.request; urllib.request.urlopen('${url}', timeout=4)"`,
    `node -e "fetch('${url}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`,
  ].join(" || ");
  return {
    command: server.healthCheck.command ?? ["CMD-SHELL", `${probe} || exit 1`],
    interval: server.healthCheck.intervalSeconds,
    timeout: Math.min(60, server.healthCheck.timeoutSeconds), // ECS allows 2–60 s
    retries: thresholds.consecutiveFailures,
    startPeriod: Math.min(300, server.healthCheck.gracePeriodSeconds),
  };
}

/** Variable names that look like secrets: config refuses them as plain environment, the pack flags them in a task. */
export const SECRET_LOOKING_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|OAUTH_KEYS?)$/i;
