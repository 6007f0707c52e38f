import { rtoBudget, volumesOf } from "../decisions/backup";
import type { StackShape } from "./schema";

type Fail = (path: (string | number)[], message: string) => void;

/** Cross-field rules of `mcp-stack:backup`, of the servers' backup flags and of `retiredVolumes`. */
export function checkBackupRules(config: StackShape, fail: Fail): void {
  const { backup } = config;
  const retained = [
    { path: ["backup", "frequent", "retainDays"], days: backup.frequent.retainDays, cold: undefined },
    { path: ["backup", "daily", "retainDays"], days: backup.daily.retainDays, cold: backup.daily.coldStorageAfterDays },
    { path: ["backup", "weekly", "retainDays"], days: backup.weekly.retainDays, cold: backup.weekly.coldStorageAfterDays },
  ];
  for (const { path, days, cold } of retained) {
    if (days < backup.minRetainDays) {
      fail(path, `${days} days is shorter than the vault lock's minimum (backup.minRetainDays ${backup.minRetainDays}); the vault would refuse every recovery point of this rule: raise it or lower minRetainDays`);
    }
    if (backup.maxRetainDays !== undefined && days > backup.maxRetainDays) {
      fail(path, `${days} days is longer than the vault lock's maximum (backup.maxRetainDays ${backup.maxRetainDays}); lower it or raise maxRetainDays`);
    }
    if (cold !== undefined && days < cold + 90) {
      fail(path, `${days} days is too short for cold storage after ${cold} days: AWS keeps cold recovery points at least 90 days, so set retainDays ≥ ${cold + 90} or remove coldStorageAfterDays`);
    }
  }
  if (backup.maxRetainDays !== undefined && backup.maxRetainDays < backup.minRetainDays) {
    fail(["backup", "maxRetainDays"], `${backup.maxRetainDays} is below backup.minRetainDays ${backup.minRetainDays}`);
  }
  if (config.environment !== "dev" && backup.lock.mode === "none") {
    fail(["backup", "lock", "mode"], `${config.environment} keeps its recovery points in a locked vault; set backup.lock.mode to governance or compliance (none is for dev stacks that must stay destroyable)`);
  }
  if (config.environment === "prod" && !backup.copyTo) {
    fail(["backup", "copyTo"], "prod copies its recovery points to a second region; set backup.copyTo: { region: us-west-2 } (any region other than the stack's)");
  }
  if (backup.copyTo && backup.replication && backup.copyTo.region !== backup.replication.region) {
    fail(["backup", "replication", "region"], `${backup.replication.region} differs from backup.copyTo.region ${backup.copyTo.region}; keep the replica and the copies in one recovery region`);
  }

  for (const [name, server] of Object.entries(config.servers)) {
    if (server.backup !== undefined && Object.keys(server.volumes).length === 0) {
      fail(["servers", name, "backup"], `${name} has no volumes to back up; add volumes: { /data: {} } or remove backup`);
    }
  }

  const volumes = volumesOf(config);
  const backedUp = [...new Set(volumes.filter((v) => v.backup).map((v) => v.server))].sort();
  const overBudget = backedUp
    .map((name) => ({ name, budget: rtoBudget(config.servers[name], config) }))
    .filter(({ budget }) => budget.totalMinutes > backup.rtoMinutes)
    .sort((a, b) => b.budget.totalMinutes - a.budget.totalMinutes);
  if (overBudget.length) {
    const [{ name, budget }, ...others] = overBudget;
    fail(
      ["backup", "rtoMinutes"],
      `${backup.rtoMinutes} cannot be met for ${name}: detecting the loss takes ${budget.detectMinutes} min, the restore ${budget.restoreMinutes} min (backup.restoreEstimateMinutes) and redeploying ${budget.redeployMinutes} min = ${budget.totalMinutes} min` +
        `${others.length ? ` (also ${others.map((o) => `${o.name} ${o.budget.totalMinutes} min`).join(", ")})` : ""}; raise rtoMinutes or shorten those steps`,
    );
  }

  const ids = new Set(volumes.map((v) => v.id));
  config.retiredVolumes.forEach((id, i) => {
    if (ids.has(id)) fail(["retiredVolumes", i], `${id} is still a configured volume; remove it from retiredVolumes or from the server's volumes`);
  });
}
