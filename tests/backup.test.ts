import { shippedPlan } from "./support/shippedPlans";
import { ConfigError } from "../config/errors";
import { selectionPicks, type SelectionShape } from "../decisions/backupSelection";
import { OfflineRunError, type Plan, type PlannedResource } from "../engine/offline";
import { selfReferenceName } from "../program";
import { renderSummary } from "../plan/summary";
import { childOf, childrenOf, container, named, ofType } from "./support/plan";
import { planWith } from "./support/stackConfig";
import { TYPE } from "../decisions/resourceTypes";
const VOLUMES = { filesystem: "/data", gmail: "/app/data", neo4j: "/data", rag: "/app/data", vectordb: "/qdrant/storage" } as const;
/** File data on EFS; the databases (neo4j, vectordb) keep theirs on EBS. */
const EFS_VOLUMES = { filesystem: "/data", gmail: "/app/data", rag: "/app/data" } as const;

let prod: Plan;
let dev: Plan;
beforeAll(async () => {
  prod = await shippedPlan("prod");
  dev = await shippedPlan("dev");
});


const fileSystemOf = (plan: Plan, server: string): PlannedResource => childrenOf(plan, server, TYPE.fileSystem)[0];
const statements = (policy: string) => JSON.parse(policy).Statement as any[];

