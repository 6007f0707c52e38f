import { z } from "zod";
import { backupSchema } from "./backupSchema";
import { envVarName, percent, positiveInt, TRANSPORTS } from "./primitives";
import { server } from "./serverSchema";

export { ENV_VAR_NAME, LOG_RETENTION_DAYS, STDIO_OUTPUTS, TRANSPORTS } from "./primitives";
import { SEVERITIES, type Severity } from "../decisions/names";

/**
 * The config contract of mcp-stack (README.md, "Config reference"). Every object is strict so that a typo
 * (`scalling:`) is an error naming the key instead of a silently ignored setting.
 */

const network = z.strictObject({
  availabilityZones: z.number().int().min(2, "must be at least 2: an ALB needs subnets in two AZs").max(6).optional(),
  /** OnePerAz (prod default), Single (others) or Instance (one NAT instance, about $7 a month: decisions/natInstance.ts); None is refused. */
  natGateways: z.enum(["None", "Single", "OnePerAz", "Instance"]).optional(),
  cidrBlock: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-8])$/, "must be an IPv4 CIDR block from /16 to /28").optional(),
  vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, "must be a VPC id such as vpc-0abc123").optional(),
  publicSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, "must be a subnet id")).optional(),
  privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, "must be a subnet id")).optional(),
});

const ingress = z.strictObject({
  domain: z.string().regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, "must be a DNS name such as mcp.example.com").optional(),
  certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, "must be an ACM certificate ARN").optional(),
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]+$/, "must be a Route 53 hosted zone id").optional(),
  idleTimeoutSeconds: z.number().int().min(1).max(4000, "must be between 1 and 4000 seconds (ALB limit)").default(60),
  sslPolicy: z.string().regex(/^ELBSecurityPolicy-/, "must be an ELB security policy name").default("ELBSecurityPolicy-TLS13-1-2-2021-06"),
  /** Listener rules the ALB may hold: AWS's default quota is 100 per load balancer (adjustable in Service Quotas). */
  maxListenerRules: z.number().int().min(1).max(1000).default(100),
  /** none: the MCP endpoints are open; cognito: the ALB accepts only Cognito-issued bearer tokens with the mcp/read scope. */
  auth: z.enum(["none", "cognito"], { message: "must be none or cognito" }).optional(),
  /** Why the stack serves MCP to the whole internet without a token (required then, in every environment). */
  unauthenticatedReason: z.string().min(10, "must say in a sentence who protects the endpoints instead").optional(),
  /** An internal load balancer (private subnets): reachable only from the VPC, a VPN or peered networks. */
  internal: z.boolean().default(false),
  /** Only these IPv4/IPv6 CIDRs may reach the load balancer at all (its security group); the whole internet when absent. */
  allowedCidrs: z.array(z.string().regex(/^(\d{1,3}(\.\d{1,3}){3}\/(\d|[12]\d|3[0-2])|[0-9a-fA-F:]+\/\d{1,3})$/, "must be a CIDR block such as 203.0.113.0/24")).optional(),
  /** Only these managed prefix lists (pl-…, e.g. a corporate network's) may reach the load balancer. */
  allowedPrefixLists: z.array(z.string().regex(/^pl-[0-9a-f]+$/, "must be a managed prefix list id such as pl-0123456789abcdef0")).optional(),
  /**
   * App clients (client credentials), one per consumer, each with only the scopes it needs (`gmail.read`,
   * `resend.write` …). One read-only client `default` when absent.
   */
  clients: z
    .record(
      z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "must be a client name of lowercase letters, digits and hyphens"),
      z.strictObject({ scopes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.(read|write)$/, "must be <server>.read or <server>.write")).min(1) }),
    )
    .optional(),
  /** Cognito hosted domain prefix for the token endpoint; mcp-<stack>-<account id> when absent. */
  authDomainPrefix: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "must be lowercase letters, digits and hyphens").optional(),
  waf: z
    .strictObject({
      /**
       * The web ACL in front of the load balancer. Default: on for an internet-facing load balancer (the policy pack
       * requires it there), off for an internal one, which only the VPC reaches (it saves $5 + $1 per rule a month).
       */
      enabled: z.boolean().optional(),
      /** block: the AWS managed rule groups block what they match; count: they only count (to tune before blocking). */
      managedRules: z.enum(["block", "count"], { message: "must be block or count" }).default("block"),
      /** Requests per client IP per minute across the whole stack. */
      ipRateLimitPerMinute: z.number().int().min(10, "must be at least 10: WAF's smallest rate limit per 60 s window").default(1000),
    })
    .prefault({}),
});

export { SEVERITIES };
const email = z.email();
const notifyTarget = z
  .string()
  .refine((v) => email.safeParse(v).success || /^https:\/\/\S+$/.test(v), "must be an email address or an https:// URL");

/** The team's KPIs; mcp-ops report measures availability against the same default when a stack sets none. */
export const kpisSchema = z.strictObject({
  p95ResponseMs: positiveInt.default(500),
  errorRatePercent: percent.default(1),
  availabilityPercent: percent.default(99.9),
  minRequestsPerMinute: positiveInt.default(1000),
});

