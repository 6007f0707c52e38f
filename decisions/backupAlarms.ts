import type { StackConfig } from "../config/schema";
import type { AlarmSpec } from "./alarms";
import { backupRules, backupVaultName, recoveryPointDeadlineMinutes } from "./backup";
import { physicalName } from "./names";

/**
 * AWS Backup reports each backup job's state changes to EventBridge ("Backup Job State Change", source aws.backup,
 * best effort every 5 minutes; AWS Backup developer guide, "Monitoring AWS Backup events using Amazon EventBridge").
 * The vault metrics (NumberOfRecoveryPointsCompleted …) count recovery points or jobs *in* a state, so a sum of them
 * never drops once any exists: they cannot tell that backups stopped. Two rules per stack select its vault's jobs.
 */
export const BACKUP_JOB_RULES = {
  completed: { states: ["COMPLETED"] },
  failed: { states: ["FAILED", "ABORTED", "EXPIRED"] },
} as const;
export type BackupJobRule = keyof typeof BACKUP_JOB_RULES;

export const backupJobRuleName = (stack: string, rule: BackupJobRule) => physicalName(stack, "backup", "jobs", rule);

export function backupJobEventPattern(stack: string, rule: BackupJobRule) {
  return {
    source: ["aws.backup"],
    "detail-type": ["Backup Job State Change"],
    detail: { state: [...BACKUP_JOB_RULES[rule].states], backupVaultName: [backupVaultName(stack)] },
  };
}

/**
 * The backup vault's alarms, on the rules' deliveries: a job that failed, aborted or expired (P2: one recovery point
 * is missing, the next run may still meet the RPO) and no job completed within the frequent rule's interval plus its
 * completion window (P1: the RPO is being broken right now). `rule` says whose invocations each alarm watches.
 */
export function backupAlarmSpecs(config: Pick<StackConfig, "backup">): (AlarmSpec & { rule: BackupJobRule })[] {
  const deadline = recoveryPointDeadlineMinutes(backupRules(config.backup));
  return [
    {
      key: "jobs-failed",
      rule: "failed",
      severity: "P2",
      summary: "an AWS Backup job of a volume failed, was aborted or expired",
      runbook: `A volume missed a recovery point. Likely: the job could not start within its window, a KMS or IAM permission, a deleted volume. First: 1) the job events in the log group /aws/events/mcp-<stack>-backup-jobs, or AWS Backup › Jobs filtered by Failed; 2) fix the cause; 3) start an on-demand backup of the volume (README, restore runbook).`,
      metric: { metric: "ruleInvocations", stat: "Sum" },
      scope: "eventRule",
      period: 300,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      comparison: "GreaterThanThreshold",
      threshold: 0,
      treatMissingData: "notBreaching",
      unit: "Count",
      gatesDeployments: false,
    },
    {
      key: "recovery-point-missing",
      rule: "completed",
      severity: "P1",
      summary: `no backup job completed in the stack's vault for ${deadline} minutes (RPO ${config.backup.rpoMinutes} min)`,
      runbook: `Backups have stopped: the RPO is being broken. Likely: the plan or selection was changed, the backup role lost permissions, every job fails. First: 1) AWS Backup › Jobs for the last runs and their messages; 2) the plan's rules and the selection by tag mcp-stack:backup; 3) start on-demand backups of the volumes until scheduled ones complete.`,
      metric: { metric: "ruleInvocations", stat: "Sum" },
      scope: "eventRule",
      period: deadline * 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      comparison: "LessThanThreshold",
      threshold: 1,
      // EventBridge sends no Invocations while the rule delivers nothing: silence is the breach this alarm exists for.
      treatMissingData: "breaching",
      unit: "Count",
      gatesDeployments: false,
    },
  ];
}