describe("volumes on EFS", () => {
  it("prod: one encrypted file system per file-data volume (gmail, rag, filesystem), under the stack's KMS key", () => {
    expect(ofType(prod, TYPE.fileSystem).map((fs) => `${fs.inputs.tags["mcp-stack:server"]}:${fs.inputs.tags["mcp-stack:volume"]}`).sort()).toEqual(
      Object.entries(EFS_VOLUMES).map(([s, p]) => `${s}:${p}`).sort(),
    );
    const keyArns = new Set(ofType(prod, TYPE.fileSystem).map((fs) => fs.inputs.kmsKeyId));
    expect(keyArns.size).toBe(1);
    expect([...keyArns][0]).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
    for (const fs of ofType(prod, TYPE.fileSystem)) {
      expect(fs.inputs).toMatchObject({ encrypted: true, performanceMode: "generalPurpose", throughputMode: "elastic" });
      expect(fs.inputs.creationToken).toBe(`mcp-prod-${fs.name.replace(/-efs$/, "")}`);
    }
    expect(named(prod, "storage-key").inputs.enableKeyRotation).toBe(true);
  });

  it("prod never deletes or replaces a file system or its keys in a routine deploy: protect and retainOnDelete; dev does not protect", () => {
    const stateful = [...ofType(prod, TYPE.fileSystem), named(prod, "storage-key"), named(prod, "backup-key"), named(prod, "backup-vault"), named(prod, "backup-copy-vault")];
    for (const r of stateful) expect(r.options).toMatchObject({ protect: true, retainOnDelete: true });
    for (const fs of ofType(dev, TYPE.fileSystem)) expect(fs.options).toMatchObject({ protect: false, retainOnDelete: false });
  });

  it("mount targets in each private subnet behind a security group that admits NFS from the server's tasks only", () => {
    const fs = fileSystemOf(prod, "filesystem");
    const mounts = childrenOf(prod, "filesystem", TYPE.mountTarget);
    expect(mounts).toHaveLength(3);
    expect(ofType(prod, TYPE.vpc)).toHaveLength(1);
    expect(new Set(mounts.map((m) => m.inputs.subnetId)).size).toBe(3);
    expect(mounts.every((m) => m.options.dependsOn.includes(fs.name))).toBe(true);
    expect(mounts.every((m) => m.options.dependsOn.includes("filesystem-efs-sg"))).toBe(true);
    const tasksGroup = childOf(prod, "filesystem", TYPE.service)!.inputs.networkConfiguration.securityGroups[0];
    const nfs = named(prod, "filesystem-efs-from-tasks").inputs;
    expect(nfs).toMatchObject({ ipProtocol: "tcp", fromPort: 2049, toPort: 2049, referencedSecurityGroupId: tasksGroup });
    expect(ofType(prod, TYPE.egressRule).some((r) => r.options.dependsOn.includes("filesystem-efs-sg"))).toBe(false);
    expect(childrenOf(dev, "filesystem", TYPE.mountTarget)).toHaveLength(2);
  });

  it("an access point pins the POSIX user and root directory of each volume", () => {
    const filesystem = named(prod, "filesystem-data-ap").inputs;
    expect(filesystem.posixUser).toEqual({ uid: 1000, gid: 1000 });
    expect(filesystem.rootDirectory).toEqual({ path: "/data", creationInfo: { ownerUid: 1000, ownerGid: 1000, permissions: "0750" } });
    expect(named(prod, "gmail-app-data-ap").inputs.posixUser).toEqual({ uid: 1000, gid: 1000 });
  });

  it("tasks mount the volume at its path with transit encryption and IAM authorization, and wait for the mount targets", () => {
    const task = named(prod, "gmail-task").inputs;
    expect(task.volumes).toEqual([
      { name: "tmp" },
      {
        name: "efs-app-data",
        efsVolumeConfiguration: {
          fileSystemId: expect.stringMatching(/^fs-/),
          transitEncryption: "ENABLED",
          authorizationConfig: { accessPointId: expect.stringMatching(/^fsap-/), iam: "ENABLED" },
        },
      },
    ]);
    expect(container(prod, "gmail").mountPoints).toContainEqual({ sourceVolume: "efs-app-data", containerPath: "/app/data", readOnly: false });
    const service = childOf(prod, "gmail", TYPE.service)!;
    expect(service.options.dependsOn).toEqual(expect.arrayContaining(["gmail-app-data-mount-0", "gmail-app-data-mount-1", "gmail-app-data-mount-2"]));
    expect(named(prod, "graphiti-task").inputs.volumes).toEqual([{ name: "tmp" }]);
  });

  it("the file system admits only TLS, and only the server's task role through its access point", () => {
    const [denyPlain, allowTasks] = statements(childOf(prod, "rag", TYPE.fileSystemPolicy)!.inputs.policy);
    expect(denyPlain).toMatchObject({ Effect: "Deny", Action: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    expect(allowTasks).toMatchObject({ Effect: "Allow", Principal: { AWS: expect.stringMatching(/:role\/rag-task-role/) }, Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"] });
    expect(allowTasks.Condition.StringEquals["elasticfilesystem:AccessPointArn"]).toMatch(/:access-point\/fsap-/);
    const [mount] = statements(named(prod, "rag-task-efs").inputs.policy);
    expect(mount.Resource).toMatch(/:file-system\/fs-/);
  });

  it("EFS's own automatic backups are off: the stack's plan is the one source of recovery points", () => {
    const policies = ofType(prod, TYPE.efsBackupPolicy);
    expect(policies).toHaveLength(3);
    for (const p of policies) expect(p.inputs.backupPolicy).toEqual({ status: "DISABLED" });
  });
});

describe("restoring a volume", () => {
  it("each server with volumes gets a restore task that mounts each file system's root as uid 0 with TLS and IAM", () => {
    const task = named(prod, "filesystem-restore-task").inputs;
    expect(task).toMatchObject({ family: "mcp-prod-filesystem-restore", requiresCompatibilities: ["FARGATE"], cpu: "256", memory: "512" });
    expect(task.volumes).toEqual([
      { name: "restore-data", efsVolumeConfiguration: { fileSystemId: expect.stringMatching(/^fs-/), transitEncryption: "ENABLED", authorizationConfig: { accessPointId: expect.stringMatching(/^fsap-/), iam: "ENABLED" } } },
    ]);
    const [restoreContainer] = JSON.parse(task.containerDefinitions);
    // Pinned by digest in prod (resolved from the busybox tag at deploy time).
    expect(restoreContainer.image).toMatch(/busybox@sha256:[0-9a-f]{64}$/);
    expect(prod.resolvedImages?.[restoreContainer.image.split("@")[1]]).toBe("public.ecr.aws/docker/library/busybox:1.37.0");
    expect(restoreContainer.mountPoints).toEqual([{ sourceVolume: "restore-data", containerPath: "/efs/data", readOnly: false }]);
    const rootAp = named(prod, "filesystem-data-restore-ap").inputs;
    expect(rootAp).toMatchObject({ posixUser: { uid: 0, gid: 0 }, rootDirectory: { path: "/" } });
    const [, , restore] = statements(named(prod, "filesystem-data-efs-policy").inputs.policy);
    expect(restore.Action).toContain("elasticfilesystem:ClientRootAccess");
    expect(prod.resources.some((r) => r.name === "graphiti-restore-task")).toBe(false);
  });

  it("the stack outputs carry what the runbook needs: the task, its network, the command and the backup role", () => {
    const restore = prod.outputs.volumes["filesystem:/data"].restore;
    expect(restore).toMatchObject({ taskDefinition: "mcp-prod-filesystem-restore", securityGroupId: expect.stringMatching(/^sg-/), minTasks: 1 });
    expect(restore.command.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(restore.command[2]).toContain('mv "$restored/data" /efs/data/data');
    expect(restore.command[2]).toContain("mv /efs/data/data /efs/data/data.before-restore");
    expect(prod.outputs.backupRoleArn).toMatch(/:role\/backup-role/);
    expect(prod.outputs.privateSubnetIds).toHaveLength(3);
  });
});

describe("AWS Backup", () => {
  const rules = () => named(prod, "backup-plan").inputs.rules as any[];

  it("a vault with its own KMS key and a governance-mode lock at the minimum retention", () => {
    const vault = named(prod, "backup-vault").inputs;
    expect(vault).toMatchObject({ name: "mcp-prod", forceDestroy: false });
    expect(vault.kmsKeyArn).toMatch(/^arn:aws:kms:us-east-1:/);
    expect(vault.kmsKeyArn).not.toBe(fileSystemOf(prod, "gmail").inputs.kmsKeyId);
    const lock = named(prod, "backup-vault-lock").inputs;
    expect(lock).toMatchObject({ backupVaultName: "mcp-prod", minRetentionDays: 7 });
    expect(lock.changeableForDays).toBeUndefined();
  });

  it("the plan's rules: hourly, daily 02:00 and weekly Sunday 01:00 with their windows and retention, in UTC", () => {
    expect(rules().map((r) => [r.ruleName, r.schedule, r.startWindow, r.completionWindow, r.lifecycle.deleteAfter, r.scheduleExpressionTimezone])).toEqual([
      ["hourly", "cron(0 * ? * * *)", 60, 120, 7, undefined],
      ["daily", "cron(0 2 ? * * *)", 60, 480, 30, undefined],
      ["weekly", "cron(0 1 ? * SUN *)", 60, 1440, 90, undefined],
    ]);
    expect(rules().every((r) => r.targetVaultName === "mcp-prod" && r.lifecycle.coldStorageAfter === undefined)).toBe(true);
  });

  it("prod copies the daily and weekly recovery points to a locked vault in us-west-2 under a key of that region", () => {
    const copy = named(prod, "backup-copy-vault").inputs;
    expect(copy).toMatchObject({ region: "us-west-2", name: "mcp-prod-copy" });
    expect(copy.kmsKeyArn).toMatch(/^arn:aws:kms:us-west-2:/);
    expect(named(prod, "backup-copy-vault-lock").inputs).toMatchObject({ region: "us-west-2", minRetentionDays: 7 });
    const [hourly, daily, weekly] = rules();
    expect(hourly.copyActions).toBeUndefined();
    expect(daily.copyActions).toEqual([{ destinationVaultArn: "arn:aws:backup:us-west-2:123456789012:backup-vault:mcp-prod-copy", lifecycle: { deleteAfter: 30 } }]);
    expect(weekly.copyActions[0].lifecycle).toEqual({ deleteAfter: 90 });
    expect(ofType(dev, TYPE.backupVault)).toHaveLength(1);
  });

  it("selects exactly this stack's tagged volumes under AWS Backup's semantics (resources OR tags, AND conditions)", async () => {
    const selection = named(prod, "backup-selection").inputs as SelectionShape;
    expect(selection.selectionTags).toBeUndefined();
    const fsArn = (id: string) => `arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/${id}`;
    const account: { arn: string; tags: Record<string, string> }[] = [
      { arn: fsArn("fs-tagged"), tags: { "mcp-stack:backup": "mcp-prod" } },
      { arn: fsArn("fs-backup-false"), tags: { "mcp-stack:server": "gmail" } },
      { arn: fsArn("fs-other-stack"), tags: { "mcp-stack:backup": "mcp-dev" } },
      { arn: fsArn("fs-restore-test-copy"), tags: {} },
      { arn: "arn:aws:ec2:us-east-1:123456789012:volume/vol-0tagged", tags: { "mcp-stack:backup": "mcp-prod" } },
      { arn: "arn:aws:ec2:us-east-1:123456789012:volume/vol-0other", tags: {} },
      { arn: "arn:aws:rds:us-east-1:123456789012:db:tagged", tags: { "mcp-stack:backup": "mcp-prod" } },
    ];
    const picked = account.filter((r) => selectionPicks(selection, r)).map((r) => r.arn.split("/").pop());
    expect(picked).toEqual(["fs-tagged", "vol-0tagged"]);
    // The old selection (resources + selectionTags) picked every file system in the account, and anything tagged: they are ORed.
    const old = { resources: ["arn:aws:elasticfilesystem:*:*:file-system/*"], selectionTags: [{ type: "STRINGEQUALS", key: "mcp-stack:backup", value: "mcp-prod" }] };
    expect(account.filter((r) => selectionPicks(old, r)).map((r) => r.arn.split(/[/:]/).pop())).toEqual(["fs-tagged", "fs-backup-false", "fs-other-stack", "fs-restore-test-copy", "vol-0tagged", "tagged"]);
    // Every planned file system of a volume marked backup carries the tag; one with backup: false does not.
    for (const fs of ofType(prod, TYPE.fileSystem)) expect(fs.inputs.tags["mcp-stack:backup"]).toBe("mcp-prod");
    const plan = await planWith("prod", (r) => (r.servers.rag.volumes["/app/data"].backup = false));
    const rag = named(plan, "rag-app-data-efs").inputs;
    expect(selectionPicks(named(plan, "backup-selection").inputs, { arn: fsArn("fs-rag"), tags: rag.tags })).toBe(false);
    expect(JSON.parse(named(prod, "backup-role").inputs.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: "backup.amazonaws.com" });
  });

  it("an audit framework checks the RPO, the retention, the plan coverage, the lock, the copies and the RTO in minutes", () => {
    const framework = named(prod, "backup-audit").inputs;
    expect(framework.name).toBe("mcp_prod_recovery_targets");
    const controls = Object.fromEntries(framework.controls.map((c: any) => [c.name, Object.fromEntries((c.inputParameters ?? []).map((p: any) => [p.name, p.value]))]));
    expect(controls).toEqual({
      BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK: { requiredFrequencyUnit: "hours", requiredFrequencyValue: "1", requiredRetentionDays: "7" },
      BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK: { requiredRetentionDays: "7" },
      BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN: {},
      BACKUP_LAST_RECOVERY_POINT_CREATED: { recoveryPointAgeUnit: "hours", recoveryPointAgeValue: "3" },
      RESTORE_TIME_FOR_RESOURCES_MEET_TARGET: { maxRestoreTime: "240" },
      BACKUP_RECOVERY_POINT_ENCRYPTED: {},
      BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK: {},
      BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION: { crossRegionList: "us-west-2" },
    });
    expect(framework.controls.every((c: any) => c.scope.tags["mcp-stack:backup"] === "mcp-prod")).toBe(true);
  });

  it("audit needs AWS Config: prod creates a recorder of the audited types and the framework waits for it; dev has no framework", async () => {
    expect(named(prod, "backup-config-recorder").inputs.recordingGroup).toEqual({
      allSupported: false,
      includeGlobalResourceTypes: false,
      resourceTypes: ["AWS::Backup::BackupPlan", "AWS::Backup::BackupSelection", "AWS::Backup::BackupVault", "AWS::Backup::RecoveryPoint", "AWS::Config::ResourceCompliance", "AWS::EFS::FileSystem", "AWS::EC2::Volume"],
    });
    expect(named(prod, "backup-config-recording").inputs.isEnabled).toBe(true);
    expect(named(prod, "backup-config-recording").options.dependsOn).toContain("backup-config-delivery");
    expect(named(prod, "backup-audit").options.dependsOn).toContain("backup-config-recording");
    expect(JSON.parse(named(prod, "backup-config-role").inputs.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: "config.amazonaws.com" });
    expect(ofType(dev, TYPE.backupFramework)).toEqual([]);
    expect(ofType(dev, TYPE.configRecorder)).toEqual([]);
    const existing = await planWith("prod", (raw) => (raw.backup.audit = "existing-recorder"));
    expect(ofType(existing, TYPE.backupFramework)).toHaveLength(1);
    expect(ofType(existing, TYPE.configRecorder)).toEqual([]);
    expect(renderSummary(existing, "prod")).toContain("needs the account's AWS Config recorder (backup.audit: existing-recorder)");
    expect(renderSummary(dev, "dev")).toContain("Audit framework off (backup.audit: off)");
  });

  it("a restore testing plan restores the latest recovery point of every backed-up volume each week", () => {
    const plan = named(prod, "backup-restore-test").inputs;
    expect(plan).toMatchObject({ name: "mcp_prod_restore_test", scheduleExpression: "cron(0 4 ? * WED *)" });
    expect(plan.recoveryPointSelection).toMatchObject({ algorithm: "LATEST_WITHIN_WINDOW", recoveryPointTypes: ["SNAPSHOT"], includeVaults: ["arn:aws:backup:us-east-1:123456789012:backup-vault:mcp-prod"] });
    const selection = named(prod, "backup-restore-test-volumes").inputs;
    // The provider takes exactly one of protectedResourceArns and protectedResourceConditions.
    expect(selection.protectedResourceArns).toBeUndefined();
    expect(selection).toMatchObject({
      protectedResourceType: "EFS",
      protectedResourceConditions: { stringEquals: [{ key: "aws:ResourceTag/mcp-stack:backup", value: "mcp-prod" }] },
      validationWindowHours: 2,
    });
  });

  it("backup alarms notify their severity's topic (their semantics: tests/backupEvents.test.ts)", () => {
    expect(named(prod, "backup-alarm-recovery-point-missing").inputs).toMatchObject({ name: "mcp-prod-backup-recovery-point-missing", alarmActions: ["arn:aws:sns:us-east-1:123456789012:mcp-prod-p1"] });
    expect(named(prod, "backup-alarm-jobs-failed").inputs.alarmActions).toEqual(["arn:aws:sns:us-east-1:123456789012:mcp-prod-p2"]);
  });

  it("the stack outputs record each volume's file system and whether the targets are met", () => {
    expect(Object.keys(prod.outputs.volumes).sort()).toEqual(Object.entries(VOLUMES).map(([s, p]) => `${s}:${p}`).sort());
    expect(prod.outputs.volumes["gmail:/app/data"]).toMatchObject({ type: "efs", fileSystemId: expect.stringMatching(/^fs-/), performanceMode: "generalPurpose", backup: true });
    expect(prod.outputs.volumes["neo4j:/data"]).toMatchObject({ type: "ebs", volumeId: expect.stringMatching(/^vol-/), backup: true });
    expect(Object.values(prod.outputs.recovery.volumes).every((v: any) => v.rpoMet && v.rtoMet)).toBe(true);
    expect(prod.outputs.backupVaultName).toBe("mcp-prod");
  });

  it("the plan shows per volume the rules that cover it, its worst-case RPO and RTO against the targets", () => {
    const summary = renderSummary(prod, "prod");
    expect(summary).toContain("Backups · targets RPO 60 min, RTO 240 min · vault mcp-prod (locked: retention ≥ 7 d, governance mode) · copies to mcp-prod-copy in us-west-2");
    expect(summary).toMatch(/neo4j:\/data\s+EBS 20 GB, encrypted \(KMS key\), protected\s+yes: hourly, daily, weekly\s+60 min ✓\s+3\+60\+8 = 71 min ✓\s+1440 min/);
    expect(summary).toMatch(/gmail:\/app\/data\s+EFS, encrypted \(KMS key\), protected\s+yes: hourly, daily, weekly/);
    expect(summary).toMatch(/hourly\s+cron\(0 \* \? \* \* \*\) UTC\s+60 \/ 120 min\s+7 d/);
    expect(summary).toContain("restore time ≤ 240 min");
  });
});

describe("options and exceptions", () => {
  let custom: Plan;
  beforeAll(async () => {
    custom = await planWith("dev", (raw) => {
      raw.servers.gmail.volumes["/app/data"].backup = false;
      raw.backup.timezone = "Europe/Berlin";
      raw.backup.lock = { mode: "compliance", changeableForDays: 3 };
      raw.backup.replication = { region: "eu-west-1" };
      raw.backup.weekly = { on: "Saturday", at: "03:30", retainDays: 120, coldStorageAfterDays: 30 };
    });
  });

  it("a volume with backup: false gets a file system but no backup tag, so the plan never selects it", () => {
    expect(fileSystemOf(custom, "gmail").inputs.tags["mcp-stack:backup"]).toBeUndefined();
    expect(fileSystemOf(custom, "rag").inputs.tags["mcp-stack:backup"]).toBe("mcp-dev");
    expect(renderSummary(custom, "dev")).toMatch(/gmail:\/app\/data\s+EFS, encrypted \(KMS key\), deletable\s+no \(backup: false\)/);
  });

  it("a configured time zone, a compliance lock and cold storage where AWS allows it", () => {
    const rules = named(custom, "backup-plan").inputs.rules as any[];
    expect(rules.every((r) => r.scheduleExpressionTimezone === "Europe/Berlin")).toBe(true);
    expect(rules[2]).toMatchObject({ schedule: "cron(30 3 ? * SAT *)", lifecycle: { deleteAfter: 120, coldStorageAfter: 30 } });
    expect(named(custom, "backup-vault-lock").inputs.changeableForDays).toBe(3);
    expect(named(custom, "backup-restore-test").inputs.scheduleExpressionTimezone).toBe("Europe/Berlin");
  });

  it("EFS replication to the recovery region for every backed-up volume, under a key of that region", () => {
    const replicas = ofType(custom, TYPE.efsReplication);
    // File data only (gmail opted out of backups here); EBS volumes reach the recovery region as backup copies.
    expect(replicas.map((r) => r.name).sort()).toEqual(["filesystem-data-replica", "rag-app-data-replica"]);
    expect(replicas[0].inputs.destination.region).toBe("eu-west-1");
    expect(replicas[0].inputs.destination.kmsKeyId).toMatch(/^arn:aws:kms:eu-west-1:/);
  });
});

describe("refusing a deploy that would delete or replace a file system", () => {
  const deployed = () => ({ volumes: JSON.parse(JSON.stringify(prod.outputs.volumes)) });

  it("reads its own last outputs by a name every backend accepts (the engine answers as a legacy self-managed backend)", () => {
    expect(selfReferenceName("organization", "mcp-stack", "prod")).toBe("prod");
    expect(selfReferenceName("acme", "mcp-stack", "prod")).toBe("acme/mcp-stack/prod");
  });

  it("redeploying the same config passes", async () => {
    const again = await planWith("prod", () => {}, { deployedOutputs: deployed() });
    expect(ofType(again, TYPE.fileSystem)).toHaveLength(3);
    expect(ofType(again, TYPE.ebsVolume)).toHaveLength(2);
  });

  it("removing a volume is refused with the file system it would delete, and nothing is registered", async () => {
    const run = planWith("prod", (raw) => delete raw.servers.rag.volumes, { deployedOutputs: deployed() });
    await expect(run).rejects.toBeInstanceOf(OfflineRunError);
    const error = (await run.catch((e) => e)) as OfflineRunError;
    expect(error.cause).toBeInstanceOf(ConfigError);
    expect((error.cause as ConfigError).problems).toEqual([expect.stringMatching(/^servers\.rag\.volumes: \/app\/data is no longer configured .* file system fs-\w+ holds its data/)]);
    expect(error.resources.filter((r) => r.custom)).toEqual([]);
  });

  it("changing a setting AWS can only apply with a new file system is refused", async () => {
    // A file system deployed with Max I/O (before the schema refused it with Elastic throughput) cannot be switched in place.
    const before = deployed();
    before.volumes["gmail:/app/data"].performanceMode = "maxIO";
    const error = (await planWith("prod", () => {}, { deployedOutputs: before }).catch((e) => e)) as OfflineRunError;
    expect((error.cause as ConfigError).problems).toEqual([expect.stringContaining("servers.gmail.volumes./app/data.performanceMode: changing maxIO → generalPurpose would replace file system fs-")]);
  });

  it("a volume listed in retiredVolumes may go", async () => {
    const plan = await planWith("prod", (raw) => {
      delete raw.servers.rag.volumes;
      raw.retiredVolumes = ["rag:/app/data"];
    }, { deployedOutputs: deployed() });
    expect(childrenOf(plan, "rag", TYPE.fileSystem)).toEqual([]);
  });
});

describe("dev stays destroyable; prod keeps its recovery points", () => {
  it("dev: no vault lock, the vault, ECR repositories and log bucket empty themselves on destroy, nothing protected", () => {
    expect(ofType(dev, TYPE.vaultLock)).toEqual([]);
    expect(named(dev, "backup-vault").inputs.forceDestroy).toBe(true);
    for (const repo of ofType(dev, TYPE.repository)) expect(repo.inputs.forceDelete).toBe(true);
    expect(named(dev, "platform-alb-logs").inputs.forceDestroy).toBe(true);
    expect(dev.resources.filter((r) => r.options.protect).map((r) => r.name)).toEqual([]);
  });

  it("prod: both vaults locked, never force-destroyed, repositories kept with their images", () => {
    expect(ofType(prod, TYPE.vaultLock).map((r) => r.name).sort()).toEqual(["backup-copy-vault-lock", "backup-vault-lock"]);
    for (const vault of ofType(prod, TYPE.backupVault)) expect(vault.inputs.forceDestroy).toBe(false);
    for (const repo of ofType(prod, TYPE.repository)) expect(repo.inputs.forceDelete).toBe(false);
  });

  it("a dev stack can opt into a lock; prod cannot opt out", async () => {
    // Started together, and one fails: the engine runs plans one after the other (the Pulumi runtime is process-wide).
    const [locked, error] = await Promise.all([
      planWith("dev", (raw) => (raw.backup.lock = { mode: "governance" })),
      planWith("prod", (raw) => (raw.backup.lock = { mode: "none" })).then(
        () => undefined,
        (e: OfflineRunError) => e,
      ),
    ]);
    expect(named(locked, "backup-vault").inputs.forceDestroy).toBe(false);
    expect(named(locked, "backup-vault-lock").inputs.minRetentionDays).toBe(7);
    expect((error?.cause as ConfigError).problems).toEqual([expect.stringContaining("backup.lock.mode: prod keeps its recovery points in a locked vault; set backup.lock.mode to governance or compliance")]);
  });
});
