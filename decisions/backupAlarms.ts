import type { StackConfig } from "../config/schema";
import type { AlarmSpec } from "./alarms";
import { backupRules, recoveryPointDeadlineMinutes } from "./backup";

/**
 * The backup vault's alarms: a job that failed or expired (P2: one recovery point is missing, the next
 * run may still meet the RPO) and no recovery point at all within the frequent rule's interval plus its
 * completion window (P1: the RPO is being broken right now).
 */
export function backupAlarmSpecs(config: StackConfig): AlarmSpec[] {
  const deadline = recoveryPointDeadlineMinutes(backupRules(config.backup));
  return [
    {
      key: "jobs-failed",
      severity: "P2",
      summary: "an AWS Backup job of a volume failed or expired",
      runbook: `A volume missed a recovery point. Likely: the job could not start within its window (EFS busy, vault lock retention mismatch), a KMS or IAM permission, a deleted file system. First: 1) AWS Backup › Jobs, filter Failed/Expired, read the status message; 2) fix the cause; 3) start an on-demand backup of the volume (README, restore runbook).`,
      expression: {
        expression: "FILL(failed, 0) + FILL(expired, 0)",
        label: "failed + expired backup jobs",
        inputs: { failed: { metric: "backupJobsFailed", stat: "Sum" }, expired: { metric: "backupJobsExpired", stat: "Sum" } },
      },
      scope: "backupVault",
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
      severity: "P1",
      summary: `no recovery point completed in the backup vault for ${deadline} minutes (RPO ${config.backup.rpoMinutes} min)`,
      runbook: `Backups have stopped: the RPO is being broken. Likely: the plan or selection was changed, the backup role lost permissions, every job fails. First: 1) AWS Backup › Jobs for the last runs and their messages; 2) the plan's rules and the selection by tag mcp-stack:backup; 3) start on-demand backups of the volumes until scheduled ones complete.`,
      metric: { metric: "recoveryPointsCompleted", stat: "Sum" },
      scope: "backupVault",
      period: deadline * 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      comparison: "LessThanThreshold",
      threshold: 1,
      // No data means no recovery point was reported: that is the breach this alarm exists for.
      treatMissingData: "breaching",
      unit: "Count",
      gatesDeployments: false,
    },
  ];
}
