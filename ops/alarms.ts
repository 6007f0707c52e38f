import { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand, type CompositeAlarm, type MetricAlarm } from "@aws-sdk/client-cloudwatch";
import { withRetry, type RetryOptions } from "./retry";
import { ALARM_KEY, parseAlarmName, severityOfActions, stackPrefix } from "../decisions/names";

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export interface StackAlarm {
  name: string;
  server?: string;
  /** The alarm's key within its server (`down`, `latency`, `probe-latency`, `health` …: decisions/names.ts). */
  key?: string;
  /** P1–P4: the severity topic its actions notify (decisions/names.ts); undefined for scaling and composite alarms. */
  severity?: string;
  state: AlarmState;
  reason?: string;
  metric?: MetricAlarm;
}

/** Every alarm of the stack (metric and composite), all pages, each attributed to its server by name. */
export async function stackAlarms(cloudwatch: CloudWatchClient, stack: string, servers: string[], retry?: Partial<RetryOptions>): Promise<StackAlarm[]> {
  const prefix = `${stackPrefix(stack)}-`;
  const metric: MetricAlarm[] = [];
  const composite: CompositeAlarm[] = [];
  let next: string | undefined;
  do {
    const page = await withRetry(() => cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, AlarmTypes: ["MetricAlarm", "CompositeAlarm"], NextToken: next, MaxRecords: 100 })), retry);
    metric.push(...(page.MetricAlarms ?? []));
    composite.push(...(page.CompositeAlarms ?? []));
    next = page.NextToken;
  } while (next);
  const owner = (name: string) => parseAlarmName(stack, servers, name);
  return [
    ...metric.map((a) => ({ name: a.AlarmName!, ...owner(a.AlarmName!), severity: severityOfActions(stack, a.AlarmActions), state: a.StateValue as AlarmState, reason: a.StateReason, metric: a })),
    ...composite.map((a) => ({ name: a.AlarmName!, ...owner(a.AlarmName!), severity: undefined, state: a.StateValue as AlarmState, reason: a.StateReason })),
  ];
}

export interface AlarmTransition {
  alarm: string;
  server?: string;
  at: Date;
  summary: string;
}

/** State changes of the stack's alarms in a window, all pages (the API filters by one alarm name only: the prefix is applied here). */
export async function alarmHistory(cloudwatch: CloudWatchClient, stack: string, servers: string[], start: Date, end: Date, retry?: Partial<RetryOptions>): Promise<AlarmTransition[]> {
  const prefix = `${stackPrefix(stack)}-`;
  const items: AlarmTransition[] = [];
  let next: string | undefined;
  do {
    const page = await withRetry(
      () => cloudwatch.send(new DescribeAlarmHistoryCommand({ HistoryItemType: "StateUpdate", StartDate: start, EndDate: end, NextToken: next, MaxRecords: 100, ScanBy: "TimestampDescending" })),
      retry,
    );
    for (const item of page.AlarmHistoryItems ?? []) {
      if (!item.AlarmName?.startsWith(prefix)) continue;
      items.push({ alarm: item.AlarmName, server: parseAlarmName(stack, servers, item.AlarmName).server, at: item.Timestamp!, summary: item.HistorySummary ?? "" });
    }
    next = page.NextToken;
  } while (next);
  return items;
}

const RANK: Record<string, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };

/**
 * A server's state: PAUSED when the stack disabled its alarms' actions (servers.<name>.paused), else its most severe
 * alarm in ALARM, else INSUFFICIENT_DATA if its health can't be told, else OK.
 */
export function serverState(alarms: StackAlarm[]): string {
  const metric = alarms.flatMap((a) => (a.metric ? [a.metric] : []));
  if (metric.length && metric.every((m) => m.ActionsEnabled === false)) return "PAUSED";
  const firing = alarms.flatMap((a) => (a.state === "ALARM" && a.severity ? [a.severity] : [])).sort((a, b) => RANK[a] - RANK[b]);
  if (firing.length) return `ALARM ${firing[0]}`;
  const health = alarms.find((a) => a.key === ALARM_KEY.health);
  if (health?.state === "ALARM") return "ALARM";
  if (alarms.length && alarms.every((a) => a.state === "INSUFFICIENT_DATA")) return "INSUFFICIENT_DATA";
  return "OK";
}
