import type { z } from "zod";
import { dependencyOrder } from "../decisions/dependencies";
import { assignLoadBalancers } from "../decisions/loadBalancers";
import { checkBackupRules } from "./backupRules";
import { exposureOf } from "../decisions/exposure";
import { MAX_SCOPES_PER_RESOURCE_SERVER } from "../decisions/auth";
import { PROBE_CLIENT } from "../decisions/probe";
import type { StackShape } from "./schema";
import { checkServer, type Fail, type Path } from "./serverRules";

type Ctx = z.RefinementCtx;

/** Cross-field rules of the config contract; each issue names the key path and the fix. */
export function checkStackRules(config: StackShape, ctx: Ctx): void {
  const fail = (path: Path, message: string) => ctx.addIssue({ code: "custom", path, message });
  checkNetwork(config, fail);
  checkIngress(config, fail);
  for (const [name, server] of Object.entries(config.servers)) checkServer(config, name, server, fail);
  checkRoutes(config, fail);
  checkSecretValues(config, fail);
  checkBackupRules(config, fail);
  const deps = dependencyOrder(config.servers);
  if ("cycle" in deps) fail(["servers", deps.cycle[0], "dependsOn"], `dependency cycle ${deps.cycle.join(" → ")}; remove one of these dependsOn entries`);
}


function checkNetwork({ network }: StackShape, fail: Fail) {
  if (network.vpcId === undefined) {
    for (const key of ["publicSubnetIds", "privateSubnetIds"] as const) {
      if (network[key]) fail(["network", key], "only applies with an existing network.vpcId; remove it or set vpcId");
    }
    // awsx.ec2.Vpc refuses private subnets without a NAT gateway, and the tasks need a way out (images, secrets, APIs).
    if (network.natGateways === "None") fail(["network", "natGateways"], "None leaves the private subnets without a way out; use Instance (one NAT instance), Single or OnePerAz");
    return;
  }
  for (const key of ["availabilityZones", "natGateways", "cidrBlock"] as const) {
    if (network[key] !== undefined) fail(["network", key], "does not apply to an existing VPC (network.vpcId is set); remove it");
  }
  for (const key of ["publicSubnetIds", "privateSubnetIds"] as const) {
    const ids = network[key] ?? [];
    if (ids.length < 2) fail(["network", key], "an existing VPC needs at least 2 subnet ids in different AZs (the ALB requires two AZs)");
  }
}

function checkIngress(config: StackShape, fail: Fail) {
  const { ingress, environment } = config;
  if (ingress.domain && !ingress.certificateArn) fail(["ingress", "certificateArn"], "is required when ingress.domain is set (an ACM certificate for the domain)");
  if (ingress.certificateArn && !ingress.domain) fail(["ingress", "domain"], "is required when ingress.certificateArn is set");
  if (ingress.hostedZoneId && !ingress.domain) fail(["ingress", "hostedZoneId"], "needs ingress.domain to create a DNS record for");
  if (environment === "prod" && !ingress.domain) {
    fail(["ingress", "domain"], "prod needs a domain and certificateArn so MCP traffic is served over HTTPS");
  }
  if (ingress.auth === "cognito" && !ingress.domain) {
    fail(["ingress", "auth"], "cognito needs HTTPS: the ALB validates bearer tokens only on an HTTPS listener; set ingress.domain and ingress.certificateArn");
  }
  if (environment === "prod" && ingress.auth === undefined) {
    fail(["ingress", "auth"], "prod serves MCP on the internet: set ingress.auth: cognito, or ingress.auth: none with ingress.unauthenticatedReason saying who protects the endpoints");
  }
  const undecidedProd = environment === "prod" && ingress.auth === undefined; // reported just above
  if (!undecidedProd && exposureOf(config).kind === "internet" && ingress.auth !== "cognito" && !ingress.unauthenticatedReason) {
    fail(
      ["ingress", "unauthenticatedReason"],
      "the MCP routes would be open to the whole internet without a token: restrict who can reach them (ingress.internal: true, ingress.allowedCidrs or ingress.allowedPrefixLists), validate tokens (ingress.auth: cognito), or say why that is fine here in ingress.unauthenticatedReason (the policy pack flags it on every preview)",
    );
  }
  if (ingress.internal && config.network.vpcId && !ingress.allowedCidrs?.length && !ingress.allowedPrefixLists?.length) {
    fail(["ingress", "allowedCidrs"], "an internal load balancer in an existing VPC needs the networks that may reach it (the VPC's CIDR, a VPN's): set ingress.allowedCidrs or ingress.allowedPrefixLists");
  }
  if (ingress.unauthenticatedReason && (ingress.auth === "cognito" || exposureOf(config).kind !== "internet")) {
    fail(["ingress", "unauthenticatedReason"], `does not apply: the routes ${ingress.auth === "cognito" ? "validate tokens" : "are not open to the whole internet"}; remove it`);
  }
  if (ingress.auth === "cognito") checkClients(config, fail);
  if (ingress.auth !== "cognito") {
    if (ingress.clients) fail(["ingress", "clients"], "only applies with ingress.auth: cognito");
    if (ingress.authDomainPrefix) fail(["ingress", "authDomainPrefix"], "only applies with ingress.auth: cognito");
  } else if (ingress.authDomainPrefix && /aws|amazon|cognito/.test(ingress.authDomainPrefix)) {
    fail(["ingress", "authDomainPrefix"], "must not contain aws, amazon or cognito (Cognito refuses such domains)");
  }
}

