import { shippedPlan } from "./support/shippedPlans";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { parse as parseYaml } from "yaml";
import { planStack, runOffline } from "../engine/offline";
import { checkPolicies, policyConfigOf, readPolicyConfig, resourceArgs } from "../engine/policyCheck";
import { POLICIES } from "../policies/rules";
import { configMapOf, rawConfigOf } from "./support/stackConfig";
import { COMPONENT, TYPE } from "../decisions/resourceTypes";

const root = path.resolve(__dirname, "..");

interface Fixture {
  type: string;
  name?: string;
  props: Record<string, any>;
  stack?: string;
  parent?: string;
  /** Names of fixtures this one's `resourceArn` input came from (stack rules read them). */
  resourceArnFrom?: string[];
  /** Any other input → the fixtures its value came from. */
  propertyDeps?: Record<string, string[]>;
  /** Names of fixtures this one's `listenerArn` / `loadBalancerArn` came from. */
  listenerArnFrom?: string[];
  loadBalancerArnFrom?: string[];
}

const urnOf = (f: Fixture) => `urn:pulumi:${f.stack ?? "dev"}::mcp-stack::${f.type}::${f.name ?? "subject"}`;

/** Stack resources shaped as @pulumi/policy hands them to validateStack. */
function policyResources(fixtures: Fixture[]): PolicyResource[] {
  const resources = fixtures.map((f): PolicyResource => ({
    type: f.type,
    name: f.name ?? "subject",
    urn: urnOf(f),
    props: f.props,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    dependencies: [],
    propertyDependencies: {},
    isType: (cls: any) => cls.__pulumiType === f.type,
    asType: ((cls: any) => (cls.__pulumiType === f.type ? f.props : undefined)) as PolicyResource["asType"],
  }));
  fixtures.forEach((f, i) => {
    if (f.parent) resources[i].parent = { ...resources[0], type: COMPONENT.server, name: f.parent, urn: `urn:pulumi:dev::mcp-stack::mcp-stack:index:McpServer::${f.parent}` };
    const from = (names?: string[]) => resources.filter((r) => names?.includes(r.name));
    if (f.resourceArnFrom) resources[i].propertyDependencies.resourceArn = from(f.resourceArnFrom);
    for (const [key, names] of Object.entries(f.propertyDeps ?? {})) resources[i].propertyDependencies[key] = from(names);
    if (f.listenerArnFrom) resources[i].propertyDependencies.listenerArn = from(f.listenerArnFrom);
    if (f.loadBalancerArnFrom) resources[i].propertyDependencies.loadBalancerArn = from(f.loadBalancerArnFrom);
  });
  return resources;
}

/** The messages a policy reports for one resource (resource rules) or a set of resources (stack rules). */
async function violations(name: string, subject: Fixture | Fixture[], config: Record<string, unknown> = {}): Promise<string[]> {
  const policy = POLICIES.find((p) => p.name === name);
  if (!policy) throw new Error(`no policy ${name}`);
  const cfg = policyConfigOf(policy, { [name]: config });
  const messages: string[] = [];
  const report = (message: string) => void messages.push(message);
  if ("validateStack" in policy) {
    const resources = policyResources([subject].flat());
    await (policy as StackValidationPolicy).validateStack({ resources, stackTags: new Map(), getConfig: <T extends object>() => cfg as T, notApplicable: () => { throw new Error("n/a"); } }, report);
  } else {
    const f = subject as Fixture;
    for (const validate of [(policy as ResourceValidationPolicy).validateResource!].flat()) {
      await validate(resourceArgs({ type: f.type, name: f.name ?? "subject", urn: urnOf(f), props: f.props }, cfg), report);
    }
  }
  return messages;
}

