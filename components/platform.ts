import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import { listenerPortsOf, type Exposure } from "../decisions/exposure";
import { ACCESS_LOG_PREFIX, createAccessLogBucket } from "./accessLogs";
import { MAIN_GROUP } from "../decisions/loadBalancers";
import { stackPrefix, TAG } from "../decisions/names";
import type { DeployContext } from "./context";
import { COMPONENT } from "../decisions/resourceTypes";

/** One security-group rule source per allowed network: IPv4 or IPv6 CIDR, or managed prefix list. */
function sourcesOf(exposure: Exposure): { cidrIpv4?: string; cidrIpv6?: string; prefixListId?: string }[] {
  return [...exposure.cidrs.map((cidr) => (cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr })), ...exposure.prefixLists.map((prefixListId) => ({ prefixListId }))];
}

export interface PlatformArgs extends DeployContext {
  /** Container Insights on the cluster (alerts.containerInsights). */
  containerInsights: boolean;
  ingress: StackConfig["ingress"];
  vpcId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string[]>;
  /** An internal load balancer lives in the private subnets. */
  privateSubnetIds: pulumi.Input<string[]>;
  /** Who may reach the load balancer (decisions/exposure.ts). */
  exposure: Exposure;
  /**
   * The load balancers (decisions/loadBalancers.ts), main first, each with the host names to point at it when
   * ingress.hostedZoneId is set (its domain host and its servers' host routes).
   */
  loadBalancers: { name: string; hostNames: string[] }[];
}

/** One load balancer and the listener its servers' rules attach to. */
export interface LoadBalancer {
  alb: aws.lb.LoadBalancer;
  /** HTTPS with a domain, else plain HTTP. */
  routingListener: aws.lb.Listener;
}

const NOT_FOUND = {
  type: "fixed-response",
  fixedResponse: { contentType: "application/json", statusCode: "404", messageBody: '{"error":"no MCP server at this path"}' },
};

