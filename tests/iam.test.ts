import { shippedPlan } from "./support/shippedPlans";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { Plan } from "../engine/offline";
import { container, named } from "./support/plan";

/**
 * Least privilege, proven with an IAM policy evaluator (@cloud-copilot/iam-simulate) on the policies the prod
 * plan would create: for every pair of servers, each reads its own secrets and writes its own log group and
 * file systems, and none can reach another's.
 */
const ACCOUNT = "123456789012";
const SERVERS = ["filesystem", "gmail", "graphiti", "neo4j", "rag", "resend", "vectordb"];
/** Servers with EFS volumes; neo4j and vectordb keep theirs on EBS, on their own hosts. */
const WITH_VOLUMES = ["filesystem", "gmail", "rag"];

let prod: Plan;
beforeAll(async () => {
  prod = await shippedPlan("prod");
});

const policy = (name: string) => JSON.parse(named(prod, name).inputs.policy);
const executionPolicies = (server: string) => [{ name: `${server}-execution-policy`, policy: policy(`${server}-execution-policy`) }];
const taskPolicies = (server: string) => (WITH_VOLUMES.includes(server) ? [{ name: `${server}-task-efs`, policy: policy(`${server}-task-efs`) }] : []);
const secretArns = (server: string): Record<string, string> => Object.fromEntries(container(prod, server).secrets.map((s: any) => [s.name, s.valueFrom]));
const allSecrets = () => Object.assign({}, ...SERVERS.map(secretArns)) as Record<string, string>;
const logStream = (server: string) => `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/mcp-stack/prod/${server}:log-stream:${server}/${server}/0123`;

/** A server's file system: its ARN, the task role its policy admits, and the ARNs of its two access points. */
function fileSystemOf(server: string) {
  const key = server === "gmail" || server === "rag" ? "app-data" : "data";
  const [, tasks, restore] = policy(`${server}-${key}-efs-policy`).Statement;
  return {
    arn: tasks.Resource as string,
    taskRole: tasks.Principal.AWS as string,
    accessPoint: tasks.Condition.StringEquals["elasticfilesystem:AccessPointArn"] as string,
    restoreAccessPoint: restore.Condition.StringEquals["elasticfilesystem:AccessPointArn"] as string,
    resourcePolicy: policy(`${server}-${key}-efs-policy`),
  };
}

