import { BACKUP_TAG_KEY, backupTagValue } from "./backup";

/**
 * How AWS Backup decides whether a selection picks a resource (AWS Backup Developer Guide, "Assigning resources
 * to a backup plan"; re:Post "backup-assign-resources", example 2; CloudFormation BackupSelectionResourceType):
 * `Resources` (ARN patterns) and `ListOfTags` (selectionTags) are ORed; `Conditions` are ANDed with them;
 * `NotResources` removes. A selection with conditions but neither resources nor tags selects nothing.
 */
export interface SelectionShape {
  resources?: string[];
  notResources?: string[];
  selectionTags?: { type: string; key: string; value: string }[];
  /** The provider's `condition` blocks (a list); every condition of every block must hold. */
  conditions?: { stringEquals?: Condition[]; stringNotEquals?: Condition[]; stringLikes?: Condition[]; stringNotLikes?: Condition[] }[];
}
interface Condition {
  key: string;
  value: string;
}

export interface TaggedResource {
  arn: string;
  tags: Record<string, string>;
}

/** AWS Backup ARN patterns use `*` as a wildcard for any characters. */
const wildcard = (pattern: string) => new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
const tagOf = (resource: TaggedResource, key: string) => resource.tags[key.replace(/^aws:ResourceTag\//, "")];

export function selectionPicks(selection: SelectionShape, resource: TaggedResource): boolean {
  const byArn = (selection.resources ?? []).some((p) => wildcard(p).test(resource.arn));
  const byTag = (selection.selectionTags ?? []).some((t) => t.type === "STRINGEQUALS" && resource.tags[t.key] === t.value);
  if (!byArn && !byTag) return false;
  if ((selection.notResources ?? []).some((p) => wildcard(p).test(resource.arn))) return false;
  const all = <T>(list: T[] | undefined, ok: (item: T) => boolean) => (list ?? []).every(ok);
  return (selection.conditions ?? []).every(
    (c) =>
      all(c.stringEquals, (x) => tagOf(resource, x.key) === x.value) &&
      all(c.stringNotEquals, (x) => tagOf(resource, x.key) !== x.value) &&
      all(c.stringLikes, (x) => tagOf(resource, x.key) !== undefined && wildcard(x.value).test(tagOf(resource, x.key))) &&
      all(c.stringNotLikes, (x) => tagOf(resource, x.key) === undefined || !wildcard(x.value).test(tagOf(resource, x.key))),
  );
}

/** Resource types the stack backs up: EFS file systems (file data) and EBS volumes (databases). */
export const BACKED_UP_ARN_PATTERNS = ["arn:aws:elasticfilesystem:*:*:file-system/*", "arn:aws:ec2:*:*:volume/*"];

/** The stack's selection: resources of the backed-up types AND the stack's backup tag — nothing else in the account. */
export function stackBackupSelection(stack: string): { resources: string[]; conditions: { stringEquals: Condition[] }[] } {
  return {
    resources: BACKED_UP_ARN_PATTERNS,
    conditions: [{ stringEquals: [{ key: `aws:ResourceTag/${BACKUP_TAG_KEY}`, value: backupTagValue(stack) }] }],
  };
}
