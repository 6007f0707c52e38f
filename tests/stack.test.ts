import { renderCompactSummary } from "../plan/summary";
import { shippedPlan } from "./support/shippedPlans";
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { contentTag } from "../components/serverImage";
import { PROJECT_DIR } from "../project";
import { OfflineRunError, runOffline, type Plan } from "../engine/offline";
import { ConfigError } from "../config/errors";
import { childOf, childrenOf, container, named, ofType, serverNames } from "./support/plan";
import { configMapOf, planWith, rawConfigOf } from "./support/stackConfig";
import { wafPath } from "./support/awsSemantics";
import { COMPONENT, TYPE } from "../decisions/resourceTypes";

const ALL = ["filesystem", "gmail", "graphiti", "neo4j", "rag", "resend", "vectordb"];
const PUBLIC = ["filesystem", "gmail", "graphiti", "rag", "resend"];
const INTERNAL = ["neo4j", "vectordb"];

let dev: Plan;
let prod: Plan;
beforeAll(async () => {
  dev = await shippedPlan("dev");
  prod = await shippedPlan("prod");
});

/**
 * One dev plan carrying several independent changes, each asserted by its own test: gmail and filesystem on arm64,
 * 5 consecutive failures, WAF managed rules counting with a per-IP limit of 300 (one plan instead of four).
 */
let facets: Promise<Plan> | undefined;
const devWithFacets = () =>
  (facets ??= planWith("dev", (r) => {
    r.servers.gmail.architecture = "x86_64";
    r.servers.filesystem.architecture = "x86_64";
    r.alerts.thresholds.consecutiveFailures = 5;
    // An internal ALB has no WAF unless asked for.
    r.ingress.waf = { enabled: true, managedRules: "count", ipRateLimitPerMinute: 300 };
    // Three rules per ALB: dev's five routes need a second load balancer.
    r.ingress.maxListenerRules = 3;
  }));

/** The same for prod: resend's logs kept 7 days, gmail routed by host (gmail.mcp.example.com). */
let prodFacets: Promise<Plan> | undefined;
const prodWithFacets = () =>
  (prodFacets ??= planWith("prod", (r) => {
    r.servers.resend.logRetentionDays = 7;
    r.servers.gmail.route = { host: "gmail.mcp.example.com" };
  }));


function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

describe("every server of the architecture table", () => {
  it.each(["dev", "prod"])("%s: a service and task definition per server; public ones get a target group and listener rule", (stack) => {
    const plan = stack === "dev" ? dev : prod;
    expect(serverNames(plan)).toEqual(ALL);
    for (const name of ALL) {
      expect(childOf(plan, name, TYPE.service)).toBeDefined();
      expect(named(plan, `${name}-task`)).toBeDefined();
    }
    for (const name of PUBLIC) {
      expect(childOf(plan, name, TYPE.targetGroup)).toBeDefined();
      expect(childOf(plan, name, TYPE.listenerRule)).toBeDefined();
    }
    for (const name of INTERNAL) {
      expect(childOf(plan, name, TYPE.targetGroup)).toBeUndefined();
      expect(childOf(plan, name, TYPE.listenerRule)).toBeUndefined();
      const sc = childOf(plan, name, TYPE.service)!.inputs.serviceConnectConfiguration;
      expect(sc.services).toEqual([{ portName: name, discoveryName: name, clientAlias: [{ port: name === "neo4j" ? 7687 : 6333, dnsName: name }] }]);
    }
  });

  it("children are named after their component and parented to it: every component of both stacks", async () => {
    for (const plan of [prod, await shippedPlan("dev")]) {
      const ours = plan.resources.filter((r) => r.type.startsWith("mcp-stack:index:"));
      expect(ours.length).toBeGreaterThan(ALL.length);
      for (const component of ours) {
        // A database host's EBS volumes carry its server's name (neo4j-data-ebs): renaming one would replace the volume.
        const prefixes = [`${component.name}-`, ...(component.type === COMPONENT.databaseHost ? [`${component.name.replace(/-host$/, "")}-`] : [])];
        const misnamed = plan.resources.filter((r) => r.parent === component.name && !prefixes.some((p) => r.name.startsWith(p)));
        expect([component.name, misnamed.map((r) => r.name)]).toEqual([component.name, []]);
      }
    }
  });

  it("a server with enabled: false is not deployed", async () => {
    const plan = await planWith("dev", (r) => (r.servers.filesystem.enabled = false));
    expect(serverNames(plan)).toEqual(ALL.filter((n) => n !== "filesystem"));
    expect(plan.outputs.servers.filesystem).toBeUndefined();
  });
});

