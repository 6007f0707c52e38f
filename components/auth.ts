import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { READ_SCOPE, RESOURCE_SERVER, SCOPES, WRITE_SCOPE } from "../decisions/auth";
import type { Protection } from "../decisions/protection";

export interface AuthArgs {
  stack: string;
  region: string;
  accountId: pulumi.Input<string>;
  domainPrefix?: string;
  protection: Protection;
}

/**
 * OAuth for the public MCP endpoints: a Cognito user pool as the authorization server, a resource server with the
 * mcp/read and mcp/write scopes, a hosted domain for the token endpoint, and an app client for machine-to-machine
 * clients (client credentials). The ALB validates every request's bearer token against it (jwt-validation).
 */
export class Auth extends pulumi.ComponentResource {
  readonly issuer: pulumi.Output<string>;
  readonly jwksUrl: pulumi.Output<string>;
  readonly tokenUrl: pulumi.Output<string>;
  readonly clientId: pulumi.Output<string>;
  readonly clientSecret: pulumi.Output<string>;

  constructor(name: string, args: AuthArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-stack:index:Auth", name, {}, opts);
    const parent = { parent: this };
    const pool = new aws.cognito.UserPool(
      `${name}-pool`,
      {
        name: `mcp-${args.stack}`,
        // Machines, not people: nobody signs up.
        adminCreateUserConfig: { allowAdminCreateUserOnly: true },
        deletionProtection: args.protection.protectStateful ? "ACTIVE" : "INACTIVE",
        mfaConfiguration: "OFF",
      },
      { parent: this, protect: args.protection.protectStateful, retainOnDelete: args.protection.retainStatefulOnDelete },
    );
    const resourceServer = new aws.cognito.ResourceServer(
      `${name}-resource-server`,
      { userPoolId: pool.id, identifier: RESOURCE_SERVER, name: `mcp-stack ${args.stack} MCP servers`, scopes: SCOPES.map((s) => ({ ...s })) },
      parent,
    );
    const domain = new aws.cognito.UserPoolDomain(
      `${name}-domain`,
      { userPoolId: pool.id, domain: args.domainPrefix ?? pulumi.interpolate`mcp-${args.stack}-${args.accountId}` },
      parent,
    );
    const client = new aws.cognito.UserPoolClient(
      `${name}-m2m-client`,
      {
        userPoolId: pool.id,
        name: `mcp-${args.stack}-m2m`,
        generateSecret: true,
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ["client_credentials"],
        allowedOauthScopes: [READ_SCOPE, WRITE_SCOPE],
        supportedIdentityProviders: ["COGNITO"],
        accessTokenValidity: 60,
        tokenValidityUnits: { accessToken: "minutes" },
        preventUserExistenceErrors: "ENABLED",
      },
      { parent: this, dependsOn: [resourceServer] },
    );
    this.issuer = pulumi.interpolate`https://cognito-idp.${args.region}.amazonaws.com/${pool.id}`;
    this.jwksUrl = pulumi.interpolate`${this.issuer}/.well-known/jwks.json`;
    this.tokenUrl = pulumi.interpolate`https://${domain.domain}.auth.${args.region}.amazoncognito.com/oauth2/token`;
    this.clientId = client.id;
    this.clientSecret = pulumi.secret(client.clientSecret);
    this.registerOutputs({ issuer: this.issuer, tokenUrl: this.tokenUrl, clientId: this.clientId });
  }
}
