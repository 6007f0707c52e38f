import type { ServerConfig, StackConfig } from "../config/schema";
import { routedServers } from "./routed";

/**
 * Scopes per server: `mcp/<server>.read` and `mcp/<server>.write` on one Cognito resource server (`mcp`). The ALB lets a
 * request through to a server only with that server's required scope, so a token is bound to the servers it names:
 * Cognito's client-credentials access tokens carry no audience (`aud`) claim, and the ALB validates the signature,
 * `iss`, `exp` and the claims a rule lists (ELB user guide, "Verify JWTs"), so the scope is what binds them.
 */
export const RESOURCE_SERVER = "mcp";
export type ScopeLevel = "read" | "write";
/** Cognito allows 100 custom scopes per resource server (Amazon Cognito quotas). */
export const MAX_SCOPES_PER_RESOURCE_SERVER = 100;

export const scopeName = (server: string, level: ScopeLevel) => `${server}.${level}`;
export const fullScope = (server: string, level: ScopeLevel) => `${RESOURCE_SERVER}/${scopeName(server, level)}`;

/** The scope a server's route requires at the ALB: its read scope, or its write scope for servers that change things. */
export const requiredScopeOf = (name: string, server: ServerConfig) => fullScope(name, server.requiredScope);

/** The public servers (routed through the ALB), by name. */
const routedNames = (config: StackConfig) => routedServers(config.servers).map(([name]) => name);

/** Two scopes per routed server. */
export function resourceServerScopes(config: StackConfig): { scopeName: string; scopeDescription: string }[] {
  return routedNames(config).flatMap((name) => [
    { scopeName: scopeName(name, "read"), scopeDescription: `call ${name}'s MCP endpoint` },
    { scopeName: scopeName(name, "write"), scopeDescription: `call ${name}'s tools that change data` },
  ]);
}

/**
 * The app clients (client credentials) and the full scopes each may request. A write scope brings the server's read
 * scope along (every route checks one scope, and a writer must reach the route). Without `ingress.clients` there is one
 * read-only client, `default`: writes need a client that asks for them.
 */
export function clientsOf(config: StackConfig): Record<string, string[]> {
  const configured = config.ingress.clients ?? { default: { scopes: routedNames(config).map((name) => scopeName(name, "read")) } };
  return Object.fromEntries(
    Object.entries(configured)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([client, { scopes }]) => {
        const expanded = scopes.flatMap((s) => (s.endsWith(".write") ? [s.replace(/\.write$/, ".read"), s] : [s]));
        return [client, [...new Set(expanded)].sort().map((s) => `${RESOURCE_SERVER}/${s}`)];
      }),
  );
}

export interface AuthSettings<T = string> {
  issuer: T;
  jwksUrl: T;
}

/**
 * What a public server that speaks HTTP itself learns about authentication, to re-validate tokens and to require its
 * write scope for tools that change data. Bridged (stdio) servers get none of it: nothing in them would read it.
 */
export function authEnvironment<T>(auth: AuthSettings<T>, name: string, server: ServerConfig, resourceUrl: T): Record<string, T | string> {
  return {
    MCP_AUTH_ISSUER: auth.issuer,
    MCP_AUTH_JWKS_URL: auth.jwksUrl,
    MCP_AUTH_REQUIRED_SCOPE: requiredScopeOf(name, server),
    MCP_AUTH_WRITE_SCOPE: fullScope(name, "write"),
    MCP_RESOURCE_URL: resourceUrl,
  };
}

/** The ALB's JWT validation: Cognito's signature, issuer and expiry, and the route's one required scope. */
export function jwtValidation<T>(auth: AuthSettings<T>, requiredScope: string) {
  return {
    issuer: auth.issuer,
    jwksEndpoint: auth.jwksUrl,
    additionalClaims: [{ format: "space-separated-values", name: "scope", values: [requiredScope] }],
  };
}

/**
 * The OAuth 2.0 protected-resource metadata of one MCP endpoint (RFC 9728 §2): what a client fetches, before it has a
 * token, to learn which authorization server issues tokens for it and which scopes it knows. The ALB serves it as a
 * fixed response (at most 1024 characters), so every server has it, bridged ones included.
 */
export function protectedResourceMetadata(resourceUrl: string, issuer: string, name: string): string {
  const body = JSON.stringify({
    resource: resourceUrl,
    authorization_servers: [issuer],
    scopes_supported: [fullScope(name, "read"), fullScope(name, "write")],
    bearer_methods_supported: ["header"],
  });
  if (body.length > 1024) throw new Error(`protected-resource metadata of ${resourceUrl} is ${body.length} characters; an ALB fixed response holds 1024`);
  return body;
}