describe("load balancers: a fleet past one ALB's quotas", () => {
  it("spreads the routes over a second ALB with its own listener, WAF association, alarm and URLs; the main keeps its names", async () => {
    const plan = await devWithFacets();
    expect(ofType(plan, TYPE.loadBalancer).map((r) => r.name)).toEqual(["platform-alb", "platform-alb-lb2"]);
    const lb2 = named(plan, "platform-alb-lb2").inputs;
    expect(lb2).toMatchObject({ internal: true, securityGroups: named(plan, "platform-alb").inputs.securityGroups, accessLogs: { enabled: true, prefix: "alb" }, dropInvalidHeaderFields: true });
    expect(lb2.tags["mcp-stack:load-balancer"]).toBe("lb2");
    expect(plan.outputs.servers.rag).toMatchObject({ loadBalancer: "lb2", url: `http://${plan.outputs.loadBalancers.lb2}/rag/mcp` });
    expect(plan.outputs.servers.gmail).toMatchObject({ loadBalancer: "main", url: `http://${plan.outputs.albDnsName}/gmail/mcp` });
    // Each server's rule on its own ALB's listener; its requests-per-target scaling and alarms on its own ALB.
    expect(named(plan, "rag-rule").propertyDependencies.listenerArn).toEqual(["platform-lb2-http"]);
    expect(named(plan, "gmail-rule").propertyDependencies.listenerArn).toEqual(["platform-http"]);
    expect(named(plan, "rag-alarm-latency").inputs.dimensions.LoadBalancer).toMatch(/^app\/platform-alb-lb2-/);
    expect(named(plan, "gmail-alarm-latency").inputs.dimensions.LoadBalancer).toMatch(/^app\/platform-alb-[0-9a-f]+\//);
    expect(ofType(plan, TYPE.webAclAssociation).map((r) => r.name)).toEqual(["edge-waf-alb", "edge-waf-alb-lb2"]);
    expect(ofType(plan, TYPE.metricAlarm).filter((a) => a.inputs.name.startsWith("mcp-dev-alerting-alb-5xx")).map((a) => a.inputs.name)).toEqual(["mcp-dev-alerting-alb-5xx", "mcp-dev-alerting-alb-5xx-lb2"]);
    // The dashboard reads each server's load balancer metrics from its own ALB.
    const body = JSON.stringify(JSON.parse(named(plan, "dashboards-overview").inputs.dashboardBody));
    expect(body).toContain("app/platform-alb-lb2-");
    // The plan says which load balancer carries each route, and where each one is.
    const summary = renderCompactSummary(plan, "dev");
    expect(summary).toMatch(/^rag +lb2:\/rag\/mcp /m);
    expect(summary).toMatch(/^gmail +main:\/gmail\/mcp /m);
    expect(summary).toContain(`routes on main http://${plan.outputs.albDnsName}\nroutes on lb2 http://${plan.outputs.loadBalancers.lb2}`);
    expect(summary).not.toContain("must also cover");
  });
});

describe("network", () => {
  it("prod: a new VPC over 3 AZs with a NAT gateway per AZ; dev: 2 AZs, one NAT instance", () => {
    expect(ofType(prod, TYPE.vpc)[0].inputs).toMatchObject({ numberOfAvailabilityZones: 3, natGateways: { strategy: "OnePerAz" } });
    expect(prod.resources.some((r) => r.type === COMPONENT.natInstance)).toBe(false);
    // awsx refuses private subnets without a NAT gateway: dev's are awsx's isolated ones, routed by the NAT instance.
    expect(ofType(dev, TYPE.vpc)[0].inputs).toMatchObject({ numberOfAvailabilityZones: 2, natGateways: { strategy: "None" }, subnetSpecs: [{ type: "Public" }, { type: "Isolated" }] });
    expect(childOf(dev, "gmail", TYPE.service)!.inputs.networkConfiguration.subnets).toHaveLength(2);
  });

  it("dev's NAT instance: fck-nat on a t4g.nano in an Auto Scaling group of one, the private subnets routed to its static interface", () => {
    const eni = named(dev, "network-nat-eni").inputs;
    expect(eni).toMatchObject({ sourceDestCheck: false });
    const template = named(dev, "network-nat-template").inputs;
    expect(template).toMatchObject({ instanceType: "t4g.nano", metadataOptions: { httpTokens: "required" }, networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "true" }] });
    expect(template.imageId).toMatch(/^ami-/);
    const boot = Buffer.from(template.userData, "base64").toString();
    expect(boot).toContain(`eni_id=${"network-nat-eni-id"}`);
    expect(boot).toMatch(/eip_id=\S+/);
    expect(named(dev, "network-nat-asg").inputs).toMatchObject({ minSize: 1, maxSize: 1, desiredCapacity: 1 });
    // Its role attaches and associates only what carries the NAT's tag: the static interface, the address, its own instance and interface.
    const [statement] = JSON.parse(named(dev, "network-nat-attach").inputs.policy).Statement;
    expect(statement).toMatchObject({ Resource: "*", Condition: { StringEquals: { "ec2:ResourceTag/mcp-stack:nat": "network-nat" } } });
    for (const tagged of [eni.tags, named(dev, "network-nat-eip").inputs.tags, ...template.tagSpecifications.map((t: any) => t.tags)]) expect(tagged["mcp-stack:nat"]).toBe("network-nat");
    expect(template.tagSpecifications.map((t: any) => t.resourceType)).toEqual(["instance", "network-interface"]);
    const routes = ofType(dev, TYPE.route);
    expect(routes.map((r) => r.inputs)).toEqual([0, 1].map(() => expect.objectContaining({ destinationCidrBlock: "0.0.0.0/0", networkInterfaceId: "network-nat-eni-id", routeTableId: expect.stringMatching(/^rtb-/) })));
    expect(new Set(routes.map((r) => r.inputs.routeTableId)).size).toBe(2);
    const ingress = ofType(dev, TYPE.ingressRule).find((r) => r.name === "network-nat-from-vpc")!.inputs;
    expect(ingress).toMatchObject({ ipProtocol: "-1", cidrIpv4: "10.0.0.0/16" });
  });

  it("an existing VPC is used by id: no new VPC, ALB in its public subnets, tasks in its private ones", async () => {
    const plan = await planWith("dev", (r) => {
      r.network = { vpcId: "vpc-0abc", publicSubnetIds: ["subnet-0a", "subnet-0b"], privateSubnetIds: ["subnet-1a", "subnet-1b"] };
      r.ingress = { internal: false, allowedCidrs: ["203.0.113.0/24"] };
    });
    expect(ofType(plan, TYPE.vpc)).toHaveLength(0);
    expect(ofType(plan, TYPE.loadBalancer)[0].inputs.subnets).toEqual(["subnet-0a", "subnet-0b"]);
    expect(childOf(plan, "gmail", TYPE.service)!.inputs.networkConfiguration.subnets).toEqual(["subnet-1a", "subnet-1b"]);
    expect(childOf(plan, "gmail", TYPE.targetGroup)!.inputs.vpcId).toBe("vpc-0abc");
  });
});

