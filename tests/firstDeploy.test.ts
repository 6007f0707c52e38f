import { shippedPlan } from "./support/shippedPlans";
import { runOffline, type Plan } from "../engine/offline";
import { firstDeployChecklist } from "../plan/firstDeploy";
import { renderSummary } from "../plan/summary";
import { configMapOf, rawConfigOf } from "./support/stackConfig";

/** The plan ends with what must be done before the first deploy, read back from the resources it would create. */
let prod: Plan;
beforeAll(async () => {
  prod = await shippedPlan("prod");
});

describe("before the first deploy", () => {
  it("prod as shipped: placeholders, secrets without a value, subscriptions, Docker, AWS Config, Docker Hub", () => {
    const items = firstDeployChecklist(prod);
    expect(items).toEqual([
      expect.stringContaining("Replace the placeholder domain mcp.example.com (mcp-stack:ingress.domain"),
      expect.stringContaining("Replace the placeholder certificate of platform-https (mcp-stack:ingress.certificateArn)"),
      expect.stringContaining("Replace the placeholder images ghcr.io/example/gmail-mcp:1.1.11, ghcr.io/example/graphiti-mcp:0.4.0, ghcr.io/example/rag-mcp:2.3.0"),
      expect.stringContaining("Replace the placeholder alert addresses oncall@example.com"),
      expect.stringContaining("Confirm the 2 SNS email subscription(s)"),
      expect.stringContaining("Give 5 secret(s) a value before the servers start: mcp-stack/prod/GMAIL_CREDENTIALS"),
      expect.stringContaining("Run pulumi up where Docker with BuildKit is available"),
      expect.stringContaining("backup.audit: create-recorder adds an AWS Config recorder"),
      expect.stringContaining("Images from Docker Hub (neo4j:5.26, qdrant/qdrant:v1.12.4-unprivileged)"),
    ]);
    expect(renderSummary(prod, "prod").split("\n").slice(-10)[0]).toBe("Before the first deploy of prod");
  });

  it("a stack with its own domain, certificate, images and secret values is left with what only the account can do", async () => {
    const raw = rawConfigOf("prod");
    raw.ingress.domain = "mcp.acme.io";
    raw.ingress.certificateArn = "arn:aws:acm:us-east-1:123456789012:certificate/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b";
    raw.alerts.notify = { P1: ["https://events.pagerduty.com/integration/x/enqueue"] };
    for (const name of ["gmail", "graphiti", "rag"]) raw.servers[name].image = raw.servers[name].image.replace("ghcr.io/example", "ghcr.io/acme");
    raw.backup.audit = "existing-recorder";
    const config = configMapOf("prod", raw);
    for (const secret of ["GMAIL_CREDENTIALS", "GMAIL_OAUTH_KEYS", "NEO4J_PASSWORD", "OPENAI_API_KEY", "RESEND_API_KEY"]) {
      config.values["mcp-stack:secretValues"] = JSON.stringify({ ...JSON.parse(config.values["mcp-stack:secretValues"] ?? "{}"), [secret]: "[secret]" });
    }
    config.secretKeys.push("mcp-stack:secretValues");
    const items = firstDeployChecklist(await runOffline("prod", config));
    expect(items).toEqual([
      expect.stringContaining("Run pulumi up where Docker with BuildKit is available"),
      "backup.audit: existing-recorder needs AWS Config recording in us-east-1 (the backup, EFS and EBS resource types): check it is on.",
      expect.stringContaining("Images from Docker Hub"),
    ]);
  });
});