const alerts = z.strictObject({
  /**
   * Container Insights on the cluster: per-service and per-task metrics (RunningTaskCount …), billed as custom metrics,
   * about $7.50 per server a month (plan/prices.json). Default: on in prod (the policy pack requires it there), off
   * elsewhere, where a server's down alarm watches its free AWS/ECS CPU metric instead.
   */
  containerInsights: z.boolean().optional(),
  /** The active MCP probe of every public server (a scheduled Lambda function that initializes and lists tools like a client). */
  probe: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Minutes between probes; prod 1, other environments 5 when absent. */
      everyMinutes: z.number().int().min(1, "must be 1–60: minutes between runs").max(60, "must be 1–60: minutes between runs").optional(),
    })
    .prefault({}),
  thresholds: z
    .strictObject({
      responseTimeMs: positiveInt.default(5000),
      errorRatePercent: percent.default(10),
      consecutiveFailures: z.number().int().min(2, "must be 2–10: the ALB's unhealthy threshold range").max(10, "must be 2–10: the ALB's unhealthy threshold range").default(3),
      memoryPercent: percent.default(90),
      cpuPercent: percent.default(80),
    })
    .prefault({}),
  /** Alarms on the KPIs (p95, error rate, availability: P3/P4, they never page). Default: on except in dev. */
  kpiAlarms: z.boolean().optional(),
  kpis: kpisSchema.prefault({}),
  notify: z
    .record(z.string(), z.array(notifyTarget))
    .superRefine((notify, ctx) => {
      for (const key of Object.keys(notify)) {
        if (!(SEVERITIES as readonly string[]).includes(key)) {
          ctx.addIssue({ code: "custom", path: [key], message: `unknown severity; severities are ${SEVERITIES.join(", ")}` });
        }
      }
    })
    .transform((notify) => notify as Partial<Record<Severity, string[]>>)
    .default({}),
});

const stackObject = z.strictObject({
  environment: z.enum(["dev", "staging", "prod"], { message: "must be one of dev, staging, prod" }),
  network: network.prefault({}),
  ingress: ingress.prefault({}),
  alerts: alerts.prefault({}),
  backup: backupSchema.prefault({}),
  /** Volumes (`server:/path`) removed on purpose: the program lets their file systems go instead of refusing the deploy. */
  retiredVolumes: z.array(z.string().regex(/^[a-z][a-z0-9-]*:\/\S*$/, "must name a volume as server:/path, e.g. gmail:/app/data")).default([]),
  servers: z.record(z.string(), server).refine((s) => Object.keys(s).length > 0, "must define at least one server"),
  /** Names of values set with `pulumi config set --secret --path 'mcp-stack:secretValues.NAME'`; masked before validation. */
  secretValues: z.record(envVarName, z.string()).default({}),
});

/** Defaults that depend on the environment or on a server's name. */
function applyStackDefaults(c: z.output<typeof stackObject>) {
  const prod = c.environment === "prod";
  const network =
    c.network.vpcId === undefined
      ? {
          ...c.network,
          availabilityZones: c.network.availabilityZones ?? (prod ? 3 : 2),
          natGateways: c.network.natGateways ?? (prod ? "OnePerAz" : "Single"),
          cidrBlock: c.network.cidrBlock ?? "10.0.0.0/16",
        }
      : c.network;
  const servers = Object.fromEntries(
    Object.entries(c.servers).map(([name, s]) => [
      name,
      { ...s, route: s.route ?? (s.internal ? undefined : { path: `/${name}`, stripPrefix: true }) },
    ]),
  );
  const alerts = { ...c.alerts, containerInsights: c.alerts.containerInsights ?? prod, kpiAlarms: c.alerts.kpiAlarms ?? c.environment !== "dev" };
  const ingress = { ...c.ingress, waf: { ...c.ingress.waf, enabled: c.ingress.waf.enabled ?? !c.ingress.internal } };
  // A locked vault cannot be emptied, so a stack with one cannot be destroyed for at least minRetainDays: dev has none.
  const backup = { ...c.backup, lock: { ...c.backup.lock, mode: c.backup.lock.mode ?? (c.environment === "dev" ? "none" : "governance") } };
  return { ...c, network, ingress, alerts, servers, backup };
}

/**
 * The schema and its defaults. The cross-field rules (config/rules.ts, which use decisions/) are applied by
 * config/load.ts, so that config/schema.ts imports nothing of decisions/ but the names and decisions/ can import
 * its types without a cycle.
 */
export const stackShapeSchema = stackObject.transform(applyStackDefaults);

/** A config that passed the schema: what the cross-field rules check. */
export type StackShape = z.output<typeof stackShapeSchema>;
export type ServerShape = StackShape["servers"][string];
export type Transport = (typeof TRANSPORTS)[number];

export type Route = NonNullable<ServerShape["route"]>;
type Build = NonNullable<ServerShape["build"]>;
/** A public server has a route on a load balancer; an internal one has none (reached through Service Connect). */
type Exposure = { internal: false; route: Route } | { internal: true; route: undefined };
/** A pulled image or a build, never both. */
type Source = { image: string; build?: undefined } | { build: Build; image?: undefined };
/** A stdio server's command is what the bridge runs. */
type Launch = { transport: "stdio"; command: string[] } | { transport: Exclude<Transport, "stdio">; command?: string[] };
type ServerCommon = Omit<ServerShape, "internal" | "route" | "port" | "image" | "build" | "transport" | "command"> & { port: number };

/** A server once the rules passed (config/resolve.ts): what they proved is in its type. */
export type ServerConfig = ServerCommon & Exposure & Source & Launch;
export type NewVpc = {
  vpcId?: undefined;
  publicSubnetIds?: undefined;
  privateSubnetIds?: undefined;
  availabilityZones: number;
  natGateways: "Single" | "OnePerAz" | "Instance";
  cidrBlock: string;
};
export type ExistingVpc = { vpcId: string; publicSubnetIds: string[]; privateSubnetIds: string[]; availabilityZones?: undefined; natGateways?: undefined; cidrBlock?: undefined };
/** The validated config the program, the plan and mcp-ops take. */
export type StackConfig = Omit<StackShape, "servers" | "network"> & { servers: Record<string, ServerConfig>; network: NewVpc | ExistingVpc };
export type { Severity };
