import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { initializeFails, Loopback, mcpServer, statefulMcpServer, tokenEndpoint, type Handler } from "./support/mcpLoopback";
import { forgetTokens, metricRecord, probe, type ClientCredentials, type ProbeEvent, type ProbeTarget } from "../probe/handler";
import { probeBundleDir } from "../components/probe";
import { PROJECT_DIR } from "../project";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Plan } from "../engine/offline";
import { parseStackConfig } from "../config/load";
import { probedServers, probeSettingsFor } from "../decisions/probe";
import { named, ofType } from "./support/plan";
import { shippedPlan } from "./support/shippedPlans";
import { rawConfigOf } from "./support/stackConfig";
import { motoAvailability, motoClientConfig, startMoto } from "./support/moto";
import { TYPE } from "../decisions/resourceTypes";

/**
 * The probe against real MCP servers on loopback (the official SDK's server, stateless Streamable HTTP), a token endpoint
 * that grants client credentials like Cognito's /oauth2/token, and servers that fail in the ways a deploy breaks them.
 */
const loopback = new Loopback();
afterAll(() => loopback.close());
const listen = (handler: Handler) => loopback.listen(handler);

const TOKEN = "token-for-mcp/resend.write";
const CREDENTIALS = { clientId: "probe-client", clientSecret: "probe-secret" };
/** The scopes the probe's client may ask for; the token endpoint refuses a request for any other. */
const issuer = tokenEndpoint(CREDENTIALS, ["mcp/resend.write", "mcp/gmail.read"], TOKEN);
const tokenRequests = issuer.requests;
const stateful = statefulMcpServer();

const target = (url: string, extra: Partial<ProbeTarget> = {}): ProbeTarget => ({ stack: "prod", server: "resend", url, ...extra });
let open: string, sessions: string, broken: string, refusing: string, guarded: string, tokens: string, hangs: string, failing: string, notMcp: string;
beforeAll(async () => {
  open = `${await listen(mcpServer())}/mcp`;
  guarded = `${await listen(mcpServer(TOKEN))}/mcp`;
  broken = `${await listen(initializeFails)}/mcp`;
  refusing = `${await listen(mcpServer("another-token"))}/mcp`;
  tokens = `${await listen(issuer.handler)}/oauth2/token`;
  sessions = `${await listen(stateful.handler)}/mcp`;
  hangs = await listen(() => undefined);
  failing = await listen((_, res) => void res.writeHead(502, { "content-type": "text/html" }).end("<html>502 Bad Gateway</html>"));
  notMcp = await listen((_, res) => void res.writeHead(200, { "content-type": "text/html" }).end("<html>hello</html>"));
});

beforeEach(() => {
  forgetTokens();
  tokenRequests.length = 0;
});

