import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { containersOf, resourcesOfType, ruleConfig } from "./support";
import { TYPE } from "../../decisions/resourceTypes";

/** The rules a security team expects beyond Security Hub's (security review, "policy pack gaps"). */
const serverLogsEncryptedConfig = ruleConfig({ prefix: { type: "string", default: "/mcp-stack/" } });
const cognitoTokenLifetimeConfig = ruleConfig({ maxMinutes: { type: "integer", default: 60, minimum: 5 } });

export const securityPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  {
    name: "kms-key-rotation",
    description: "Customer-managed KMS keys rotate their key material every year.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.kms.Key, (key, args, reportViolation) => {
      if (!key.enableKeyRotation) reportViolation(`${args.name}: does not rotate; set enableKeyRotation: true.`);
    }),
  },
  {
    name: "server-logs-encrypted",
    description: "The MCP servers' log groups (which may hold user content) are encrypted with a customer-managed KMS key.",
    enforcementLevel: "mandatory",
    configSchema: serverLogsEncryptedConfig.configSchema,
    validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, args, reportViolation) => {
      const { prefix } = serverLogsEncryptedConfig.read(args);
      if (String(group.name ?? "").startsWith(prefix) && !group.kmsKeyId) reportViolation(`${args.name}: holds a server's logs without a customer-managed key; set kmsKeyId (the stack's logs key).`);
    }),
  },
  {
    name: "s3-private-and-tls-only",
    description: "Every S3 bucket blocks public access and denies requests without TLS.",
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
      const blocks = resourcesOfType(args.resources, TYPE.bucketPublicAccessBlock);
      const policies = resourcesOfType(args.resources, TYPE.bucketPolicy);
      const of = (r: (typeof blocks)[number], bucket: string) => (r.propertyDependencies.bucket ?? []).some((b) => b.urn === bucket);
      for (const bucket of resourcesOfType(args.resources, TYPE.bucket)) {
        const block = blocks.find((b) => of(b, bucket.urn))?.props;
        if (!block?.blockPublicAcls || !block.blockPublicPolicy || !block.ignorePublicAcls || !block.restrictPublicBuckets) {
          reportViolation(`${bucket.name}: does not block public access; add an aws.s3.BucketPublicAccessBlock with all four settings true.`, bucket.urn);
        }
        const policy = policies.find((p) => of(p, bucket.urn))?.props.policy;
        const statements: any[] = typeof policy === "string" ? JSON.parse(policy).Statement ?? [] : [];
        if (!statements.some((s) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false")) {
          reportViolation(`${bucket.name}: accepts requests without TLS; add a bucket policy statement that denies aws:SecureTransport false.`, bucket.urn);
        }
      }
    },
  },
  {
    name: "ecr-scan-on-push",
    description: "ECR repositories scan every pushed image for vulnerabilities.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.ecr.Repository, (repo, args, reportViolation) => {
      if (!repo.imageScanningConfiguration?.scanOnPush) reportViolation(`${args.name}: does not scan pushed images; set imageScanningConfiguration: { scanOnPush: true }.`);
    }),
  },
  {
    name: "bridge-logs-no-payloads",
    description: "The stdio bridge (supergateway) never runs at log level info or debug, which log every JSON-RPC message in full.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.ecs.TaskDefinition, (task, args, reportViolation) => {
      for (const c of containersOf(task)) {
        const command = (c.command ?? []).join(" ");
        if (command.startsWith("supergateway") && !/--logLevel none\b/.test(command)) {
          reportViolation(`${args.name}: container ${c.name} runs supergateway logging message payloads; pass --logLevel none.`);
        }
      }
    }),
  },
  {
    name: "cognito-token-lifetime",
    description: "Access tokens of the app clients live at most an hour: a leaked token cannot be revoked before it expires.",
    enforcementLevel: "mandatory",
    configSchema: cognitoTokenLifetimeConfig.configSchema,
    validateResource: validateResourceOfType(aws.cognito.UserPoolClient, (client, args, reportViolation) => {
      const { maxMinutes } = cognitoTokenLifetimeConfig.read(args);
      const unit = client.tokenValidityUnits?.accessToken ?? "hours";
      const minutes = (client.accessTokenValidity ?? 1) * ({ seconds: 1 / 60, minutes: 1, hours: 60, days: 1440 } as Record<string, number>)[unit];
      if (minutes > maxMinutes) reportViolation(`${args.name}: access tokens live ${minutes} minutes; keep accessTokenValidity at ${maxMinutes} minutes or less.`);
    }),
  },
];
