import PRICES from "./prices.json";

export interface CostLine {
  item: string;
  quantity: string;
  monthly: number;
  /** The keys of plan/prices.json the line multiplies (prices.<key>). */
  prices: string[];
}


export const { prices: P, assumptions: A, hoursPerMonth: H } = PRICES;
export const PRICE_TABLE = PRICES;
export const MINUTES_PER_MONTH = H * 60;

export const usd = (n: number) => Math.round(n * 100) / 100;
export { childOf, ofType } from "./readers";

/** One line of the estimate, or none when it costs nothing. */
export const line = (item: string, quantity: string, monthly: number, prices: string[]): CostLine[] => (monthly > 0 ? [{ item, quantity, monthly: usd(monthly), prices }] : []);

export function ec2Hourly(type: string): number {
  const price = (P.ec2Hour as Record<string, number>)[type];
  if (price === undefined) throw new Error(`plan/prices.json has no price for ${type}; add it to prices.ec2Hour`);
  return price;
}

/** Runs a month (730 h) of an EventBridge Scheduler rate expression. */
export function runsPerMonth(expression: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(expression);
  if (!match) throw new Error(`cannot price the schedule ${expression}`);
  const minutes = Number(match[1]) * (match[2].startsWith("hour") ? 60 : 1);
  return Math.round(MINUTES_PER_MONTH / minutes);
}
