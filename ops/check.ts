import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { StackConfig } from "../config/schema";
import { probeScopeOf, probeSecretName } from "../decisions/probe";
import { credentialsFromSecret, probe, type ClientCredentials, type ProbeResult } from "../probe/handler";
import { OpsError } from "./errors";
import { withRetry, type RetryOptions } from "./retry";
import { readOutputs } from "./targets";

/** A server to check like a client: its public URL (stack outputs) and the scope its route requires (stack file). */
export interface CheckTarget {
  server: string;
  url: string;
  scope?: string;
}

export interface CheckResult extends ProbeResult {
  server: string;
  url: string;
  scope?: string;
}

/** The servers to check: the named ones (all public ones when none are named), with URL and scope. */
export function checkTargets(stack: string, outputsFile: string, config: StackConfig, names: string[]): CheckTarget[] {
  const servers: Record<string, { url?: string }> = readOutputs(stack, outputsFile).servers ?? {};
  const chosen = names.length ? names : Object.keys(servers).filter((name) => servers[name].url).sort();
  return chosen.map((name) => {
    if (!servers[name]) throw new OpsError(`unknown server ${name} in stack ${stack}; servers: ${Object.keys(servers).sort().join(", ")}`);
    const url = servers[name].url;
    if (!url) throw new OpsError(`${name} is internal: it has no public URL to check (its health is in mcp-ops status)`);
    const scope = config.servers[name] && probeScopeOf(config, name, config.servers[name]);
    return { server: name, url, ...(scope ? { scope } : {}) };
  });
}

/** The probe's client credentials, from the secret the stack writes. */
export async function probeCredentials(secrets: SecretsManagerClient, stack: string, retry?: Partial<RetryOptions>): Promise<ClientCredentials> {
  return withRetry(() => credentialsFromSecret(probeSecretName(stack), secrets), retry);
}

/** Checks every target at once, with one token for all their scopes, each within `timeoutMs`. */
export async function runChecks(stack: string, targets: CheckTarget[], credentials: ClientCredentials | undefined, timeoutMs: number): Promise<CheckResult[]> {
  const scopes = targets.flatMap((t) => (t.scope ? [t.scope] : []));
  return Promise.all(targets.map(async (t) => ({ ...t, ...(await probe({ stack, ...t }, credentials, timeoutMs, scopes)) })));
}

export const CHECK_HEADER = ["server", "result", "auth", "protocol", "tools", "session", "latency", "error"];

export function checkRows(results: CheckResult[]): string[][] {
  return results.map((r) => [
    r.server,
    r.ok ? "ok" : "FAILED",
    r.scope ? `token (${r.scope})` : "none",
    r.protocolVersion ?? "-",
    r.tools === undefined ? "-" : String(r.tools),
    r.session ?? "-",
    `${r.latencyMs} ms`,
    r.error ?? "",
  ]);
}
