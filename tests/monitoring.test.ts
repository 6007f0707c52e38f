import { shippedPlan } from "./support/shippedPlans";
import { parseStackConfig } from "../config/load";
import { alarmDescription, type AlarmSpec } from "../decisions/alarms";
import { alarmSpecsFor } from "../decisions/serverAlarms";
import { dashboardGroups, dashboardNameOf, GRID_COLUMNS, MAX_WIDGETS_PER_DASHBOARD, stackDashboard, type ServerPanel, type Widget } from "../decisions/dashboards";
import { runOffline, type Plan } from "../engine/offline";
import { alarmRows, timeToDetect } from "../plan/summary";
import { childOf, childrenOf, named, ofType } from "./support/plan";
import { configMapOf, rawConfigOf } from "./support/stackConfig";
import { TYPE } from "../decisions/resourceTypes";

const PUBLIC = ["filesystem", "gmail", "graphiti", "rag", "resend"];
const INTERNAL = ["neo4j", "vectordb"];

describe("alarm specs (pure decisions)", () => {
  const config = parseStackConfig(rawConfigOf("prod"));
  const specs = alarmSpecsFor("gmail", config.servers.gmail, config.alerts);
  const byKey = (key: string, list: AlarmSpec[] = specs) => list.find((s) => s.key === key)!;

  it("encode each threshold of the team's health monitor with the right unit", () => {
    expect(byKey("latency")).toMatchObject({ metric: { metric: "responseTime", stat: "p95" }, threshold: 5, unit: "Seconds", severity: "P2" });
    expect(byKey("latency-kpi")).toMatchObject({ threshold: 0.5, unit: "Seconds", severity: "P4" });
    expect(byKey("errors")).toMatchObject({ threshold: 10, severity: "P2", expression: { expression: "IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)" } });
    expect(byKey("errors-kpi")).toMatchObject({ threshold: 1, severity: "P4" });
    expect(byKey("unhealthy")).toMatchObject({ evaluationPeriods: 3, datapointsToAlarm: 3, threshold: 0, severity: "P2" });
    expect(byKey("down")).toMatchObject({ metric: { metric: "healthyHosts" }, comparison: "LessThanThreshold", threshold: 3, severity: "P1", treatMissingData: "breaching" });
    expect(byKey("cpu")).toMatchObject({ metric: { metric: "cpu" }, threshold: 80, severity: "P3" });
    expect(byKey("memory")).toMatchObject({ metric: { metric: "memory" }, threshold: 90, severity: "P3" });
    expect(byKey("availability")).toMatchObject({ comparison: "LessThanThreshold", threshold: 99.9, period: 3600 });
  });

  it("every alarm has a period AWS accepts, deliberate missing-data handling and a runbook within 1024 characters", () => {
    const all = Object.entries(config.servers).flatMap(([n, s]) => alarmSpecsFor(n, s, config.alerts));
    for (const spec of all) {
      expect([10, 30].includes(spec.period) || spec.period % 60 === 0).toBe(true);
      expect(["breaching", "notBreaching"]).toContain(spec.treatMissingData);
      const description = alarmDescription(spec);
      expect(description.length).toBeLessThanOrEqual(1024);
      expect(description).toMatch(/^P[1-4] \(.+\): .+Likely|^P[1-4] \(.+\): .+First/);
      expect(description).toMatch(/1\).+2\).+3\)/);
    }
  });

  it("consecutive failures set the datapoints of the health alarms", () => {
    const raw = rawConfigOf("prod");
    raw.alerts.thresholds.consecutiveFailures = 5;
    const c = parseStackConfig(raw);
    const s = alarmSpecsFor("gmail", c.servers.gmail, c.alerts);
    for (const key of ["unhealthy", "latency", "errors", "cpu", "memory"]) {
      expect(byKey(key, s)).toMatchObject({ evaluationPeriods: 5, datapointsToAlarm: 5 });
    }
    // The target group counts the consecutive failures before a target is unhealthy: the down alarm needs one minute.
    expect(byKey("down", s)).toMatchObject({ period: 60, evaluationPeriods: 1, datapointsToAlarm: 1 });
  });


  it("internal servers are watched through ECS: down, CPU, memory", () => {
    const neo4j = alarmSpecsFor("neo4j", config.servers.neo4j, config.alerts);
    expect(neo4j.map((s) => s.key)).toEqual(["down", "cpu", "memory"]);
    expect(neo4j[0]).toMatchObject({ metric: { metric: "runningTasks", stat: "Minimum" }, threshold: 1, severity: "P1", treatMissingData: "breaching" });
  });

  it("without Container Insights (dev's default) an internal server is down when its free AWS/ECS CPU metric stops: no sample, no task", async () => {
    const [dev, prod] = await Promise.all([shippedPlan("dev"), shippedPlan("prod")]);
    expect(named(dev, "platform-cluster").inputs.settings).toEqual([{ name: "containerInsights", value: "disabled" }]);
    expect(named(dev, "neo4j-alarm-down").inputs).toMatchObject({ namespace: "AWS/ECS", metricName: "CPUUtilization", statistic: "SampleCount", comparisonOperator: "LessThanThreshold", threshold: 1, treatMissingData: "breaching", period: 60 });
    expect(named(prod, "platform-cluster").inputs.settings).toEqual([{ name: "containerInsights", value: "enabled" }]);
    // Dev's KPI alarms are off (P3/P4, they never page); its threshold alarms stay.
    const keys = (plan: Plan) => childrenOf(plan, "gmail", TYPE.metricAlarm).map((a) => a.name.replace("gmail-alarm-", ""));
    expect(keys(dev)).not.toEqual(expect.arrayContaining(["latency-kpi"]));
    expect(keys(dev)).toEqual(expect.arrayContaining(["down", "unhealthy", "latency", "errors", "cpu", "memory"]));
    expect(keys(prod)).toEqual(expect.arrayContaining(["latency-kpi", "errors-kpi", "availability"]));
  });

  it("throughput is watched only where a server expects traffic", () => {
    expect(specs.find((s) => s.key === "throughput")).toBeUndefined();
    const busy = alarmSpecsFor("gmail", { ...config.servers.gmail, minRequestsPerMinute: 1000 }, config.alerts);
    expect(byKey("throughput", busy)).toMatchObject({ comparison: "LessThanThreshold", threshold: 5000, period: 300, treatMissingData: "breaching", severity: "P4" });
  });

  it("ECS deployments roll back on the P1/P2 target-group alarms", () => {
    // A gate must not be in ALARM before a healthy rollout has finished: every gate treats missing data as fine.
    const gates = specs.filter((s) => s.gatesDeployments);
    expect(gates.map((s) => s.key)).toEqual(["unhealthy", "latency", "errors"]);
    expect(gates.every((s) => s.treatMissingData === "notBreaching")).toBe(true);
  });
});

