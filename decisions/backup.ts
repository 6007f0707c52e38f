import type { BackupConfig, Weekday } from "../config/backupSchema";
import type { ServerShape, StackConfig, StackShape } from "../config/schema";
import { stackPrefix, TAG } from "./names";

/** One `volumes` entry of an enabled server: an EFS file system with an access point. */
export interface VolumeSpec {
  /** `gmail:/app/data`: how the config, the stack outputs and `retiredVolumes` name it. */
  id: string;
  server: string;
  path: string;
  /** `app-data`: the file system's part of resource and task-volume names. */
  key: string;
  backup: boolean;
  uid: number;
  gid: number;
  performanceMode: "generalPurpose" | "maxIO";
  /** efs: a file system shared by the server's tasks; ebs: a block volume on the server's EC2 host. */
  type: "efs" | "ebs";
  sizeGiB: number;
  readOnly: boolean;
}

/** `/app/data` → `app-data`, `/` → `root`. */
export function volumeKey(path: string): string {
  const key = path.replace(/^\/+|\/+$/g, "").replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();
  return key || "root";
}

export function volumesOfServer(name: string, server: ServerShape): VolumeSpec[] {
  return Object.entries(server.volumes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, v]) => {
      const [uid, gid] = v.owner.split(":").map(Number);
      return { id: `${name}:${path}`, server: name, path, key: volumeKey(path), backup: v.backup, uid, gid, performanceMode: v.performanceMode, type: v.type, sizeGiB: v.sizeGiB, readOnly: v.readOnly };
    });
}

export function volumesOf(config: Pick<StackShape, "servers">): VolumeSpec[] {
  return Object.entries(config.servers)
    .filter(([, s]) => s.enabled)
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([name, s]) => volumesOfServer(name, s));
}

export type RuleKind = "frequent" | "daily" | "weekly";

export interface BackupRuleSpec {
  /** Rule name in AWS Backup. */
  name: string;
  kind: RuleKind;
  /** AWS Backup's six-field cron, in `timezone`. */
  schedule: string;
  timezone: string;
  intervalMinutes: number;
  startWindowMinutes: number;
  /** AWS counts it from the scheduled time, not from the start. */
  completionWindowMinutes: number;
  retainDays: number;
  coldStorageAfterDays?: number;
  /** Copied to the second region's vault. */
  copied: boolean;
}

/** AWS Backup's smallest start window; a completion window must be at least this much longer than the start window. */
export const MIN_WINDOW_MINUTES = 60;
const DAY = 24 * 60;
/** Whole-hour intervals that divide a day, so every run lands at the same minutes each day. */
const FREQUENT_INTERVALS = [60, 120, 180, 240, 360, 480, 720];

/** The frequent rule's interval: the longest that still meets the RPO. None when the daily rule alone meets it. */
export function frequentIntervalMinutes(rpoMinutes: number): number | undefined {
  if (rpoMinutes >= DAY) return undefined;
  return [...FREQUENT_INTERVALS].reverse().find((i) => i <= rpoMinutes);
}

const CRON_DAY: Record<Weekday, string> = { Monday: "MON", Tuesday: "TUE", Wednesday: "WED", Thursday: "THU", Friday: "FRI", Saturday: "SAT", Sunday: "SUN" };

/** `"02:00"` (on Sunday) → `cron(0 2 ? * SUN *)`: AWS Backup's six fields, day-of-month `?`. */
export function cronAt(at: string, on?: Weekday): string {
  const [hour, minute] = at.split(":").map(Number);
  return `cron(${minute} ${hour} ? * ${on ? CRON_DAY[on] : "*"} *)`;
}

export function backupRules(backup: BackupConfig): BackupRuleSpec[] {
  const copied = (kind: RuleKind) => backup.copyTo?.rules.includes(kind) ?? false;
  const rules: BackupRuleSpec[] = [];
  const interval = frequentIntervalMinutes(backup.rpoMinutes);
  if (interval !== undefined) {
    const hours = interval / 60;
    rules.push({
      name: hours === 1 ? "hourly" : `every-${hours}h`,
      kind: "frequent",
      schedule: hours === 1 ? "cron(0 * ? * * *)" : `cron(0 0/${hours} ? * * *)`,
      timezone: backup.timezone,
      intervalMinutes: interval,
      // Each run is done (or cancelled, and alarmed) before the next run's start window closes:
      // a slow job never makes its successor expire, so no interval is skipped.
      startWindowMinutes: MIN_WINDOW_MINUTES,
      completionWindowMinutes: Math.max(MIN_WINDOW_MINUTES * 2, interval),
      retainDays: backup.frequent.retainDays,
      copied: copied("frequent"),
    });
  }
  rules.push(
    {
      name: "daily",
      kind: "daily",
      schedule: cronAt(backup.daily.at),
      timezone: backup.timezone,
      intervalMinutes: DAY,
      startWindowMinutes: MIN_WINDOW_MINUTES,
      completionWindowMinutes: 8 * 60,
      retainDays: backup.daily.retainDays,
      coldStorageAfterDays: backup.daily.coldStorageAfterDays,
      copied: copied("daily"),
    },
    {
      name: "weekly",
      kind: "weekly",
      schedule: cronAt(backup.weekly.at, backup.weekly.on),
      timezone: backup.timezone,
      intervalMinutes: 7 * DAY,
      startWindowMinutes: MIN_WINDOW_MINUTES,
      completionWindowMinutes: DAY,
      retainDays: backup.weekly.retainDays,
      coldStorageAfterDays: backup.weekly.coldStorageAfterDays,
      copied: copied("weekly"),
    },
  );
  return rules;
}