describe("the probe against servers on loopback", () => {
  it("a healthy server: initialized, its tools listed and counted, the negotiated protocol version reported", async () => {
    const result = await probe(target(open), undefined, 5000);
    expect(result).toMatchObject({ ok: true, tools: 2, session: "stateless", auth: "none" });
    expect(result.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("a stateful server: the probe ends the session it opened with DELETE, as a polite client does", async () => {
    const result = await probe(target(sessions), undefined, 5000);
    expect(result).toMatchObject({ ok: true, tools: 2, session: "ended" });
    expect(stateful.ended).toHaveLength(1);
  });

  it("a server whose initialize answers a JSON-RPC error fails, with the server's message", async () => {
    expect(await probe(target(broken), undefined, 5000)).toMatchObject({ ok: false, error: expect.stringContaining("upstream API key rejected") });
  });

  it("a route behind token validation: the probe gets a client-credentials token with the route's scope and gets through", async () => {
    const credentials: ClientCredentials = { tokenUrl: tokens, ...CREDENTIALS };
    expect(await probe(target(guarded, { scope: "mcp/resend.write" }), credentials, 5000)).toMatchObject({ ok: true, tools: 2 });
  });

  it("a token for the wrong scope, wrong client secret, or no credentials at all: a failure naming why", async () => {
    const wrongScope = await probe(target(guarded, { scope: "mcp/rag.read" }), { tokenUrl: tokens, ...CREDENTIALS }, 5000);
    expect(wrongScope).toMatchObject({ ok: false, error: "token endpoint answered 400" });
    const wrongSecret = await probe(target(guarded, { scope: "mcp/resend.write" }), { tokenUrl: tokens, clientId: "probe-client", clientSecret: "old" }, 5000);
    expect(wrongSecret).toMatchObject({ ok: false, error: "token endpoint answered 400" });
    expect(await probe(target(guarded, { scope: "mcp/resend.write" }), undefined, 5000)).toMatchObject({ ok: false, error: expect.stringMatching(/no client credentials/) });
  });

  it("one token for every route of a run, kept across runs until five minutes before it expires (Cognito bills each token request)", async () => {
    const credentials: ClientCredentials = { tokenUrl: tokens, ...CREDENTIALS };
    const scopes = ["mcp/resend.write", "mcp/gmail.read"];
    for (let run = 0; run < 3; run++) expect(await probe(target(guarded, { scope: "mcp/resend.write" }), credentials, 5000, scopes)).toMatchObject({ ok: true });
    expect(tokenRequests).toEqual(["mcp/gmail.read mcp/resend.write"]);
  });

  it("a token the route refuses (401) is asked for again next run; a server that is down (502) keeps it", async () => {
    const credentials: ClientCredentials = { tokenUrl: tokens, ...CREDENTIALS };
    const route = (url: string) => target(url, { scope: "mcp/resend.write" });
    expect(await probe(route(guarded), credentials, 5000)).toMatchObject({ ok: true });
    expect(await probe(route(failing), credentials, 5000)).toMatchObject({ ok: false });
    expect(await probe(route(guarded), credentials, 5000)).toMatchObject({ ok: true });
    expect(tokenRequests).toHaveLength(1);
    expect(await probe(route(refusing), credentials, 5000)).toMatchObject({ ok: false });
    expect(await probe(route(guarded), credentials, 5000)).toMatchObject({ ok: true });
    expect(tokenRequests).toHaveLength(2);
  });


  it("a route that wants a token the probe does not send (401) fails", async () => {
    expect(await probe(target(guarded), undefined, 5000)).toMatchObject({ ok: false });
  });

  it("a load balancer's 502 and a web page that is no MCP server fail", async () => {
    expect(await probe(target(failing), undefined, 5000)).toMatchObject({ ok: false });
    expect(await probe(target(notMcp), undefined, 5000)).toMatchObject({ ok: false });
  });

  it("a server that accepts the connection and never answers fails at the timeout, not later", async () => {
    const started = Date.now();
    const result = await probe(target(hangs), undefined, 300);
    expect(result).toMatchObject({ ok: false, error: "no answer within 300 ms" });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("nothing listening fails", async () => {
    expect(await probe(target("http://127.0.0.1:1/mcp"), undefined, 2000)).toMatchObject({ ok: false });
  });
});

describe("the metrics the alarms read (Embedded Metric Format)", () => {
  it("success: ProbeSuccess 1 and ProbeLatency, in MCPStack/Probe by Stack and Server", () => {
    const record = metricRecord(target(open), { ok: true, latencyMs: 140, tools: 2, protocolVersion: "2025-06-18" }, 1_700_000_000_000);
    expect(record).toEqual({
      _aws: { Timestamp: 1_700_000_000_000, CloudWatchMetrics: [{ Namespace: "MCPStack/Probe", Dimensions: [["Stack", "Server"]], Metrics: [{ Name: "ProbeSuccess", Unit: "Count" }, { Name: "ProbeLatency", Unit: "Milliseconds" }] }] },
      Stack: "prod",
      Server: "resend",
      ProbeSuccess: 1,
      ProbeLatency: 140,
      tools: 2,
      protocolVersion: "2025-06-18",
    });
  });

  it("failure: ProbeSuccess 0 and no latency (a failed probe's time would skew p90), the error kept in the log line", () => {
    const record = metricRecord(target(open), { ok: false, latencyMs: 10000, error: "no answer within 10000 ms" });
    expect(record.ProbeSuccess).toBe(0);
    expect(record).not.toHaveProperty("ProbeLatency");
    expect((record._aws as any).CloudWatchMetrics[0].Metrics).toEqual([{ Name: "ProbeSuccess", Unit: "Count" }]);
    expect(record.error).toBe("no answer within 10000 ms");
  });
});

type Results = { ok: boolean; tools?: number; error?: string }[];
function loadBundle(): (event: ProbeEvent) => Promise<Results> {
  // Run from a directory with no node_modules above it, as Lambda does: a missing dependency would fail to load.
  const file = path.join(mkdtempSync(path.join(tmpdir(), "probe-bundle-")), "index.js");
  copyFileSync(path.join(PROJECT_DIR, probeBundleDir(), "index.js"), file);
  return (jest.requireActual(file) as { handler: (event: ProbeEvent) => Promise<Results> }).handler;
}

async function silently<T>(run: () => Promise<T>): Promise<[T, string[]]> {
  const logged: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((line: string) => void logged.push(line));
  try {
    return [await run(), logged];
  } finally {
    log.mockRestore();
  }
}

const moto = motoAvailability();
const withMoto = moto.available ? it : it.skip;

describe("the bundle the Lambda function runs", () => {
  withMoto("reads its client credentials from the secret the stack writes (Secrets Manager in moto), gets a token and gets through", async () => {
    const server = await startMoto();
    const saved = { ...process.env };
    try {
      const secrets = new SecretsManagerClient(motoClientConfig(server.endpoint));
      // The secret's shape is the component's: pulumi.jsonStringify({ tokenUrl, clientId, clientSecret }).
      const { ARN } = await secrets.send(new CreateSecretCommand({ Name: "mcp-stack/prod/probe-client", SecretString: JSON.stringify({ tokenUrl: tokens, ...CREDENTIALS }) }));
      Object.assign(process.env, { AWS_ENDPOINT_URL: server.endpoint, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", PROBE_CREDENTIALS_SECRET: ARN, PROBE_TIMEOUT_MS: "5000" });
      const handler = loadBundle();
      const event = { stack: "prod", targets: [{ server: "resend", url: guarded, scope: "mcp/resend.write" }, { server: "gmail", url: guarded, scope: "mcp/gmail.read" }] };
      const [results, logged] = await silently(() => handler(event));
      expect(results).toMatchObject([{ ok: true, tools: 2 }, { ok: true, tools: 2 }]);
      expect(tokenRequests).toEqual(["mcp/gmail.read mcp/resend.write"]);
      expect(logged.join("\n")).not.toContain(CREDENTIALS.clientSecret);
    } finally {
      process.env = saved;
      await server.stop();
    }
  }, 30000);

  it("is one self-contained file whose handler probes every target at once and logs one EMF line per server", async () => {
    const event = { stack: "prod", targets: [{ server: "resend", url: open }, { server: "rag", url: failing }] };
    const [results, logged] = await silently(() => loadBundle()(event));
    expect(results).toMatchObject([{ ok: true, tools: 2 }, { ok: false }]);
    expect(logged.map((line) => JSON.parse(line)).sort((a, b) => a.Server.localeCompare(b.Server))).toMatchObject([
      { Stack: "prod", Server: "rag", ProbeSuccess: 0 },
      { Stack: "prod", Server: "resend", ProbeSuccess: 1 },
    ]);
  });
});

describe("the probe a stack deploys", () => {
  const PUBLIC = ["filesystem", "gmail", "graphiti", "rag", "resend"];
  let prod: Plan, dev: Plan;
  beforeAll(async () => {
    [prod, dev] = await Promise.all([shippedPlan("prod"), shippedPlan("dev")]);
  });
  const eventOf = (plan: Plan) => JSON.parse(named(plan, "probe-schedule", TYPE.schedule).inputs.target.input);
  const inputOf = (plan: Plan, server: string) => eventOf(plan).targets.find((t: { server: string }) => t.server === server);

  it("prod: every public server probed each minute, in one run, through its public URL with its route's own scope, no retries", () => {
    expect(ofType(prod, TYPE.schedule).map((s) => s.name)).toEqual(["probe-schedule"]);
    const schedule = named(prod, "probe-schedule", TYPE.schedule).inputs;
    expect(schedule).toMatchObject({ scheduleExpression: "rate(1 minute)", flexibleTimeWindow: { mode: "OFF" }, target: { retryPolicy: { maximumRetryAttempts: 0 } } });
    expect(eventOf(prod).stack).toBe("prod");
    expect(eventOf(prod).targets).toEqual(PUBLIC.map((server) => ({ server, url: `https://mcp.example.com/${server}/mcp`, scope: server === "resend" ? "mcp/resend.write" : `mcp/${server}.read` })));
  });

  it("prod: one arm64 function of 128 MB outside the VPC (the client's path), reading only its own credentials", () => {
    const fn = named(prod, "probe-function", TYPE.lambdaFunction).inputs;
    expect(fn).toMatchObject({ runtime: "nodejs22.x", architectures: ["arm64"], memorySize: 128, handler: "index.handler" });
    expect(fn.vpcConfig).toBeUndefined();
    // The timeout leaves room for the probe's own 10 s budget plus reading the secret on a cold start.
    expect(fn.timeout * 1000).toBeGreaterThan(Number(fn.environment.variables.PROBE_TIMEOUT_MS));
    const policy = JSON.parse(named(prod, "probe-policy").inputs.policy);
    expect(policy.Statement.map((s: any) => [s.Sid, s.Action, s.Resource])).toEqual([
      ["OwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/mcp-prod-probe:*"],
      ["OwnCredentials", "secretsmanager:GetSecretValue", fn.environment.variables.PROBE_CREDENTIALS_SECRET],
    ]);
    expect(named(prod, "probe-credentials-value").inputs.secretString).toBe("[secret]");
    const invoke = JSON.parse(named(prod, "probe-scheduler-policy").inputs.policy).Statement;
    expect(invoke).toEqual([{ Effect: "Allow", Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:123456789012:function/mcp-prod-probe" }]);
  });

  it("prod: the probe's Cognito client may ask for exactly the scopes of the routes it probes, by client credentials", () => {
    const client = named(prod, "auth-client-probe").inputs;
    expect([...client.allowedOauthScopes].sort()).toEqual(PUBLIC.map((s) => inputOf(prod, s).scope).sort());
    expect(client.allowedOauthFlows).toEqual(["client_credentials"]);
  });

  it("prod: failing three probes in a row pages (P1), a missing result counts as a failure; three slow probes are P2", () => {
    for (const server of PUBLIC) {
      const down = named(prod, `${server}-alarm-probe`).inputs;
      expect(down).toMatchObject({ namespace: "MCPStack/Probe", metricName: "ProbeSuccess", dimensions: { Stack: "prod", Server: server }, statistic: "Minimum", period: 60, evaluationPeriods: 3, datapointsToAlarm: 3, comparisonOperator: "LessThanThreshold", threshold: 1, treatMissingData: "breaching" });
      expect(down.tags.severity).toBe("P1");
      const slow = named(prod, `${server}-alarm-probe-latency`).inputs;
      expect(slow).toMatchObject({ metricName: "ProbeLatency", comparisonOperator: "GreaterThanThreshold", threshold: 5000, treatMissingData: "notBreaching" });
    }
  });

  it("dev (internal ALB): the function runs in the private subnets, the ALB admits it by security group, every five minutes", () => {
    const fn = named(dev, "probe-function", TYPE.lambdaFunction);
    expect(fn.propertyDependencies.vpcConfig).toEqual(expect.arrayContaining(["probe-sg"]));
    expect(fn.options.dependsOn).toEqual(expect.arrayContaining(["probe-vpc-access"]));
    expect(inputOf(dev, "gmail")).toEqual({ server: "gmail", url: expect.stringMatching(/^http:\/\/internal-.*\/gmail\/mcp$/) });
    expect(named(dev, "probe-schedule", TYPE.schedule).inputs.scheduleExpression).toBe("rate(5 minutes)");
    const admit = named(dev, "probe-to-alb");
    expect(admit.inputs).toMatchObject({ fromPort: 80, toPort: 80, ipProtocol: "tcp" });
    expect(admit.propertyDependencies).toMatchObject({ securityGroupId: ["platform-alb-sg"], referencedSecurityGroupId: ["probe-sg"] });
    expect(admit.inputs.referencedSecurityGroupId).toBe(fn.inputs.vpcConfig.securityGroupIds[0]);
  });

  it("the dashboard shows each probed server's success and latency, from the metric the alarms read", () => {
    const body = JSON.parse(named(prod, "dashboards-overview").inputs.dashboardBody);
    const lines = body.widgets.filter((w: any) => /MCP probe/.test(w.properties.title ?? "")).flatMap((w: any) => w.properties.metrics);
    expect(lines).toEqual(
      expect.arrayContaining([
        ["MCPStack/Probe", "ProbeSuccess", "Stack", "prod", "Server", "resend", { stat: "Minimum" }],
        ["MCPStack/Probe", "ProbeLatency", "Stack", "prod", "Server", "resend", { stat: "Average" }],
      ]),
    );
    const servers = new Set(lines.map((line: any[]) => line[5]));
    expect([...servers].sort()).toEqual([...PUBLIC].sort());
  });

  it("alerts.probe.enabled false, or no public server: no probe at all (the stack creates it only when enabled)", () => {
    const config = (change: (raw: any) => void) => {
      const raw = rawConfigOf("dev");
      change(raw);
      return parseStackConfig(raw);
    };
    expect(probeSettingsFor(config(() => {})).enabled).toBe(true);
    expect(probeSettingsFor(config((raw) => (raw.alerts = { ...raw.alerts, probe: { enabled: false } }))).enabled).toBe(false);
    expect(probeSettingsFor(config((raw) => Object.values(raw.servers).forEach((s: any) => Object.assign(s, { internal: true, route: undefined, rateLimitPerMinute: undefined })))).enabled).toBe(false);
    // A paused server is left out: the ALB answers 503 for it on purpose.
    expect(probedServers(config((raw) => (raw.servers.gmail.paused = true))).map(([name]) => name)).toEqual(PUBLIC.filter((s) => s !== "gmail"));
  });
});
