import { DEFAULT_DEADLINE_SECONDS } from "./deps";

export const HELP: Record<string, string> = {
  main: `mcp-ops: on-call commands for an mcp-stack stack, straight from CloudWatch and ECS.

Usage: mcp-ops <command> --stack <stack> [options]     (or npm run ops -- <command> …)

Commands:
  status    each server's alarm state, tasks, last deployment, revision, running image, MCP probe; exits 1 if a P1 alarm fires
  report    health report per server (alarm history, p95, requests, 5xx, availability vs the KPI, CPU, memory)
  metrics   export the metric series (GetMetricData) as CSV or JSON
  restart   force a new deployment of a server
  scale     set a server's task count within its scaling min and max
  stop      stop a server now (0 tasks, autoscaling 0–0, its alarms silenced); start undoes it
  rollback  put a server back on its previous (or a given) task definition revision and follow the deployment
  logs      a server's log lines, all tasks merged in time order (--since, --filter, --follow)
  check     an MCP handshake with each public server like a client: initialize, tools/list, session end; exits 1 on a failure

Common options:
  --stack S        the stack (default: $MCP_STACK)
  --outputs FILE   pulumi stack output --json of the stack; without it the stack is found by its ECS tags
  --server NAME    one server only
  --timeout S      give up after S seconds (default ${DEFAULT_DEADLINE_SECONDS}); each AWS request times out after 10 s and is retried
Region and credentials come from the usual AWS environment (AWS_PROFILE, AWS_REGION, …).
Run mcp-ops <command> --help for a command's options.`,
  status: `Usage: mcp-ops status --stack S [--server NAME] [--json]
Each server's state from its alarms (OK, ALARM P1…P4, INSUFFICIENT_DATA), running vs desired tasks, the last
deployment's rollout state, the running task definition revision (with --outputs: "(deployed N)" when it is not the
one the last deploy set), the main container's image and digest(s), and the MCP probe's last result. Exit code 1
when any P1 alarm is in ALARM, so it can gate scripts.`,
  report: `Usage: mcp-ops report --stack S [--format text|json|html] [--out FILE] [--since 24h] [--server NAME]
A health report per server over the window (--since: 30m, 24h, 7d): alarm state changes, p95 latency, requests, 5xx
rate, availability against the KPI (its availability alarm's threshold; 99.9 % by default), CPU and memory. html is one self-contained file with charts.`,
  metrics: `Usage: mcp-ops metrics --stack S [--interval 60] [--duration 60] [--format csv|json] [--out FILE] [--server NAME]
Exports p95 latency, requests, 5xx, CPU and memory of each server: one datapoint every --interval seconds (a multiple
of 60) over the last --duration minutes, fetched with GetMetricData in batches of 500 queries, all pages.`,
  stop: `Usage: mcp-ops stop NAME --stack S [--yes]
For emergencies: sets the server's autoscaling bounds to 0–0 and its desired count to 0, and disables its alarms'
actions (what servers.<name>.paused: true does). The next pulumi up starts it again unless the stack file says
paused: true — set it there to keep the server stopped.`,
  start: `Usage: mcp-ops start NAME --stack S [--yes] [--stack-file FILE]
Undoes stop: the autoscaling bounds and desired count from servers.<name>.scaling of Pulumi.<stack>.yaml, alarm
actions enabled again. If the stack file says paused: true, the next pulumi up stops it again: remove it there.`,
  rollback: `Usage: mcp-ops rollback NAME --stack S [--to REVISION] [--yes] [--timeout 900]
Points the server's ECS service at the previous ACTIVE task definition revision (or --to REVISION) and follows the
deployment until ECS reports it COMPLETED or FAILED (exit 1), or --timeout passes (exit 1, still under way). The next
pulumi up deploys the stack file's version again: to keep the old version, put its image back in Pulumi.<stack>.yaml.`,
  logs: `Usage: mcp-ops logs NAME --stack S [--since 1h] [--filter PATTERN] [--follow] [--json]
The server's log group (/mcp-stack/<stack>/<server>) over the window, every page of FilterLogEvents, all tasks merged in
time order, each line with the task id that wrote it. --filter takes a CloudWatch Logs filter pattern (ERROR,
"timed out", { $.level = "error" }). --follow keeps going with CloudWatch Logs Live Tail (no --timeout; Ctrl-C ends it).
--json prints one JSON object per line.`,
  check: `Usage: mcp-ops check [NAME …] --stack S --outputs FILE [--stack-file FILE] [--json]
Connects to each named server (every public one when none is named) through its public URL, as an MCP client would:
a client-credentials token from the stack's probe client where the route requires one (read from Secrets Manager,
mcp-stack/<stack>/probe-client), then initialize, tools/list and the end of the session. Reports per server: result,
auth, protocol version, tool count, session handling, latency and the error. Exit code 1 when any check fails.
URLs come from --outputs (pulumi stack output --json), scopes from the stack file.`,
  restart: `Usage: mcp-ops restart NAME --stack S [--yes]
Forces a new deployment of the server's ECS service: new tasks start, pass their health checks, old ones drain.`,
  scale: `Usage: mcp-ops scale NAME N --stack S [--yes] [--stack-file FILE]
Sets the server's desired task count to N, within scaling.min and scaling.max of Pulumi.<stack>.yaml. Autoscaling
may change it again afterwards.`,
};
