import { parseArgs } from "node:util";
import { check, restart, rollback, scale, stopOrStart } from "./commands/act";
import { logs, metrics, report, status } from "./commands/observe";
import { DEFAULT_DEADLINE_SECONDS, defaultDeps, ROLLBACK_DEADLINE_SECONDS, type OpsDeps } from "./deps";
import { describeAwsError, OpsError } from "./errors";
import { HELP } from "./help";

export { parseDuration } from "./commandSupport";
export { DEFAULT_DEADLINE_SECONDS, defaultDeps, REQUEST_TIMEOUTS, ROLLBACK_DEADLINE_SECONDS, type OpsDeps } from "./deps";
export { HELP } from "./help";

const OPTIONS = {
  stack: { type: "string" },
  outputs: { type: "string" },
  server: { type: "string" },
  json: { type: "boolean" },
  format: { type: "string" },
  out: { type: "string" },
  since: { type: "string" },
  interval: { type: "string" },
  duration: { type: "string" },
  yes: { type: "boolean", short: "y" },
  "stack-file": { type: "string" },
  timeout: { type: "string" },
  filter: { type: "string" },
  to: { type: "string" },
  follow: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Runs a command within the deadline: past it, a one-line error instead of waiting on a connection that never answers. */
async function withinDeadline<T>(seconds: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new OpsError(`no answer from AWS within ${seconds} s; check the network, AWS_REGION and AWS_ENDPOINT_URL, or give it longer with --timeout`)),
      seconds * 1000,
    );
  });
  try {
    return await Promise.race([run(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one command; returns the exit code. Errors are printed as one line. */
export async function runOps(argv: string[], deps: OpsDeps): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    deps.out(HELP.main);
    return 0;
  }
  if (!(command in HELP) || command === "main") {
    deps.err(`unknown command ${command}\n\n${HELP.main}`);
    return 2;
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
    if (values.help) {
      deps.out(HELP[command]);
      return 0;
    }
    if (command === "logs" && values.follow) return await logs(positionals, values, deps);
    // A rollback waits for ECS to replace every task: minutes, not seconds.
    const fallback = deps.deadlineSeconds ?? (command === "rollback" ? ROLLBACK_DEADLINE_SECONDS : DEFAULT_DEADLINE_SECONDS);
    const deadline = values.timeout === undefined ? fallback : Number(values.timeout);
    if (!(deadline > 0)) throw new OpsError(`--timeout ${values.timeout}: give a number of seconds above 0`);
    return await withinDeadline(deadline, () => {
      switch (command) {
        case "status":
          return status(values, deps);
        case "report":
          return report(values, deps);
        case "metrics":
          return metrics(values, deps);
        case "restart":
          return restart(positionals, values, deps);
        case "check":
          return check(positionals, values, deps);
        case "logs":
          return logs(positionals, values, deps);
        case "rollback":
          return rollback(positionals, values, deps, deadline);
        case "stop":
        case "start":
          return stopOrStart(command, positionals, values, deps);
        default:
          return scale(positionals, values, deps);
      }
    });
  } catch (error) {
    const described = (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? new OpsError(`${(error as Error).message}\n\n${HELP[command]}`) : describeAwsError(error);
    deps.err(`mcp-ops ${command}: ${described.message}`);
    return described.exitCode;
  }
}

if (require.main === module) {
  runOps(process.argv.slice(2), defaultDeps()).then((code) => process.exit(code));
}
