import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { selectionPicks, type SelectionShape } from "../../decisions/backupSelection";
import { resourcesOfType, ruleConfig } from "./support";
import { TAG } from "../../decisions/names";
import { TYPE } from "../../decisions/resourceTypes";

const efsSelectedByBackupPlanConfig = ruleConfig({ exemptTag: { type: "string", default: TAG.backupExempt, description: "A tag that marks a file system deliberately left out of backups (its value says why)." } });
const efsAccessPointEnforcesUserAndRootConfig = ruleConfig({ rootAccessTag: { type: "string", default: TAG.access, description: "Tag key whose value `restore` marks the restore task's root access point (AWS Backup restores into the file system's root)." } });
const logGroupRetentionConfig = ruleConfig({ maxDays: { type: "integer", default: 3653 } });

export const dataPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  {
    name: "efs-encrypted-with-kms",
    description: "EFS file systems are encrypted at rest with a customer-managed KMS key. Security Hub EFS.1.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.efs.FileSystem, (fs, args, reportViolation) => {
      if (!fs.encrypted || !fs.kmsKeyId) reportViolation(`${args.name}: is not encrypted with a KMS key; set encrypted: true and kmsKeyId to the stack's key (encryption can only be set when the file system is created).`);
    }),
  },
  {
    name: "efs-selected-by-backup-plan",
    description: "Every EFS file system and EBS volume is selected by an AWS Backup plan through its tags. Security Hub EFS.2.",
    enforcementLevel: "mandatory",
    configSchema: efsSelectedByBackupPlanConfig.configSchema,
    validateStack: (args, reportViolation) => {
      const { exemptTag } = efsSelectedByBackupPlanConfig.read(args);
      const selections = resourcesOfType(args.resources, TYPE.backupSelection).map((s) => s.props as SelectionShape);
      for (const fs of [...resourcesOfType(args.resources, TYPE.fileSystem), ...resourcesOfType(args.resources, TYPE.ebsVolume)]) {
        const tags: Record<string, string> = fs.props.tags ?? {};
        if (tags[exemptTag]) continue;
        // The ARN is not known before the volume exists; its shape is all a selection's patterns look at.
        const arn = fs.type === TYPE.ebsVolume ? `arn:aws:ec2:region:account:volume/${fs.name}` : `arn:aws:elasticfilesystem:region:account:file-system/${fs.name}`;
        const resource = { arn, tags };
        if (!selections.some((s) => selectionPicks(s, resource))) {
          reportViolation(`${fs.name}: no backup plan selects it; mark its volume backup: true (tag mcp-stack:backup) or tag it ${exemptTag} with the reason.`, fs.urn);
        }
      }
    },
  },
  {
    name: "efs-access-point-enforces-user-and-root",
    description: "EFS access points enforce a POSIX user and a root directory other than /. Security Hub EFS.3 / EFS.4.",
    enforcementLevel: "mandatory",
    configSchema: efsAccessPointEnforcesUserAndRootConfig.configSchema,
    validateResource: validateResourceOfType(aws.efs.AccessPoint, (ap, args, reportViolation) => {
      const { rootAccessTag } = efsAccessPointEnforcesUserAndRootConfig.read(args);
      if (!ap.posixUser) reportViolation(`${args.name}: enforces no POSIX user; set posixUser: { uid, gid }.`);
      const restoreOnly = ap.tags?.[rootAccessTag] === "restore";
      if (!restoreOnly && (!ap.rootDirectory?.path || ap.rootDirectory.path === "/")) {
        reportViolation(`${args.name}: exposes the file system's root; set rootDirectory: { path: /<dir>, creationInfo: { ownerUid, ownerGid, permissions } }.`);
      }
    }),
  },
  {
    name: "backup-vault-customer-key",
    description: "Backup vaults encrypt recovery points with a customer-managed KMS key. Security Hub Backup.1.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.backup.Vault, (vault, args, reportViolation) => {
      if (!vault.kmsKeyArn) reportViolation(`${args.name}: uses the AWS-managed backup key; set kmsKeyArn to a customer-managed key.`);
    }),
  },
  {
    name: "log-group-retention",
    description: "Log groups expire their events (no unbounded retention, no unbounded cost).",
    enforcementLevel: "mandatory",
    configSchema: logGroupRetentionConfig.configSchema,
    validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, args, reportViolation) => {
      const { maxDays } = logGroupRetentionConfig.read(args);
      if (!group.retentionInDays || group.retentionInDays > maxDays) reportViolation(`${args.name}: keeps its logs forever; set retentionInDays (at most ${maxDays}).`);
    }),
  },
];