/**
 * Worst-case RPO of a rule: the longest gap between the scheduled times of two recovery points.
 * It is the interval as long as each job must end before its successor's start window closes;
 * otherwise a slow job can make the next one expire and the gap doubles.
 */
export function ruleWorstCaseRpoMinutes(rule: BackupRuleSpec): number {
  const fits = rule.completionWindowMinutes <= rule.intervalMinutes + rule.startWindowMinutes;
  return fits ? rule.intervalMinutes : rule.intervalMinutes * 2;
}

/** How long after a recovery point was due its absence is certain: the P1 alarm's window. */
export function recoveryPointDeadlineMinutes(rules: BackupRuleSpec[]): number {
  const frequent = [...rules].sort((a, b) => a.intervalMinutes - b.intervalMinutes)[0];
  return frequent.intervalMinutes + frequent.completionWindowMinutes;
}

export interface RtoBudget {
  detectMinutes: number;
  restoreMinutes: number;
  redeployMinutes: number;
  totalMinutes: number;
}

/**
 * Minutes from losing a server's volume to the server serving again: its down alarm fires after
 * `consecutiveFailures` one-minute periods, the restore job runs, then the service is pointed at the
 * restored file system and its tasks start and pass their health checks (plus ~5 min to place tasks and pull the image).
 */
export function rtoBudget(server: ServerShape, config: Pick<StackShape, "alerts" | "backup">): RtoBudget {
  const detectMinutes = config.alerts.thresholds.consecutiveFailures;
  const restoreMinutes = config.backup.restoreEstimateMinutes;
  const hc = server.healthCheck;
  const redeployMinutes = 5 + Math.ceil((hc.gracePeriodSeconds + hc.intervalSeconds * hc.healthyThreshold) / 60);
  return { detectMinutes, restoreMinutes, redeployMinutes, totalMinutes: detectMinutes + restoreMinutes + redeployMinutes };
}

export interface VolumeCoverage {
  volume: VolumeSpec;
  /** Names of the rules that back it up; empty when `backup: false`. */
  rules: string[];
  worstCaseRpoMinutes?: number;
  rpoMet: boolean;
  rto: RtoBudget;
  rtoMet: boolean;
  /** RPO after losing the region: EFS replication, or the most frequent copied rule. */
  disasterRpoMinutes?: number;
}

/** EFS replication's documented RPO for most file systems. */
export const REPLICATION_RPO_MINUTES = 15;

export function volumeCoverage(config: StackConfig): VolumeCoverage[] {
  const rules = backupRules(config.backup);
  const copied = rules.filter((r) => r.copied).map(ruleWorstCaseRpoMinutes);
  return volumesOf(config).map((volume) => {
    const covering = volume.backup ? rules : [];
    const worst = covering.length ? Math.min(...covering.map(ruleWorstCaseRpoMinutes)) : undefined;
    const rto = rtoBudget(config.servers[volume.server], config);
    const disaster = config.backup.replication ? REPLICATION_RPO_MINUTES : copied.length ? Math.min(...copied) : undefined;
    return {
      volume,
      rules: covering.map((r) => r.name),
      worstCaseRpoMinutes: worst,
      rpoMet: worst !== undefined && worst <= config.backup.rpoMinutes,
      rto,
      rtoMet: volume.backup && rto.totalMinutes <= config.backup.rtoMinutes,
      disasterRpoMinutes: volume.backup ? disaster : undefined,
    };
  });
}

/** The tag the backup plan selects by: set on a stack's file systems whose volume says `backup: true`. */
export const BACKUP_TAG_KEY = TAG.backup;
export const backupTagValue = (stack: string) => stackPrefix(stack);
export const backupVaultName = (stack: string) => stackPrefix(stack);

/**
 * The restore task's command for one volume: keep the current tree as <key>.before-restore, move the tree
 * AWS Backup restored into /aws-backup-restore_<time>/<key> in its place, and drop the rest of the restore directory.
 */
export function restoreCommand(volume: Pick<VolumeSpec, "key">): string[] {
  const root = `/efs/${volume.key}`;
  return [
    "sh",
    "-c",
    [
      "set -e",
      `restored=$(ls -d ${root}/aws-backup-restore_* | sort | tail -n 1)`,
      `test -d "$restored/${volume.key}"`,
      `rm -rf ${root}/${volume.key}.before-restore`,
      `mv ${root}/${volume.key} ${root}/${volume.key}.before-restore`,
      `mv "$restored/${volume.key}" ${root}/${volume.key}`,
      `rm -rf "$restored"`,
      `echo "restored ${volume.key} from $restored; the previous data is in ${volume.key}.before-restore"`,
    ].join("; "),
  ];
}
