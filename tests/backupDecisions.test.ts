import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { checkRecoveryRegion } from "../config/load";
import {
  backupRules,
  cronAt,
  frequentIntervalMinutes,
  recoveryPointDeadlineMinutes,
  restoreCommand,
  ruleWorstCaseRpoMinutes,
  rtoBudget,
  volumeCoverage,
  volumeKey,
  volumesOf,
} from "../decisions/backup";
import { backupAlarmSpecs, backupJobEventPattern } from "../decisions/backupAlarms";
import { volumeChangeProblems } from "../decisions/volumeGuard";
import { configProblems, configWith } from "./support/stackConfig";



describe("backup rules from the recovery targets", () => {
  it("the team's targets: hourly for RPO 60, daily 02:00 and weekly Sunday 01:00 in AWS Backup's six-field cron", () => {
    const rules = backupRules(configWith("prod").backup);
    expect(rules.map((r) => [r.name, r.schedule, r.retainDays])).toEqual([
      ["hourly", "cron(0 * ? * * *)", 7],
      ["daily", "cron(0 2 ? * * *)", 30],
      ["weekly", "cron(0 1 ? * SUN *)", 90],
    ]);
    expect(rules.every((r) => r.timezone === "UTC")).toBe(true);
  });

  it("windows respect AWS's limits (start ≥ 60 min, completion ≥ start + 60) and keep each rule's worst case at its interval", () => {
    for (const rule of backupRules(configWith("prod").backup)) {
      expect(rule.startWindowMinutes).toBeGreaterThanOrEqual(60);
      expect(rule.completionWindowMinutes).toBeGreaterThanOrEqual(rule.startWindowMinutes + 60);
      expect(ruleWorstCaseRpoMinutes(rule)).toBe(rule.intervalMinutes);
    }
    const [hourly] = backupRules(configWith("prod").backup);
    expect([hourly.startWindowMinutes, hourly.completionWindowMinutes]).toEqual([60, 120]);
  });

  it("a completion window longer than the interval plus start window doubles the worst case", () => {
    const [hourly] = backupRules(configWith("prod").backup);
    expect(ruleWorstCaseRpoMinutes({ ...hourly, completionWindowMinutes: 180 })).toBe(120);
  });

  it("the RPO decides the frequent rule's interval; a day or more leaves the daily rule alone", () => {
    expect([60, 90, 120, 300, 720, 1439, 1440].map(frequentIntervalMinutes)).toEqual([60, 60, 120, 240, 720, 720, undefined]);
    const every2h = backupRules(configWith("prod", (raw) => (raw.backup.rpoMinutes = 120)).backup)[0];
    expect([every2h.name, every2h.schedule]).toEqual(["every-2h", "cron(0 0/2 ? * * *)"]);
    const daily = backupRules(configWith("prod", (raw) => (raw.backup.rpoMinutes = 1440)).backup);
    expect(daily.map((r) => r.name)).toEqual(["daily", "weekly"]);
  });

  it("times and weekdays become cron fields; a configured time zone is carried", () => {
    expect(cronAt("02:30")).toBe("cron(30 2 ? * * *)");
    expect(cronAt("23:05", "Wednesday")).toBe("cron(5 23 ? * WED *)");
    const rules = backupRules(configWith("prod", (raw) => (raw.backup.timezone = "Europe/Berlin")).backup);
    expect(rules.every((r) => r.timezone === "Europe/Berlin")).toBe(true);
  });

  it("prod copies the daily and weekly recovery points to the second region by default", () => {
    expect(backupRules(configWith("prod").backup).map((r) => [r.name, r.copied])).toEqual([
      ["hourly", false],
      ["daily", true],
      ["weekly", true],
    ]);
    expect(backupRules(configWith("dev").backup).some((r) => r.copied)).toBe(false);
  });
});

