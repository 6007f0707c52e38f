import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { buildSync } from "esbuild";
import { PROJECT_DIR } from "../project";
import { probeSecretName } from "../decisions/probe";
import type { DeployContext } from "./context";
import { COMPONENT } from "../decisions/resourceTypes";
import { physicalName } from "../decisions/names";

/** Where the bundled function is written, relative to the project directory (where `pulumi up` runs). */
export const PROBE_BUILD_DIR = "probe/.build";

let bundled: string | undefined;
/**
 * The probe's code bundled by esbuild into one file (the MCP SDK and the AWS SDK client inside: the function runs exactly
 * the versions of package-lock.json). Built once per process, written atomically (several processes may plan at once).
 */
export function probeBundleDir(): string {
  if (bundled) return bundled;
  const result = buildSync({
    entryPoints: [path.join(PROJECT_DIR, "probe", "handler.ts")],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    legalComments: "none",
    write: false,
  });
  const dir = path.join(PROJECT_DIR, PROBE_BUILD_DIR);
  mkdirSync(dir, { recursive: true });
  const staged = path.join(dir, `index.js.${process.pid}`);
  writeFileSync(staged, result.outputFiles[0].contents);
  renameSync(staged, path.join(dir, "index.js"));
  bundled = PROBE_BUILD_DIR;
  return bundled;
}

export interface ProbeTargetArgs {
  server: string;
  url: pulumi.Input<string>;
  scope?: string;
}

export interface ProbeArgs extends DeployContext {
  everyMinutes: number;
  targets: ProbeTargetArgs[];
  /** With cognito: the probe's own client (read, or the route's write scope) and the token endpoint. */
  credentials?: { tokenUrl: pulumi.Input<string>; clientId: pulumi.Input<string>; clientSecret: pulumi.Input<string> };
  /**
   * Internal or allowlisted ALBs: the function runs in the private subnets. An internal ALB resolves to private addresses,
   * so its security group admits the probe's by reference; an internet-facing one sees the NAT gateways' addresses.
   */
  vpc?: { vpcId: pulumi.Input<string>; subnetIds: pulumi.Input<string[]>; internalAlb?: { securityGroupId: pulumi.Input<string>; port: number } };
  logKeyArn: pulumi.Input<string>;
}

/**
 * The active MCP probe: one Lambda function (arm64, 128 MB), invoked by one EventBridge Scheduler schedule with every
 * public server's URL. Its client credentials sit in a Secrets Manager secret only it may read; its metrics
 * leave as Embedded Metric Format log lines, so it needs no CloudWatch permission.
 */
export class Probe extends pulumi.ComponentResource {
  readonly functionName: pulumi.Output<string>;
  private readonly parentOpts = { parent: this };

