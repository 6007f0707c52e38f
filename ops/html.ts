import type { HealthReport, ServerHealth } from "./report";

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const CHARTS: [string, string, string][] = [
  ["p95LatencySeconds", "p95 latency", "s"],
  ["requests", "requests", ""],
  ["errors5xx", "5xx", ""],
  ["cpuPercent", "CPU", "%"],
  ["memoryPercent", "memory", "%"],
];

/** An inline SVG line chart: the report is one file, readable offline, no scripts. */
export function svgChart(title: string, points: { t: string; v: number }[], unit: string, width = 300, height = 90): string {
  const pad = 18;
  if (points.length === 0) return `<figure class="chart"><figcaption>${escape(title)}</figcaption><svg role="img" aria-label="${escape(title)}: no data" width="${width}" height="${height}"><text x="${pad}" y="${height / 2}">no data</text></svg></figure>`;
  const times = points.map((p) => Date.parse(p.t));
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const top = Math.max(...points.map((p) => p.v), 0) || 1;
  const x = (t: number) => pad + ((t - t0) / Math.max(1, t1 - t0)) * (width - 2 * pad);
  const y = (v: number) => height - pad - (v / top) * (height - 2 * pad);
  const line = points.map((p, i) => `${x(times[i]).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ");
  return (
    `<figure class="chart"><figcaption>${escape(title)} (max ${+top.toFixed(3)}${unit ? ` ${unit}` : ""})</figcaption>` +
    `<svg role="img" aria-label="${escape(title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" class="axis"/>` +
    `<polyline points="${line}" class="series"/></svg></figure>`
  );
}

function serverSection(s: ServerHealth): string {
  const state = s.state.startsWith("ALARM") ? "alarm" : s.state === "OK" ? "ok" : "unknown";
  const kpi = s.availabilityMet === undefined ? "" : s.availabilityMet ? ` <span class="ok">✓ ≥ ${s.availabilityKpi} %</span>` : ` <span class="alarm">✗ below ${s.availabilityKpi} %</span>`;
  const n = (x: number | undefined, unit = "") => (x === undefined ? "n/a" : `${x}${unit}`);
  return `<section class="server" id="server-${escape(s.server)}">
<h2>${escape(s.server)} <span class="state ${state}">${escape(s.state)}</span></h2>
<table><tbody>
<tr><th>p95 latency</th><td>max ${n(s.p95LatencyMaxSeconds, " s")}, avg ${n(s.p95LatencyAvgSeconds, " s")}</td></tr>
<tr><th>requests</th><td>${s.requests} (5xx ${s.errors5xx}, ${n(s.errorRatePercent, " %")})</td></tr>
<tr><th>availability</th><td>${n(s.availabilityPercent, " %")}${kpi}</td></tr>
<tr><th>CPU / memory</th><td>avg ${n(s.cpuAvg, " %")} / ${n(s.memoryAvg, " %")}, max ${n(s.cpuMax, " %")} / ${n(s.memoryMax, " %")}</td></tr>
</tbody></table>
<div class="charts">${CHARTS.filter(([m]) => s.series[m]).map(([m, title, unit]) => svgChart(`${s.server} ${title}`, s.series[m], unit)).join("")}</div>
<h3>Alarm history</h3>
${s.transitions.length ? `<ul>${s.transitions.map((t) => `<li><time>${escape(t.at)}</time> ${escape(t.alarm)}: ${escape(t.summary)}</li>`).join("")}</ul>` : "<p>No state changes in the window.</p>"}
</section>`;
}

/** One self-contained HTML file: inline CSS and SVG, no external resources. */
export function reportHtml(report: HealthReport): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mcp-stack ${escape(report.stack)} health</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1f2328}h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse}th{text-align:left;padding:2px 12px 2px 0;color:#57606a}td{padding:2px 0}
.state{font-size:.8rem;padding:2px 8px;border-radius:10px;color:#fff}.state.ok{background:#1a7f37}.state.alarm{background:#cf222e}.state.unknown{background:#6e7781}
span.ok{color:#1a7f37}span.alarm{color:#cf222e}.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{margin:0}figcaption{font-size:.8rem;color:#57606a}
.series{fill:none;stroke:#0969da;stroke-width:1.5}.axis{stroke:#d0d7de}.partial{background:#fff8c5;padding:8px}
</style></head><body>
<h1>mcp-stack <code>${escape(report.stack)}</code> health</h1>
<p>${escape(report.since)} → ${escape(report.until)}, generated ${escape(report.generatedAt)}</p>
${report.partial ? '<p class="partial">Partial data: CloudWatch returned some series incomplete.</p>' : ""}
<nav><ul>${report.servers.map((s) => `<li><a href="#server-${escape(s.server)}">${escape(s.server)}</a>: ${escape(s.state)}</li>`).join("")}</ul></nav>
${report.servers.map(serverSection).join("\n")}
</body></html>
`;
}