async function decide(args: {
  principal: string;
  action: string;
  resource: string;
  identityPolicies: { name: string; policy: unknown }[];
  resourcePolicy?: unknown;
  context?: Record<string, string>;
}): Promise<string> {
  const result: any = await runSimulation(
    {
      request: { principal: args.principal, action: args.action, resource: { resource: args.resource, accountId: ACCOUNT }, contextVariables: args.context ?? {} },
      identityPolicies: args.identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: args.resourcePolicy,
    },
    {},
  );
  if (result.errors) throw new Error(`simulation error: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

const role = (server: string, kind: "execution" | "task") => `arn:aws:iam::${ACCOUNT}:role/${server}-${kind}-role`;

describe.each(SERVERS)("%s", (server) => {
  it("its execution role reads exactly the secrets it lists, and no other server's", async () => {
    const own = secretArns(server);
    for (const [name, arn] of Object.entries(allSecrets())) {
      const verdict = await decide({ principal: role(server, "execution"), action: "secretsmanager:GetSecretValue", resource: arn, identityPolicies: executionPolicies(server) });
      expect([name, verdict]).toEqual([name, name in own ? "Allowed" : "ImplicitlyDenied"]);
    }
  });

  it("its task role (what the application runs as) reads no secret at all", async () => {
    for (const arn of Object.values(allSecrets())) {
      expect(await decide({ principal: role(server, "task"), action: "secretsmanager:GetSecretValue", resource: arn, identityPolicies: taskPolicies(server) })).toBe("ImplicitlyDenied");
    }
  });

  it("it writes its own log group only", async () => {
    for (const other of SERVERS) {
      const verdict = await decide({ principal: role(server, "execution"), action: "logs:PutLogEvents", resource: logStream(other), identityPolicies: executionPolicies(server) });
      expect([other, verdict]).toEqual([other, other === server ? "Allowed" : "ImplicitlyDenied"]);
    }
  });

  it("it can write its own file system through its access point, and no other server's", async () => {
    const principal = WITH_VOLUMES.includes(server) ? fileSystemOf(server).taskRole : role(server, "task");
    for (const other of WITH_VOLUMES) {
      const fs = fileSystemOf(other);
      const verdict = await decide({
        principal,
        action: "elasticfilesystem:ClientWrite",
        resource: fs.arn,
        identityPolicies: taskPolicies(server),
        resourcePolicy: fs.resourcePolicy,
        context: { "elasticfilesystem:AccessPointArn": fs.accessPoint, "aws:SecureTransport": "true" },
      });
      // The filesystem server's volume is read-only: not even its own tasks may write it.
      expect([other, verdict]).toEqual([other, other === server && server !== "filesystem" ? "Allowed" : expect.stringMatching(/Denied$/)]);
    }
  });
});

describe("a read-only volume", () => {
  it("the filesystem server's tasks may mount their volume but not write it: the file system policy grants no ClientWrite", async () => {
    const fs = fileSystemOf("filesystem");
    const as = (action: string) =>
      decide({
        principal: fs.taskRole,
        action,
        resource: fs.arn,
        identityPolicies: taskPolicies("filesystem"),
        resourcePolicy: fs.resourcePolicy,
        context: { "elasticfilesystem:AccessPointArn": fs.accessPoint, "aws:SecureTransport": "true" },
      });
    expect(await as("elasticfilesystem:ClientMount")).toBe("Allowed");
    expect(await as("elasticfilesystem:ClientWrite")).toBe("ImplicitlyDenied");
    expect(container(prod, "filesystem").mountPoints).toContainEqual({ sourceVolume: "efs-data", containerPath: "/data", readOnly: true });
  });
});

describe("file system guards", () => {
  it("a mount without TLS is denied even for the owner", async () => {
    const fs = fileSystemOf("gmail");
    const verdict = await decide({
      principal: fs.taskRole,
      action: "elasticfilesystem:ClientMount",
      resource: fs.arn,
      identityPolicies: taskPolicies("gmail"),
      resourcePolicy: fs.resourcePolicy,
      context: { "elasticfilesystem:AccessPointArn": fs.accessPoint, "aws:SecureTransport": "false" },
    });
    expect(verdict).toBe("ExplicitlyDenied");
  });

  it("root access goes through the restore access point only, and only for the restore task's own role", async () => {
    const fs = fileSystemOf("gmail");
    const restoreRole = named(prod, "gmail-restore-task").inputs.taskRoleArn as string;
    expect(restoreRole).toMatch(/:role\/gmail-restore-role/);
    const restorePolicies = [{ name: "gmail-restore-efs", policy: policy("gmail-restore-efs") }];
    const rootAccess = (principal: string, identityPolicies: any[], accessPoint: string) =>
      decide({
        principal,
        action: "elasticfilesystem:ClientRootAccess",
        resource: fs.arn,
        identityPolicies,
        resourcePolicy: fs.resourcePolicy,
        context: { "elasticfilesystem:AccessPointArn": accessPoint, "aws:SecureTransport": "true" },
      });
    expect(await rootAccess(restoreRole, restorePolicies, fs.restoreAccessPoint)).toBe("Allowed");
    expect(await rootAccess(restoreRole, restorePolicies, fs.accessPoint)).toBe("ImplicitlyDenied");
    // The application's role cannot, even through the restore access point.
    expect(await rootAccess(fs.taskRole, taskPolicies("gmail"), fs.restoreAccessPoint)).toBe("ImplicitlyDenied");
  });

  it("built images are pulled from the server's own repository only", async () => {
    const pull = (server: string, repo: string) =>
      decide({ principal: role(server, "execution"), action: "ecr:BatchGetImage", resource: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/mcp-prod/${repo}`, identityPolicies: executionPolicies(server) });
    expect(await pull("filesystem", "filesystem")).toBe("Allowed");
    expect(await pull("filesystem", "resend")).toBe("ImplicitlyDenied");
    expect(await pull("gmail", "resend")).toBe("ImplicitlyDenied");
  });
});

describe("database hosts", () => {
  const hostRole = (server: string) => `arn:aws:iam::${ACCOUNT}:role/${server}-host-role`;
  const hostPolicies = (server: string) => [{ name: `${server}-host-attach-volumes`, policy: policy(`${server}-host-attach-volumes`) }];

  it("a host attaches its own volume, to its own instances only, and never another database's volume", async () => {
    const own = JSON.parse(named(prod, "neo4j-host-attach-volumes").inputs.policy).Statement[0].Resource[0] as string;
    const other = JSON.parse(named(prod, "vectordb-host-attach-volumes").inputs.policy).Statement[0].Resource[0] as string;
    expect(own).toMatch(/^arn:aws:ec2:us-east-1:123456789012:volume\/vol-/);
    const attach = (resource: string, context: Record<string, string> = {}) =>
      decide({ principal: hostRole("neo4j"), action: "ec2:AttachVolume", resource, identityPolicies: hostPolicies("neo4j"), context });
    expect(await attach(own)).toBe("Allowed");
    expect(await attach(other)).toBe("ImplicitlyDenied");
    const instance = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc`;
    expect(await attach(instance, { "aws:ResourceTag/mcp-stack:host": "neo4j-host" })).toBe("Allowed");
    expect(await attach(instance, { "aws:ResourceTag/mcp-stack:host": "vectordb-host" })).toBe("ImplicitlyDenied");
  });
});