  constructor(name: string, args: ProbeArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.probe, name, {}, opts);
    const functionName = physicalName(args.stack, "probe");
    const logs = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/lambda/${functionName}`, retentionInDays: Math.min(args.protection.logRetentionDays, 30), kmsKeyId: args.logKeyArn },
      { parent: this, retainOnDelete: args.protection.retainStatefulOnDelete },
    );
    const secret = this.createCredentials(name, args);
    const role = this.createRole(name, args, logs, secret);
    const network = this.createNetwork(name, args, role);
    const fn = this.createFunction(name, functionName, args.stack, { role, logs, secret, network });
    this.createSchedule(name, functionName, args, fn);
    this.functionName = fn.name;
    this.registerOutputs({ functionName: this.functionName });
  }

  /** The probe's client credentials (ingress.auth: cognito), in a secret only its role may read. */
  private createCredentials(name: string, args: ProbeArgs): aws.secretsmanager.Secret | undefined {
    if (!args.credentials) return undefined;
    const secret = new aws.secretsmanager.Secret(
      `${name}-credentials`,
      { name: probeSecretName(args.stack), description: `The MCP probe's Cognito client of mcp-stack ${args.stack}`, recoveryWindowInDays: args.protection.secretRecoveryWindowDays },
      this.parentOpts,
    );
    new aws.secretsmanager.SecretVersion(`${name}-credentials-value`, { secretId: secret.id, secretString: pulumi.secret(pulumi.jsonStringify(args.credentials)) }, this.parentOpts);
    return secret;
  }

  /** Its role: its own log group and its own credentials, nothing else (no CloudWatch: its metrics are log lines). */
  private createRole(name: string, args: ProbeArgs, logs: aws.cloudwatch.LogGroup, secret?: aws.secretsmanager.Secret): aws.iam.Role {
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `The MCP probe of mcp-stack ${args.stack}: its logs and its client credentials`,
        assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
      },
      this.parentOpts,
    );
    new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "OwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logs.arn}:*` },
            ...(secret ? [{ Sid: "OwnCredentials", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secret.arn }] : []),
          ],
        }),
      },
      this.parentOpts,
    );
    return role;
  }

  /** In the VPC (to reach an internal ALB): outbound-only security group, admitted by the ALB's. */
  private createNetwork(name: string, args: ProbeArgs, role: aws.iam.Role): { vpcConfig?: aws.types.input.lambda.FunctionVpcConfig; ready: pulumi.Resource[] } {
    if (!args.vpc) return { ready: [] };
    const parent = this.parentOpts;
    // CreateFunction with a VPC configuration checks that the role may create network interfaces: attach first.
    const vpcAccess = new aws.iam.RolePolicyAttachment(`${name}-vpc-access`, { role: role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole" }, parent);
    const group = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.vpc.vpcId, description: `mcp-stack ${args.stack} MCP probe: outbound only` }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-egress`, { securityGroupId: group.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "HTTPS to the token endpoint and Secrets Manager" }, parent);
    new aws.vpc.SecurityGroupEgressRule(`${name}-egress-http`, { securityGroupId: group.id, ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrIpv4: "0.0.0.0/0", description: "HTTP to an internal ALB without a domain" }, parent);
    const alb = args.vpc.internalAlb;
    if (alb) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-to-alb`,
        { securityGroupId: alb.securityGroupId, referencedSecurityGroupId: group.id, ipProtocol: "tcp", fromPort: alb.port, toPort: alb.port, description: "the MCP probe" },
        parent,
      );
    }
    return { vpcConfig: { subnetIds: args.vpc.subnetIds, securityGroupIds: [group.id] }, ready: [vpcAccess] };
  }

  private createFunction(
    name: string,
    functionName: string,
    stack: string,
    { role, logs, secret, network }: { role: aws.iam.Role; logs: aws.cloudwatch.LogGroup; secret?: aws.secretsmanager.Secret; network: ReturnType<Probe["createNetwork"]> },
  ): aws.lambda.Function {
    return new aws.lambda.Function(
      `${name}-function`,
      {
        name: functionName,
        description: `mcp-stack ${stack}: initialize and list the tools of each public MCP server, like a client`,
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        memorySize: 128,
        timeout: 20,
        role: role.arn,
        code: new pulumi.asset.FileArchive(probeBundleDir()),
        environment: { variables: { PROBE_TIMEOUT_MS: "10000", ...(secret ? { PROBE_CREDENTIALS_SECRET: secret.arn } : {}) } },
        loggingConfig: { logFormat: "Text", logGroup: logs.name },
        vpcConfig: network.vpcConfig,
      },
      { parent: this, dependsOn: [logs, ...network.ready] },
    );
  }

  /** One run a minute probes every server at once: one warm function, one token for all routes (Cognito bills each). */
  private createSchedule(name: string, functionName: string, args: ProbeArgs, fn: aws.lambda.Function): void {
    const schedulerRole = new aws.iam.Role(
      `${name}-scheduler-role`,
      {
        description: `EventBridge Scheduler invoking the MCP probe of mcp-stack ${args.stack}`,
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "scheduler.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.accountId } } }],
        }),
      },
      this.parentOpts,
    );
    new aws.iam.RolePolicy(
      `${name}-scheduler-policy`,
      { role: schedulerRole.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: fn.arn }] }) },
      this.parentOpts,
    );
    new aws.scheduler.Schedule(
      `${name}-schedule`,
      {
        name: functionName,
        description: `MCP probe of ${args.targets.map((t) => t.server).join(", ")}`,
        scheduleExpression: args.everyMinutes === 1 ? "rate(1 minute)" : `rate(${args.everyMinutes} minutes)`,
        flexibleTimeWindow: { mode: "OFF" },
        target: {
          arn: fn.arn,
          roleArn: schedulerRole.arn,
          input: pulumi.jsonStringify({ stack: args.stack, targets: args.targets.map((t) => ({ server: t.server, url: t.url, ...(t.scope ? { scope: t.scope } : {}) })) }),
          // A missed run is a data point the alarm treats as a failure: no retries that would blur the timing.
          retryPolicy: { maximumRetryAttempts: 0 },
        },
      },
      this.parentOpts,
    );
  }
}
