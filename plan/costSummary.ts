import type { Plan } from "../engine/offline";
import { estimateCost, fargateServersOf, PRICE_TABLE, statusQuoCost, totalOf, type CostLine } from "./cost";

export interface CostComparison {
  planned: CostLine[];
  naive: CostLine[];
  statusQuo: CostLine[];
  /** This stack's total as a share of the naive layout's, in percent. */
  percentOfNaive: number;
  /** Share of the baseline Fargate tasks that run on Spot, in percent. */
  spotPercent: number;
}

export function compareCosts(plan: Plan): CostComparison {
  const planned = estimateCost(plan, "planned");
  const naive = estimateCost(plan, "naive");
  const servers = fargateServersOf(plan);
  const tasks = servers.reduce((n, s) => n + s.tasks, 0);
  return {
    planned,
    naive,
    statusQuo: statusQuoCost(plan),
    percentOfNaive: Math.round((totalOf(planned) / totalOf(naive)) * 1000) / 10,
    spotPercent: tasks ? Math.round((servers.reduce((n, s) => n + s.spotTasks, 0) / tasks) * 100) : 0,
  };
}

export const money = (n: number) => `$${n.toFixed(2)}`;

/** One line for the terminal: the month, against the naive layout and the one-VM status quo. */
export function costHeadline(c: CostComparison): string {
  const total = totalOf(c.planned);
  const quo = totalOf(c.statusQuo);
  const availability = total - quo;
  return `${money(total)} a month · ${c.percentOfNaive} % of the naive layout (${money(totalOf(c.naive))}) · one VM with docker-compose, no HA: ${money(quo)} (${availability >= 0 ? "+" : "−"}${money(Math.abs(availability))})`;
}

export const COST_NOTES = [
  `Prices of ${PRICE_TABLE.region} as of ${PRICE_TABLE.asOf} (\`plan/prices.json\`: ${PRICE_TABLE.source}); ${PRICE_TABLE.hoursPerMonth} h per month; baseline task counts (scaling.min). Each line names the prices it multiplies (prices.<key> in plan/prices.json).`,
  "The naive layout runs the same servers, task counts, alarms and backups with every cost lever reverted: an ALB per public server, a managed NAT gateway per AZ, x86 on-demand Fargate and x86 database hosts, a dashboard per server. The status quo is the team's setup today: every server once, with docker-compose on one VM, no second AZ, no load balancer, no alarms.",
];

export const NOT_INCLUDED = "Not included: data transfer out to the internet, CPU credits of burstable instances above their baseline, GuardDuty, and anything outside the stack.";
