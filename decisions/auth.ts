/** The Cognito resource server's identifier: scopes read as mcp/read and mcp/write. */
export const RESOURCE_SERVER = "mcp";
export const SCOPES = [
  { scopeName: "read", scopeDescription: "call read-only MCP tools" },
  { scopeName: "write", scopeDescription: "call MCP tools that change data" },
] as const;
export const READ_SCOPE = `${RESOURCE_SERVER}/read`;
export const WRITE_SCOPE = `${RESOURCE_SERVER}/write`;

export interface AuthSettings<T = string> {
  issuer: T;
  jwksUrl: T;
}

/**
 * What a public server learns about authentication, so it can re-validate tokens and publish its OAuth
 * protected-resource metadata (RFC 9728, as the MCP authorization spec requires) at /.well-known/oauth-protected-resource.
 */
export function authEnvironment<T>(auth: AuthSettings<T>, resourceUrl: T): Record<string, T | string> {
  return {
    MCP_AUTH_ISSUER: auth.issuer,
    MCP_AUTH_JWKS_URL: auth.jwksUrl,
    MCP_AUTH_READ_SCOPE: READ_SCOPE,
    MCP_AUTH_WRITE_SCOPE: WRITE_SCOPE,
    MCP_RESOURCE_URL: resourceUrl,
  };
}

/** The ALB's JWT validation: Cognito's signature, issuer and expiry, and the read scope. */
export function jwtValidation<T>(auth: AuthSettings<T>) {
  return {
    issuer: auth.issuer,
    jwksEndpoint: auth.jwksUrl,
    additionalClaims: [{ format: "space-separated-values", name: "scope", values: [READ_SCOPE] }],
  };
}

/**
 * The OAuth 2.0 protected-resource metadata of one MCP endpoint (RFC 9728 §2): what a client fetches, before it has a
 * token, to learn which authorization server issues tokens for it. The ALB serves it as a fixed response (at most
 * 1024 characters), so every server has it, bridged ones included.
 */
export function protectedResourceMetadata(resourceUrl: string, issuer: string): string {
  const body = JSON.stringify({
    resource: resourceUrl,
    authorization_servers: [issuer],
    scopes_supported: [READ_SCOPE, WRITE_SCOPE],
    bearer_methods_supported: ["header"],
  });
  if (body.length > 1024) throw new Error(`protected-resource metadata of ${resourceUrl} is ${body.length} characters; an ALB fixed response holds 1024`);
  return body;
}
