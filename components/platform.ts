import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/schema";
import type { Protection } from "../decisions/protection";
import { listenerPortsOf, type Exposure } from "../decisions/exposure";
import { ACCESS_LOG_PREFIX, createAccessLogBucket } from "./accessLogs";

/** One security-group rule source per allowed network: IPv4 or IPv6 CIDR, or managed prefix list. */
function sourcesOf(exposure: Exposure): { cidrIpv4?: string; cidrIpv6?: string; prefixListId?: string }[] {
  return [...exposure.cidrs.map((cidr) => (cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr })), ...exposure.prefixLists.map((prefixListId) => ({ prefixListId }))];
}

export interface PlatformArgs {
  stack: string;
  /** Container Insights on the cluster (alerts.containerInsights). */
  containerInsights: boolean;
  region: string;
  accountId: pulumi.Input<string>;
  ingress: StackConfig["ingress"];
  protection: Protection;
  vpcId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string[]>;
  /** An internal load balancer lives in the private subnets. */
  privateSubnetIds: pulumi.Input<string[]>;
  /** Who may reach the load balancer (decisions/exposure.ts). */
  exposure: Exposure;
  /** Host names to point at the ALB when ingress.hostedZoneId is set (the domain and host routes). */
  hostNames: string[];
}

const NOT_FOUND = {
  type: "fixed-response",
  fixedResponse: { contentType: "application/json", statusCode: "404", messageBody: '{"error":"no MCP server at this path"}' },
};

/** What every server shares: the ECS cluster, the Service Connect namespace and the one ALB with its listeners. */
export class Platform extends pulumi.ComponentResource {
  readonly cluster: aws.ecs.Cluster;
  /** Set by attachCapacityProviders, once the hosts of servers with EBS volumes exist. */
  capacityProviders!: aws.ecs.ClusterCapacityProviders;
  readonly namespace: aws.servicediscovery.HttpNamespace;
  readonly albSecurityGroup: aws.ec2.SecurityGroup;
  readonly alb: aws.lb.LoadBalancer;
  /** The listener that server rules attach to: HTTPS with a domain, else plain HTTP. */
  readonly routingListener: aws.lb.Listener;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mcp-stack:index:Platform", name, {}, opts);
    const parent = { parent: this };
    const { ingress, protection } = args;

    this.cluster = new aws.ecs.Cluster(`${name}-cluster`, { settings: [{ name: "containerInsights", value: args.containerInsights ? "enabled" : "disabled" }] }, parent);
    this.namespace = new aws.servicediscovery.HttpNamespace(
      `${name}-namespace`,
      { name: `mcp-${args.stack}`, description: `Service Connect namespace of mcp-stack ${args.stack}` },
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
    this.alb = new aws.lb.LoadBalancer(
      `${name}-alb`,
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
        accessLogs: { bucket: logs.bucket.id, prefix: ACCESS_LOG_PREFIX, enabled: true },
        // Read by the policy pack: an unauthenticated prod endpoint must be an explicit, documented opt-out.
        tags: { "mcp-stack:auth": ingress.auth ?? "none", "mcp-stack:exposure": args.exposure.kind, ...(ingress.unauthenticatedReason ? { "mcp-stack:unauthenticated-reason": ingress.unauthenticatedReason.slice(0, 256) } : {}) },
      },
      { parent: this, dependsOn: [logs.policy] },
    );

    if (ingress.domain) {
      this.routingListener = new aws.lb.Listener(
        `${name}-https`,
        {
          loadBalancerArn: this.alb.arn,
          port: 443,
          protocol: "HTTPS",
          sslPolicy: ingress.sslPolicy,
          certificateArn: ingress.certificateArn,
          defaultActions: [NOT_FOUND],
        },
        parent,
      );
      new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: this.alb.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        },
        parent,
      );
    } else {
      this.routingListener = new aws.lb.Listener(
        `${name}-http`,
        { loadBalancerArn: this.alb.arn, port: 80, protocol: "HTTP", defaultActions: [NOT_FOUND] },
        parent,
      );
    }

    if (ingress.hostedZoneId) {
      for (const host of args.hostNames) {
        new aws.route53.Record(
          `${name}-dns-${host}`,
          {
            zoneId: ingress.hostedZoneId,
            name: host,
            type: "A",
            aliases: [{ name: this.alb.dnsName, zoneId: this.alb.zoneId, evaluateTargetHealth: true }],
          },
          parent,
        );
      }
    }

    this.registerOutputs({ clusterName: this.cluster.name, albDnsName: this.alb.dnsName });
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
