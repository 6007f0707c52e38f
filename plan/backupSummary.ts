import type { Plan, PlannedResource } from "../engine/offline";
import { selectionPicks, type SelectionShape } from "../decisions/backupSelection";
import { table } from "./table";
import { TAG } from "../decisions/names";
import { ofType } from "./readers";
import { TYPE } from "../decisions/resourceTypes";


const mark = (ok: boolean) => (ok ? "✓" : "✗ NOT MET");

export const RULE_HEADER = ["rule", "schedule", "start / complete within", "retain", "copy"];
export const VOLUME_HEADER = ["volume", "storage", "selected by plan", "worst-case RPO", "RTO budget (detect+restore+redeploy)", "DR RPO"];

export interface BackupReport {
  headline: string;
  rules: string[][];
  volumes: string[][];
  audit: string;
}

/** The backup section of the plan: rules, and per volume its file system, selection and the RPO/RTO it achieves. */
export function backupSection(plan: Plan): string[] {
  const report = backupReport(plan);
  if (!report) return ["Backups", "no volumes: nothing to back up"];
  return [report.headline, table(RULE_HEADER, report.rules), "", table(VOLUME_HEADER, report.volumes), "", report.audit];
}

/** The backup figures, read back from the plan's resources and its `recovery` output; undefined without volumes. */
export function backupReport(plan: Plan): BackupReport | undefined {
  const stores = [...ofType(plan, TYPE.fileSystem), ...ofType(plan, TYPE.ebsVolume)];
  if (stores.length === 0) return undefined;
  const recovery = plan.outputs.recovery as { rpoMinutes: number; rtoMinutes: number; volumes: Record<string, any> };
  const backupPlan = ofType(plan, TYPE.backupPlan)[0]?.inputs;
  const selection = ofType(plan, TYPE.backupSelection)[0]?.inputs as SelectionShape | undefined;
  const vaults = ofType(plan, TYPE.backupVault);
  const lock = ofType(plan, TYPE.vaultLock)[0]?.inputs;
  const framework = ofType(plan, TYPE.backupFramework)[0]?.inputs;
  const restoreTest = ofType(plan, TYPE.restoreTestingPlan)[0]?.inputs;
  const copyVault = vaults.find((v) => v.inputs.region);

  const rules = (backupPlan?.rules ?? []).map((r: any) => [
    r.ruleName,
    `${r.schedule} ${r.scheduleExpressionTimezone ?? "UTC"}`,
    `${r.startWindow} / ${r.completionWindow} min`,
    `${r.lifecycle?.deleteAfter} d${r.lifecycle?.coldStorageAfter ? ` (cold after ${r.lifecycle.coldStorageAfter} d)` : ""}`,
    r.copyActions?.length ? `→ ${copyVault?.inputs.region}` : "-",
  ]);

  const volumes = stores.map((fs: PlannedResource) => {
    const id = `${fs.inputs.tags[TAG.server]}:${fs.inputs.tags[TAG.volume]}`;
    // The ARN is not known before the volume exists; its shape is all a selection's patterns look at.
    const arn = fs.type === TYPE.ebsVolume ? `arn:aws:ec2:${plan.region}:account:volume/${fs.name}` : `arn:aws:elasticfilesystem:${plan.region}:account:file-system/${fs.name}`;
    const selected = !!selection && selectionPicks(selection, { arn, tags: fs.inputs.tags ?? {} });
    const c = recovery.volumes[id];
    const encryption = `${fs.type === TYPE.ebsVolume ? `EBS ${fs.inputs.size} GB` : "EFS"}, ${fs.inputs.encrypted && fs.inputs.kmsKeyId ? "encrypted (KMS key)" : "NOT ENCRYPTED"}`;
    const keep = fs.options.protect ? "protected" : fs.options.retainOnDelete ? "retained on delete" : "deletable";
    if (!selected) return [id, `${encryption}, ${keep}`, "no (backup: false)", "-", "-", "-"];
    const rto = c.rto;
    return [
      id,
      `${encryption}, ${keep}`,
      `yes: ${c.rules.join(", ")}`,
      `${c.worstCaseRpoMinutes} min ${mark(c.rpoMet)}`,
      `${rto.detectMinutes}+${rto.restoreMinutes}+${rto.redeployMinutes} = ${rto.totalMinutes} min ${mark(c.rtoMet)}`,
      c.disasterRpoMinutes === undefined ? "none" : `${c.disasterRpoMinutes} min`,
    ];
  });

  const lockText = lock ? `locked: retention ≥ ${lock.minRetentionDays} d${lock.maxRetentionDays ? `, ≤ ${lock.maxRetentionDays} d` : ""}, ${lock.changeableForDays ? `compliance mode (immutable after ${lock.changeableForDays} d)` : "governance mode"}` : "not locked: dev, destroyable";
  const restoreTime = framework?.controls?.find((c: any) => c.name === "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET")?.inputParameters?.[0]?.value;
  return {
    headline: `Backups · targets RPO ${recovery.rpoMinutes} min, RTO ${recovery.rtoMinutes} min · vault ${vaults.find((v) => !v.inputs.region)?.inputs.name} (${lockText})${copyVault ? ` · copies to ${copyVault.inputs.name} in ${copyVault.inputs.region}` : ""}`,
    rules,
    volumes,
    audit:
      (framework
        ? `Audit framework ${framework.name}: ${framework.controls?.length ?? 0} controls, restore time ≤ ${restoreTime ?? "?"} min checked against the restore tests` +
          (ofType(plan, TYPE.configRecorder).length ? "; AWS Config recorder created by the stack" : "; needs the account's AWS Config recorder (backup.audit: existing-recorder)")
        : "Audit framework off (backup.audit: off): set existing-recorder or create-recorder to check the RPO/RTO as AWS Backup Audit Manager controls") +
      (restoreTest ? ` · restore tests ${restoreTest.scheduleExpression} ${restoreTest.scheduleExpressionTimezone ?? "UTC"}` : " · no restore testing plan"),
  };
}
