import { PROBE_HEADER, probeReport } from "./probeSummary";
import { firstDeployChecklist } from "./firstDeploy";
import type { Plan } from "../engine/offline";
import type { Violation } from "../engine/policyCheck";
import { backupReport, RULE_HEADER, VOLUME_HEADER } from "./backupSummary";
import { PRICE_TABLE, totalOf, type CostLine } from "./cost";
import { compareCosts, COST_NOTES, money as usd, NOT_INCLUDED } from "./costSummary";
import { stackDiagram } from "./diagram";
import { diffHeadline, diffRows, type PlanDiff } from "./diff";
import { ALARM_HEADER, alarmRows, componentRows, countBy, imageRows, isLeaf, SERVER_HEADER, serverCells, serverRows } from "./summary";
import { serverTimings } from "./timings";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
export function mdTable(header: string[], rows: string[][]): string {
  return [`| ${header.map(cell).join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n");
}


export interface MarkdownInput {
  plan: Plan;
  environment: string;
  violations: Violation[];
  diff?: { against: string; changes: PlanDiff };
}

/** The plan as a report a reviewer reads in a pull request comment: a list of sections. */
export function renderMarkdown({ plan, environment, violations, diff }: MarkdownInput): string {
  return [
    ...summarySection(plan, environment),
    ...(diff ? diffSection(diff) : []),
    ...serverSection(plan),
    ...probeSection(plan),
    ...backupSection(plan),
    ...violationSection(violations),
    ...costSection(plan),
    ...["## Diagram", "", "```mermaid", stackDiagram(plan), "```", ""],
    ...[`## Before the first deploy of ${plan.stack}`, "", ...firstDeployChecklist(plan).map((item, i) => `${i + 1}. ${item}`), ""],
  ].join("\n");
}

function summarySection(plan: Plan, environment: string): string[] {
  const leaves = plan.resources.filter(isLeaf);
  return [
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
}

/** What a preview would show: added, changed (old → new, replacements marked) and removed resources. */
function diffSection(diff: NonNullable<MarkdownInput["diff"]>): string[] {
  const out = [`## Changes against \`${diff.against}\``, "", `${diffHeadline(diff.changes)}. Inputs under ignoreChanges are left out, as pulumi preview does.`, ""];
  const rows = diffRows(diff.changes).map(([mark, resource, change]) => [mark, resource, change.replace(/\|/g, "\\|")]);
  return rows.length ? [...out, mdTable(["", "resource", "change"], rows), ""] : out;
}

function serverSection(plan: Plan): string[] {
  const out = ["## Servers", "", mdTable(SERVER_HEADER, serverRows(plan).map(serverCells)), ""];
  out.push(mdTable(["server", "image", "command"], imageRows(plan).map(([name, image, command]) => [name, `\`${image}\``, command === "image default" ? command : `\`${command}\``])), "");
  for (const { name } of serverRows(plan)) {
    out.push(`### ${name}`, "", mdTable(["modelled", "seconds", "formula"], serverTimings(plan, name).map((t) => [t.what, String(t.seconds), t.formula])), "");
    out.push("<details><summary>Alarms</summary>", "", mdTable(ALARM_HEADER, alarmRows(plan, name)), "", "</details>", "");
  }
  return out;
}

function probeSection(plan: Plan): string[] {
  const probe = probeReport(plan);
  return ["## MCP probe", "", probe ? probe.headline : "None: alerts.probe.enabled is false, or no public server.", "", ...(probe ? [mdTable(PROBE_HEADER, probe.rows), ""] : [])];
}

function backupSection(plan: Plan): string[] {
  const backup = backupReport(plan);
  if (!backup) return ["## Backups", "", "No volumes: nothing to back up.", ""];
  return ["## Backups", "", backup.headline.replace(/^Backups · /, ""), "", mdTable(RULE_HEADER, backup.rules), "", mdTable(VOLUME_HEADER, backup.volumes), "", backup.audit, ""];
}

function violationSection(violations: Violation[]): string[] {
  const out = ["## Policy violations", ""];
  if (!violations.length) out.push("None: every rule of the policy pack passes.", "");
  for (const level of ["mandatory", "advisory"] as const) {
    const group = violations.filter((v) => v.enforcementLevel === level);
    if (group.length) out.push(`**${level}** (${group.length})`, "", ...group.map((v) => `- \`${v.policy}\`: ${v.message}`), "");
  }
  return out;
}

const priceKeys = (line?: CostLine) => (line ? line.prices.map((k) => `\`${k}\``).join(", ") : "");

/** This stack against the naive layout line by line, each line with its prices; then the one-VM status quo. */
function costSection(plan: Plan): string[] {
  const { planned, naive, statusQuo, percentOfNaive, spotPercent } = compareCosts(plan);
  const items = [...new Set([...planned, ...naive].map((l) => l.item))];
  const lineOf = (lines: CostLine[], item: string) => lines.find((l) => l.item === item);
  const total = totalOf(planned);
  const quo = totalOf(statusQuo);
  return [
    "## Monthly cost estimate",
    "",
    ...COST_NOTES.flatMap((note) => [note, ""]),
    `**${usd(total)}** a month: **${percentOfNaive} %** of the naive layout (${usd(totalOf(naive))}); ${spotPercent} % of the baseline Fargate tasks on Spot.`,
    "",
    mdTable(
      ["item", "this stack", "monthly", "naive layout", "monthly", "prices (plan/prices.json)"],
      [
        ...items.map((item) => {
          const p = lineOf(planned, item);
          const n = lineOf(naive, item);
          return [item, p?.quantity ?? "—", p ? usd(p.monthly) : "—", n?.quantity ?? "—", n ? usd(n.monthly) : "—", priceKeys(p ?? n)];
        }),
        ["**total**", "", `**${usd(total)}**`, "", `**${usd(totalOf(naive))}**`, ""],
      ],
    ),
    "",
    `### Status quo: one VM with docker-compose`,
    "",
    mdTable(["item", "quantity", "monthly", "prices (plan/prices.json)"], [...statusQuo.map((l) => [l.item, l.quantity, usd(l.monthly), priceKeys(l)]), ["**total**", "", `**${usd(quo)}**`, ""]]),
    "",
    `Availability (two or more AZs, a load balancer, rolling deploys, alarms, backups with a tested restore, the policy pack) costs ${usd(Math.abs(total - quo))} a month ${total >= quo ? "more" : "less"} than the status quo.`,
    "",
    `Assumptions: ${Object.entries(PRICE_TABLE.assumptions).map(([k, v]) => `${k} ${v}`).join(", ")}. ${NOT_INCLUDED}`,
    "",
  ];
}
