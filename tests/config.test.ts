import { parseStackConfig } from "../config/load";
import { resolveStackConfig } from "../config/resolve";
import { stackShapeSchema } from "../config/schema";
import { configProblems, configWith, rawConfigOf } from "./support/stackConfig";
import { assignLoadBalancers } from "../decisions/loadBalancers";
import { STACK_COMPONENT } from "../decisions/names";

const problemsOf = (mutate: (raw: Record<string, any>) => void, stack = "dev") => configProblems(stack, mutate);

describe("the shipped stack configs", () => {
  it.each(["dev", "prod"])("%s is valid and carries every server of the architecture table", (stack) => {
    const config = parseStackConfig(rawConfigOf(stack));
    // The WAF's rate limits where there is a WAF: prod's internet-facing ALB (dev's internal one has none).
    const limit = (n: number) => (stack === "prod" ? n : undefined);
    expect(Object.keys(config.servers).sort()).toEqual(["filesystem", "gmail", "graphiti", "neo4j", "rag", "resend", "vectordb"]);
    expect(config.servers.gmail).toMatchObject({ port: 8080, transport: "streamable-http", secrets: ["GMAIL_OAUTH_KEYS", "GMAIL_CREDENTIALS"] });
    expect(config.servers.graphiti).toMatchObject({ port: 8082, secrets: ["NEO4J_PASSWORD", "OPENAI_API_KEY"], dependsOn: ["neo4j"] });
    expect(config.servers.rag).toMatchObject({ port: 8082, secrets: ["OPENAI_API_KEY"] });
    expect(config.servers.resend).toMatchObject({ transport: "stdio", secrets: ["RESEND_API_KEY"] });
    expect([100, 200, 150, 120].map(limit)).toEqual(["gmail", "graphiti", "rag", "resend"].map((n) => config.servers[n].rateLimitPerMinute));
    expect(config.ingress.waf.enabled).toBe(stack === "prod");
    expect(Object.values(config.servers).every((s) => s.architecture === "arm64")).toBe(true);
    expect(config.servers.filesystem.transport).toBe("stdio");
    expect(config.servers.filesystem.rateLimitPerMinute).toBeUndefined();
    expect(config.servers.neo4j).toMatchObject({ port: 7687, internal: true, route: undefined, secrets: ["NEO4J_PASSWORD"] });
    expect(config.servers.vectordb.internal).toBe(true);
    for (const name of ["gmail", "rag", "filesystem", "neo4j", "vectordb"]) {
      expect(Object.values(config.servers[name].volumes).every((v) => v.backup)).toBe(true);
    }
  });

  it("prod carries the team's seed task counts and HA network; dev is cheap", () => {
    const prod = parseStackConfig(rawConfigOf("prod"));
    const dev = parseStackConfig(rawConfigOf("dev"));
    const minTasks = (c: typeof prod) => Object.fromEntries(Object.entries(c.servers).map(([n, s]) => [n, s.scaling.min]));
    expect(minTasks(prod)).toEqual({ gmail: 3, graphiti: 2, rag: 2, resend: 2, filesystem: 1, neo4j: 1, vectordb: 1 });
    expect(prod.network).toMatchObject({ availabilityZones: 3, natGateways: "OnePerAz" });
    expect(prod.ingress.domain).toBe("mcp.example.com");
    // Spot above an on-demand base for the stateless servers with more than one task; never for the databases.
    expect(Object.fromEntries(Object.entries(prod.servers).map(([n, s]) => [n, s.spot]))).toEqual({ gmail: { onDemandBase: 2 }, graphiti: { onDemandBase: 1 }, rag: { onDemandBase: 1 }, resend: { onDemandBase: 1 }, filesystem: false, neo4j: false, vectordb: false });
    expect(prod.alerts).toMatchObject({ containerInsights: true, kpiAlarms: true });
    expect(Object.values(dev.servers).every((s) => s.scaling.min === 1)).toBe(true);
    expect(dev.network).toMatchObject({ availabilityZones: 2, natGateways: "Instance" });
    expect(dev.alerts).toMatchObject({ containerInsights: false, kpiAlarms: false });
    expect(dev.ingress.domain).toBeUndefined();
    expect(dev.servers.gmail.spot).toBe(true);
  });

  it("applies the alert thresholds of the team's health monitor by default", () => {
    const raw = rawConfigOf("dev");
    delete raw.alerts;
    expect(parseStackConfig(raw).alerts.thresholds).toEqual({ responseTimeMs: 5000, errorRatePercent: 10, consecutiveFailures: 3, memoryPercent: 90, cpuPercent: 80 });
  });

  it("routes a public server without a route at /<name> and defaults stdio bridges to port 8000", () => {
    const raw = rawConfigOf("dev");
    delete raw.servers.resend.route;
    const config = parseStackConfig(raw);
    expect(config.servers.resend.route).toEqual({ path: "/resend", stripPrefix: true });
    expect(config.servers.resend.port).toBe(8000);
  });
});