/** Client scopes name routed servers; every routed server has two scopes, within Cognito's 100 per resource server. */
function checkClients(config: StackShape, fail: Fail) {
  const routed = Object.entries(config.servers).filter(([, s]) => s.enabled && !s.internal).map(([name]) => name);
  if (routed.length * 2 > MAX_SCOPES_PER_RESOURCE_SERVER) {
    fail(["servers"], `${routed.length} routed servers need ${routed.length * 2} scopes (read and write each), above Cognito's ${MAX_SCOPES_PER_RESOURCE_SERVER} per resource server; route at most ${MAX_SCOPES_PER_RESOURCE_SERVER / 2} servers through one stack with cognito`);
  }
  for (const [client, { scopes }] of Object.entries(config.ingress.clients ?? {})) {
    if (client === PROBE_CLIENT) fail(["ingress", "clients", client], `"${PROBE_CLIENT}" is the MCP probe's own client; name yours differently`);
    scopes.forEach((scope, i) => {
      const server = scope.replace(/\.(read|write)$/, "");
      if (!routed.includes(server)) fail(["ingress", "clients", client, "scopes", i], `"${server}" is not a routed server of this stack (routed: ${routed.sort().join(", ")})`);
    });
  }
}

/** Servers spread over as many ALBs as the quotas require; a pin that breaks a quota is refused (decisions/loadBalancers.ts). */
function checkLoadBalancers(config: StackShape, fail: Fail) {
  for (const problem of assignLoadBalancers(config).problems) fail(problem.path, problem.message);
  for (const [name, s] of Object.entries(config.servers)) {
    if (s.loadBalancer && !s.route) fail(["servers", name, "loadBalancer"], "only applies to a server with a route (internal servers have no load balancer)");
  }
}

function checkRoutes(config: StackShape, fail: Fail) {
  checkLoadBalancers(config, fail);
  const paths: { name: string; path: string }[] = [];
  const hosts = new Map<string, string>();
  const priorities = new Map<number, string>();
  for (const [name, s] of Object.entries(config.servers)) {
    if (!s.enabled || !s.route) continue;
    const { route } = s;
    const priority = route.priority;
    if (priority !== undefined && config.ingress.auth === "cognito" && (priority < 2 || priorities.has(priority - 1) || priorities.has(priority + 1))) {
      fail(["servers", name, "route", "priority"], `${priority} needs ${priority - 1} free for the server's OAuth discovery rule (auth: cognito); pick another`);
    }
    if (priority !== undefined) {
      const other = priorities.get(priority);
      if (other) fail(["servers", name, "route", "priority"], `${priority} is already used by ${other}; listener rule priorities must be unique`);
      priorities.set(priority, name);
    }
    if (route.host !== undefined) {
      const other = hosts.get(route.host);
      if (other) fail(["servers", name, "route", "host"], `"${route.host}" is already routed to ${other}; give each server its own host`);
      hosts.set(route.host, name);
      continue;
    }
    const { path } = route;
    for (const seen of paths) {
      if (seen.path === path) {
        fail(["servers", name, "route", "path"], `"${path}" is already routed to ${seen.name}; give each server its own path`);
      } else if (isPrefixPath(seen.path, path) || isPrefixPath(path, seen.path)) {
        fail(["servers", name, "route", "path"], `"${path}" overlaps ${seen.name}'s "${seen.path}"; routes must not be nested`);
      }
    }
    paths.push({ name, path });
  }
}

const isPrefixPath = (outer: string, inner: string) => outer === "/" || inner.startsWith(`${outer}/`);

function checkSecretValues(config: StackShape, fail: Fail) {
  const declared = new Set(Object.values(config.servers).flatMap((s) => s.secrets));
  for (const key of Object.keys(config.secretValues)) {
    if (!declared.has(key)) fail(["secretValues", key], `no server lists ${key} in its secrets; add it to a server's secrets or remove the value`);
  }
}
