import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Severity, StackConfig } from "../config/schema";
import { BACKUP_TAG_KEY, backupRules, backupVaultName, volumesOf, backupTagValue, cronAt, frequentIntervalMinutes, recoveryPointDeadlineMinutes, type BackupRuleSpec } from "../decisions/backup";
import { BACKUP_JOB_RULES, backupAlarmSpecs, backupJobEventPattern, backupJobRuleName, type BackupJobRule } from "../decisions/backupAlarms";
import { stackBackupSelection } from "../decisions/backupSelection";
import type { Protection } from "../decisions/protection";
import { createAlarm } from "./alarms";
import { createConfigRecording } from "./configRecording";
import { customerKey, keyPolicy } from "./kmsKey";
import type { DeployContext } from "./context";
import { COMPONENT } from "../decisions/resourceTypes";
import { physicalName, stackPrefix, TAG } from "../decisions/names";

type BackupConfig = Pick<StackConfig, "backup" | "servers">;

export interface BackupArgs extends Pick<DeployContext, "stack" | "accountId" | "protection"> {
  /** The backup targets and the servers whose volumes it protects. */
  config: BackupConfig;
  topics: Record<Severity, aws.sns.Topic>;
}

const MANAGED_POLICIES = [
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
];

/**
 * AWS Backup for the stack's volumes: a locked, encrypted vault (and a copy in a second region), a plan
 * whose rules meet the RPO, a selection by tag, an audit framework that checks the RPO/RTO as controls,
 * a restore testing plan that measures the restore time, and the alarms on missing recovery points.
 */
export class Backup extends pulumi.ComponentResource {
  readonly vault: aws.backup.Vault;
  readonly plan: aws.backup.Plan;
  readonly copyVault?: aws.backup.Vault;
  /** AWS Backup's role for the plan, restore jobs and restore tests. */
  readonly role: aws.iam.Role;

  constructor(name: string, args: BackupArgs, opts?: pulumi.ComponentResourceOptions) {
    super(COMPONENT.backup, name, {}, opts);
    const { stack, config, protection } = args;
    const backup = config.backup;
    const parent = { parent: this };
    const keep = { parent: this, protect: protection.protectStateful, retainOnDelete: protection.retainStatefulOnDelete };
    const tag = { [BACKUP_TAG_KEY]: backupTagValue(stack) };

    const vaults = this.createVaults(name, args, keep);
    this.vault = vaults.vault;
    this.copyVault = vaults.copyVault;

    const role = (this.role = this.createRole(name, args));

    const rules = backupRules(backup);
    this.plan = new aws.backup.Plan(
      `${name}-plan`,
      { name: stackPrefix(stack), rules: rules.map((rule) => this.planRule(rule, tag)), tags: tag },
      parent,
    );
    new aws.backup.Selection(
      `${name}-selection`,
      {
        name: physicalName(stack, "volumes"),
        planId: this.plan.id,
        iamRoleArn: role.arn,
        // Resources and tags would be ORed by AWS Backup; conditions are ANDed: only this stack's tagged volumes.
        ...stackBackupSelection(stack),
      },
      parent,
    );

    if (backup.audit !== "off") {
      const recording = backup.audit === "create-recorder" ? createConfigRecording({ stack, accountId: args.accountId, protection, parent: this }) : undefined;
      this.createAuditFramework(name, stack, config, rules, tag, recording);
    }
    if (backup.restoreTesting.enabled) this.createRestoreTesting(name, stack, config, role, tag);

    const jobRules = this.createJobEventRules(name, stack, protection);
    for (const spec of backupAlarmSpecs(config)) {
      createAlarm(spec, { stack, owner: name, scope: { eventRule: jobRules[spec.rule].name }, topics: args.topics, parent: this }, { dependsOn: [jobRules[spec.rule]] });
    }
    this.registerOutputs({ vaultName: this.vault.name, planId: this.plan.id });
  }

