import { shippedPlan } from "./support/shippedPlans";
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Plan } from "../engine/offline";
import { named } from "./support/plan";
import { motoAvailability, motoClientConfig, startMoto, type Moto } from "./support/moto";

/**
 * Backup detection fed the event shape AWS documents ("Backup Job State Change", AWS Backup developer guide,
 * "Monitoring AWS Backup events using Amazon EventBridge"): the planned rules' patterns are loaded into moto's
 * EventBridge, which routes each event to the rules that match it (an SQS queue per rule stands in for the log group).
 */
const moto = motoAvailability();
const describeWithMoto = moto.available ? describe : describe.skip;
if (!moto.available) console.log(`skipped the backup-event tests: ${moto.why}`);

function jobEvent(state: string, vault: string) {
  return {
    Source: "aws.backup",
    DetailType: "Backup Job State Change",
    Resources: ["arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0abc"],
    Detail: JSON.stringify({
      backupJobId: `job-${state}-${vault}`,
      backupVaultArn: `arn:aws:backup:us-east-1:123456789012:backup-vault:${vault}`,
      backupVaultName: vault,
      resourceArn: "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0abc",
      resourceType: "EFS",
      state,
      percentDone: state === "COMPLETED" ? "100.0" : "0.0",
      ...(state === "FAILED" ? { statusMessage: "Insufficient privileges to perform this action." } : {}),
    }),
  };
}

let prod: Plan;
beforeAll(async () => {
  prod = await shippedPlan("prod");
});

describeWithMoto("backup job events through the planned EventBridge rules (moto)", () => {
  let server: Moto;
  let events: EventBridgeClient;
  let sqs: SQSClient;
  const queues: Record<string, string> = {};

  beforeAll(async () => {
    server = await startMoto();
    events = new EventBridgeClient(motoClientConfig(server.endpoint));
    sqs = new SQSClient(motoClientConfig(server.endpoint));
    for (const rule of ["completed", "failed"]) {
      const planned = named(prod, `backup-jobs-${rule}`).inputs;
      await events.send(new PutRuleCommand({ Name: planned.name, EventPattern: planned.eventPattern }));
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: planned.name }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
      await events.send(new PutTargetsCommand({ Rule: planned.name, Targets: [{ Id: "probe", Arn: Attributes!.QueueArn }] }));
      queues[rule] = QueueUrl!;
    }
    const entries = [jobEvent("RUNNING", "mcp-prod"), jobEvent("COMPLETED", "mcp-prod"), jobEvent("FAILED", "mcp-prod"), jobEvent("EXPIRED", "mcp-prod"), jobEvent("COMPLETED", "mcp-dev"), jobEvent("FAILED", "mcp-dev")];
    const put = await events.send(new PutEventsCommand({ Entries: entries }));
    expect(put.FailedEntryCount).toBe(0);
  }, 30000);

  afterAll(async () => {
    events?.destroy();
    sqs?.destroy();
    await server?.stop();
  });

  async function delivered(rule: string): Promise<string[]> {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queues[rule], MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    return Messages.map((m) => JSON.parse(m.Body!).detail).map((d) => `${d.state} ${d.backupVaultName}`).sort();
  }

  it("the completed rule delivers exactly this vault's completed jobs: what keeps the P1 'backups stopped' alarm quiet", async () => {
    expect(await delivered("completed")).toEqual(["COMPLETED mcp-prod"]);
  });

  it("the failed rule delivers this vault's failed and expired jobs, nothing of another stack's vault", async () => {
    expect(await delivered("failed")).toEqual(["EXPIRED mcp-prod", "FAILED mcp-prod"]);
  });
});

describe("the alarms on the rules' deliveries", () => {
  it("P1 when the completed rule delivered nothing for 3 hours (EventBridge sends no datapoint then), P2 on any failed job", () => {
    const missing = named(prod, "backup-alarm-recovery-point-missing").inputs;
    expect(missing).toMatchObject({
      namespace: "AWS/Events",
      metricName: "Invocations",
      dimensions: { RuleName: "mcp-prod-backup-jobs-completed" },
      statistic: "Sum",
      period: 10800,
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
    });
    const failed = named(prod, "backup-alarm-jobs-failed").inputs;
    expect(failed).toMatchObject({ dimensions: { RuleName: "mcp-prod-backup-jobs-failed" }, period: 300, comparisonOperator: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching" });
    expect(named(prod, "backup-jobs-completed-log").inputs.arn).toMatch(/:log-group:\/aws\/events\/mcp-prod-backup-jobs$/);
    const policy = JSON.parse(named(prod, "backup-job-events-policy").inputs.policyDocument).Statement[0];
    expect(policy.Principal.Service).toContain("events.amazonaws.com");
    expect(policy.Resource).toMatch(/:log-group:\/aws\/events\/mcp-prod-backup-jobs:\*$/);
  });
});
