import type { VolumeSpec } from "./backup";

/** What the last deploy recorded for a volume (stack output `volumes`). */
export interface DeployedVolume {
  type?: string;
  fileSystemId?: string;
  volumeId?: string;
  performanceMode?: string;
  backup?: boolean;
}

/**
 * Changes that would delete or replace a file system that the last deploy created: a volume that left
 * the config (a removed path, a renamed or disabled server) unless it is listed in `retiredVolumes`,
 * and settings AWS can only change by creating a new file system. Each problem names the key and the way out.
 */
export function volumeChangeProblems(current: VolumeSpec[], deployed: Record<string, DeployedVolume>, retired: string[]): string[] {
  const byId = new Map(current.map((v) => [v.id, v]));
  const problems: string[] = [];
  for (const [id, before] of Object.entries(deployed).sort(([a], [b]) => a.localeCompare(b))) {
    const [server, path] = splitVolumeId(id);
    const fileSystem = before.fileSystemId ? `file system ${before.fileSystemId}` : before.volumeId ? `EBS volume ${before.volumeId}` : "its file system";
    const now = byId.get(id);
    if (!now) {
      if (retired.includes(id)) continue;
      problems.push(
        `servers.${server}.volumes: ${path} is no longer configured (or ${server} was renamed or disabled), but ${fileSystem} holds its data and this deploy would delete it. ` +
          `Put the volume back, or retire it on purpose by adding "${id}" to mcp-stack:retiredVolumes (in prod also \`pulumi state unprotect\` the file system): it then stays in AWS, unmanaged, and its recovery points stay in the vault.`,
      );
      continue;
    }
    // Outputs of deploys before EBS existed carry no type: those volumes were EFS.
    const typeBefore = before.type ?? "efs";
    if (typeBefore !== now.type) {
      problems.push(
        `servers.${server}.volumes.${path}.type: changing ${typeBefore} → ${now.type} would create new, empty storage and delete ${fileSystem}. ` +
          `Keep ${typeBefore}; to move the data, add the new volume under another path, copy the data over (README › Restore runbook), then retire "${id}".`,
      );
      continue;
    }
    if (before.performanceMode && before.performanceMode !== now.performanceMode) {
      problems.push(
        `servers.${server}.volumes.${path}.performanceMode: changing ${before.performanceMode} → ${now.performanceMode} would replace ${fileSystem} and lose its data. ` +
          `Keep ${before.performanceMode}; to move the data, restore a recovery point into a new volume (README › Restore runbook) and retire this one.`,
      );
    }
  }
  return problems;
}

/** `gmail:/app/data` → [gmail, /app/data] */
export function splitVolumeId(id: string): [string, string] {
  const at = id.indexOf(":");
  return [id.slice(0, at), id.slice(at + 1)];
}