const service = (over: Record<string, any> = {}): Fixture => ({
  type: TYPE.service,
  props: { networkConfiguration: { assignPublicIp: false }, platformVersion: "LATEST", deploymentCircuitBreaker: { enable: true, rollback: true }, deploymentMinimumHealthyPercent: 100, ...over },
});
const container = { name: "gmail", image: "ghcr.io/example/gmail-mcp:1.1.11", readonlyRootFilesystem: true, environment: [{ name: "MCP_SERVER_NAME", value: "gmail-tools" }], logConfiguration: { logDriver: "awslogs" } };
const efsVolume = { name: "efs-data", efsVolumeConfiguration: { fileSystemId: "fs-1", transitEncryption: "ENABLED", authorizationConfig: { accessPointId: "fsap-1", iam: "ENABLED" } } };
const task = (over: Record<string, any> = {}, taskOver: Record<string, any> = {}): Fixture => ({
  type: TYPE.taskDefinition,
  props: {
    containerDefinitions: JSON.stringify([{ ...container, ...over }]),
    volumes: [efsVolume],
    taskRoleArn: "arn:aws:iam::123456789012:role/gmail-task-role",
    executionRoleArn: "arn:aws:iam::123456789012:role/gmail-execution-role",
    ...taskOver,
  },
});
const alb = (over: Record<string, any> = {}, stack = "dev"): Fixture => ({
  type: TYPE.loadBalancer,
  name: "platform-alb",
  stack,
  props: { loadBalancerType: "application", internal: false, subnets: ["subnet-a", "subnet-b"], dropInvalidHeaderFields: true, desyncMitigationMode: "defensive", enableDeletionProtection: true, accessLogs: { bucket: "logs", enabled: true }, ...over },
});
const listener = (name: string, props: Record<string, any>): Fixture => ({ type: TYPE.listener, name, props });
const redirect = { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } };
const forward = { type: "fixed-response", fixedResponse: { statusCode: "404" } };
const alarm = (server: string, key: string): Fixture => ({ type: TYPE.metricAlarm, name: `${server}-alarm-${key}`, props: { name: `mcp-dev-${server}-${key}`, tags: { "mcp-stack:server": server } } });
const publicService: Fixture = { ...service({ loadBalancers: [{ containerPort: 8080 }], tags: { "mcp-stack:server": "gmail" } }), name: "gmail-service", parent: "gmail" };
const prodService: Fixture = { ...publicService, stack: "prod" };
const probeSchedule = (server: string): Fixture => ({ type: TYPE.schedule, name: "probe-schedule", stack: "prod", props: { target: { input: JSON.stringify({ stack: "prod", targets: [{ server, url: `https://mcp.example.com/${server}/mcp` }] }) } } });
const probeAlarm = (server: string): Fixture => ({ type: TYPE.metricAlarm, name: `${server}-alarm-probe`, stack: "prod", props: { namespace: "MCPStack/Probe", metricName: "ProbeSuccess", dimensions: { Stack: "prod", Server: server } } });
const ALL_ALARMS = ["down", "unhealthy", "latency", "errors", "cpu", "memory"];
const fileSystem = (tags: Record<string, string>): Fixture => ({ type: TYPE.fileSystem, name: "gmail-app-data-efs", props: { encrypted: true, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k", tags } });
const selection: Fixture = { type: TYPE.backupSelection, name: "backup-selection", props: { resources: ["arn:aws:elasticfilesystem:*:*:file-system/*", "arn:aws:ec2:*:*:volume/*"], conditions: [{ stringEquals: [{ key: "aws:ResourceTag/mcp-stack:backup", value: "mcp-dev" }] }] } };
const routingListener: Fixture = { type: TYPE.listener, name: "platform-https", stack: "prod", props: { protocol: "HTTPS" }, loadBalancerArnFrom: ["platform-alb"] };
const listenerRule = (name: string, actions: any[], paths = ["/gmail", "/gmail/*"]): Fixture => ({
  type: TYPE.listenerRule,
  name,
  stack: "prod",
  props: { actions, conditions: [{ pathPattern: { values: paths } }] },
  listenerArnFrom: ["platform-https"],
});
const jwt = { type: "jwt-validation", order: 1, jwtValidation: { issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X", jwksEndpoint: "https://…/jwks.json" } };
const forwardToTg = { type: "forward", order: 2, targetGroupArn: "arn:tg" };
const ingress = (props: Record<string, any>): Fixture => ({ type: TYPE.ingressRule, name: "rule", props });
const albSg: Fixture = { type: TYPE.securityGroup, name: "platform-alb-sg", props: {} };
const egressOf = (name: string, props: Record<string, any>): Fixture => ({ type: TYPE.egressRule, name, props, propertyDeps: { securityGroupId: ["platform-alb-sg"] } });
const toTasks = egressOf("gmail-alb-to-tasks", { ipProtocol: "tcp", fromPort: 8080, toPort: 8080, referencedSecurityGroupId: "sg-1" });
const toIdp = egressOf("platform-alb-to-idp", { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" });
/** A load balancer with its security group and the rule that admits clients on 443 from `cidr`. */
const reachable = (stack: string, over: Record<string, any> = {}, cidr = "0.0.0.0/0"): Fixture[] => [
  { ...alb(over, stack), propertyDeps: { securityGroups: ["platform-alb-sg"] } },
  { ...albSg, stack },
  { type: TYPE.ingressRule, name: "platform-alb-in-443", stack, props: { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: cidr }, propertyDeps: { securityGroupId: ["platform-alb-sg"] } },
];
const bucket: Fixture = { type: TYPE.bucket, name: "platform-alb-logs", props: {} };
const privateBlock: Fixture = { type: TYPE.bucketPublicAccessBlock, name: "platform-alb-logs-private", props: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, propertyDeps: { bucket: ["platform-alb-logs"] } };
const tlsOnly: Fixture = {
  type: TYPE.bucketPolicy,
  name: "platform-alb-logs-policy",
  props: { policy: JSON.stringify({ Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] }) },
  propertyDeps: { bucket: ["platform-alb-logs"] },
};
const jwtRule: Fixture = { type: TYPE.listenerRule, name: "gmail-rule", props: { actions: [{ type: "jwt-validation" }, { type: "forward" }] } };

/** For every policy: fixtures that violate it (with the message they get) and fixtures that pass. */
const CASES: Record<string, { fails: [Fixture | Fixture[], string, Record<string, unknown>?][]; passes: [Fixture | Fixture[], Record<string, unknown>?][] }> = {
  "ecs-no-public-ip": { fails: [[service({ networkConfiguration: { assignPublicIp: true } }), "subject: assigns public IPs to its tasks"]], passes: [[service()]] },
  "ecs-no-privileged-containers": { fails: [[task({ privileged: true }), "container gmail is privileged"]], passes: [[task()]] },
  "ecs-read-only-root-filesystem": {
    fails: [[task({ readonlyRootFilesystem: false }), "container gmail has a writable root filesystem"]],
    passes: [[task()], [task({ readonlyRootFilesystem: false }), { allowWritableRoot: ["gmail"] }]],
  },
  "ecs-secrets-not-in-environment": {
    fails: [
      [task({ environment: [{ name: "OPENAI_API_KEY", value: "x" }] }), "has OPENAI_API_KEY in its plain environment and it looks like a secret"],
      [task({ environment: [{ name: "UPSTREAM", value: "sk-proj-abcdefghijklmnopqrstuvwxyz" }] }), "has UPSTREAM in its plain environment"],
    ],
    passes: [[task()]],
  },
  "ecs-log-configuration": { fails: [[task({ logConfiguration: undefined }), "container gmail has no logConfiguration"]], passes: [[task()]] },
  "ecs-fargate-platform-latest": { fails: [[service({ platformVersion: "1.3.0" }), "pins Fargate platform 1.3.0; set platformVersion to LATEST"]], passes: [[service()], [service({ platformVersion: undefined })]] },
  "ecs-container-insights": {
    fails: [
      [{ stack: "prod", type: TYPE.cluster, props: { settings: [] } }, "Container Insights is off"],
      [{ stack: "prod", type: TYPE.cluster, props: { settings: [{ name: "containerInsights", value: "disabled" }] } }, "Container Insights is off"],
      [{ stack: "staging", type: TYPE.cluster, props: { settings: [] } }, "Container Insights is off", { stacks: ["prod", "staging"] }],
    ],
    passes: [
      [{ stack: "prod", type: TYPE.cluster, props: { settings: [{ name: "containerInsights", value: "enabled" }] } }],
      // Other stacks may save its custom metrics (about $7.50 per server a month).
      [{ stack: "dev", type: TYPE.cluster, props: { settings: [{ name: "containerInsights", value: "disabled" }] } }],
    ],
  },
  "ecs-separate-execution-and-task-roles": {
    fails: [[task({}, { taskRoleArn: "arn:aws:iam::1:role/r", executionRoleArn: "arn:aws:iam::1:role/r" }), "uses one role as execution and task role"]],
    passes: [[task()]],
  },
  "ecs-efs-transit-encryption": {
    fails: [
      [task({}, { volumes: [{ ...efsVolume, efsVolumeConfiguration: { ...efsVolume.efsVolumeConfiguration, transitEncryption: "DISABLED" } }] }), "EFS volume efs-data is mounted without transit encryption"],
      [task({}, { volumes: [{ ...efsVolume, efsVolumeConfiguration: { fileSystemId: "fs-1", transitEncryption: "ENABLED" } }] }), "mounted without IAM authorization"],
    ],
    passes: [[task()], [task({}, { volumes: [{ name: "tmp" }] })]],
  },
  "fargate-spot-on-demand-base": {
    fails: [
      [{ ...service({ capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] }), stack: "prod" }, "every task may run on Fargate Spot"],
      [{ ...service({ capacityProviderStrategies: [{ capacityProvider: "FARGATE", base: 0, weight: 0 }, { capacityProvider: "FARGATE_SPOT", weight: 1 }] }), stack: "prod" }, "keep at least one on on-demand Fargate"],
    ],
    passes: [
      [{ ...service({ capacityProviderStrategies: [{ capacityProvider: "FARGATE", base: 1, weight: 0 }, { capacityProvider: "FARGATE_SPOT", weight: 1 }] }), stack: "prod" }],
      [{ ...service({ capacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }] }), stack: "prod" }],
      // dev may run everything on Spot.
      [service({ capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] })],
    ],
  },
  "ecs-deployment-rollback": {
    fails: [
      [service({ deploymentCircuitBreaker: { enable: true, rollback: false } }), "a failed deploy would not roll back"],
      [service({ deploymentMinimumHealthyPercent: 50 }), "deploys drop to 50 % healthy tasks"],
    ],
    passes: [
      [service()],
      [service({ deploymentMinimumHealthyPercent: 50 }), { minimumHealthyPercent: 50 }],
      // A database on its own host: stop-before-start.
      [service({ deploymentMinimumHealthyPercent: 0, deploymentMaximumPercent: 100, capacityProviderStrategies: [{ capacityProvider: "mcp-dev-neo4j", weight: 1 }] })],
    ],
  },
  "database-single-writer-storage": {
    fails: [
      [[{ ...task({ name: "neo4j", image: "neo4j:5.26" }), name: "neo4j-task" }], "neo4j-task: runs neo4j with its store on EFS"],
      [
        [{ ...task({ name: "vectordb", image: "qdrant/qdrant:v1.12.4-unprivileged" }, { volumes: [{ name: "ebs-data", hostPath: "/mnt/mcp/data" }] }), name: "vectordb-task" }, { ...service({ deploymentMaximumPercent: 200 }), name: "vectordb-service", propertyDeps: { taskDefinition: ["vectordb-task"] } }],
        "vectordb-service: a deploy starts a second qdrant on the same store",
      ],
    ],
    passes: [
      [[{ ...task({ name: "neo4j", image: "neo4j:5.26" }, { volumes: [{ name: "ebs-data", hostPath: "/mnt/mcp/data" }] }), name: "neo4j-task" }, { ...service({ deploymentMaximumPercent: 100, deploymentMinimumHealthyPercent: 0 }), name: "neo4j-service", propertyDeps: { taskDefinition: ["neo4j-task"] } }]],
      [[{ ...task(), name: "gmail-task" }, { ...service({ deploymentMaximumPercent: 200 }), name: "gmail-service", propertyDeps: { taskDefinition: ["gmail-task"] } }]],
    ],
  },
  "ecs-image-digest": {
    fails: [[{ ...task(), stack: "prod" }, "container gmail runs ghcr.io/example/gmail-mcp:1.1.11 by tag in stack prod"]],
    passes: [[{ ...task({ image: `ghcr.io/example/gmail-mcp@sha256:${"a".repeat(64)}` }), stack: "prod" }], [task()]],
  },
  "ecs-image-pinned": {
    fails: [
      [task({ image: "ghcr.io/example/gmail-mcp:latest" }), "runs ghcr.io/example/gmail-mcp:latest; pin a version tag"],
      [task({ image: "ghcr.io/example/gmail-mcp" }), "pin a version tag (not latest) or a digest"],
    ],
    passes: [[task()], [task({ image: `ghcr.io/example/gmail-mcp@sha256:${"a".repeat(64)}` })], [task({ image: "localhost:5000/gmail:2.0" })]],
  },
  "alb-http-redirects-to-https": {
    fails: [[[listener("platform-https", { protocol: "HTTPS", port: 443 }), listener("platform-http", { protocol: "HTTP", port: 80, defaultActions: [forward] })], "platform-http: serves plain HTTP next to an HTTPS listener"]],
    passes: [[[listener("platform-https", { protocol: "HTTPS", port: 443 }), listener("platform-http", { protocol: "HTTP", port: 80, defaultActions: [redirect] })]], [[listener("platform-http", { protocol: "HTTP", defaultActions: [forward] })]]],
  },
  "alb-drop-invalid-headers": { fails: [[alb({ dropInvalidHeaderFields: false }), "forwards headers with invalid names"]], passes: [[alb()]] },
  "alb-access-logs": { fails: [[alb({ accessLogs: undefined }), "writes no access logs"]], passes: [[alb()]] },
  "alb-deletion-protection": {
    fails: [[alb({ enableDeletionProtection: false }, "prod"), "has no deletion protection in stack prod"]],
    passes: [[alb({}, "prod")], [alb({ enableDeletionProtection: false }, "dev")]],
  },
  "alb-desync-mitigation": { fails: [[alb({ desyncMitigationMode: "monitor" }), "desync mitigation is monitor"]], passes: [[alb()], [alb({ desyncMitigationMode: "strictest" })]] },
  "alb-multi-az": { fails: [[alb({ subnets: ["subnet-a"] }), "is in 1 subnet(s)"]], passes: [[alb()]] },
  "alb-tls-policy": {
    fails: [[listener("platform-https", { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-2016-08" }), "TLS policy ELBSecurityPolicy-2016-08 allows TLS older than 1.2"]],
    passes: [[listener("platform-https", { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" })], [listener("platform-http", { protocol: "HTTP" })]],
  },
  "alb-target-group-health-check": {
    fails: [[{ type: TYPE.targetGroup, props: { protocol: "HTTP", healthCheck: { enabled: false } } }, "has no health check"]],
    passes: [[{ type: TYPE.targetGroup, props: { protocol: "HTTP", healthCheck: { enabled: true, path: "/health" } } }]],
  },
  "alb-waf-associated": {
    fails: [[[alb()], "platform-alb: is internet-facing without a WAF web ACL"]],
    passes: [[[alb(), { type: TYPE.webAclAssociation, name: "edge-waf-alb", props: {}, resourceArnFrom: ["platform-alb"] }]], [[alb({ internal: true })]]],
  },
  "security-group-description-charset": {
    fails: [
      [{ type: TYPE.securityGroup, name: "gmail-efs-sg", props: { description: "mcp-stack gmail file systems: NFS from gmail's tasks only" } }, `gmail-efs-sg: description "mcp-stack gmail file systems: NFS from gmail's tasks only" contains "'", which EC2 refuses`],
      [{ type: TYPE.ingressRule, props: { description: "from the ALB → tasks" } }, 'contains "→", which EC2 refuses'],
      [{ type: TYPE.egressRule, props: { description: "x".repeat(256) } }, "has 256 characters (EC2 allows 255)"],
    ],
    passes: [
      [{ type: TYPE.securityGroup, props: { description: "mcp-stack gmail tasks: port 8080 from the ALB only" } }],
      [{ type: TYPE.egressRule, props: { description: "x".repeat(255) } }],
      [{ type: TYPE.role, props: { description: "gmail's role" } }],
    ],
  },
  "waf-no-allow-by-request-content": {
    fails: [
      [{ type: TYPE.webAcl, name: "edge-waf", props: { rules: [{ name: "always-allowed-paths", action: { allow: {} }, statement: { byteMatchStatement: { searchString: "/health" } } }] } }, "edge-waf: rule always-allowed-paths allows requests by their content"],
    ],
    passes: [
      [{ type: TYPE.webAcl, props: { rules: [{ name: "office", action: { allow: {} }, statement: { orStatement: { statements: [{ ipSetReferenceStatement: { arn: "a" } }, { ipSetReferenceStatement: { arn: "b" } }] } } }, { name: "rate", action: { block: {} }, statement: { rateBasedStatement: { limit: 100 } } }] } }],
    ],
  },
  "alb-reaches-token-issuer": {
    fails: [[[{ ...alb(), propertyDeps: { securityGroups: ["platform-alb-sg"] } }, albSg, toTasks, jwtRule], "platform-alb: validates bearer tokens but its security group has no HTTPS egress"]],
    passes: [[[{ ...alb(), propertyDeps: { securityGroups: ["platform-alb-sg"] } }, albSg, toTasks, jwtRule, toIdp]], [[{ ...alb(), propertyDeps: { securityGroups: ["platform-alb-sg"] } }, albSg, toTasks, { ...jwtRule, props: { actions: [{ type: "forward" }] } }]]],
  },
  "kms-key-rotation": {
    fails: [[{ type: TYPE.kmsKey, name: "logs-key", props: { enableKeyRotation: false } }, "logs-key: does not rotate"]],
    passes: [[{ type: TYPE.kmsKey, props: { enableKeyRotation: true } }]],
  },
  "server-logs-encrypted": {
    fails: [[{ type: TYPE.logGroup, name: "gmail-logs", props: { name: "/mcp-stack/dev/gmail" } }, "gmail-logs: holds a server's logs without a customer-managed key"]],
    passes: [[{ type: TYPE.logGroup, props: { name: "/mcp-stack/dev/gmail", kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/1" } }], [{ type: TYPE.logGroup, props: { name: "aws-waf-logs-mcp-dev" } }]],
  },
  "s3-private-and-tls-only": {
    fails: [
      [[bucket, { ...tlsOnly }], "platform-alb-logs: does not block public access"],
      [[bucket, { ...privateBlock }], "platform-alb-logs: accepts requests without TLS"],
    ],
    passes: [[[bucket, privateBlock, tlsOnly]]],
  },
  "ecr-scan-on-push": {
    fails: [[{ type: TYPE.repository, name: "resend-repo", props: {} }, "resend-repo: does not scan pushed images"]],
    passes: [[{ type: TYPE.repository, props: { imageScanningConfiguration: { scanOnPush: true } } }]],
  },
  "bridge-logs-no-payloads": {
    fails: [[task({ command: ["supergateway", "--stdio", "resend-mcp", "--logLevel", "info"] }), "container gmail runs supergateway logging message payloads; pass --logLevel none"]],
    passes: [[task({ command: ["supergateway", "--stdio", "resend-mcp", "--logLevel", "none"] })], [task({ command: ["node", "server.js", "--logLevel", "info"] })]],
  },
  "cognito-token-lifetime": {
    fails: [[{ type: TYPE.userPoolClient, name: "auth-client-mailer", props: { accessTokenValidity: 24, tokenValidityUnits: { accessToken: "hours" } } }, "auth-client-mailer: access tokens live 1440 minutes"]],
    passes: [[{ type: TYPE.userPoolClient, props: { accessTokenValidity: 60, tokenValidityUnits: { accessToken: "minutes" } } }]],
  },
  "efs-encrypted-with-kms": {
    fails: [[{ type: TYPE.fileSystem, props: { encrypted: true } }, "is not encrypted with a KMS key"]],
    passes: [[fileSystem({})]],
  },
  "efs-selected-by-backup-plan": {
    fails: [
      [[fileSystem({}), selection], "gmail-app-data-efs: no backup plan selects it"],
      [[{ type: TYPE.ebsVolume, name: "neo4j-data-ebs", props: { tags: { "mcp-stack:backup": "mcp-prod" } } }, selection], "neo4j-data-ebs: no backup plan selects it"],
    ],
    passes: [[[fileSystem({ "mcp-stack:backup": "mcp-dev" }), selection]], [[fileSystem({ "mcp-stack:backup-exempt": "scratch space" }), selection]], [[{ type: TYPE.ebsVolume, name: "neo4j-data-ebs", props: { tags: { "mcp-stack:backup": "mcp-dev" } } }, selection]]],
  },
  "efs-access-point-enforces-user-and-root": {
    fails: [
      [{ type: TYPE.accessPoint, props: { posixUser: { uid: 1000, gid: 1000 }, rootDirectory: { path: "/" } } }, "exposes the file system's root"],
      [{ type: TYPE.accessPoint, props: { rootDirectory: { path: "/data" } } }, "enforces no POSIX user"],
    ],
    passes: [
      [{ type: TYPE.accessPoint, props: { posixUser: { uid: 1000, gid: 1000 }, rootDirectory: { path: "/data" } } }],
      [{ type: TYPE.accessPoint, props: { posixUser: { uid: 0, gid: 0 }, rootDirectory: { path: "/" }, tags: { "mcp-stack:access": "restore" } } }],
    ],
  },
  "backup-vault-customer-key": {
    fails: [[{ type: TYPE.backupVault, props: { name: "mcp-dev" } }, "uses the AWS-managed backup key"]],
    passes: [[{ type: TYPE.backupVault, props: { name: "mcp-dev", kmsKeyArn: "arn:aws:kms:us-east-1:1:key/k" } }]],
  },
  "log-group-retention": {
    fails: [[{ type: TYPE.logGroup, props: { name: "/mcp-stack/dev/gmail" } }, "keeps its logs forever"]],
    passes: [[{ type: TYPE.logGroup, props: { retentionInDays: 14 } }]],
  },
  "mcp-auth-required": {
    fails: [
      [[...reachable("prod"), routingListener, listenerRule("gmail-rule", [forwardToTg])], "gmail-rule: forwards MCP requests from the whole internet without authentication in stack prod"],
      [[...reachable("dev"), { ...routingListener, stack: "dev" }, { ...listenerRule("gmail-rule", [forwardToTg]), stack: "dev" }], "gmail-rule: forwards MCP requests from the whole internet without authentication in stack dev"],
    ],
    passes: [
      [[...reachable("prod"), routingListener, listenerRule("gmail-rule", [jwt, forwardToTg]), listenerRule("gmail-rule-discovery", [forwardToTg], ["/.well-known/oauth-protected-resource/gmail"])]],
      [[...reachable("prod", { tags: { "mcp-stack:unauthenticated-reason": "behind the corporate VPN and an IP allow-list" } }), routingListener, listenerRule("gmail-rule", [forwardToTg])]],
      [[...reachable("prod", {}, "203.0.113.0/24"), routingListener, listenerRule("gmail-rule", [forwardToTg])]],
      [[...reachable("prod", { internal: true }, "10.0.0.0/16"), routingListener, listenerRule("gmail-rule", [forwardToTg])]],
      [[...reachable("dev"), { ...routingListener, stack: "dev" }, { ...listenerRule("gmail-rule", [forwardToTg]), stack: "dev" }], { stacks: ["prod"] }],
    ],
  },
  "mcp-auth-opt-out": {
    fails: [[reachable("prod", { tags: { "mcp-stack:unauthenticated-reason": "behind the corporate VPN" } }), 'platform-alb: serves MCP without authentication by explicit opt-out ("behind the corporate VPN")']],
    passes: [[reachable("prod")], [reachable("dev", { tags: { "mcp-stack:unauthenticated-reason": "an office allowlist" } }, "203.0.113.0/24")]],
  },
  "mcp-public-service-alarms": {
    fails: [[[publicService, ...ALL_ALARMS.filter((k) => k !== "latency").map((k) => alarm("gmail", k))], "gmail-service: public MCP service without its latency alarm(s)"]],
    passes: [[[publicService, ...ALL_ALARMS.map((k) => alarm("gmail", k))]], [[{ ...service(), name: "neo4j-service" }]]],
  },
  "mcp-probe-required": {
    fails: [
      [[prodService], "gmail-service: public MCP service without an MCP probe (schedule, ProbeSuccess alarm) in stack prod"],
      [[prodService, probeSchedule("gmail")], "gmail-service: public MCP service without an MCP probe (ProbeSuccess alarm)"],
      [[prodService, probeAlarm("gmail"), probeSchedule("rag")], "gmail-service: public MCP service without an MCP probe (schedule)"],
    ],
    passes: [
      [[prodService, probeSchedule("gmail"), probeAlarm("gmail")]],
      [[{ ...prodService, props: { ...prodService.props, tags: { "mcp-stack:server": "gmail", "mcp-stack:paused": "true" } } }]],
      [[{ ...prodService, name: "neo4j-service", props: { ...prodService.props, loadBalancers: [] } }]],
      [[publicService]],
    ],
  },
  "mcp-service-scaling-target": {
    fails: [[[publicService], "gmail-service: has no autoscaling target"]],
    passes: [[[publicService, { type: TYPE.scalingTarget, name: "gmail-scaling", parent: "gmail", props: { scalableDimension: "ecs:service:DesiredCount" } }]]],
  },
  "backup-plan-meets-rpo": {
    fails: [[[{ type: TYPE.backupPlan, name: "backup-plan", props: { rules: [{ schedule: "cron(0 2 ? * * *)" }, { schedule: "cron(0 1 ? * SUN *)" }] } }], "backup-plan: its most frequent rule runs every 1440 min, above the RPO of 60 min"]],
    passes: [
      [[{ type: TYPE.backupPlan, name: "backup-plan", props: { rules: [{ schedule: "cron(0 * ? * * *)" }, { schedule: "cron(0 2 ? * * *)" }] } }]],
      [[{ type: TYPE.backupPlan, name: "backup-plan", props: { rules: [{ schedule: "cron(0 0/2 ? * * *)" }] } }], { rpoMinutes: 120 }],
    ],
  },
  "no-task-port-open-to-the-world": {
    fails: [
      [[ingress({ cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 8080, toPort: 8080 })], "rule: opens port 8080 to the internet"],
      [[ingress({ cidrIpv6: "::/0", ipProtocol: "-1" })], "opens every port to the internet"],
      [[{ type: TYPE.securityGroup, name: "sg", props: { ingress: [{ cidrBlocks: ["0.0.0.0/0"], protocol: "tcp", fromPort: 22, toPort: 22 }] } }], "sg: an inline ingress opens port 22 to the internet"],
    ],
    passes: [[[ingress({ cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 }), ingress({ referencedSecurityGroupId: "sg-alb", ipProtocol: "tcp", fromPort: 8080, toPort: 8080 })]]],
  },
};

describe("every rule of the pack", () => {
  it("has a failing and a passing case here, a unique name and a description", () => {
    expect(Object.keys(CASES).sort()).toEqual(POLICIES.map((p) => p.name).sort());
    expect(new Set(POLICIES.map((p) => p.name)).size).toBe(POLICIES.length);
    for (const p of POLICIES) {
      expect(p.name).toMatch(/^[a-z0-9-]+$/);
      // The opt-out flag informs on every preview; everything else blocks.
      expect(p.enforcementLevel).toBe(p.name === "mcp-auth-opt-out" ? "advisory" : "mandatory");
      expect(p.description.length).toBeGreaterThan(20);
    }
  });

  for (const [name, { fails, passes }] of Object.entries(CASES)) {
    describe(name, () => {
      // Rows are padded to the callback's arity: jest takes an extra parameter for a `done` callback.
      it.each(fails.map(([subject, message, config], i) => [i, subject, message, config ?? {}] as const))("violation %i names the resource and the fix", async (_, subject, message, config) => {
        expect(await violations(name, subject, config)).toEqual([expect.stringContaining(message)]);
      });
      it.each(passes.map(([subject, config], i) => [i, subject, config ?? {}] as const))("passing case %i", async (_, subject, config) => {
        expect(await violations(name, subject, config)).toEqual([]);
      });
    });
  }
});

describe("the shipped stacks", () => {
  it.each(["dev", "prod"])("%s passes the pack with the team's policy config: no violation at all", async (stack) => {
    const plan = await planStack(stack);
    expect(await checkPolicies(plan, readPolicyConfig())).toEqual([]);
  });

  it("a prod stack that opts out of authentication gets the advisory flag with its reason, and nothing mandatory", async () => {
    const raw = rawConfigOf("prod");
    raw.ingress.auth = "none";
    delete raw.ingress.clients;
    raw.ingress.unauthenticatedReason = "reachable only through the corporate VPN";
    const found = await checkPolicies(await runOffline("prod", configMapOf("prod", raw)), readPolicyConfig());
    expect(found.map((v) => [v.policy, v.enforcementLevel, v.resource])).toEqual([["mcp-auth-opt-out", "advisory", "platform-alb"]]);
  });

  it("without the policy config the databases' writable root filesystems are mandatory violations", async () => {
    const found = await checkPolicies(await shippedPlan("dev"), {});
    expect(found.map((v) => [v.policy, v.resource, v.enforcementLevel])).toEqual([
      ["ecs-read-only-root-filesystem", "neo4j-task", "mandatory"],
      ["ecs-read-only-root-filesystem", "vectordb-task", "mandatory"],
    ]);
  });
});

describe("the pack under Pulumi's policy runtime", () => {
  it("PulumiPolicy.yaml and package.json have what pulumi preview --policy-pack needs", () => {
    const manifest = parseYaml(readFileSync(path.join(root, "policies/PulumiPolicy.yaml"), "utf8"));
    expect(manifest).toMatchObject({ runtime: "nodejs", description: expect.any(String) });
    const pkg = JSON.parse(readFileSync(path.join(root, "policies/package.json"), "utf8"));
    const rootPkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const dep of ["@pulumi/policy", "@pulumi/pulumi", "@pulumi/aws"]) expect(pkg.dependencies[dep]).toBe(rootPkg.dependencies[dep]);
  });

  it("index.ts starts an analyzer that reports the pack, its version and its rules with their enforcement levels", async () => {
    const analyzer = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
    const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
    const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["policies/index.ts"], { cwd: root });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        child.stdout.once("data", (d) => resolve(String(d).trim()));
        child.once("exit", (code) => reject(new Error(`policy pack exited with ${code}`)));
      });
      const client = new analyzer.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const info: any = await new Promise((resolve, reject) => client.getAnalyzerInfo(new Empty(), (err: unknown, res: unknown) => (err ? reject(err) : resolve(res))));
      client.close();
      expect([info.getName(), info.getVersion()]).toEqual(["mcp-stack", "0.1.0"]);
      const policies = info.getPoliciesList();
      expect(policies.map((p: any) => p.getName()).sort()).toEqual(POLICIES.map((p) => p.name).sort());
      const levels = Object.fromEntries(policies.map((p: any) => [p.getName(), p.getEnforcementlevel()]));
      expect(Object.entries(levels).filter(([, level]) => level !== 1)).toEqual([["mcp-auth-opt-out", 0]]); // 0 = ADVISORY, 1 = MANDATORY
    } finally {
      child.kill();
    }
  }, 30000);
});
