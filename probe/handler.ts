import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PROBE_LATENCY, PROBE_NAMESPACE, PROBE_SERVER, PROBE_STACK, PROBE_SUCCESS } from "./metricNames";

/**
 * The active MCP probe: what a client does — get a token (client credentials), initialize, list the tools, close —
 * against a server's public URL, through WAF and token validation. It reports success and latency as CloudWatch metrics
 * in the Embedded Metric Format (a log line; no PutMetricData calls, no CloudWatch permission).
 */
export interface ProbeTarget {
  stack: string;
  server: string;
  url: string;
  /** With ingress.auth: cognito: the scope to ask for (the route's own). */
  scope?: string;
}

export interface ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  tools?: number;
  protocolVersion?: string;
  /** stateless: no Mcp-Session-Id; ended: the session was closed with DELETE (servers may answer 405, also fine). */
  session?: "stateless" | "ended";
  /** Whether the request carried a bearer token. */
  auth?: "token" | "none";
  error?: string;
}


/**
 * Access tokens by client and scopes, kept until five minutes before they expire: Cognito bills every client-credentials
 * token request, and one warm function reuses one token for an hour instead of asking each minute.
 */
const tokens = new Map<string, Promise<{ value: string; until: number }>>();
const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

async function requestToken(credentials: ClientCredentials, scope: string, signal: AbortSignal): Promise<{ value: string; until: number }> {
  const response = await fetch(credentials.tokenUrl, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString("base64")}`,
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope }).toString(),
    signal,
  });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  const body = (await response.json()) as { access_token?: string; expires_in?: number };
  if (!body.access_token) throw new Error("token endpoint returned no access_token");
  return { value: body.access_token, until: Date.now() + (body.expires_in ?? 3600) * 1000 - EXPIRY_MARGIN_MS };
}

/** The kept token, or one request shared by every probe of the run that needs it at once. */
async function token(credentials: ClientCredentials, scopes: string[], signal: AbortSignal): Promise<string> {
  const scope = [...new Set(scopes)].sort().join(" ");
  // The secret is part of the key: a rotated client secret gets a token of its own.
  const key = `${credentials.tokenUrl} ${credentials.clientId} ${credentials.clientSecret} ${scope}`;
  const held = tokens.get(key);
  if (held) {
    const kept = await held.catch(() => undefined);
    if (kept && kept.until > Date.now()) return kept.value;
    if (tokens.get(key) === held) tokens.delete(key);
  }
  const entry = tokens.get(key) ?? requestToken(credentials, scope, signal);
  tokens.set(key, entry);
  entry.catch(() => tokens.get(key) === entry && tokens.delete(key));
  return (await entry).value;
}

/** Forgets kept tokens (a token the ALB refused, a test starting over). */
export const forgetTokens = () => tokens.clear();

const refusedToken = (error: unknown) => [401, 403].includes((error as { code?: unknown })?.code as number);

/**
 * One probe: never throws, always within `timeoutMs`. `scopes` are what the token asks for (with cognito: every route
 * the run probes, so one token serves them all); the route's own scope must be among them.
 */
export async function probe(target: ProbeTarget, credentials: ClientCredentials | undefined, timeoutMs: number, scopes: string[] = target.scope ? [target.scope] : []): Promise<ProbeResult> {
  const started = Date.now();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const client = new Client({ name: `mcp-stack-probe-${target.stack}`, version: "1.0.0" });
  try {
    const timedOut = new Promise<never>((_, reject) => abort.signal.addEventListener("abort", () => reject(abort.signal.reason)));
    const headers: Record<string, string> = {};
    if (target.scope) {
      if (!credentials) throw new Error("the route needs a token and the probe has no client credentials");
      headers.authorization = `Bearer ${await Promise.race([token(credentials, scopes, abort.signal), timedOut])}`;
    }
    const transport = new StreamableHTTPClientTransport(new URL(target.url), { requestInit: { headers, signal: abort.signal } });
    const listed = (async () => {
      await client.connect(transport);
      const count = (await client.listTools()).tools.length;
      const session = transport.sessionId ? "ended" : "stateless";
      if (transport.sessionId) await transport.terminateSession();
      return { count, session } as const;
    })();
    const { count, session } = await Promise.race([listed, timedOut]);
    return { ok: true, latencyMs: Date.now() - started, tools: count, protocolVersion: transport.protocolVersion, session, auth: target.scope ? "token" : "none" };
  } catch (error) {
    // A token the route refused (401/403 from the ALB's validation) is asked for again next time; any other failure
    // keeps it, or a server that stays down would cost a billed token request every run.
    if (target.scope && refusedToken(error)) forgetTokens();
    return { ok: false, latencyMs: Date.now() - started, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
    await client.close().catch(() => undefined);
  }
}

/** The metrics as one Embedded Metric Format record: success always, latency only for a probe that got through. */
export function metricRecord(target: ProbeTarget, result: ProbeResult, now = Date.now()): Record<string, unknown> {
  const metrics = [{ Name: PROBE_SUCCESS, Unit: "Count" }, ...(result.ok ? [{ Name: PROBE_LATENCY, Unit: "Milliseconds" }] : [])];
  return {
    _aws: { Timestamp: now, CloudWatchMetrics: [{ Namespace: PROBE_NAMESPACE, Dimensions: [[PROBE_STACK, PROBE_SERVER]], Metrics: metrics }] },
    [PROBE_STACK]: target.stack,
    [PROBE_SERVER]: target.server,
    [PROBE_SUCCESS]: result.ok ? 1 : 0,
    ...(result.ok ? { [PROBE_LATENCY]: result.latencyMs } : {}),
    ...(result.error ? { error: result.error } : { tools: result.tools, protocolVersion: result.protocolVersion }),
  };
}

/** Reads the probe's client credentials (a JSON secret) once per container. */
let cached: Promise<ClientCredentials> | undefined;

/** The probe client's credentials: the JSON secret the stack writes (the function and `mcp-ops check` read it alike). */
export async function credentialsFromSecret(secretId: string, client?: SecretsManagerClient): Promise<ClientCredentials> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import("@aws-sdk/client-secrets-manager");
  const value = await (client ?? new SecretsManagerClient({})).send(new GetSecretValueCommand({ SecretId: secretId }));
  return JSON.parse(value.SecretString ?? "{}") as ClientCredentials;
}

/** What the schedule passes: every server of the stack to probe, in one run. */
export interface ProbeEvent {
  stack: string;
  targets: { server: string; url: string; scope?: string }[];
}

/**
 * The Lambda entry point: probes every target at once (one warm function, one token for all routes) and logs one
 * metric record per server.
 */
export async function handler(event: ProbeEvent): Promise<ProbeResult[]> {
  const secretId = process.env.PROBE_CREDENTIALS_SECRET;
  const scopes = event.targets.flatMap((t) => (t.scope ? [t.scope] : []));
  let credentials: ClientCredentials | undefined;
  let unreadable: string | undefined;
  if (scopes.length && secretId) {
    try {
      credentials = await (cached ??= credentialsFromSecret(secretId));
    } catch (error) {
      cached = undefined;
      unreadable = `could not read the probe's client credentials: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  const timeoutMs = Number(process.env.PROBE_TIMEOUT_MS ?? 10000);
  return Promise.all(
    event.targets.map(async (t) => {
      const target = { ...t, stack: event.stack };
      const result: ProbeResult = unreadable && t.scope ? { ok: false, latencyMs: 0, error: unreadable } : await probe(target, credentials, timeoutMs, scopes);
      console.log(JSON.stringify(metricRecord(target, result)));
      return result;
    }),
  );
}