  /** The vault (locked outside dev) under its own key, and the copy vault of the second region. */
  private createVaults(name: string, args: BackupArgs, keep: pulumi.CustomResourceOptions): { vault: aws.backup.Vault; copyVault?: aws.backup.Vault } {
    const { stack } = args;
    const backup = args.config.backup;
    const vaultKey = customerKey(`${name}-key`, { description: `mcp-stack ${stack} backup vault`, policy: keyPolicy(args.accountId) }, keep);
    // Unlocked (dev): `pulumi destroy` deletes the recovery points with the vault; a non-empty vault cannot be deleted.
    const locked = backup.lock.mode !== "none";
    const vault = new aws.backup.Vault(`${name}-vault`, { name: backupVaultName(stack), kmsKeyArn: vaultKey.arn, forceDestroy: !locked }, keep);
    if (locked) this.lockVault(`${name}-vault-lock`, vault, backup);
    if (!backup.copyTo) return { vault };
    const region = backup.copyTo.region;
    const copyKey = customerKey(`${name}-copy-key`, { region, description: `mcp-stack ${stack} backup copies`, policy: keyPolicy(args.accountId) }, keep);
    const copyVault = new aws.backup.Vault(`${name}-copy-vault`, { region, name: physicalName(stack, "copy"), kmsKeyArn: copyKey.arn, forceDestroy: !locked }, keep);
    if (locked) this.lockVault(`${name}-copy-vault-lock`, copyVault, backup, region);
    return { vault, copyVault };
  }