describe("alarms, topics and dashboards of the prod plan", () => {
  let prod: Plan;
  beforeAll(async () => {
    prod = await shippedPlan("prod");
  });

  const alarmsOf = (server: string) => childrenOf(prod, server, TYPE.metricAlarm);
  const alarm = (server: string, key: string) => named(prod, `${server}-alarm-${key}`, TYPE.metricAlarm);

  it("every public server has an alarm for each threshold, routed to its severity's topic", () => {
    const expected: Record<string, string> = { down: "p1", unhealthy: "p2", latency: "p2", errors: "p2", probe: "p1", "probe-latency": "p2", cpu: "p3", memory: "p3", availability: "p3", "latency-kpi": "p4", "errors-kpi": "p4" };
    for (const server of PUBLIC) {
      const paging = alarmsOf(server).filter((a) => a.inputs.tags["mcp-stack:purpose"] !== "scaling");
      expect(paging.map((a) => a.name.replace(`${server}-alarm-`, "")).sort()).toEqual(Object.keys(expected).sort());
      for (const [key, topic] of Object.entries(expected)) {
        const a = alarm(server, key).inputs;
        expect(a.alarmActions).toEqual([`arn:aws:sns:us-east-1:123456789012:mcp-prod-${topic}`]);
        expect(a.okActions).toEqual(a.alarmActions);
        expect(a.tags.severity).toBe(topic.toUpperCase());
      }
    }
    for (const server of INTERNAL) expect(alarmsOf(server).map((a) => a.name)).toEqual([`${server}-alarm-down`, `${server}-alarm-cpu`, `${server}-alarm-memory`]);
  });

  it("latency alarms compare TargetResponseTime in seconds, per target group", () => {
    const a = alarm("gmail", "latency").inputs;
    expect(a).toMatchObject({ namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", extendedStatistic: "p95", threshold: 5, unit: "Seconds", period: 60 });
    expect(a.dimensions).toEqual({ LoadBalancer: expect.stringMatching(/^app\/platform-alb-/), TargetGroup: expect.stringMatching(/^targetgroup\/gmail-tg-/) });
    expect(alarm("gmail", "cpu").inputs.dimensions).toEqual({ ClusterName: expect.stringMatching(/^platform-cluster-/), ServiceName: expect.stringMatching(/^gmail-service-/) });
  });

  it("a load-balancer alarm covers ELB-generated 5xx", () => {
    const a = named(prod, "alerting-alarm-alb-5xx", TYPE.metricAlarm).inputs;
    expect(a.metricQueries.map((q: any) => q.metric?.metricName).filter(Boolean)).toEqual(["RequestCount", "HTTPCode_ELB_5XX_Count"]);
    expect(a.alarmActions[0]).toMatch(/mcp-prod-p2$/);
  });

  it("one encrypted topic per severity, subscriptions from alerts.notify", () => {
    const topics = ofType(prod, TYPE.topic);
    expect(topics.map((t) => t.inputs.name)).toEqual(["mcp-prod-p1", "mcp-prod-p2", "mcp-prod-p3", "mcp-prod-p4"]);
    const keyIds = new Set(topics.map((t) => t.inputs.kmsMasterKeyId));
    expect(keyIds.size).toBe(1);
    expect([...keyIds][0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const key = named(prod, "alerting-key").inputs;
    expect(key.enableKeyRotation).toBe(true);
    expect(JSON.parse(key.policy).Statement[1].Principal).toEqual({ Service: "cloudwatch.amazonaws.com" });
    const subs = ofType(prod, TYPE.topicSubscription).map((s) => [s.inputs.topic.split(":").pop(), s.inputs.protocol, s.inputs.endpoint]);
    expect(subs).toEqual([["mcp-prod-p1", "email", "oncall@example.com"], ["mcp-prod-p2", "email", "oncall@example.com"]]);
  });

  it("https endpoints subscribe over https", async () => {
    const raw = rawConfigOf("dev");
    raw.alerts.notify = { P3: ["https://hooks.example.com/mcp"] };
    const plan = await runOffline("dev", configMapOf("dev", raw));
    expect(ofType(plan, TYPE.topicSubscription).map((s) => s.inputs.protocol)).toEqual(["https"]);
  });

  it("a composite alarm per server rolls up exactly its P1 and P2 alarms", () => {
    for (const server of [...PUBLIC, ...INTERNAL]) {
      const composite = childOf(prod, server, TYPE.compositeAlarm)!.inputs;
      const urgent = alarmsOf(server).filter((a) => ["P1", "P2"].includes(a.inputs.tags.severity)).map((a) => `ALARM("${a.inputs.name}")`);
      expect(composite.alarmRule.split(" OR ").sort()).toEqual(urgent.sort());
      expect(composite.alarmName).toBe(`mcp-prod-${server}-health`);
    }
  });

  it("each public service's deployments roll back on its P2 target-group alarms (not on down, in ALARM before a first rollout), which exist first", () => {
    const svc = childOf(prod, "gmail", TYPE.service)!;
    expect(svc.inputs.alarms).toEqual({ alarmNames: ["mcp-prod-gmail-unhealthy", "mcp-prod-gmail-latency", "mcp-prod-gmail-errors"], enable: true, rollback: true });
    for (const key of ["unhealthy", "latency", "errors"]) expect(svc.options.dependsOn).toContain(`gmail-alarm-${key}`);
    expect(svc.inputs.waitForSteadyState).toBe(true);
    expect(childOf(prod, "neo4j", TYPE.service)!.inputs.alarms).toBeUndefined();
  });

  const dashboards = () => ofType(prod, TYPE.dashboard).map((d) => ({ name: d.inputs.dashboardName as string, body: JSON.parse(d.inputs.dashboardBody) as { widgets: Widget[] } }));

  it("one dashboard ($3 a month) for the stack's servers, valid JSON within the 24-column grid, without overlaps, within 500 widgets", () => {
    expect(dashboards().map((d) => d.name)).toEqual(["mcp-prod-overview"]);
    expect(dashboards()[0].body.widgets.length).toBeLessThanOrEqual(MAX_WIDGETS_PER_DASHBOARD);
    for (const { name, body } of dashboards()) {
      const cells = new Set<string>();
      for (const w of body.widgets) {
        expect([name, w.x + w.width <= GRID_COLUMNS]).toEqual([name, true]);
        for (let x = w.x; x < w.x + w.width; x++) for (let y = w.y; y < w.y + w.height; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it("the overview has a row per server with status, requests, p95, 5xx rate, healthy tasks, CPU and memory", () => {
    const overview = dashboards().find((d) => d.name === "mcp-prod-overview")!.body.widgets;
    const titles = overview.map((w) => w.properties.title);
    for (const s of PUBLIC) {
      expect(titles).toEqual(expect.arrayContaining([`${s} status`, `${s}: requests`, `${s}: p95 latency (s)`, `${s}: 5xx rate %`, `${s}: healthy tasks`, `${s}: CPU %`, `${s}: memory %`]));
    }
    const status = overview.find((w) => w.properties.title === "gmail status")!;
    expect(status.properties.alarms).toEqual(expect.arrayContaining([expect.stringContaining(":alarm:mcp-prod-gmail-health"), expect.stringContaining(":alarm:mcp-prod-gmail-latency")]));
  });

  it("dashboards show metrics with the same dimensions as the alarms", () => {
    const overview = dashboards().find((d) => d.name === "mcp-prod-overview")!.body.widgets;
    const line = (title: string) => (overview.find((w) => w.properties.title === title)!.properties.metrics as any[])[0];
    const latency = alarm("gmail", "latency").inputs;
    expect(line("gmail: p95 latency (s)")).toEqual(["AWS/ApplicationELB", "TargetResponseTime", ...Object.entries(latency.dimensions).flat(), { stat: "p95" }]);
    const cpu = alarm("gmail", "cpu").inputs;
    expect(line("gmail: CPU %")).toEqual(["AWS/ECS", "CPUUtilization", ...Object.entries(cpu.dimensions).flat(), { stat: "Average" }]);
  });

  /** A server's detail section: from its heading to the next one, below the overview rows. */
  const section = (server: string) => {
    const widgets = [...dashboards()[0].body.widgets].sort((a, b) => a.y - b.y || a.x - b.x);
    const start = widgets.findIndex((w) => w.type === "text" && String(w.properties.markdown).startsWith(`# ${server} `));
    const end = widgets.findIndex((w, i) => i > start && w.type === "text");
    return widgets.slice(start, end === -1 ? undefined : end);
  };

  it("below the overview rows, each server's detail section, in the same order, adds load-balancer and backup-job widgets", () => {
    const titles = section("gmail").map((w) => w.properties.title);
    expect(titles).toEqual(expect.arrayContaining(["gmail alarms", "load balancer 5xx rate %", "load balancer active connections", "backup jobs", "response time (s): p50, p95, p99"]));
    const headings = dashboards()[0].body.widgets.filter((w) => w.type === "text").sort((a, b) => a.y - b.y).map((w) => String(w.properties.markdown).split(" ")[1]);
    const rows = dashboards()[0].body.widgets.filter((w) => / status$/.test(String(w.properties.title))).sort((a, b) => a.y - b.y);
    expect(headings).toEqual(["mcp-stack", ...rows.map((w) => String(w.properties.title).split(" ")[0])]);
    expect(headings.slice(1).sort()).toEqual([...PUBLIC, ...INTERNAL].sort());
    expect(section(headings[1])[0].y).toBeGreaterThan(rows[rows.length - 1].y);
  });

  it("a large fleet gets one more dashboard per 20 servers, each within CloudWatch's 500 widgets", () => {
    const panel = (i: number): ServerPanel => ({ name: `s${i}`, containerInsights: true, internal: false, probed: true, alarmArns: [`arn:s${i}`], scope: { loadBalancer: "lb", targetGroup: `tg${i}`, cluster: "c", service: `s${i}`, stack: "big", server: `s${i}` } });
    const groups = dashboardGroups(Array.from({ length: 45 }, (_, i) => panel(i)));
    expect(groups.map((g) => g.length)).toEqual([20, 20, 5]);
    expect(groups.map((_, i) => dashboardNameOf("big", i))).toEqual(["mcp-big-overview", "mcp-big-overview-2", "mcp-big-overview-3"]);
    for (const group of groups) expect(stackDashboard("big", "us-east-1", group).widgets.length).toBeLessThanOrEqual(MAX_WIDGETS_PER_DASHBOARD);
  });

  it("the backup-jobs widget searches the dimensions AWS Backup publishes, for this stack's vault only", () => {
    const widget = section("gmail").find((w) => w.properties.title === "backup jobs")!;
    const expressions = (widget.properties.metrics as any[]).map((m) => m[0].expression);
    expect(expressions).toEqual([
      `SEARCH('{AWS/Backup,BackupVaultName,ResourceType} BackupVaultName="mcp-prod" MetricName="NumberOfBackupJobsCompleted"', 'Sum', 3600)`,
      `SEARCH('{AWS/Backup,BackupVaultName,ResourceType} BackupVaultName="mcp-prod" MetricName="NumberOfBackupJobsFailed"', 'Sum', 3600)`,
    ]);
  });

  it("stack outputs link the dashboards", () => {
    expect(prod.outputs.dashboardUrl).toBe("https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/mcp-prod-overview");
    expect(prod.outputs.servers.gmail.dashboardUrl).toBe(prod.outputs.dashboardUrl);
  });

  it("the plan shows each server's alarm table and modelled time to detect: within 90 s, the consecutive failures counted once", () => {
    for (const server of ["filesystem", "gmail", "graphiti", "neo4j", "rag", "resend", "vectordb"]) expect(Number(timeToDetect(prod, server).split(" ")[0])).toBeLessThanOrEqual(90);
    expect(timeToDetect(prod, "gmail")).toBe("90 s = target health check 10 s × 3 + down alarm 60 s × 1");
    expect(timeToDetect(prod, "neo4j")).toBe("90 s = container health check 10 s × 3 + down alarm 60 s × 1");
    expect(alarmRows(prod, "gmail")).toContainEqual(["P2", "gmail-latency", "AWS/ApplicationELB TargetResponseTime p95", "> 5 Seconds", "3 of 3 × 60 s", "notBreaching", "mcp-prod-p2"]);
  });
});