describe("config errors name the key and the fix", () => {
  const cases: [string, (raw: Record<string, any>) => void, string, RegExp][] = [
    ["an invalid Fargate cpu/memory pair", (r) => Object.assign(r.servers.gmail, { cpu: 1024, memory: 512 }), "servers.gmail.memory", /with cpu 1024 Fargate accepts memory 2048–8192/],
    ["a cpu Fargate does not offer", (r) => (r.servers.gmail.cpu = 300), "servers.gmail.cpu", /not a Fargate size; cpu must be one of 256, 512/],
    ["the same path twice", (r) => (r.servers.rag.route = { path: "/gmail" }), "servers.rag.route.path", /already routed to gmail/],
    ["nested paths", (r) => (r.servers.rag.route = { path: "/gmail/rag" }), "servers.rag.route.path", /overlaps gmail's "\/gmail"/],
    ["the same host twice", (r) => ((r.servers.rag.route = { host: "x.example.com" }), (r.servers.gmail.route = { host: "x.example.com" })), "servers.rag.route.host", /already routed to gmail/],
    ["a route with both path and host", (r) => (r.servers.rag.route = { path: "/rag", host: "rag.example.com" }), "servers.rag.route", /exactly one of path .* or host/],
    ["an internal server with a route", (r) => (r.servers.neo4j.route = { path: "/neo4j" }), "servers.neo4j.route", /internal servers get no load balancer route/],
    ["dependsOn an unknown server", (r) => (r.servers.graphiti.dependsOn = ["neo5j"]), "servers.graphiti.dependsOn[0]", /"neo5j" is not a server in mcp-stack:servers/],
    ["dependsOn a disabled server", (r) => (r.servers.neo4j.enabled = false), "servers.graphiti.dependsOn[0]", /"neo4j" is disabled/],
    ["a dependency cycle", (r) => (r.servers.neo4j.dependsOn = ["graphiti"]), "servers.graphiti.dependsOn", /dependency cycle graphiti → neo4j → graphiti/],
    ["a stdio server without a command", (r) => delete r.servers.resend.command, "servers.resend.command", /stdio servers need the command that starts them/],
    ["scaling min above max", (r) => (r.servers.gmail.scaling = { min: 5, max: 2 }), "servers.gmail.scaling.min", /5 is above scaling.max 2; set min ≤ max/],
    ["a port out of range", (r) => (r.servers.rag.port = 70000), "servers.rag.port", /must be a port between 1 and 65535/],
    ["a port of 0", (r) => (r.servers.rag.port = 0), "servers.rag.port", /must be a port between 1 and 65535/],
    ["a name too long for a target group", (r) => (r.servers["a-very-long-server-name-x"] = r.servers.gmail), "servers.a-very-long-server-name-x", /at most 21 so its target group name stays within AWS's 32/],
    ["a name that is not a DNS label", (r) => (r.servers.Gmail_2 = r.servers.gmail), "servers.Gmail_2", /lowercase letters, digits and hyphens/],
    ["a reserved component name", (r) => (r.servers.platform = { ...r.servers.gmail, route: { path: "/platform" } }), "servers.platform", /reserved for a stack component/],
    ["a secret name that is not an env var", (r) => (r.servers.gmail.secrets = ["gmail-key"]), "servers.gmail.secrets[0]", /must be an environment variable name/],
    ["a secret listed twice", (r) => (r.servers.gmail.secrets = ["A_KEY", "A_KEY"]), "servers.gmail.secrets[1]", /listed twice/],
    ["a secret-looking plain variable", (r) => (r.servers.gmail.environment = { STRIPE_API_KEY: "sk_live" }), "servers.gmail.environment.STRIPE_API_KEY", /looks like a secret; move it to secrets/],
    ["a variable both plain and secret", (r) => (r.servers.gmail.environment = { GMAIL_CREDENTIALS: "x" }), "servers.gmail.environment.GMAIL_CREDENTIALS", /also listed in secrets/],
    ["a misspelled key", (r) => (r.servers.gmail.scalling = { min: 1 }), "servers.gmail.scalling", /unknown key/],
    ["an unknown transport", (r) => (r.servers.gmail.transport = "websocket"), "servers.gmail.transport", /streamable-http/],
    ["a missing image", (r) => delete r.servers.gmail.image, "servers.gmail.image", /is required: the container image/],
    ["a rate limit below WAF's minimum", (r) => (r.servers.gmail.rateLimitPerMinute = 5), "servers.gmail.rateLimitPerMinute", /at least 10/],
    ["a health check timeout not below its interval", (r) => (r.servers.gmail.healthCheck = { intervalSeconds: 10, timeoutSeconds: 10 }), "servers.gmail.healthCheck.timeoutSeconds", /less than healthCheck.intervalSeconds \(10\)/],
    ["a scaling target at the CPU alarm threshold", (r) => (r.servers.gmail.scaling = { min: 1, max: 2, cpuPercent: 80 }), "servers.gmail.scaling.cpuPercent", /below the CPU alarm threshold 80/],
    ["an idle timeout that cuts SSE heartbeats", (r) => ((r.servers.rag.transport = "sse"), (r.ingress = { idleTimeoutSeconds: 20 })), "ingress.idleTimeoutSeconds", /cut rag's SSE stream between heartbeats/],
    ["an unknown environment", (r) => (r.environment = "production"), "environment", /must be one of dev, staging, prod/],
    ["one AZ", (r) => (r.network = { availabilityZones: 1 }), "network.availabilityZones", /at least 2: an ALB needs subnets in two AZs/],
    ["an existing VPC with one subnet", (r) => (r.network = { vpcId: "vpc-0abc", publicSubnetIds: ["subnet-01"], privateSubnetIds: ["subnet-02", "subnet-03"] }), "network.publicSubnetIds", /at least 2 subnet ids/],
    ["an existing VPC with NAT settings", (r) => (r.network = { vpcId: "vpc-0abc", natGateways: "Single", publicSubnetIds: ["subnet-01", "subnet-02"], privateSubnetIds: ["subnet-03", "subnet-04"] }), "network.natGateways", /does not apply to an existing VPC/],
    ["a domain without a certificate", (r) => (r.ingress = { domain: "mcp.example.com" }), "ingress.certificateArn", /required when ingress.domain is set/],
    ["a secret value no server uses", (r) => (r.secretValues = { UNUSED_TOKEN: "[secret]" }), "secretValues.UNUSED_TOKEN", /no server lists UNUSED_TOKEN/],
    ["a negative alert threshold", (r) => (r.alerts.thresholds.responseTimeMs = -1), "alerts.thresholds.responseTimeMs", /must be a positive number/],
    ["a percentage above 100", (r) => (r.alerts.thresholds.memoryPercent = 120), "alerts.thresholds.memoryPercent", /percentage of at most 100/],
    ["an unknown severity in notify", (r) => (r.alerts.notify = { P5: ["a@example.com"] }), "alerts.notify.P5", /unknown severity; severities are P1, P2, P3, P4/],
    ["an invalid notify address", (r) => (r.alerts.notify = { P1: ["not-an-address"] }), "alerts.notify.P1[0]", /email address or an https:\/\/ URL/],
  ];

  it.each(cases)("%s", (_what, mutate, key, fix) => {
    const problems = problemsOf(mutate);
    const problem = problems.find((p) => p.startsWith(`${key}:`) || p.startsWith(`${key}.`));
    expect({ problems, found: problem !== undefined }).toMatchObject({ found: true });
    expect(problem).toMatch(fix);
  });

  it.each(Object.values(STACK_COMPONENT))("a server may not be named %s, the name of a stack component its children would clash with", (component) => {
    const problems = problemsOf((r) => (r.servers[component] = { ...r.servers.gmail, route: { path: `/${component}` } }));
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^servers\\.${component}: server name "${component}" is reserved for a stack component`)));
  });

  it("prod refuses unpinned images and plain HTTP", () => {
    const problems = problemsOf((r) => {
      r.servers.gmail.image = "ghcr.io/example/gmail-mcp:latest";
      r.servers.rag.image = "ghcr.io/example/rag-mcp";
      delete r.ingress.domain;
      delete r.ingress.certificateArn;
    }, "prod");
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^servers\.gmail\.image: .*not pinned; prod needs a version tag or digest/),
        expect.stringMatching(/^servers\.rag\.image: .*not pinned/),
        expect.stringMatching(/^ingress\.domain: prod needs a domain and certificateArn/),
      ]),
    );
  });

  it("accepts digests and registry ports as pinned images in prod", () => {
    const raw = rawConfigOf("prod");
    raw.servers.gmail.image = "registry.example.com:5000/gmail-mcp@sha256:" + "a".repeat(64);
    raw.servers.rag.image = "registry.example.com:5000/rag-mcp:2.3.0";
    expect(() => parseStackConfig(raw)).not.toThrow();
  });

  it("reports every problem at once, one line each", () => {
    const problems = problemsOf((r) => {
      r.servers.gmail.memory = 100000;
      r.servers.rag.route = { path: "/gmail" };
    });
    expect(problems).toHaveLength(2);
  });
});

describe("image or build", () => {
  it.each([
    ["both", (raw: any) => (raw.servers.filesystem.image = "ghcr.io/x/y:1"), "servers.filesystem.build: give either image (pulled as is) or build"],
    ["neither", (raw: any) => delete raw.servers.filesystem.build, "servers.filesystem.image: is required"],
    ["a context outside the project", (raw: any) => (raw.servers.filesystem.build.context = "../elsewhere"), "servers.filesystem.build.context: must be a directory inside the project"],
    ["a missing context", (raw: any) => (raw.servers.filesystem.build.context = "nosuchdir"), "servers.filesystem.build.context: directory nosuchdir does not exist in the project"],
    ["a missing Dockerfile", (raw: any) => (raw.servers.filesystem.build.dockerfile = "Nope.Dockerfile"), "servers.filesystem.build.dockerfile: bridge/Nope.Dockerfile does not exist"],
  ])("%s is refused", (_, change, message) => {
    expect(problemsOf(change)).toEqual([expect.stringContaining(message)]);
  });
});

describe("WAF limits", () => {
  it.each([
    ["a per-server limit below WAF's minimum", (raw: any) => (raw.servers.gmail.rateLimitPerMinute = 5), "servers.gmail.rateLimitPerMinute: must be at least 10: WAF's smallest rate limit per 60 s window"],
    ["a stack-wide limit below WAF's minimum", (raw: any) => (raw.ingress.waf = { ipRateLimitPerMinute: 0 }), "ingress.waf.ipRateLimitPerMinute: must be at least 10"],
    ["an unknown managed-rules mode", (raw: any) => (raw.ingress.waf = { managedRules: "log" }), "ingress.waf.managedRules: must be block or count"],
  ])("%s is refused", (_, change, message) => {
    expect(problemsOf(change)).toEqual([expect.stringContaining(message)]);
  });
});

describe("authentication settings", () => {
  it.each([
    ["prod without a choice", "prod", (raw: any) => (delete raw.ingress.auth, delete raw.ingress.clients), "ingress.auth: prod serves MCP on the internet: set ingress.auth: cognito, or ingress.auth: none with ingress.unauthenticatedReason"],
    ["prod opting out without a reason", "prod", (raw: any) => ((raw.ingress.auth = "none"), delete raw.ingress.clients), "ingress.unauthenticatedReason: the MCP routes would be open to the whole internet without a token: restrict who can reach them"],
    ["cognito without HTTPS", "dev", (raw: any) => (raw.ingress.auth = "cognito"), "ingress.auth: cognito needs HTTPS: the ALB validates bearer tokens only on an HTTPS listener"],
    ["an unknown mode", "dev", (raw: any) => (raw.ingress.auth = "basic"), "ingress.auth: must be none or cognito"],
    ["a Cognito domain Cognito refuses", "prod", (raw: any) => (raw.ingress.authDomainPrefix = "my-cognito-mcp"), "ingress.authDomainPrefix: must not contain aws, amazon or cognito"],
    ["a route priority without room for its discovery rule", "prod", (raw: any) => (raw.servers.gmail.route.priority = 1), "servers.gmail.route.priority: 1 needs 0 free for the server's OAuth discovery rule"],
  ])("%s is refused", (_, stack, change, message) => {
    expect(problemsOf(change as (raw: Record<string, any>) => void, stack as string)).toEqual([expect.stringContaining(message as string)]);
  });

  it("prod may opt out explicitly, with a reason", () => {
    const raw = rawConfigOf("prod");
    raw.ingress.auth = "none";
    delete raw.ingress.clients;
    raw.ingress.unauthenticatedReason = "reachable only through the corporate VPN";
    expect(parseStackConfig(raw).ingress.auth).toBe("none");
  });
});

describe("the ALB quotas", () => {
  const manyServers = (raw: any, count: number) => {
    for (let i = 0; i < count; i++) raw.servers[`extra-${i}`] = { ...raw.servers.graphiti, route: { path: `/extra-${i}` }, dependsOn: [] };
  };

  it("more routes than one ALB holds spread to a second one instead of being refused", () => {
    const config = configWith("dev", (raw) => manyServers(raw, 100));
    const { groups } = assignLoadBalancers(config);
    expect(groups.map((g) => [g.name, g.servers.length])).toEqual([["main", 100], ["lb2", 5]]);
  });

  it("a pin that breaks a quota is refused, naming the load balancer and the numbers", () => {
    // The rules quota raised: the target groups' hard quota alone speaks.
    expect(problemsOf((raw) => ((raw.ingress.maxListenerRules = 1000), manyServers(raw, 101), Object.keys(raw.servers).filter((n) => n.startsWith("extra-")).forEach((n) => (raw.servers[n].loadBalancer = "tenants"))))).toEqual([
      'servers.extra-0.loadBalancer: load balancer "tenants" would hold 101 servers: 101 target groups, above the 100 an ALB can hold (a hard quota); pin some of them elsewhere, or leave them unpinned so the stack spreads them',
    ]);
    expect(problemsOf((raw) => ((raw.ingress.maxListenerRules = 4), ["gmail", "rag", "resend"].forEach((n) => (raw.servers[n].loadBalancer = "main"))), "prod")).toEqual([
      'servers.gmail.loadBalancer: load balancer "main" would hold 3 servers: 6 listener rules, above ingress.maxListenerRules 4; pin some of them elsewhere, or leave them unpinned so the stack spreads them',
    ]);
    expect(problemsOf((raw) => (raw.servers.neo4j.loadBalancer = "main"))).toEqual(["servers.neo4j.loadBalancer: only applies to a server with a route (internal servers have no load balancer)"]);
    expect(problemsOf((raw) => (raw.servers.gmail.loadBalancer = "Tenants-2026"))).toEqual([
      "servers.gmail.loadBalancer: must be 1–10 lowercase letters and digits, starting with a letter (it becomes part of the ALB's name and host)",
    ]);
  });

  it("with Cognito at most 50 routed servers: two scopes each, and a resource server holds 100", () => {
    expect(problemsOf((raw) => ((raw.ingress.maxListenerRules = 1000), manyServers(raw, 46)), "prod")).toEqual([
      "servers: 51 routed servers need 102 scopes (read and write each), above Cognito's 100 per resource server; route at most 50 servers through one stack with cognito",
    ]);
  });
});

describe("combinations AWS refuses at deploy time", () => {
  it("EFS Max I/O with the Elastic throughput every volume uses", () => {
    expect(problemsOf((raw) => (raw.servers.gmail.volumes["/app/data"].performanceMode = "maxIO"))).toEqual([
      "servers.gmail.volumes./app/data.performanceMode: maxIO is not available with Elastic throughput, which the stack gives every file system; use generalPurpose",
    ]);
  });
});

describe("the config contract has no silent holes", () => {
  it("schema problems and cross-field problems come in one run", () => {
    const problems = problemsOf((r) => {
      r.servers.gmail.scalling = { min: 1 };
      r.servers.rag.route = { path: "/gmail" };
      r.servers.graphiti.memory = 100000;
    });
    expect(problems).toEqual([
      "servers.gmail.scalling: unknown key; check the spelling against the config reference in README.md",
      "servers.graphiti.memory: 100000 MiB is not valid; with cpu 256 Fargate accepts memory 512, 1024, 2048",
      'servers.rag.route.path: "/gmail" is already routed to gmail; give each server its own path',
    ]);
  });

  it.each([
    ["/tmp", "servers.gmail.volumes./tmp: the task mounts its own writable /tmp there (read-only root filesystem); keep data elsewhere, such as /data"],
    ["/etc/gmail", "servers.gmail.volumes./etc/gmail: would hide the container's system directory /etc; mount data elsewhere, such as /data"],
    ["/", "servers.gmail.volumes./: would hide the container's whole filesystem; mount data elsewhere, such as /data"],
  ])("a volume over %s is refused", (volumePath, message) => {
    expect(problemsOf((r) => (r.servers.gmail.volumes = { [volumePath]: {} }))).toEqual([message]);
  });
});

describe("the resolved config: what the rules proved is in its types", () => {
  it("a config that passed the rules resolves: public servers have routes, every server a port, stdio servers a command", () => {
    const config = configWith("prod");
    for (const [name, s] of Object.entries(config.servers)) {
      expect({ name, routed: s.route !== undefined }).toEqual({ name, routed: !s.internal });
      expect(typeof s.port).toBe("number");
      if (s.transport === "stdio") expect(s.command.length).toBeGreaterThan(0);
      expect([s.image, s.build].filter((x) => x !== undefined)).toHaveLength(1);
    }
  });

  type Damage = (shape: any) => void;
  it.each<[string, Damage, string]>([
    ["a public server without a route", (shape) => void (shape.servers.gmail.route = undefined), "servers.gmail: a public server without a route"],
    ["an internal server with a route", (shape) => void (shape.servers.neo4j.route = { path: "/neo4j", stripPrefix: true }), "servers.neo4j: an internal server with a route"],
    ["a server without a port", (shape) => void delete shape.servers.gmail.port, "servers.gmail: no port"],
    ["a stdio server without a command", (shape) => void delete shape.servers.resend.command, "servers.resend: a stdio server without a command"],
    ["an existing VPC without subnets", (shape) => void (shape.network = { vpcId: "vpc-0abc" }), "network: an existing VPC without its subnet ids"],
  ])("a rule gone missing fails loudly at the boundary instead of leaving undefined behind: %s", (_, damage, message) => {
    const shape = stackShapeSchema.parse(rawConfigOf("prod"));
    damage(shape);
    expect(() => resolveStackConfig(shape)).toThrow(message);
  });
});

describe("the MCP probe's config", () => {
  it.each([
    ["a schedule under a minute", (raw: any) => (raw.alerts = { ...raw.alerts, probe: { everyMinutes: 0 } }), "alerts.probe.everyMinutes: must be 1–60"],
    ["a schedule over an hour", (raw: any) => (raw.alerts = { ...raw.alerts, probe: { everyMinutes: 90 } }), "alerts.probe.everyMinutes: must be 1–60"],
    ["an unknown key", (raw: any) => (raw.alerts = { ...raw.alerts, probe: { every: 5 } }), "alerts.probe"],
    ["a client of its own named probe", (raw: any) => (raw.ingress.clients = { ...raw.ingress.clients, probe: { scopes: ["gmail.read"] } }), 'ingress.clients.probe: "probe" is the MCP probe\'s own client'],
  ])("%s is refused", (_, change, message) => {
    expect(problemsOf(change, "prod")).toEqual([expect.stringContaining(message)]);
  });
});

describe("cost levers are refused where they would break a server", () => {
  it("Spot: not for sessions a reclaimed task would lose, not with a base that leaves nothing to Spot, not for databases", () => {
    expect(problemsOf((r) => ((r.servers.gmail.transport = "streamable-http-stateful"), (r.servers.gmail.scaling = { min: 1, max: 1 })))).toEqual([
      "servers.gmail.spot: a reclaimed Spot task takes its streamable-http-stateful sessions with it; remove spot, or set sharedSessionState: true if every task shares the session store",
    ]);
    expect(configWith("dev", (r) => ((r.servers.gmail.transport = "streamable-http-stateful"), (r.servers.gmail.sharedSessionState = true))).servers.gmail.spot).toBe(true);
    expect(problemsOf((r) => (r.servers.gmail.spot = { onDemandBase: 6 }), "prod")).toEqual([
      "servers.gmail.spot.onDemandBase: 6 on-demand tasks cover scaling.max 6: no task would run on Spot; lower it or set spot: false",
    ]);
    expect(problemsOf((r) => (r.servers.gmail.spot = { onDemandBase: 0 }), "prod")).toContain("servers.gmail.spot.onDemandBase: must be at least 1; spot: true runs every task on Spot");
    expect(problemsOf((r) => (r.servers.neo4j.spot = true))).toEqual([
      "servers.neo4j.spot: a server with ebs volumes runs on its own on-demand EC2 host, not on Fargate Spot; remove spot",
    ]);
  });

  it("WAF rate limits need a WAF: an internal load balancer has none unless ingress.waf.enabled says so", () => {
    expect(problemsOf((r) => (r.servers.resend.toolCallsPerMinute = 120))).toEqual([
      "servers.resend.toolCallsPerMinute: is a WAF rule and this stack has no WAF (ingress.waf.enabled is false, the default of an internal load balancer); remove it or set ingress.waf.enabled: true",
    ]);
    expect(configWith("dev", (r) => ((r.servers.resend.toolCallsPerMinute = 120), (r.ingress.waf = { enabled: true }))).servers.resend.toolCallsPerMinute).toBe(120);
  });

  it("a NAT strategy of None leaves the tasks without a way out", () => {
    expect(problemsOf((r) => (r.network.natGateways = "None"))).toEqual(["network.natGateways: None leaves the private subnets without a way out; use Instance (one NAT instance), Single or OnePerAz"]);
  });

  it("a database host's task is sized freely (EC2, not Fargate's fixed sizes)", () => {
    expect(configWith("dev", (r) => (r.servers.vectordb.memory = 700)).servers.vectordb.memory).toBe(700);
    expect(problemsOf((r) => (r.servers.gmail.memory = 768))).toEqual(["servers.gmail.memory: 768 MiB is not valid; with cpu 256 Fargate accepts memory 512, 1024, 2048"]);
  });
});

describe("one rule for a pinned image, in the config and the policy pack", () => {
  it.each(["ghcr.io/example/gmail-mcp", "ghcr.io/example/gmail-mcp:latest", "ghcr.io/example/gmail-mcp:"])("prod refuses %s", (image) => {
    expect(problemsOf((raw) => (raw.servers.gmail.image = image), "prod")).toEqual([expect.stringMatching(/^servers\.gmail\.image: ".*" is not pinned/)]);
  });
});