describe("volume coverage", () => {
  it("every volume of prod is backed up by all three rules and meets RPO 60 and RTO 240", () => {
    const coverage = volumeCoverage(configWith("prod"));
    expect(coverage.map((c) => c.volume.id).sort()).toEqual(["filesystem:/data", "gmail:/app/data", "neo4j:/data", "rag:/app/data", "vectordb:/qdrant/storage"]);
    for (const c of coverage) {
      expect(c).toMatchObject({ rules: ["hourly", "daily", "weekly"], worstCaseRpoMinutes: 60, rpoMet: true, rtoMet: true, disasterRpoMinutes: 1440 });
    }
  });

  it("a volume with backup: false is covered by no rule and meets no target", () => {
    const coverage = volumeCoverage(configWith("dev", (raw) => (raw.servers.gmail.volumes["/app/data"].backup = false)));
    expect(coverage.find((c) => c.volume.id === "gmail:/app/data")).toMatchObject({ rules: [], worstCaseRpoMinutes: undefined, rpoMet: false, rtoMet: false });
  });

  it("EFS replication gives a disaster-recovery RPO of about 15 minutes", () => {
    const coverage = volumeCoverage(configWith("prod", (raw) => (raw.backup.replication = { region: "us-west-2" })));
    expect(coverage.every((c) => c.disasterRpoMinutes === 15)).toBe(true);
  });

  it("the RTO budget adds detection, the restore and the redeploy", () => {
    const config = configWith("prod");
    expect(rtoBudget(config.servers.neo4j, config)).toEqual({ detectMinutes: 3, restoreMinutes: 60, redeployMinutes: 5 + Math.ceil((120 + 15 * 2) / 60), totalMinutes: 3 + 60 + 8 });
  });

  it("volume keys and owners come from the path and the owner setting", () => {
    expect(["/app/data", "/data", "/qdrant/storage", "/"].map(volumeKey)).toEqual(["app-data", "data", "qdrant-storage", "root"]);
    expect(volumesOf(configWith("prod")).find((v) => v.id === "neo4j:/data")).toMatchObject({ uid: 7474, gid: 7474, backup: true, performanceMode: "generalPurpose" });
  });
});