describe("platform", () => {
  it("ECS cluster with Container Insights, both Fargate capacity providers and the databases' hosts", () => {
    expect(ofType(prod, TYPE.cluster)[0].inputs.settings).toEqual([{ name: "containerInsights", value: "enabled" }]);
    expect(named(prod, "platform-capacity").inputs.capacityProviders).toEqual(["FARGATE", "FARGATE_SPOT", "mcp-prod-neo4j", "mcp-prod-vectordb"]);
  });

  it("one public ALB in the public subnets that drops invalid headers, with the configured idle timeout", () => {
    const albs = ofType(prod, TYPE.loadBalancer);
    expect(albs).toHaveLength(1);
    const vpc = ofType(prod, TYPE.vpc)[0];
    expect(albs[0].inputs).toMatchObject({ internal: false, loadBalancerType: "application", dropInvalidHeaderFields: true, idleTimeout: 120, desyncMitigationMode: "defensive" });
    expect(albs[0].inputs.subnets).toHaveLength(vpc.inputs.numberOfAvailabilityZones);
    expect(albs[0].inputs.subnets.every((s: string) => s.startsWith("subnet-"))).toBe(true);
  });

  it("deletion protection in prod only", () => {
    expect(ofType(prod, TYPE.loadBalancer)[0].inputs.enableDeletionProtection).toBe(true);
    expect(ofType(dev, TYPE.loadBalancer)[0].inputs.enableDeletionProtection).toBe(false);
  });

  it("prod: HTTPS with a TLS 1.3 policy and the certificate, 404 by default, and HTTP redirected to HTTPS", () => {
    const listeners = ofType(prod, TYPE.listener);
    const https = listeners.find((l) => l.inputs.port === 443)!;
    const http = listeners.find((l) => l.inputs.port === 80)!;
    expect(https.inputs).toMatchObject({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", certificateArn: expect.stringMatching(/^arn:aws:acm:/) });
    expect(https.inputs.defaultActions[0]).toMatchObject({ type: "fixed-response", fixedResponse: { statusCode: "404" } });
    expect(http.inputs.defaultActions[0]).toMatchObject({ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } });
    for (const rule of ofType(prod, TYPE.listenerRule)) expect(rule.options.dependsOn).toContain("platform-https");
  });

  it("dev without a domain: plain HTTP only, rules on it, 404 by default", () => {
    const listeners = ofType(dev, TYPE.listener);
    expect(listeners).toHaveLength(1);
    expect(listeners[0].inputs).toMatchObject({ port: 80, protocol: "HTTP" });
    expect(listeners[0].inputs.defaultActions[0].fixedResponse.statusCode).toBe("404");
    const ingress = childrenOf(dev, "platform", TYPE.ingressRule).map((r) => r.inputs.fromPort);
    expect(ingress).toEqual([80]);
  });

  it("DNS records for the domain when a hosted zone is configured", async () => {
    const plan = await planWith("prod", (r) => (r.ingress.hostedZoneId = "Z0123456789ABC"));
    expect(ofType(plan, TYPE.record).map((r) => r.inputs.name)).toEqual(["mcp.example.com"]);
  });
});

describe("security groups: only the server ports, only from the load balancer", () => {
  it("each public server's tasks accept its own port from the ALB security group, nothing else", () => {
    for (const name of PUBLIC) {
      const port = container(prod, name).portMappings[0].containerPort;
      const intoTasks = ofType(prod, TYPE.ingressRule).filter((r) => r.name.startsWith(`${name}-from`));
      expect(intoTasks.map((r) => r.name)).toEqual([`${name}-from-alb`]);
      expect(intoTasks[0].inputs).toMatchObject({ ipProtocol: "tcp", fromPort: port, toPort: port });
      expect(intoTasks[0].inputs.cidrIpv4).toBeUndefined();
      expect(intoTasks[0].options.dependsOn).toEqual(expect.arrayContaining([`${name}-sg`, "platform-alb-sg"]));
      const albOut = named(prod, `${name}-alb-to-tasks`);
      expect(albOut.inputs).toMatchObject({ fromPort: port, toPort: port });
    }
  });

  it("with token validation the ALB may open HTTPS to the internet to fetch the issuer's keys; without it, only the tasks", () => {
    const albEgress = (plan: Plan) => ofType(plan, TYPE.egressRule).filter((r) => r.propertyDependencies.securityGroupId?.includes("platform-alb-sg"));
    expect(named(prod, "platform-alb-to-idp").inputs).toMatchObject({ ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" });
    expect(albEgress(prod).map((r) => r.name).sort()).toEqual(["platform-alb-to-idp", ...PUBLIC.map((n) => `${n}-alb-to-tasks`)].sort());
    expect(albEgress(dev).map((r) => r.name).sort()).toEqual(PUBLIC.map((n) => `${n}-alb-to-tasks`).sort());
  });

  it("no task security group is open to the internet", () => {
    const albSgRules = new Set(childrenOf(prod, "platform", TYPE.ingressRule).map((r) => r.name));
    for (const rule of ofType(prod, TYPE.ingressRule).filter((r) => !albSgRules.has(r.name))) {
      expect(rule.inputs.cidrIpv4).toBeUndefined();
      expect(rule.inputs.referencedSecurityGroupId).toMatch(/^sg-/);
    }
  });

  it("internal servers accept their port only from the servers that depend on them", () => {
    const fromGraphiti = named(prod, "graphiti-to-neo4j");
    expect(fromGraphiti.inputs).toMatchObject({ fromPort: 7687, toPort: 7687, ipProtocol: "tcp" });
    expect(fromGraphiti.options.dependsOn).toEqual(expect.arrayContaining(["neo4j-sg", "graphiti-sg"]));
    const fromRag = named(prod, "rag-to-vectordb");
    expect(fromRag.inputs).toMatchObject({ fromPort: 6333, toPort: 6333 });
    const neo4jTasks = childOf(prod, "neo4j", TYPE.service)!.inputs.networkConfiguration.securityGroups[0];
    const intoNeo4j = ofType(prod, TYPE.ingressRule).filter((r) => r.inputs.securityGroupId === neo4jTasks);
    expect(intoNeo4j.map((r) => r.name)).toEqual(["graphiti-to-neo4j"]);
  });
});

describe("task definitions", () => {
  it("Fargate, awsvpc, sized per config, on the configured architecture", () => {
    expect(named(prod, "gmail-task").inputs).toMatchObject({
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "1024",
      memory: "2048",
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" },
    });
    expect(named(dev, "gmail-task").inputs).toMatchObject({ cpu: "256", memory: "1024" });
    expect(named(prod, "neo4j-task").inputs).toMatchObject({ cpu: "1024", memory: "4096" });
  });

  it("a new version keeps the previous task definition revision ACTIVE, so a service can be rolled back to it", () => {
    for (const name of ALL) expect(named(prod, `${name}-task`).inputs.skipDestroy).toBe(true);
  });

  it("the configured architecture; arm64 by default for built images, x86_64 for pulled ones", async () => {
    const plan = await devWithFacets();
    expect(named(plan, "gmail-task").inputs.runtimePlatform.cpuArchitecture).toBe("X86_64");
    expect(named(dev, "gmail-task").inputs.runtimePlatform.cpuArchitecture).toBe("ARM64");
    const defaults = await planWith("dev", (r) => (delete r.servers.gmail.architecture, delete r.servers.resend.architecture));
    expect(named(defaults, "gmail-task").inputs.runtimePlatform.cpuArchitecture).toBe("X86_64");
    expect(named(defaults, "resend-task").inputs.runtimePlatform.cpuArchitecture).toBe("ARM64");
  });

  it("secrets come from Secrets Manager by ARN and never appear in environment", () => {
    for (const name of ALL) {
      const c = container(prod, name);
      const envNames = c.environment.map((e: { name: string }) => e.name);
      for (const secret of c.secrets) {
        expect(secret.valueFrom).toMatch(new RegExp(`^arn:aws:secretsmanager:us-east-1:\\d{12}:secret:mcp-stack/prod/${secret.name}-`));
        expect(envNames).not.toContain(secret.name);
      }
    }
    expect(container(prod, "graphiti").secrets.map((s: { name: string }) => s.name)).toEqual(["NEO4J_PASSWORD", "OPENAI_API_KEY"]);
    expect(container(dev, "gmail").environment).toEqual([{ name: "MCP_SERVER_NAME", value: "gmail-tools" }]);
  });

  it("log groups are encrypted with the stack's logs key, which only CloudWatch Logs of this account and region may use, and mask sensitive data", () => {
    const key = named(prod, "logs-key");
    for (const name of ALL) expect(childOf(prod, name, TYPE.logGroup)!.inputs.kmsKeyId).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
    expect(key.options).toMatchObject({ protect: true, retainOnDelete: true });
    const [, logsService] = JSON.parse(key.inputs.policy).Statement;
    expect(logsService).toMatchObject({ Principal: { Service: "logs.us-east-1.amazonaws.com" }, Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:123456789012:log-group:*" } } });
    const policy = JSON.parse(named(prod, "resend-logs-data-protection").inputs.policyDocument);
    expect(policy.Statement.map((s: any) => Object.keys(s.Operation)[0])).toEqual(["Audit", "Deidentify"]);
    expect(policy.Statement[1].DataIdentifier).toContain("arn:aws:dataprotection::aws:data-identifier/EmailAddress");
  });

  it("a server's log retention can be shorter than the environment's, in CloudWatch's periods only", async () => {
    const plan = await prodWithFacets();
    expect(childOf(plan, "resend", TYPE.logGroup)!.inputs.retentionInDays).toBe(7);
    const error = (await planWith("prod", (r) => (r.servers.resend.logRetentionDays = 10)).catch((e) => e)) as OfflineRunError;
    expect((error.cause as ConfigError).problems).toEqual([expect.stringMatching(/^servers\.resend\.logRetentionDays: must be one of CloudWatch Logs' retention periods/)]);
  });

  it("logs to its own log group with retention; log groups survive deletion in prod", () => {
    for (const name of ALL) {
      const logs = childOf(prod, name, TYPE.logGroup)!;
      expect(logs.inputs).toMatchObject({ name: `/mcp-stack/prod/${name}`, retentionInDays: 90 });
      expect(logs.options.retainOnDelete).toBe(true);
      expect(container(prod, name).logConfiguration).toEqual({
        logDriver: "awslogs",
        options: { "awslogs-group": `/mcp-stack/prod/${name}`, "awslogs-region": "us-east-1", "awslogs-stream-prefix": name },
      });
    }
    expect(childOf(dev, "gmail", TYPE.logGroup)!.inputs.retentionInDays).toBe(14);
    expect(childOf(dev, "gmail", TYPE.logGroup)!.options.retainOnDelete).toBe(false);
  });

  it("read-only root filesystem with a writable /tmp volume, unless a server opts out", () => {
    const task = named(prod, "gmail-task");
    expect(task.inputs.volumes[0]).toEqual({ name: "tmp" });
    expect(container(prod, "gmail")).toMatchObject({ readonlyRootFilesystem: true });
    expect(container(prod, "gmail").mountPoints[0]).toEqual({ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false });
    expect(container(prod, "neo4j").readonlyRootFilesystem).toBe(false);
  });

  it("/tmp is opened to every user by a root init container that must succeed before the server starts", () => {
    for (const name of ALL) {
      const [main, init] = JSON.parse(named(prod, `${name}-task`).inputs.containerDefinitions);
      expect(main.dependsOn).toEqual([{ containerName: "tmp-permissions", condition: "SUCCESS" }]);
      expect(init).toMatchObject({ name: "tmp-permissions", essential: false, user: "0", readonlyRootFilesystem: true, image: expect.stringMatching(/^public\.ecr\.aws\/docker\/library\/busybox@sha256:/) });
      expect(init.mountPoints).toEqual([{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
    }
  });

  it("the init command turns a root-owned 0755 directory (a Fargate bind volume) into one a non-root user can write", () => {
    if (process.getuid?.() !== 0) return console.log("skipped: needs root to model a root-owned bind volume");
    const [, init] = JSON.parse(named(prod, "resend-task").inputs.containerDefinitions);
    const volume = mkdtempSync(path.join(tmpdir(), "bind-"));
    chmodSync(volume, 0o755);
    const asNobody = () => spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c", `touch ${volume}/x`]).status;
    expect(asNobody()).not.toBe(0);
    expect(spawnSync(init.command[0], [init.command[1], init.command[2].replace("/tmp", volume)]).status).toBe(0);
    expect(asNobody()).toBe(0);
  });

  it("stdio bridges run as the non-root node user", () => {
    expect(container(prod, "resend").user).toBe("node");
    expect(container(prod, "filesystem").user).toBe("node");
  });

  it("a container health check on the health path that fails after the consecutive-failures threshold", () => {
    const hc = container(prod, "gmail").healthCheck;
    expect(hc.command[0]).toBe("CMD-SHELL");
    expect(hc.command[1]).toContain("http://127.0.0.1:8080/health");
    expect(hc).toMatchObject({ retries: 3, interval: 10, timeout: 5 });
    // A TCP probe of the bolt port, not cypher-shell (a JVM per check).
    expect(container(prod, "neo4j").healthCheck.command[1]).toBe("bash -c ':> /dev/tcp/127.0.0.1/7687' || exit 1");
  });

  it("stdio servers run behind supergateway with the generated command and a heap sized to the task", () => {
    expect(container(prod, "resend").command).toEqual([
      "supergateway", "--stdio", "resend-mcp", "--outputTransport", "streamableHttp", "--port", "8000",
      "--streamableHttpPath", "/mcp", "--healthEndpoint", "/health", "--logLevel", "none",
    ]);
    expect(container(prod, "filesystem").command.slice(0, 3)).toEqual(["supergateway", "--stdio", "mcp-server-filesystem /data"]);
    expect(container(prod, "filesystem").environment).toContainEqual({ name: "NODE_OPTIONS", value: "--max-old-space-size=768" });
  });
});

describe("target groups and routes", () => {
  it("ip targets health-checked on /health; unhealthy after the consecutive-failures threshold", () => {
    for (const name of PUBLIC) {
      const tg = childOf(prod, name, TYPE.targetGroup)!;
      expect(tg.inputs).toMatchObject({ targetType: "ip", protocol: "HTTP", port: container(prod, name).portMappings[0].containerPort });
      expect(tg.inputs.healthCheck).toMatchObject({ enabled: true, path: "/health", unhealthyThreshold: 3, matcher: "200-299" });
    }
  });

  it("unhealthyThreshold follows alerts.thresholds.consecutiveFailures", async () => {
    const plan = await devWithFacets();
    expect(childOf(plan, "gmail", TYPE.targetGroup)!.inputs.healthCheck.unhealthyThreshold).toBe(5);
    expect(container(plan, "gmail").healthCheck.retries).toBe(5);
  });

  it("stateless Streamable HTTP: no stickiness, short drain; stateful and SSE: sticky with long drains", async () => {
    expect(childOf(prod, "gmail", TYPE.targetGroup)!.inputs).toMatchObject({ stickiness: { enabled: false }, deregistrationDelay: 30 });
    const plan = await planWith("dev", (r) => {
      r.servers.gmail.transport = "streamable-http-stateful";
      r.servers.rag.transport = "sse";
      // A reclaimed Spot task would take its sessions along (config refuses Spot for them).
      r.servers.gmail.spot = r.servers.rag.spot = false;
      // Two tasks each: their clients keep the stickiness cookie (config refuses it otherwise).
      r.servers.gmail.clientsKeepCookies = r.servers.rag.clientsKeepCookies = true;
      r.ingress.idleTimeoutSeconds = 600;
    });
    expect(childOf(plan, "gmail", TYPE.targetGroup)!.inputs).toMatchObject({ stickiness: { enabled: true, type: "lb_cookie" }, deregistrationDelay: 300 });
    expect(childOf(plan, "rag", TYPE.targetGroup)!.inputs).toMatchObject({ stickiness: { enabled: true }, deregistrationDelay: 600 });
  });

  it("path routes match the prefix and strip it, with unique stable priorities", () => {
    const rule = named(prod, "gmail-rule");
    expect(rule.inputs.conditions).toEqual([{ pathPattern: { values: ["/gmail", "/gmail/*"] } }]);
    expect(rule.inputs.transforms).toEqual([{ type: "url-rewrite", urlRewriteConfig: { rewrite: { regex: "^/gmail/?(.*)$", replace: "/$1" } } }]);
    const priorities = ofType(prod, TYPE.listenerRule).map((r) => r.inputs.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
    expect(priorities.every((p) => p >= 1 && p <= 50000)).toBe(true);
    const routePriorities = (plan: Plan) => ofType(plan, TYPE.listenerRule).filter((r) => r.name.endsWith("-rule")).map((r) => r.inputs.priority).sort();
    expect(routePriorities(dev)).toEqual(routePriorities(prod));
  });

  it("host routes match the host header", async () => {
    const plan = await prodWithFacets();
    const rule = named(plan, "gmail-rule");
    expect(rule.inputs.conditions).toEqual([{ hostHeader: { values: ["gmail.mcp.example.com"] } }]);
    expect(rule.inputs.transforms).toBeUndefined();
    expect(plan.outputs.servers.gmail.url).toBe("https://gmail.mcp.example.com/mcp");
  });
});

describe("services", () => {
  it("run in private subnets without public IPs", () => {
    const vpc = ofType(prod, TYPE.vpc)[0];
    for (const name of ALL) {
      const net = childOf(prod, name, TYPE.service)!.inputs.networkConfiguration;
      expect(net.assignPublicIp).toBe(false);
      expect(net.subnets).toHaveLength(vpc.inputs.numberOfAvailabilityZones);
      expect(net.subnets).not.toEqual(ofType(prod, TYPE.loadBalancer)[0].inputs.subnets);
    }
  });

  it("roll out at 100–200 % with a circuit breaker that rolls back, on the latest platform; databases stop before they start", () => {
    for (const name of PUBLIC) {
      expect(childOf(prod, name, TYPE.service)!.inputs).toMatchObject({
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        platformVersion: "LATEST",
      });
    }
    for (const name of INTERNAL) {
      const service = childOf(prod, name, TYPE.service)!.inputs;
      expect(service).toMatchObject({ deploymentMinimumHealthyPercent: 0, deploymentMaximumPercent: 100, deploymentCircuitBreaker: { enable: true, rollback: true } });
      expect(service.platformVersion).toBeUndefined();
    }
  });

  it("public services wait for their listener rule and get a health-check grace period", () => {
    const svc = childOf(prod, "gmail", TYPE.service)!;
    expect(svc.inputs.healthCheckGracePeriodSeconds).toBe(60);
    expect(svc.inputs.loadBalancers).toEqual([{ targetGroupArn: expect.stringContaining("targetgroup/gmail-tg"), containerName: "gmail", containerPort: 8080 }]);
    expect(svc.options.dependsOn).toContain("gmail-rule");
    expect(childOf(prod, "neo4j", TYPE.service)!.inputs.healthCheckGracePeriodSeconds).toBeUndefined();
  });

  it("start at the minimum task count and leave desiredCount to autoscaling", () => {
    expect(childOf(prod, "gmail", TYPE.service)!.inputs.desiredCount).toBe(3);
    expect(childOf(prod, "graphiti", TYPE.service)!.inputs.desiredCount).toBe(2);
    for (const name of ALL) expect(childOf(prod, name, TYPE.service)!.options.ignoreChanges).toEqual(["desiredCount"]);
  });

  it("Fargate Spot in dev; prod keeps an on-demand base and runs the rest on Spot; databases on their hosts", () => {
    expect(childOf(dev, "gmail", TYPE.service)!.inputs.capacityProviderStrategies).toEqual([{ capacityProvider: "FARGATE_SPOT", weight: 1 }]);
    expect(childOf(prod, "gmail", TYPE.service)!.inputs.capacityProviderStrategies).toEqual([
      { capacityProvider: "FARGATE", base: 2, weight: 0 },
      { capacityProvider: "FARGATE_SPOT", weight: 1 },
    ]);
    expect(childOf(prod, "filesystem", TYPE.service)!.inputs.capacityProviderStrategies).toEqual([{ capacityProvider: "FARGATE", weight: 1 }]);
    expect(childOf(prod, "neo4j", TYPE.service)!.inputs.capacityProviderStrategies).toEqual([{ capacityProvider: expect.stringContaining("neo4j"), weight: 1 }]);
    // A strategy change is applied in place only with a new deployment (terraform-provider-aws #43533).
    expect(childOf(prod, "gmail", TYPE.service)!.inputs.forceNewDeployment).toBe(true);
  });

  it("every service joins Service Connect so it can reach internal servers by name", () => {
    for (const name of ALL) expect(childOf(prod, name, TYPE.service)!.inputs.serviceConnectConfiguration).toMatchObject({ enabled: true, namespace: expect.stringContaining("mcp-prod") });
  });
});

describe("autoscaling", () => {
  it("scaling targets use the configured min/max", () => {
    expect(childOf(prod, "gmail", TYPE.scalingTarget)!.inputs).toMatchObject({ minCapacity: 3, maxCapacity: 6, serviceNamespace: "ecs", scalableDimension: "ecs:service:DesiredCount" });
    expect(childOf(prod, "gmail", TYPE.scalingTarget)!.inputs.resourceId).toMatch(/^service\/platform-cluster-\w+\/gmail-service-\w+$/);
  });

  it("target tracking on CPU, memory and requests per target (public) or CPU and memory (internal)", () => {
    const tracking = (name: string) => childrenOf(prod, name, TYPE.scalingPolicy).filter((p) => p.inputs.policyType === "TargetTrackingScaling");
    const metrics = (name: string) => tracking(name).map((p) => p.inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification);
    expect(metrics("gmail").map((m) => m.predefinedMetricType)).toEqual(["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget"]);
    expect(metrics("gmail")[2].resourceLabel).toMatch(/^app\/platform-alb-\w+\/\w+\/targetgroup\/gmail-tg-\w+\/\w+$/);
    expect(metrics("resend").map((m) => m.predefinedMetricType)).toEqual(["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget"]);
    // min = max: nothing to scale, and no target-tracking alarms to pay for.
    expect(metrics("neo4j")).toEqual([]);
    expect(metrics("filesystem")).toEqual([]);
    const cpu = tracking("gmail")[0].inputs.targetTrackingScalingPolicyConfiguration;
    expect(cpu).toMatchObject({ targetValue: 60, scaleOutCooldown: 60, scaleInCooldown: 300 });
  });

  it("beside target tracking, step scaling on one-minute alarms adds tasks within 140 s of a burst; scale-in stays slow", () => {
    const step = named(prod, "gmail-scale-cpu-burst").inputs;
    expect(step).toMatchObject({ policyType: "StepScaling", stepScalingPolicyConfiguration: { adjustmentType: "ChangeInCapacity", cooldown: 60 } });
    expect(step.stepScalingPolicyConfiguration.stepAdjustments).toEqual([
      { metricIntervalLowerBound: "0", metricIntervalUpperBound: "20", scalingAdjustment: 1 },
      { metricIntervalLowerBound: "20", scalingAdjustment: 2 },
    ]);
    const alarm = named(prod, "gmail-alarm-cpu-burst").inputs;
    expect(alarm).toMatchObject({ namespace: "AWS/ECS", metricName: "CPUUtilization", statistic: "Average", period: 60, evaluationPeriods: 1, datapointsToAlarm: 1, threshold: 60, comparisonOperator: "GreaterThanThreshold" });
    expect(alarm.alarmActions).toEqual([expect.stringContaining("gmail-scale-cpu-burst")]);
    expect(named(prod, "gmail-alarm-requests-burst").inputs).toMatchObject({ metricName: "RequestCountPerTarget", statistic: "Sum", threshold: 500 });
    // Only additions: no step policy scales in, and a server whose min is its max has none.
    expect(step.stepScalingPolicyConfiguration.stepAdjustments.every((a: any) => a.scalingAdjustment > 0)).toBe(true);
    expect(childrenOf(prod, "neo4j", TYPE.scalingPolicy).some((p) => p.inputs.policyType === "StepScaling")).toBe(false);
  });
});

describe("secrets and IAM", () => {
  it("one Secrets Manager secret per secret name of the stack", () => {
    expect(ofType(prod, TYPE.secret).map((s) => s.inputs.name).sort()).toEqual(
      ["GMAIL_CREDENTIALS", "GMAIL_OAUTH_KEYS", "NEO4J_PASSWORD", "OPENAI_API_KEY", "RESEND_API_KEY", "probe-client"].map((n) => `mcp-stack/prod/${n}`),
    );
    // Values only people can put back are kept when the stack lets go of them; the probe's is rewritten by every deploy.
    const [generated, entered] = partition(ofType(prod, TYPE.secret), (s) => s.inputs.name.endsWith("/probe-client"));
    expect(entered.every((s) => s.options.retainOnDelete)).toBe(true);
    expect(generated.map((s) => s.options.retainOnDelete ?? false)).toEqual([false]);
  });

  it("each execution role reads exactly the secrets its server lists, and writes only its own log group", () => {
    const secretArn = (name: string) => container(prod, "graphiti").secrets.concat(container(prod, "gmail").secrets, container(prod, "resend").secrets).find((s: any) => s.name === name)?.valueFrom;
    for (const name of ALL) {
      const policy = JSON.parse(childOf(prod, name, TYPE.rolePolicy)!.inputs.policy);
      const read = policy.Statement.find((s: any) => s.Sid === "ReadOwnSecrets");
      const own = container(prod, name).secrets.map((s: any) => s.valueFrom);
      expect(read?.Resource ?? []).toEqual(own);
      expect(policy.Statement.find((s: any) => s.Sid === "WriteOwnLogs").Resource).toBe(`arn:aws:logs:us-east-1:123456789012:log-group:/mcp-stack/prod/${name}:*`);
      // ecr:GetAuthorizationToken has no resource-level permissions: the one wildcard allowed.
      const wildcards = policy.Statement.filter((s: any) => s.Resource === "*").map((s: any) => s.Action);
      expect(wildcards).toEqual(policy.Statement.some((s: any) => s.Sid === "PullOwnImage") ? ["ecr:GetAuthorizationToken"] : []);
    }
    const rag = JSON.parse(childOf(prod, "rag", TYPE.rolePolicy)!.inputs.policy);
    expect(JSON.stringify(rag)).not.toContain(secretArn("NEO4J_PASSWORD"));
  });

  it("execution and task roles are separate and trust only this account's ECS tasks", () => {
    const roles = childrenOf(prod, "gmail", TYPE.role).filter((r) => r.name !== "gmail-restore-role");
    expect(roles.map((r) => r.name).sort()).toEqual(["gmail-execution-role", "gmail-task-role"]);
    const trust = JSON.parse(roles[0].inputs.assumeRolePolicy);
    expect(trust.Statement[0]).toMatchObject({ Principal: { Service: "ecs-tasks.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } });
  });

  it("a secret value set in config becomes a secret version; others are filled out of band", async () => {
    const raw = rawConfigOf("dev");
    const map = configMapOf("dev", raw);
    map.values["mcp-stack:secretValues"] = JSON.stringify({ RESEND_API_KEY: "[secret]" });
    map.secretKeys.push("mcp-stack:secretValues");
    const plan = await runOffline("dev", map);
    const versions = ofType(plan, TYPE.secretVersion);
    expect(versions.map((v) => v.name)).toEqual(["secrets-RESEND_API_KEY-value"]);
  });
});

describe("outputs", () => {
  it("each public server's MCP URL and the ALB DNS name", () => {
    expect(prod.outputs.servers.gmail.url).toBe("https://mcp.example.com/gmail/mcp");
    expect(dev.outputs.servers.rag.url).toBe(`http://${dev.outputs.albDnsName}/rag/mcp`);
    expect(prod.outputs.servers.neo4j.url).toBeUndefined();
    expect(prod.outputs.albDnsName).toMatch(/\.elb\.amazonaws\.com$/);
  });

  it("each server's task definition as this deploy set it (mcp-ops status compares what runs with it)", () => {
    for (const name of ALL) expect(prod.outputs.servers[name].taskDefinition).toMatch(new RegExp(`^arn:aws:ecs:us-east-1:\\d{12}:task-definition/mcp-prod-${name}:\\d+$`));
  });
});

describe("invalid config", () => {
  it("stops the program before any resource is registered", async () => {
    const error = await planWith("prod", (r) => (r.servers.gmail.memory = 512)).catch((e) => e);
    expect(error).toBeInstanceOf(OfflineRunError);
    expect(error.cause).toBeInstanceOf(ConfigError);
    expect(error.message).toContain("servers.gmail.memory: 512 MiB is not valid");
    expect(error.message).not.toContain("MCP_STACK_TRACES");
    expect(error.resources).toEqual([]);
  });

  it("a bug of the program (not a config error) says how to get its stack trace, which plans leave out for speed", () => {
    const bug = () => new TypeError("Cannot read properties of undefined (reading 'arn')");
    expect(new OfflineRunError(bug(), []).message).toBe("Cannot read properties of undefined (reading 'arn')\n(set MCP_STACK_TRACES=1 and plan again for the stack trace)");
    process.env.MCP_STACK_TRACES = "1";
    try {
      expect(new OfflineRunError(bug(), []).message).toMatch(/^Cannot read .*\nTypeError: Cannot read .*\n +at /);
    } finally {
      delete process.env.MCP_STACK_TRACES;
    }
  });

  it("names a missing aws:region", async () => {
    const map = configMapOf("dev", rawConfigOf("dev"));
    delete map.values["aws:region"];
    const error = await runOffline("dev", map).catch((e) => e);
    expect(error.message).toContain("aws:region: is required");
  });
});

describe("edge: access logs and WAF", () => {
  it("the ALB writes access logs to a private, encrypted bucket that the log delivery may write to, kept in prod", () => {
    const alb = named(prod, "platform-alb").inputs;
    expect(alb.accessLogs).toMatchObject({ prefix: "alb", enabled: true });
    expect(named(prod, "platform-alb").options.dependsOn).toContain("platform-alb-logs-policy");
    expect(named(prod, "platform-alb-logs").options.retainOnDelete).toBe(true);
    expect(named(dev, "platform-alb-logs").inputs.forceDestroy).toBe(true);
    expect(named(prod, "platform-alb-logs-private").inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    expect(named(prod, "platform-alb-logs-encryption").inputs.rules[0].applyServerSideEncryptionByDefault).toEqual({ sseAlgorithm: "AES256" });
    expect(named(prod, "platform-alb-logs-expiry").inputs.rules[0].expiration).toEqual({ days: 90 });
    const [delivery, elbAccount, tls] = JSON.parse(named(prod, "platform-alb-logs-policy").inputs.policy).Statement;
    expect(delivery).toMatchObject({ Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject" });
    expect(delivery.Resource).toMatch(/\/alb\/AWSLogs\/123456789012\/\*$/);
    expect(elbAccount.Principal).toEqual({ AWS: "arn:aws:iam::127311923021:root" });
    expect(tls).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });

  it("a WAF web ACL on the ALB: a rate limit per server route and per IP, then AWS managed rules; nothing allowed by path", () => {
    const acl = named(prod, "edge-waf").inputs;
    expect(acl).toMatchObject({ name: "mcp-prod", scope: "REGIONAL", defaultAction: { allow: {} } });
    const byPriority = [...acl.rules].sort((a: any, b: any) => a.priority - b.priority);
    expect(byPriority.map((r: any) => r.name)).toEqual([
      "rate-limit-gmail",
      "rate-limit-graphiti",
      "rate-limit-rag",
      "rate-limit-resend",
      "tool-calls-resend",
      "rate-limit-per-ip",
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesAmazonIpReputationList",
    ]);
    expect(acl.rules.filter((r: any) => r.action?.allow)).toEqual([]);
    const limits = Object.fromEntries(acl.rules.filter((r: any) => r.statement.rateBasedStatement).map((r: any) => [r.name, r.statement.rateBasedStatement.limit]));
    expect(limits).toEqual({ "rate-limit-gmail": 100, "rate-limit-graphiti": 200, "rate-limit-rag": 150, "rate-limit-resend": 120, "tool-calls-resend": 120, "rate-limit-per-ip": 1000 });
    const gmail = acl.rules.find((r: any) => r.name === "rate-limit-gmail");
    // WAF counts per evaluation window: with a 60 s window the per-minute limit is the limit itself.
    expect(gmail.statement.rateBasedStatement).toMatchObject({ evaluationWindowSec: 60, aggregateKeyType: "IP" });
    expect(gmail.action.block.customResponse.responseCode).toBe(429);
    expect(acl.rules.filter((r: any) => r.statement.managedRuleGroupStatement).every((r: any) => "none" in r.overrideAction)).toBe(true);
    expect(named(prod, "edge-waf-alb").inputs.resourceArn).toMatch(/:loadbalancer\/app\//);
  });

  it("WAF semantics: no attacker-chosen path skips the rate limits or the managed rules; a server's limit covers its whole route", () => {
    const acl = named(prod, "edge-waf").inputs;
    const host = "mcp.example.com";
    const managed = ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"];
    for (const path of ["/gmail/health", "/anything/health", "/.well-known/oauth-protected-resource/gmail/mcp", "/gmail/.well-known/oauth-x", "/resend/mcp"]) {
      const steps = wafPath(acl, { host, path });
      expect(steps.find((s) => s.effect === "allow")).toBeUndefined();
      expect(steps.map((s) => s.rule)).toEqual(expect.arrayContaining(["rate-limit-per-ip", ...managed]));
    }
    const counted = (path: string) => wafPath(acl, { host, path }).filter((s) => s.effect === "rate-counted").map((s) => s.rule);
    expect(counted("/gmail")).toEqual(["rate-limit-gmail", "rate-limit-per-ip"]);
    expect(counted("/gmail/mcp")).toEqual(["rate-limit-gmail", "rate-limit-per-ip"]);
    expect(counted("/gmailx/mcp")).toEqual(["rate-limit-per-ip"]);
    // Resend's tool calls share one counter across all clients (a constant key): 120 a minute, Resend's 2 per second.
    const call = (body: string) => wafPath(acl, { host, path: "/resend/mcp", body }).filter((s) => s.effect === "rate-counted").map((s) => s.rule);
    expect(call('{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"send-email"}}')).toEqual(["rate-limit-resend", "tool-calls-resend", "rate-limit-per-ip"]);
    expect(call('{"jsonrpc":"2.0","id":1,"method":"initialize"}')).toEqual(["rate-limit-resend", "rate-limit-per-ip"]);
    expect(acl.rules.find((r: any) => r.name === "tool-calls-resend").statement.rateBasedStatement).toMatchObject({ limit: 120, aggregateKeyType: "CONSTANT", evaluationWindowSec: 60 });
    // The common rule set's body rules only count: JSON-RPC bodies carry HTML, paths and URLs by design.
    const common = acl.rules.find((r: any) => r.name === "AWSManagedRulesCommonRuleSet").statement.managedRuleGroupStatement;
    expect(common.ruleActionOverrides.map((o: any) => o.name)).toEqual(["SizeRestrictions_BODY", "CrossSiteScripting_BODY", "GenericLFI_BODY", "GenericRFI_BODY", "EC2MetaDataSSRF_BODY"]);
    expect(common.ruleActionOverrides.every((o: any) => "count" in o.actionToUse)).toBe(true);
    // The rule the old stack had: Allow is terminating, so a path ending in /health skipped everything after it.
    const bypass = { name: "always-allowed-paths", priority: 0, action: { allow: {} }, statement: { byteMatchStatement: { searchString: "/health", fieldToMatch: { uriPath: {} }, positionalConstraint: "ENDS_WITH", textTransformations: [] } } };
    expect(wafPath({ rules: [bypass, ...acl.rules] }, { host, path: "/gmail/send/health" })).toEqual([{ rule: "always-allowed-paths", effect: "allow" }]);
  });

  it("WAF logs to an aws-waf-logs-* group with the stack's retention, authorization headers redacted", () => {
    expect(named(prod, "edge-waf-logs").inputs).toMatchObject({ name: "aws-waf-logs-mcp-prod", retentionInDays: 90 });
    const logging = named(prod, "edge-waf-logging").inputs;
    expect(logging.logDestinationConfigs[0]).toMatch(/:log-group:aws-waf-logs-mcp-prod$/);
    expect(logging.redactedFields).toEqual([{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }, { singleHeader: { name: "mcp-session-id" } }, { queryString: {} }]);
  });

  it("managed rules can count instead of block, and the stack-wide per-IP limit is configurable", async () => {
    const plan = await devWithFacets();
    const rules = named(plan, "edge-waf").inputs.rules;
    expect(rules.filter((r: any) => r.statement.managedRuleGroupStatement).every((r: any) => "count" in r.overrideAction)).toBe(true);
    expect(rules.find((r: any) => r.name === "rate-limit-per-ip").statement.rateBasedStatement.limit).toBe(300);
  });

  it("the overview dashboard charts the WAF's blocks, one line per rate limit", () => {
    const body = JSON.parse(named(prod, "dashboards-overview").inputs.dashboardBody);
    const rateWidget = body.widgets.find((w: any) => w.properties.title === "WAF: blocked by rate limit (429)");
    expect(rateWidget.properties.metrics.map((m: any[]) => m[7])).toEqual(["rate-limit-gmail", "rate-limit-graphiti", "rate-limit-rag", "rate-limit-resend", "tool-calls-resend", "rate-limit-per-ip"]);
    expect(rateWidget.properties.metrics[0].slice(0, 6)).toEqual(["AWS/WAFV2", "BlockedRequests", "WebACL", "mcp-prod", "Region", "us-east-1"]);
  });

  it("a host-routed server is rate limited on its Host header", async () => {
    const plan = await prodWithFacets();
    const rule = named(plan, "edge-waf").inputs.rules.find((r: any) => r.name === "rate-limit-gmail");
    expect(rule.statement.rateBasedStatement.scopeDownStatement.byteMatchStatement).toMatchObject({ searchString: "gmail.mcp.example.com", fieldToMatch: { singleHeader: { name: "host" } } });
  });
});

describe("images: pulled, or built and pushed to the stack's ECR", () => {
  it("resend and filesystem are bridged: built from bridge/, in an immutable, scanned, encrypted ECR repository with a lifecycle", () => {
    for (const name of ["resend", "filesystem"]) {
      const repo = named(prod, `${name}-repo`).inputs;
      expect(repo).toMatchObject({ name: `mcp-prod/${name}`, imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true }, encryptionConfigurations: [{ encryptionType: "KMS" }] });
      const rules = JSON.parse(named(prod, `${name}-repo-lifecycle`).inputs.policy).rules;
      expect(rules[0].selection).toMatchObject({ countType: "imageCountMoreThan", countNumber: 20 });
      const image = named(prod, `${name}-image`).inputs;
      // Relative paths: the same inputs from any checkout, so another checkout neither rebuilds nor re-pushes a tag.
      expect(image.context.location).toBe("bridge");
      expect(image.dockerfile.location).toBe("bridge/Dockerfile");
      expect(image).toMatchObject({ push: true, platforms: ["linux/arm64"], buildOnPreview: false });
      expect(image.tags[0]).toMatch(new RegExp(`^123456789012\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/mcp-prod/${name}:c-[0-9a-f]{12}$`));
      expect(container(prod, name).image).toMatch(new RegExp(`/mcp-prod/${name}@sha256:[0-9a-f]{64}$`));
    }
    expect(named(prod, "filesystem-image").inputs.buildArgs).toEqual({ MCP_PACKAGE: "@modelcontextprotocol/server-filesystem@2026.8.31" });
    expect(container(prod, "filesystem").command.slice(0, 3)).toEqual(["supergateway", "--stdio", "mcp-server-filesystem /data"]);
    // The tag is a hash of the context and the build args: the two servers' different packages give different tags.
    const tagOf = (name: string) => named(prod, `${name}-image`).inputs.tags[0].split(":").pop();
    expect(tagOf("filesystem")).not.toBe(tagOf("resend"));
  });

  it("the execution role may pull from its own repository only; pulled images need no ECR permission", () => {
    const statements = JSON.parse(named(prod, "filesystem-execution-policy").inputs.policy).Statement;
    expect(statements.find((s: any) => s.Sid === "PullOwnImage").Resource).toBe("arn:aws:ecr:us-east-1:123456789012:repository/mcp-prod/filesystem");
    expect(JSON.parse(named(prod, "gmail-execution-policy").inputs.policy).Statement.some((s: any) => s.Sid === "PullOwnImage")).toBe(false);
    expect(prod.resources.some((r) => r.name === "gmail-repo")).toBe(false);
    expect(container(dev, "gmail").image).toBe("ghcr.io/example/gmail-mcp:1.1.11");
  });

  it("prod runs every pulled image by digest, resolved from its tag at deploy time; dev runs tags", () => {
    for (const name of ALL) {
      const [main, init] = JSON.parse(named(prod, `${name}-task`).inputs.containerDefinitions);
      for (const image of [main.image, init.image]) expect(image).toMatch(/@sha256:[0-9a-f]{64}$/);
    }
    const digest = container(prod, "neo4j").image.split("@")[1];
    expect(container(prod, "neo4j").image).toBe(`neo4j@${digest}`);
    expect(prod.resolvedImages![digest]).toBe("neo4j:5.26");
    expect(container(dev, "neo4j").image).toBe("neo4j:5.26");
  });

  it("an x86_64 server is built for linux/amd64 under its own tag: one tag never names two platforms' images", async () => {
    const plan = await devWithFacets();
    expect(named(dev, "filesystem-image").inputs.platforms).toEqual(["linux/arm64"]);
    expect(named(plan, "filesystem-image").inputs.platforms).toEqual(["linux/amd64"]);
    const tagOf = (p: Plan) => named(p, "filesystem-image").inputs.tags[0].split(":").pop();
    expect(tagOf(plan)).not.toBe(tagOf(dev));
  });

  it("the tag depends on the context's content, not on where the checkout lives", () => {
    const build = { context: "bridge", args: { MCP_PACKAGE: "resend-mcp@2.22.0" }, keepImages: 20 };
    const copy = mkdtempSync(path.join(tmpdir(), "elsewhere-"));
    cpSync(path.join(PROJECT_DIR, "bridge"), path.join(copy, "bridge"), { recursive: true });
    const here = contentTag(path.join(PROJECT_DIR, "bridge"), build, "linux/amd64");
    expect(contentTag(path.join(copy, "bridge"), build, "linux/amd64")).toBe(here);
    writeFileSync(path.join(copy, "bridge", "Dockerfile"), "FROM scratch\n");
    expect(contentTag(path.join(copy, "bridge"), build, "linux/amd64")).not.toBe(here);
  });
});

describe("authentication: ingress.auth", () => {
  it("prod uses Cognito: a user pool for machines, a read and a write scope per server, a token domain, a client per consumer", () => {
    expect(named(prod, "auth-pool").inputs).toMatchObject({ name: "mcp-prod", adminCreateUserConfig: { allowAdminCreateUserOnly: true }, deletionProtection: "ACTIVE" });
    expect(named(prod, "auth-pool").options).toMatchObject({ protect: true, retainOnDelete: true });
    const scopes = named(prod, "auth-resource-server").inputs.scopes.map((s: any) => s.scopeName);
    expect(named(prod, "auth-resource-server").inputs.identifier).toBe("mcp");
    expect(scopes).toEqual(PUBLIC.flatMap((n) => [`${n}.read`, `${n}.write`]));
    expect(named(prod, "auth-domain").inputs.domain).toBe("mcp-prod-123456789012");
    // Each consumer gets only what it needs; a write scope brings its server's read scope (every route checks one).
    expect(named(prod, "auth-client-assistants").inputs).toMatchObject({
      generateSecret: true,
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthFlows: ["client_credentials"],
      allowedOauthScopes: ["mcp/filesystem.read", "mcp/gmail.read", "mcp/graphiti.read", "mcp/rag.read"],
    });
    expect(named(prod, "auth-client-mailer").inputs.allowedOauthScopes).toEqual(["mcp/resend.read", "mcp/resend.write"]);
    expect(prod.outputs.auth).toMatchObject({
      issuer: expect.stringMatching(/^https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_[0-9A-F]{9}$/),
      tokenUrl: "https://mcp-prod-123456789012.auth.us-east-1.amazoncognito.com/oauth2/token",
      clients: { mailer: { scopes: ["mcp/resend.read", "mcp/resend.write"], clientSecret: "[secret]" } },
    });
  });

  it("the ALB validates the bearer token (issuer, JWKS, the route's own scope) before forwarding (discovery: tests/discovery.test.ts)", () => {
    const issuer = prod.outputs.auth.issuer;
    for (const name of PUBLIC) {
      const rule = named(prod, `${name}-rule`).inputs;
      const scope = name === "resend" ? "mcp/resend.write" : `mcp/${name}.read`;
      expect(rule.actions).toEqual([
        { type: "jwt-validation", order: 1, jwtValidation: { issuer, jwksEndpoint: `${issuer}/.well-known/jwks.json`, additionalClaims: [{ format: "space-separated-values", name: "scope", values: [scope] }] } },
        { type: "forward", order: 2, targetGroupArn: expect.stringMatching(/:targetgroup\//) },
      ]);
    }
  });

  it("public servers that speak HTTP learn the issuer, JWKS, their scopes and resource URL; bridged and internal ones do not", () => {
    const env = Object.fromEntries(container(prod, "gmail").environment.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      MCP_AUTH_ISSUER: prod.outputs.auth.issuer,
      MCP_AUTH_JWKS_URL: `${prod.outputs.auth.issuer}/.well-known/jwks.json`,
      MCP_AUTH_REQUIRED_SCOPE: "mcp/gmail.read",
      MCP_AUTH_WRITE_SCOPE: "mcp/gmail.write",
      MCP_RESOURCE_URL: "https://mcp.example.com/gmail/mcp",
    });
    // Nothing in a bridged server would read them: exporting them would imply a control that is not there.
    for (const name of ["neo4j", "resend", "filesystem"]) expect(container(prod, name).environment.some((e: any) => e.name.startsWith("MCP_AUTH_"))).toBe(false);
  });

  it("dev has no authentication: no user pool, rules forward directly", () => {
    expect(dev.resources.some((r) => r.type === TYPE.userPool)).toBe(false);
    expect(named(dev, "gmail-rule").inputs.actions).toEqual([{ type: "forward", targetGroupArn: expect.any(String) }]);
    expect(named(dev, "platform-alb").inputs.tags).toEqual({ "mcp-stack:auth": "none", "mcp-stack:exposure": "vpc" });
  });
});
