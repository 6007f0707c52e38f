import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { customerKey, keyPolicy } from "./kmsKey";
import { SEVERITIES, type Severity, type StackConfig } from "../config/schema";
import { severityTopicName } from "../decisions/names";
import type { DeployContext } from "./context";
import { COMPONENT } from "../decisions/resourceTypes";

export interface AlertingArgs extends Pick<DeployContext, "stack" | "accountId"> {
  notify: StackConfig["alerts"]["notify"];
}

/** One encrypted SNS topic per severity with its subscriptions; every alarm notifies the topic of its severity. */
export class Alerting extends pulumi.ComponentResource {
  readonly topics = {} as Record<Severity, aws.sns.Topic>;

  constructor(name: string, args: AlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.alerting, name, {}, opts);
    const parent = { parent: this };
    // CloudWatch can't publish to topics under the AWS-managed SNS key: a customer key lets it.
    const key = customerKey(
      `${name}-key`,
      {
        description: `mcp-stack ${args.stack} alert topics`,
        // Created with KMS's default window: stating it would be a change to a deployed key.
        deletionWindowInDays: undefined,
        policy: keyPolicy(args.accountId, {
          Sid: "CloudWatchAlarms",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
        }),
      },
      parent,
    );
    for (const severity of SEVERITIES) {
      const id = severity.toLowerCase();
      const topic = new aws.sns.Topic(`${name}-${id}`, { name: severityTopicName(args.stack, severity), kmsMasterKeyId: key.id, displayName: `mcp-stack ${args.stack} ${severity}` }, parent);
      new aws.sns.TopicPolicy(
        `${name}-${id}-policy`,
        {
          arn: topic.arn,
          policy: pulumi.jsonStringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "CloudWatchAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: topic.arn,
                Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
              },
            ],
          }),
        },
        parent,
      );
      (args.notify[severity] ?? []).forEach((endpoint, i) => {
        new aws.sns.TopicSubscription(
          `${name}-${id}-sub-${i}`,
          { topic: topic.arn, protocol: endpoint.startsWith("https://") ? "https" : "email", endpoint },
          parent,
        );
      });
      this.topics[severity] = topic;
    }
    this.registerOutputs({});
  }
}
