import type { Plan } from "../engine/offline";
import { childName, TAG } from "../decisions/names";
import { COMPONENT, TYPE } from "../decisions/resourceTypes";

const id = (name: string) => name.replace(/[^A-Za-z0-9]/g, "_");
const label = (text: string) => `"${text.replace(/"/g, "'")}"`;

/** A Mermaid flowchart of what the plan would create: edge → ALB → services → internal dependencies and volumes → backups; alarms → topics. */
export function stackDiagram(plan: Plan): string {
  const of = (type: string) => plan.resources.filter((r) => r.type === type);
  const servers = of(COMPONENT.server).map((r) => r.name).sort();
  const lines = ["flowchart LR", `  clients((${label("MCP clients")}))`];
  const waf = of(TYPE.webAcl)[0];
  const https = of(TYPE.listener).some((l) => l.inputs.protocol === "HTTPS");
  lines.push(`  alb[${label(`ALB · ${https ? "HTTPS" : "HTTP"}`)}]`);
  if (waf) lines.push(`  waf{{${label(`WAF ${waf.inputs.name}`)}}}`, "  clients --> waf --> alb");
  else lines.push("  clients --> alb");
  if (of(TYPE.userPool).length) lines.push(`  cognito[[${label("Cognito · tokens")}]]`, `  clients -. ${label("client credentials")} .-> cognito`);

  for (const name of servers) {
    const tg = plan.resources.find((r) => r.parent === name && r.type === TYPE.targetGroup);
    const scaling = plan.resources.find((r) => r.parent === name && r.type === TYPE.scalingTarget)?.inputs;
    const tasks = scaling ? `${scaling.minCapacity}–${scaling.maxCapacity} tasks` : "";
    if (tg) {
      const route = plan.resources.find((r) => r.name === childName.route(name))?.inputs.conditions?.[0];
      const match = route?.pathPattern?.values?.[0] ?? route?.hostHeader?.values?.[0] ?? name;
      lines.push(`  ${id(name)}[${label(`${name} · ${tasks}`)}]`, `  alb -->|${label(match)}| ${id(name)}`);
    } else {
      lines.push(`  ${id(name)}[(${label(`${name} · internal`)})]`);
    }
  }
  for (const rule of of(TYPE.ingressRule)) {
    const from = rule.parent;
    const prefix = from && childName.dependency(from, "");
    if (!from || !prefix || !rule.name.startsWith(prefix)) continue;
    lines.push(`  ${id(from)} --> ${id(rule.name.slice(prefix.length))}`);
  }
  const vault = of(TYPE.backupVault).find((v) => !v.inputs.region);
  const copy = of(TYPE.backupVault).find((v) => v.inputs.region);
  if (vault) lines.push(`  vault[(${label(`Backup vault ${vault.inputs.name}${of(TYPE.vaultLock).length ? " · locked" : ""}`)})]`);
  if (copy) lines.push(`  copy[(${label(`copy · ${copy.inputs.region}`)})]`, "  vault -. copies .-> copy");
  for (const fs of [...of(TYPE.fileSystem), ...of(TYPE.ebsVolume)]) {
    const server = fs.inputs.tags[TAG.server];
    const node = id(`${fs.name}`);
    const kind = fs.type === TYPE.ebsVolume ? "EBS" : "EFS";
    lines.push(`  ${node}[(${label(`${kind} ${fs.inputs.tags[TAG.volume]}`)})]`, `  ${id(server)} --- ${node}`);
    if (vault && fs.inputs.tags[TAG.backup]) lines.push(`  ${node} -. backup .-> vault`);
  }
  const alarms = of(TYPE.metricAlarm).length;
  const topics = of(TYPE.topic).map((t) => t.inputs.name).sort();
  if (alarms) lines.push(`  alarms{{${label(`${alarms} alarms`)}}} --> topics[/${label(`SNS ${topics.map((t: string) => t.split("-").pop()!.toUpperCase()).join(" ")}`)}/]`);
  return lines.join("\n");
}