/** What every server shares: the ECS cluster, the Service Connect namespace, and the ALBs with their listeners. */
export class Platform extends pulumi.ComponentResource {
  readonly cluster: aws.ecs.Cluster;
  /** Set by attachCapacityProviders, once the hosts of servers with EBS volumes exist. */
  capacityProviders!: aws.ecs.ClusterCapacityProviders;
  readonly namespace: aws.servicediscovery.HttpNamespace;
  readonly albSecurityGroup: aws.ec2.SecurityGroup;
  /** The main load balancer (the stack's first). */
  readonly alb: aws.lb.LoadBalancer;
  /** By group name (main, lb2 …). */
  readonly loadBalancers = new Map<string, LoadBalancer>();

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.platform, name, {}, opts);
    const parent = { parent: this };
    const { ingress, protection } = args;

    this.cluster = new aws.ecs.Cluster(`${name}-cluster`, { settings: [{ name: "containerInsights", value: args.containerInsights ? "enabled" : "disabled" }] }, parent);
    this.namespace = new aws.servicediscovery.HttpNamespace(
      `${name}-namespace`,
      { name: stackPrefix(args.stack), description: `Service Connect namespace of mcp-stack ${args.stack}` },
      parent,
    );

    this.albSecurityGroup = new aws.ec2.SecurityGroup(
      `${name}-alb-sg`,
      { vpcId: args.vpcId, description: `mcp-stack ALB: listener ports from ${args.exposure.kind === "internet" ? "anywhere" : args.exposure.kind === "vpc" ? "the VPC" : "the allowlist"}, server ports to tasks only` },
      parent,
    );
    const listenerPorts = listenerPortsOf(ingress);
    const sources = sourcesOf(args.exposure);
    for (const port of listenerPorts) {
      sources.forEach((source, i) => {
        new aws.vpc.SecurityGroupIngressRule(
          // The internet's rule keeps the name it always had; each allowlisted source gets its own.
          args.exposure.kind === "internet" ? `${name}-alb-in-${port}` : `${name}-alb-in-${port}-${i}`,
          { securityGroupId: this.albSecurityGroup.id, ipProtocol: "tcp", fromPort: port, toPort: port, ...source, description: `clients on ${port}` },
          parent,
        );
      });
    }

    if (ingress.auth === "cognito") {
      // The provider removes a new group's default egress, and JWT validation fetches the issuer's JWKS from the ALB
      // itself ("the load balancer acquires the public key … in a well-known location", ELB user guide, Verify JWTs).
      // Cognito's endpoints have no fixed addresses, hence the whole internet on 443.
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-alb-to-idp`,
        { securityGroupId: this.albSecurityGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0", description: "HTTPS to the token issuer JWKS endpoint" },
        parent,
      );
    }

    const logs = createAccessLogBucket({ stack: args.stack, region: args.region, accountId: args.accountId, protection, parent: this });
    for (const group of args.loadBalancers) this.loadBalancers.set(group.name, this.createLoadBalancer(name, group, args, logs));
    this.alb = this.loadBalancerOf(MAIN_GROUP).alb;
    this.registerOutputs({ clusterName: this.cluster.name, albDnsName: this.alb.dnsName });
  }

  /** The load balancer that carries a server (its group's). */
  loadBalancerOf(group: string): LoadBalancer {
    const lb = this.loadBalancers.get(group);
    if (!lb) throw new Error(`no load balancer ${group}`);
    return lb;
  }

  /**
   * An ALB with its listeners and DNS records. The main one keeps the names it always had (`platform-alb`,
   * `platform-https` …); another group's carry its name (`platform-alb-lb2`, `platform-lb2-https` …).
   */
  private createLoadBalancer(name: string, group: { name: string; hostNames: string[] }, args: PlatformArgs, logs: { bucket: aws.s3.Bucket; policy: aws.s3.BucketPolicy }): LoadBalancer {
    const { ingress, protection } = args;
    const parent = { parent: this };
    const main = group.name === MAIN_GROUP;
    const named = (suffix: string) => (main ? `${name}-${suffix}` : `${name}-${group.name}-${suffix}`);
    const alb = new aws.lb.LoadBalancer(
      main ? `${name}-alb` : `${name}-alb-${group.name}`,
      {
        loadBalancerType: "application",
        internal: ingress.internal,
        subnets: ingress.internal ? args.privateSubnetIds : args.publicSubnetIds,
        securityGroups: [this.albSecurityGroup.id],
        idleTimeout: ingress.idleTimeoutSeconds,
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "defensive",
        enableDeletionProtection: protection.albDeletionProtection,
        enableHttp2: true,
        xffHeaderProcessingMode: "append",
        // One prefix for all: each ALB's log files carry its own id in their names.
        accessLogs: { bucket: logs.bucket.id, prefix: ACCESS_LOG_PREFIX, enabled: true },
        // Read by the policy pack: an unauthenticated prod endpoint must be an explicit, documented opt-out.
        tags: {
          [TAG.auth]: ingress.auth ?? "none",
          [TAG.exposure]: args.exposure.kind,
          ...(ingress.unauthenticatedReason ? { [TAG.unauthenticatedReason]: ingress.unauthenticatedReason.slice(0, 256) } : {}),
          ...(main ? {} : { [TAG.loadBalancer]: group.name }),
        },
      },
      { parent: this, dependsOn: [logs.policy] },
    );

    let routingListener: aws.lb.Listener;
    if (ingress.domain) {
      routingListener = new aws.lb.Listener(
        named("https"),
        { loadBalancerArn: alb.arn, port: 443, protocol: "HTTPS", sslPolicy: ingress.sslPolicy, certificateArn: ingress.certificateArn, defaultActions: [NOT_FOUND] },
        parent,
      );
      new aws.lb.Listener(
        named("http"),
        { loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] },
        parent,
      );
    } else {
      routingListener = new aws.lb.Listener(named("http"), { loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions: [NOT_FOUND] }, parent);
    }

    if (ingress.hostedZoneId) {
      for (const host of group.hostNames) {
        new aws.route53.Record(
          `${name}-dns-${host}`,
          { zoneId: ingress.hostedZoneId, name: host, type: "A", aliases: [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true }] },
          parent,
        );
      }
    }
    return { alb, routingListener };
  }

  /** Fargate, Fargate Spot and the EC2 hosts' providers: a cluster's list is one resource, so it is set once, before any service. */
  attachCapacityProviders(hostProviders: pulumi.Input<string>[]): aws.ecs.ClusterCapacityProviders {
    this.capacityProviders = new aws.ecs.ClusterCapacityProviders(
      "platform-capacity",
      {
        clusterName: this.cluster.name,
        capacityProviders: ["FARGATE", "FARGATE_SPOT", ...hostProviders],
        defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }],
      },
      { parent: this },
    );
    return this.capacityProviders;
  }
}
