import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ServerConfig, Severity, StackConfig } from "../../config/schema";
import type { AlarmSpec } from "../../decisions/alarms";
import type { AuthSettings } from "../../decisions/auth";
import type { VolumeSpec } from "../../decisions/backup";
import type { DatabaseHost } from "../databaseHost";
import type { Platform } from "../platform";
import type { DeployContext } from "../context";

/** What a server is to another that depends on it: a name, a port and the security group to open. */
export interface ServerEndpoint {
  readonly serverName: string;
  readonly port: number;
  readonly securityGroup: aws.ec2.SecurityGroup;
}

/** The server component as its builders see it: the parent of its children, with its name and port. */
export type ServerSelf = pulumi.Resource & { readonly serverName: string; readonly port: number };

export interface McpServerArgs extends DeployContext {
  server: ServerConfig;
  /** The slices of the stack config a server reads: its route's ingress and the alert thresholds. */
  config: Pick<StackConfig, "ingress" | "alerts">;
  platform: Platform;
  /** Where its tasks run: the VPC and its private subnets (and how many there are, for mount targets). */
  network: { vpcId: pulumi.Input<string>; privateSubnetIds: pulumi.Input<string[]>; subnetCount: number };
  /** ARNs of the secrets this server lists, by name. */
  secretArns: Record<string, pulumi.Input<string>>;
  /** Servers this one depends on (already built); it opens its way into their security groups. */
  dependencies: ServerEndpoint[];
  /** Listener rule priority of a routed server (decisions/routing.ts); absent for internal servers. */
  rulePriority?: number;
  /** This server's alarms (decisions/serverAlarms.ts) and the topics of their severities. */
  alarms: { specs: AlarmSpec[]; topics: Record<Severity, aws.sns.Topic> };
  /** This server's `volumes` (decisions/backup.ts), the key that encrypts them, and where they are replicated. */
  storage: { volumes: VolumeSpec[]; keyArn: pulumi.Input<string>; replica?: { region: string; kmsKeyArn: pulumi.Input<string> } };
  /** With ingress.auth: cognito, the authorization server the ALB validates bearer tokens against. */
  auth?: AuthSettings<pulumi.Output<string>>;
  /** The key of the stack's server log groups (components/logs.ts). */
  logKeyArn: pulumi.Input<string>;
  /** For a server with EBS volumes: the EC2 host that holds them and runs its one task. */
  host?: DatabaseHost;
  /** RESTORE_IMAGE (components/volumes.ts), by digest where the stack pins digests: resolved once for the stack. */
  utilityImage: pulumi.Input<string>;
  /** The load balancer group that carries its route (decisions/loadBalancers.ts); main for internal servers. */
  loadBalancerGroup: string;
}
