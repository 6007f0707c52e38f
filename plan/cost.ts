import type { Plan } from "../engine/offline";
import { smallestInstanceFor } from "../decisions/host";
import { A, ec2Hourly, H, ofType, P, PRICE_TABLE, usd, type CostLine } from "./costBasics";
import { auditLines, containerInsightsLines, fargateLines, fileStorageLines, hostLines, monitoringLines, networkLines, probeLines, restoreTestLines, serviceLines } from "./costLines";
import { COMPONENT, TYPE } from "../decisions/resourceTypes";
import { childName } from "../decisions/names";

export { fargateServersOf } from "./costLines";
export { PRICE_TABLE, type CostLine };

/**
 * planned: what the plan creates. naive: the same servers, task counts, alarms and backups with every cost lever of
 * this design reverted — an ALB per public server, a managed NAT gateway per AZ, x86 on-demand Fargate and x86 hosts,
 * a dashboard per server beside the overview.
 */
export type Layout = "planned" | "naive";

/**
 * Monthly cost of what the plan would create, by line item, from plan/prices.json (us-east-1 list prices) and its
 * stated assumptions; each line names the prices it multiplies.
 */
export function estimateCost(plan: Plan, layout: Layout): CostLine[] {
  const naive = layout === "naive";
  return [
    ...fargateLines(plan, naive),
    ...networkLines(plan, naive),
    ...hostLines(plan, naive),
    ...fileStorageLines(plan),
    ...restoreTestLines(plan),
    ...auditLines(plan),
    ...probeLines(plan),
    ...monitoringLines(plan, naive),
    ...containerInsightsLines(plan),
    ...serviceLines(plan),
  ];
}

/**
 * The status quo: the same servers, one copy each, with docker-compose on one x86 VM (the smallest t3 that holds
 * every server's reserved size), its disk and nightly snapshots, and a public address. No second AZ, no load
 * balancer, no alarms: what availability costs is the difference.
 */
export function statusQuoCost(plan: Plan): CostLine[] {
  const tasks = ofType(plan, COMPONENT.server).flatMap((server) => {
    const task = plan.resources.find((r) => r.name === childName.task(server.name))?.inputs;
    return task ? [{ cpu: Number(task.cpu), memory: Number(task.memory) }] : [];
  });
  const cpu = tasks.reduce((n, t) => n + t.cpu, 0);
  const memory = tasks.reduce((n, t) => n + t.memory, 0);
  const vm = smallestInstanceFor(cpu, memory, "t3", A.vmMemoryShare);
  const dataGb = ofType(plan, TYPE.ebsVolume).reduce((sum, v) => sum + Number(v.inputs.size), 0) + ofType(plan, TYPE.fileSystem).length * A.efsGbPerVolume;
  const diskGb = A.hostRootVolumeGb + dataGb;
  return [
    { item: "EC2 VM running docker-compose", quantity: `${vm} (${cpu / 1024} vCPU, ${memory / 1024} GB reserved by ${tasks.length} servers) × ${H} h`, monthly: usd(ec2Hourly(vm) * H), prices: [`ec2Hour.${vm}`] },
    { item: "EBS gp3", quantity: `${diskGb} GB (root + data)`, monthly: usd(diskGb * P.ebsGp3GbMonth), prices: ["ebsGp3GbMonth"] },
    { item: "EBS snapshots", quantity: `${dataGb} GB`, monthly: usd(dataGb * P.backupEbsSnapshotGbMonth), prices: ["backupEbsSnapshotGbMonth"] },
    { item: "Public IPv4", quantity: "1 address", monthly: usd(P.publicIpv4Hour * H), prices: ["publicIpv4Hour"] },
  ];
}

export const totalOf = (lines: CostLine[]) => usd(lines.reduce((sum, l) => sum + l.monthly, 0));
