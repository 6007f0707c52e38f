import { z } from "zod";

/** `mcp-stack:backup`: recovery targets and the AWS Backup rules that meet them (README.md, "Volumes and backups"). */

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** EFS can be backed up at most once an hour: AWS Backup has no continuous backup for EFS. */
export const MIN_EFS_RPO_MINUTES = 60;

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day HH:MM (24 h), such as "02:00"');
const weekday = z.enum(WEEKDAYS, { message: `unknown weekday; use one of ${WEEKDAYS.join(", ")}` });
const days = z.number().int("must be a whole number of days").min(1, "must be at least 1 day").max(36500, "must be at most 36500 days (AWS Backup limit)");
const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region such as us-west-2");

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "must be an IANA time zone such as Europe/Berlin or UTC");

/** Move recovery points to cold storage after this many days; AWS needs retainDays ≥ this + 90. */
const coldStorageAfterDays = days.optional();

export const backupSchema = z.strictObject({
  /** Recovery point objective: the most data, in minutes, a restore may lose. Decides the frequent rule's interval. */
  rpoMinutes: z
    .number()
    .int("must be a whole number of minutes")
    .min(MIN_EFS_RPO_MINUTES, `cannot be met: EFS can be backed up at most once an hour (AWS Backup has no continuous backup for EFS), so the smallest RPO is ${MIN_EFS_RPO_MINUTES}; for a lower disaster-recovery RPO add backup.replication (~15 min)`)
    .default(60),
  /** Recovery time objective: minutes from losing a volume to the server serving again. */
  rtoMinutes: z.number().int("must be a whole number of minutes").positive().default(240),
  /** Expected duration of one EFS restore job; the restore tests measure the real one. Part of the RTO budget. */
  restoreEstimateMinutes: z.number().int().positive().default(60),
  /** Time zone of the daily and weekly times; UTC unless set. */
  timezone: timeZone.default("UTC"),
  frequent: z.strictObject({ retainDays: days.default(7) }).prefault({}),
  daily: z.strictObject({ at: timeOfDay.default("02:00"), retainDays: days.default(30), coldStorageAfterDays }).prefault({}),
  weekly: z.strictObject({ on: weekday.default("Sunday"), at: timeOfDay.default("01:00"), retainDays: days.default(90), coldStorageAfterDays }).prefault({}),
  /** The vault lock's minimum retention: no recovery point can be deleted sooner, not even by an administrator (compliance mode). */
  minRetainDays: days.default(7),
  /** The vault lock's maximum retention; none when absent. */
  maxRetainDays: days.optional(),
  lock: z
    .strictObject({
      /**
       * governance: admins with backup:DeleteBackupVaultLockConfiguration can lift it; compliance: immutable after
       * changeableForDays; none (dev only, its default): no lock, and the vault deletes its recovery points on destroy.
       */
      mode: z.enum(["none", "governance", "compliance"], { message: "must be none, governance or compliance" }).optional(),
      changeableForDays: z.number().int().min(3, "must be at least 3 days (AWS's grace time before a compliance lock becomes immutable)").default(3),
    })
    .prefault({}),
  /** Copy recovery points to a vault in a second region (required in prod). */
  copyTo: z
    .strictObject({
      region,
      /** Which rules' recovery points are copied. */
      rules: z.array(z.enum(["frequent", "daily", "weekly"], { message: "must be frequent, daily or weekly" })).min(1).default(["daily", "weekly"]),
    })
    .optional(),
  /** EFS replication to a second region: a read-only replica some 15 minutes behind, for regional disaster recovery. */
  replication: z.strictObject({ region }).optional(),
  /**
   * The AWS Backup Audit Manager framework that checks the RPO/RTO as controls needs AWS Config recording in the
   * region. off: no framework; existing-recorder: the account records already (Control Tower, an org-wide recorder);
   * create-recorder: the stack records the audited types itself (AWS Config allows one recorder per account and region).
   */
  audit: z.enum(["off", "existing-recorder", "create-recorder"], { message: "must be off, existing-recorder or create-recorder" }).default("off"),
  /** A restore testing plan that restores the latest recovery point of every backed-up volume and measures how long it took. */
  restoreTesting: z
    .strictObject({
      enabled: z.boolean().default(true),
      on: weekday.default("Wednesday"),
      at: timeOfDay.default("04:00"),
      /** Hours the restored file system is kept for validation before AWS Backup deletes it. */
      validationHours: z.number().int().min(1).max(168).default(2),
    })
    .prefault({}),
});

export type BackupConfig = z.output<typeof backupSchema>;