describe("backup alarms", () => {
  it("P1 when no recovery point completes within the hourly interval plus its completion window; P2 on failed or expired jobs", () => {
    const config = configWith("prod");
    expect(recoveryPointDeadlineMinutes(backupRules(config.backup))).toBe(180);
    const [failed, missing] = backupAlarmSpecs(config);
    expect(failed).toMatchObject({ key: "jobs-failed", rule: "failed", severity: "P2", comparison: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching" });
    expect(missing).toMatchObject({ key: "recovery-point-missing", rule: "completed", severity: "P1", period: 10800, comparison: "LessThanThreshold", threshold: 1, treatMissingData: "breaching" });
    expect(backupJobEventPattern("prod", "failed")).toEqual({ source: ["aws.backup"], "detail-type": ["Backup Job State Change"], detail: { state: ["FAILED", "ABORTED", "EXPIRED"], backupVaultName: ["mcp-prod"] } });
  });
});

describe("backup config errors name the key and the fix", () => {
  it.each([
    ["an RPO below an hour", (raw: any) => (raw.backup.rpoMinutes = 30), "backup.rpoMinutes: cannot be met: EFS can be backed up at most once an hour"],
    ["an RTO below the restore budget", (raw: any) => (raw.backup.rtoMinutes = 30), "backup.rtoMinutes: 30 cannot be met for neo4j: detecting the loss takes 3 min, the restore 60 min (backup.restoreEstimateMinutes) and redeploying 8 min = 71 min (also filesystem 70 min"],
    ["retention shorter than the lock minimum", (raw: any) => (raw.backup.daily.retainDays = 5), "backup.daily.retainDays: 5 days is shorter than the vault lock's minimum (backup.minRetainDays 7)"],
    ["retention above the lock maximum", (raw: any) => (raw.backup.maxRetainDays = 60), "backup.weekly.retainDays: 90 days is longer than the vault lock's maximum (backup.maxRetainDays 60)"],
    ["a time that is not HH:MM", (raw: any) => (raw.backup.daily.at = "2am"), 'backup.daily.at: must be a time of day HH:MM (24 h), such as "02:00"'],
    ["a time out of range", (raw: any) => (raw.backup.weekly.at = "24:00"), "backup.weekly.at: must be a time of day HH:MM"],
    ["an unknown weekday", (raw: any) => (raw.backup.weekly.on = "Sundy"), "backup.weekly.on: unknown weekday; use one of Monday"],
    ["cold storage AWS refuses", (raw: any) => (raw.backup.weekly.coldStorageAfterDays = 30), "backup.weekly.retainDays: 90 days is too short for cold storage after 30 days: AWS keeps cold recovery points at least 90 days, so set retainDays ≥ 120"],
    ["an unknown time zone", (raw: any) => (raw.backup.timezone = "Mars/Base"), "backup.timezone: must be an IANA time zone"],
    ["a backup flag on a server without volumes", (raw: any) => (raw.servers.resend.backup = true), "servers.resend.backup: resend has no volumes to back up"],
    ["prod without a second region", (raw: any) => delete raw.backup.copyTo, "backup.copyTo: prod copies its recovery points to a second region"],
    ["a compliance lock without grace time", (raw: any) => (raw.backup.lock = { mode: "compliance", changeableForDays: 1 }), "backup.lock.changeableForDays: must be at least 3 days"],
    ["retiring a volume that is still configured", (raw: any) => (raw.retiredVolumes = ["gmail:/app/data"]), "retiredVolumes[0]: gmail:/app/data is still a configured volume"],
    ["an owner that is not uid:gid", (raw: any) => (raw.servers.neo4j.volumes["/data"].owner = "neo4j"), 'servers.neo4j.volumes./data.owner: must be a numeric uid:gid'],
    ["a typo in the backup block", (raw: any) => (raw.backup.rpoMinute = 60), "backup.rpoMinute: unknown key"],
  ])("%s", (_, change, message) => {
    expect(configProblems("prod", change)).toEqual([expect.stringContaining(message)]);
  });

  it("a second region that is the stack's own region is refused", () => {
    const config = configWith("prod");
    expect(() => checkRecoveryRegion(config, "us-west-2")).toThrow("backup.copyTo.region: us-west-2 is the stack's own region (aws:region)");
    expect(() => checkRecoveryRegion(config, "us-east-1")).not.toThrow();
  });
});

describe("refusing changes that would delete or replace a file system", () => {
  const volumes = () => volumesOf(configWith("prod"));
  const deployed = () =>
    Object.fromEntries(volumes().map((v) => [v.id, v.type === "efs" ? { type: "efs", fileSystemId: `fs-${v.key}`, performanceMode: v.performanceMode, backup: v.backup } : { type: "ebs", volumeId: `vol-${v.key}`, backup: v.backup }]));

  it("the same volumes as deployed pass; a first deploy passes", () => {
    expect(volumeChangeProblems(volumes(), deployed(), [])).toEqual([]);
    expect(volumeChangeProblems(volumes(), {}, [])).toEqual([]);
  });

  it("a volume gone from the config is refused unless retired", () => {
    const current = volumes().filter((v) => v.id !== "gmail:/app/data");
    const [problem] = volumeChangeProblems(current, deployed(), []);
    expect(problem).toMatch(/^servers\.gmail\.volumes: \/app\/data is no longer configured .* file system fs-app-data holds its data and this deploy would delete it\./);
    expect(problem).toContain('retire it on purpose by adding "gmail:/app/data" to mcp-stack:retiredVolumes');
    expect(volumeChangeProblems(current, deployed(), ["gmail:/app/data"])).toEqual([]);
  });

  it("a performance mode change, which AWS can only make with a new file system, is refused", () => {
    const current = volumes().map((v) => (v.id === "filesystem:/data" ? { ...v, performanceMode: "maxIO" as const } : v));
    expect(volumeChangeProblems(current, deployed(), [])).toEqual([
      expect.stringMatching(/^servers\.filesystem\.volumes\.\/data\.performanceMode: changing generalPurpose → maxIO would replace file system fs-data and lose its data/),
    ]);
  });

  it("moving a deployed volume between EFS and EBS is refused: it would be new, empty storage", () => {
    // A deploy from before EBS volumes existed recorded no type: its neo4j data is on EFS.
    const before = { ...deployed(), "neo4j:/data": { fileSystemId: "fs-neo4j", performanceMode: "generalPurpose", backup: true } };
    expect(volumeChangeProblems(volumes(), before, [])).toEqual([
      expect.stringMatching(/^servers\.neo4j\.volumes\.\/data\.type: changing efs → ebs would create new, empty storage and delete file system fs-neo4j\. Keep efs; to move the data/),
    ]);
  });
});

describe("the restore task's command", () => {
  it("swaps the newest restored tree in and keeps the previous data aside", () => {
    const efs = mkdtempSync(path.join(tmpdir(), "efs-"));
    const root = `${efs}/data`;
    for (const [dir, content] of [["data", "current"], ["aws-backup-restore_2026-11-19T01-00-00/data", "older"], ["aws-backup-restore_2026-11-20T01-00-00/data", "restored"]]) {
      mkdirSync(`${root}/${dir}`, { recursive: true });
      writeFileSync(`${root}/${dir}/graph.db`, content);
    }
    const [shell, flag, script] = restoreCommand({ key: "data" });
    const result = spawnSync(shell, [flag, script.replaceAll("/efs/", `${efs}/`)], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(readFileSync(`${root}/data/graph.db`, "utf8")).toBe("restored");
    expect(readFileSync(`${root}/data.before-restore/graph.db`, "utf8")).toBe("current");
    expect(readdirSync(root).sort()).toEqual(["aws-backup-restore_2026-11-19T01-00-00", "data", "data.before-restore"]);
  });

  it("fails without touching the data when no restored tree is there", () => {
    const efs = mkdtempSync(path.join(tmpdir(), "efs-"));
    mkdirSync(`${efs}/data/data`, { recursive: true });
    writeFileSync(`${efs}/data/data/graph.db`, "current");
    const [shell, flag, script] = restoreCommand({ key: "data" });
    expect(spawnSync(shell, [flag, script.replaceAll("/efs/", `${efs}/`)]).status).not.toBe(0);
    expect(readFileSync(`${efs}/data/data/graph.db`, "utf8")).toBe("current");
  });
});
