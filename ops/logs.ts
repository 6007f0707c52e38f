import { DescribeLogGroupsCommand, FilterLogEventsCommand, StartLiveTailCommand, type CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { OpsError } from "./errors";
import { withRetry, type RetryOptions } from "./retry";

/** One log event of a server: when, which task wrote it (the awslogs stream is prefix/container/task-id), what. */
export interface LogLine {
  time: string;
  task: string;
  message: string;
}

const taskOf = (stream = "") => stream.split("/").pop() ?? stream;
const lineOf = (e: { timestamp?: number; logStreamName?: string; message?: string }): LogLine => ({
  time: new Date(e.timestamp ?? 0).toISOString(),
  task: taskOf(e.logStreamName),
  message: (e.message ?? "").replace(/\n$/, ""),
});

/** The events of a log group in a window, every page, all tasks merged in time order. */
export async function fetchLogs(
  logs: CloudWatchLogsClient,
  group: string,
  start: Date,
  end: Date,
  filter: string | undefined,
  retry?: Partial<RetryOptions>,
): Promise<LogLine[]> {
  const lines: (LogLine & { at: number })[] = [];
  let next: string | undefined;
  do {
    const page = await withRetry(
      () => logs.send(new FilterLogEventsCommand({ logGroupName: group, startTime: start.getTime(), endTime: end.getTime(), filterPattern: filter, nextToken: next })),
      retry,
    );
    for (const e of page.events ?? []) lines.push({ ...lineOf(e), at: e.timestamp ?? 0 });
    next = page.nextToken;
  } while (next);
  return lines.sort((a, b) => a.at - b.at).map(({ at, ...line }) => line);
}

/**
 * Live Tail of a log group until the session ends or `signal` aborts. StartLiveTail takes log group ARNs, so the ARN is
 * looked up first; a session lasts at most three hours and samples above 500 events a second (it says so).
 */
export async function followLogs(
  logs: CloudWatchLogsClient,
  group: string,
  filter: string | undefined,
  onLine: (line: LogLine) => void,
  onNote: (note: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const described = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
  const arn = described.logGroups?.find((g) => g.logGroupName === group)?.logGroupArn;
  if (!arn) throw new OpsError(`no log group ${group}: is the stack deployed in this account and region?`);
  const session = await logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [arn.replace(/:\*$/, "")], logEventFilterPattern: filter }), { abortSignal: signal });
  for await (const event of session.responseStream ?? []) {
    if (event.sessionUpdate) {
      if (event.sessionUpdate.sessionMetadata?.sampled) onNote("(sampled: more than 500 events a second)");
      for (const e of event.sessionUpdate.sessionResults ?? []) onLine(lineOf(e));
    } else if (event.SessionTimeoutException) {
      onNote("the Live Tail session ended after its three hours; run the command again");
      return;
    } else if (event.SessionStreamingException) {
      throw new OpsError(`Live Tail stopped: ${event.SessionStreamingException.message}`);
    }
  }
}

export const logText = (line: LogLine) => `${line.time}  ${line.task.slice(0, 12).padEnd(12)}  ${line.message}`;
