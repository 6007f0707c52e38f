import { PROBE_HEADER, probeReport } from "./probeSummary";
import { firstDeployChecklist } from "./firstDeploy";
import type { Plan } from "../engine/offline";
import type { Violation } from "../engine/policyCheck";
import { backupReport, RULE_HEADER, VOLUME_HEADER } from "./backupSummary";
import { estimateCost, PRICE_TABLE, totalOf } from "./cost";
import { stackDiagram } from "./diagram";
import type { PlanDiff } from "./diff";
import { ALARM_HEADER, alarmRows, componentRows, countBy, imageRows, isLeaf, SERVER_HEADER, serverCells, serverRows } from "./summary";
import { serverTimings } from "./timings";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
export function mdTable(header: string[], rows: string[][]): string {
  return [`| ${header.map(cell).join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
}

const money = (n: number) => `$${n.toFixed(2)}`;

export interface MarkdownInput {
  plan: Plan;
  environment: string;
  violations: Violation[];
  diff?: { against: string; changes: PlanDiff };
}

/** The plan as a report a reviewer reads in a pull request comment. */
export function renderMarkdown({ plan, environment, violations, diff }: MarkdownInput): string {
  const leaves = plan.resources.filter(isLeaf);
  const out: string[] = [
    `# mcp-stack plan · \`${plan.stack}\``,
    "",
    `Environment **${environment}**, region **${plan.region}**: ${leaves.length} resources in ${componentRows(plan).length} components. Planned offline with Pulumi's mock runtime (no credentials).`,
    "",
    "## Summary",
    "",
    mdTable(["component", "kind", "resources", "what"], componentRows(plan)),
    "",
    "<details><summary>Resources by type</summary>",
    "",
    mdTable(["type", "count"], [...countBy(leaves, (r) => r.type)].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => [t, String(n)])),
    "",
    "</details>",
    "",
  ];

  if (diff) {
    const { added, removed, changed } = diff.changes;
    out.push(`## Changes against \`${diff.against}\``, "", `${added.length} to add, ${changed.length} to change, ${removed.length} to remove.`, "");
    if (added.length + removed.length + changed.length) {
      out.push(mdTable(["", "resource", "inputs"], [...added.map((r) => ["+", r, ""]), ...changed.map((c) => ["~", c.resource, c.inputs.join(", ")]), ...removed.map((r) => ["-", r, ""])]), "");
    }
  }

  out.push("## Servers", "", mdTable(SERVER_HEADER, serverRows(plan).map(serverCells)), "");
  out.push(mdTable(["server", "image", "command"], imageRows(plan).map(([name, image, command]) => [name, `\`${image}\``, command === "image default" ? command : `\`${command}\``])), "");
  for (const { name } of serverRows(plan)) {
    out.push(`### ${name}`, "", mdTable(["modelled", "seconds", "formula"], serverTimings(plan, name).map((t) => [t.what, String(t.seconds), t.formula])), "");
    out.push("<details><summary>Alarms</summary>", "", mdTable(ALARM_HEADER, alarmRows(plan, name)), "", "</details>", "");
  }

  const probe = probeReport(plan);
  out.push("## MCP probe", "", probe ? probe.headline : "None: alerts.probe.enabled is false, or no public server.", "");
  if (probe) out.push(mdTable(PROBE_HEADER, probe.rows), "");

  const backup = backupReport(plan);
  out.push("## Backups", "");
  if (backup) out.push(backup.headline.replace(/^Backups · /, ""), "", mdTable(RULE_HEADER, backup.rules), "", mdTable(VOLUME_HEADER, backup.volumes), "", backup.audit, "");
  else out.push("No volumes: nothing to back up.", "");

  out.push("## Policy violations", "");
  if (!violations.length) out.push("None: every rule of the policy pack passes.", "");
  for (const level of ["mandatory", "advisory"] as const) {
    const group = violations.filter((v) => v.enforcementLevel === level);
    if (group.length) out.push(`**${level}** (${group.length})`, "", ...group.map((v) => `- \`${v.policy}\`: ${v.message}`), "");
  }

  const planned = estimateCost(plan, "planned");
  const naive = estimateCost(plan, "naive");
  const items = [...new Set([...planned, ...naive].map((l) => l.item))];
  const lineOf = (lines: typeof planned, item: string) => lines.find((l) => l.item === item);
  out.push(
    "## Monthly cost estimate",
    "",
    `Prices of ${PRICE_TABLE.region} as of ${PRICE_TABLE.asOf} (\`plan/prices.json\`: ${PRICE_TABLE.source}); ${PRICE_TABLE.hoursPerMonth} h per month; baseline task counts (scaling.min). The naive layout runs the same servers with an ALB per public service, a NAT gateway per AZ and x86 on-demand Fargate.`,
    "",
    mdTable(
      ["item", "this stack", "monthly", "naive layout", "monthly"],
      [
        ...items.map((item) => {
          const p = lineOf(planned, item);
          const n = lineOf(naive, item);
          return [item, p?.quantity ?? "—", p ? money(p.monthly) : "—", n?.quantity ?? "—", n ? money(n.monthly) : "—"];
        }),
        ["**total**", "", `**${money(totalOf(planned))}**`, "", `**${money(totalOf(naive))}**`],
      ],
    ),
    "",
    `Assumptions: ${Object.entries(PRICE_TABLE.assumptions).map(([k, v]) => `${k} ${v}`).join(", ")}. Not included: data transfer out to the internet, Container Insights metrics, GuardDuty and anything outside the stack.`,
    "",
    "## Diagram",
    "",
    "```mermaid",
    stackDiagram(plan),
    "```",
    "",
    `## Before the first deploy of ${plan.stack}`,
    "",
    ...firstDeployChecklist(plan).map((item, i) => `${i + 1}. ${item}`),
    "",
  );
  return out.join("\n");
}
