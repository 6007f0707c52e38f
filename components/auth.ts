import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RESOURCE_SERVER } from "../decisions/auth";
import type { DeployContext } from "./context";
import { COMPONENT } from "../decisions/resourceTypes";
import { physicalName, stackPrefix } from "../decisions/names";

export interface AuthArgs extends DeployContext {
  domainPrefix?: string;
  /** The resource server's scopes (decisions/auth.ts resourceServerScopes). */
  scopes: { scopeName: string; scopeDescription: string }[];
  /** App clients by name, with the full scopes each may request (decisions/auth.ts clientsOf). */
  clients: Record<string, string[]>;
}

export interface AuthClient {
  clientId: pulumi.Output<string>;
  clientSecret: pulumi.Output<string>;
  scopes: string[];
}

/**
 * OAuth for the public MCP endpoints: a Cognito user pool as the authorization server, a resource server with a read
 * and a write scope per server, a hosted domain for the token endpoint, and one app client per consumer (client
 * credentials) with only the scopes it needs. The ALB validates every request's bearer token against it (jwt-validation).
 */
export class Auth extends pulumi.ComponentResource {
  readonly issuer: pulumi.Output<string>;
  readonly jwksUrl: pulumi.Output<string>;
  readonly tokenUrl: pulumi.Output<string>;
  readonly clients: Record<string, AuthClient> = {};

  constructor(name: string, args: AuthArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.auth, name, {}, opts);
    const parent = { parent: this };
    const pool = new aws.cognito.UserPool(
      `${name}-pool`,
      {
        name: stackPrefix(args.stack),
        // Machines, not people: nobody signs up.
        adminCreateUserConfig: { allowAdminCreateUserOnly: true },
        deletionProtection: args.protection.protectStateful ? "ACTIVE" : "INACTIVE",
        mfaConfiguration: "OFF",
      },
      { parent: this, protect: args.protection.protectStateful, retainOnDelete: args.protection.retainStatefulOnDelete },
    );
    const resourceServer = new aws.cognito.ResourceServer(
      `${name}-resource-server`,
      { userPoolId: pool.id, identifier: RESOURCE_SERVER, name: `mcp-stack ${args.stack} MCP servers`, scopes: args.scopes },
      parent,
    );
    const domain = new aws.cognito.UserPoolDomain(
      `${name}-domain`,
      { userPoolId: pool.id, domain: args.domainPrefix ?? pulumi.interpolate`${stackPrefix(args.stack)}-${args.accountId}` },
      parent,
    );
    for (const [clientName, scopes] of Object.entries(args.clients)) {
      const client = new aws.cognito.UserPoolClient(
        `${name}-client-${clientName}`,
        {
          userPoolId: pool.id,
          name: physicalName(args.stack, clientName),
          generateSecret: true,
          allowedOauthFlowsUserPoolClient: true,
          allowedOauthFlows: ["client_credentials"],
          allowedOauthScopes: scopes,
          supportedIdentityProviders: ["COGNITO"],
          accessTokenValidity: 60,
          tokenValidityUnits: { accessToken: "minutes" },
          preventUserExistenceErrors: "ENABLED",
        },
        { parent: this, dependsOn: [resourceServer] },
      );
      this.clients[clientName] = { clientId: client.id, clientSecret: pulumi.secret(client.clientSecret), scopes };
    }
    this.issuer = pulumi.interpolate`https://cognito-idp.${args.region}.amazonaws.com/${pool.id}`;
    this.jwksUrl = pulumi.interpolate`${this.issuer}/.well-known/jwks.json`;
    this.tokenUrl = pulumi.interpolate`https://${domain.domain}.auth.${args.region}.amazoncognito.com/oauth2/token`;
    this.registerOutputs({ issuer: this.issuer, tokenUrl: this.tokenUrl });
  }
}