  /** AWS Backup's role: back up, restore and restore-test, assumable only on behalf of this account. */
  private createRole(name: string, args: BackupArgs): aws.iam.Role {
    const parent = { parent: this };
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `AWS Backup: back up, restore and restore-test mcp-stack ${args.stack}'s volumes`,
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": args.accountId } } }],
        }),
      },
      parent,
    );
    MANAGED_POLICIES.forEach((policyArn, i) => new aws.iam.RolePolicyAttachment(`${name}-role-${i === 0 ? "backup" : "restore"}`, { role: role.name, policyArn }, parent));

    return role;
  }

  /**
   * EventBridge rules for this vault's completed and failed backup jobs, delivering to a job-history log group: their
   * deliveries are the metric the backup alarms watch (decisions/backupAlarms.ts), and the log is what on-call reads.
   */
  private createJobEventRules(name: string, stack: string, protection: Protection): Record<BackupJobRule, aws.cloudwatch.EventRule> {
    const parent = { parent: this };
    const history = new aws.cloudwatch.LogGroup(
      `${name}-job-events`,
      { name: `/aws/events/mcp-${stack}-backup-jobs`, retentionInDays: protection.logRetentionDays },
      { parent: this, retainOnDelete: protection.retainStatefulOnDelete },
    );
    // EventBridge writes to CloudWatch Logs under a resource policy of the log group's account (EventBridge user guide,
    // "Permissions for CloudWatch Logs targets").
    const writable = new aws.cloudwatch.LogResourcePolicy(
      `${name}-job-events-policy`,
      {
        policyName: physicalName(stack, "backup", "job", "events"),
        policyDocument: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "EventBridgeWritesBackupJobEvents",
              Effect: "Allow",
              Principal: { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] },
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: pulumi.interpolate`${history.arn}:*`,
            },
          ],
        }),
      },
      parent,
    );
    const rules = {} as Record<BackupJobRule, aws.cloudwatch.EventRule>;
    for (const rule of Object.keys(BACKUP_JOB_RULES) as BackupJobRule[]) {
      rules[rule] = new aws.cloudwatch.EventRule(
        `${name}-jobs-${rule}`,
        { name: backupJobRuleName(stack, rule), description: `mcp-stack ${stack}: ${rule} backup jobs of its vault`, eventPattern: JSON.stringify(backupJobEventPattern(stack, rule)) },
        parent,
      );
      new aws.cloudwatch.EventTarget(`${name}-jobs-${rule}-log`, { rule: rules[rule].name, arn: history.arn }, { parent: this, dependsOn: [writable] });
    }
    return rules;
  }

  /** Governance mode can be lifted by privileged admins; compliance mode is immutable once `changeableForDays` pass. */
  private lockVault(name: string, vault: aws.backup.Vault, backup: StackConfig["backup"], region?: string) {
    return new aws.backup.VaultLockConfiguration(
      name,
      {
        region,
        backupVaultName: vault.name,
        minRetentionDays: backup.minRetainDays,
        maxRetentionDays: backup.maxRetainDays,
        changeableForDays: backup.lock.mode === "compliance" ? backup.lock.changeableForDays : undefined,
      },
      { parent: this },
    );
  }

  private planRule(rule: BackupRuleSpec, tag: Record<string, string>): aws.types.input.backup.PlanRule {
    const lifecycle = { deleteAfter: rule.retainDays, coldStorageAfter: rule.coldStorageAfterDays };
    return {
      ruleName: rule.name,
      targetVaultName: this.vault.name,
      schedule: rule.schedule,
      scheduleExpressionTimezone: rule.timezone === "UTC" ? undefined : rule.timezone,
      startWindow: rule.startWindowMinutes,
      completionWindow: rule.completionWindowMinutes,
      lifecycle,
      recoveryPointTags: { ...tag, [TAG.rule]: rule.name },
      copyActions: rule.copied && this.copyVault ? [{ destinationVaultArn: this.copyVault.arn, lifecycle }] : undefined,
    };
  }

  /** The recovery targets as AWS Backup Audit Manager controls, evaluated daily from what AWS Config records. */
  private createAuditFramework(name: string, stack: string, config: BackupConfig, rules: BackupRuleSpec[], tag: Record<string, string>, recording?: pulumi.Resource) {
    const { backup } = config;
    const scope = { tags: tag };
    const params = (values: Record<string, string | number>) => Object.entries(values).map(([n, value]) => ({ name: n, value: String(value) }));
    const interval = frequentIntervalMinutes(backup.rpoMinutes);
    const frequency = interval === undefined ? { requiredFrequencyUnit: "days", requiredFrequencyValue: 1 } : { requiredFrequencyUnit: "hours", requiredFrequencyValue: interval / 60 };
    const controls: aws.types.input.backup.FrameworkControl[] = [
      { name: "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK", inputParameters: params({ ...frequency, requiredRetentionDays: backup.minRetainDays }), scope },
      { name: "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK", inputParameters: params({ requiredRetentionDays: backup.minRetainDays }), scope },
      { name: "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN", scope },
      { name: "BACKUP_LAST_RECOVERY_POINT_CREATED", inputParameters: params({ recoveryPointAgeUnit: "hours", recoveryPointAgeValue: Math.ceil(recoveryPointDeadlineMinutes(rules) / 60) }), scope },
      { name: "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET", inputParameters: params({ maxRestoreTime: backup.rtoMinutes }), scope },
      { name: "BACKUP_RECOVERY_POINT_ENCRYPTED", scope },
      { name: "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK", scope },
    ];
    if (backup.copyTo) controls.push({ name: "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION", inputParameters: params({ crossRegionList: backup.copyTo.region }), scope });
    new aws.backup.Framework(
      `${name}-audit`,
      { name: `mcp_${stack.replace(/[^A-Za-z0-9]/g, "_")}_recovery_targets`, description: `mcp-stack ${stack}: RPO ${backup.rpoMinutes} min, RTO ${backup.rtoMinutes} min, retention ≥ ${backup.minRetainDays} days`, controls },
      { parent: this, dependsOn: recording ? [recording] : [] },
    );
  }

  /** Restores the latest recovery point of every backed-up volume on schedule; AWS Backup records how long each restore took. */
  private createRestoreTesting(name: string, stack: string, config: BackupConfig, role: aws.iam.Role, tag: Record<string, string>) {
    const { backup } = config;
    const testing = backup.restoreTesting;
    const id = stack.replace(/[^A-Za-z0-9]/g, "_");
    const plan = new aws.backup.RestoreTestingPlan(
      `${name}-restore-test`,
      {
        name: `mcp_${id}_restore_test`,
        scheduleExpression: cronAt(testing.at, testing.on),
        scheduleExpressionTimezone: backup.timezone === "UTC" ? undefined : backup.timezone,
        startWindowHours: 1,
        recoveryPointSelection: { algorithm: "LATEST_WITHIN_WINDOW", includeVaults: [this.vault.arn], recoveryPointTypes: ["SNAPSHOT"], selectionWindowDays: 7 },
      },
      { parent: this },
    );
    const conditions = { stringEquals: Object.entries(tag).map(([key, value]) => ({ key: `aws:ResourceTag/${key}`, value })) };
    const types = new Set(volumesOf(config).filter((v) => v.backup).map((v) => v.type));
    for (const type of [...types].sort()) {
      new aws.backup.RestoreTestingSelection(
        type === "efs" ? `${name}-restore-test-volumes` : `${name}-restore-test-${type}`,
        {
          name: `mcp_${id}_${type === "efs" ? "volumes" : type}`,
          restoreTestingPlanName: plan.name,
          protectedResourceType: type.toUpperCase(),
          iamRoleArn: role.arn,
          // Conditions alone: the provider requires exactly one of protectedResourceArns and protectedResourceConditions
          // (aws_backup_restore_testing_selection, ExactlyOneOf), as its own example selects by tag.
          protectedResourceConditions: conditions,
          validationWindowHours: testing.validationHours,
        },
        { parent: this },
      );
    }
  }
}
