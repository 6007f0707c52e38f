import { writeFileSync } from "node:fs";
import { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { RetryOptions } from "./retry";

export interface OpsDeps {
  cloudwatch: CloudWatchClient;
  ecs: ECSClient;
  secrets: SecretsManagerClient;
  logs: CloudWatchLogsClient;
  autoscaling: ApplicationAutoScalingClient;
  now: () => Date;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Asks on the terminal; undefined when there is none (then --yes is required). */
  confirm?: (question: string) => Promise<boolean>;
  writeFile: (file: string, text: string) => void;
  retry?: Partial<RetryOptions>;
  projectDir?: string;
  /** The whole command's time limit (--timeout); every AWS request also has its own (defaultDeps). */
  deadlineSeconds?: number;
  /** Milliseconds between looks at a deployment that is under way (rollback). */
  pollMs?: number;
}

/** A command gives up after this long by default: on-call needs an answer or an error, never a hang. */
export const DEFAULT_DEADLINE_SECONDS = 120;
export const ROLLBACK_DEADLINE_SECONDS = 900;

/**
 * Per AWS request: connecting and answering each have a limit (the SDK's default is to wait forever). The request
 * timeout only logs a warning unless throwOnRequestTimeout is set (@smithy/node-http-handler, setRequestTimeout).
 */
export const REQUEST_TIMEOUTS = { connectionTimeout: 3000, requestTimeout: 10000, throwOnRequestTimeout: true };

/**
 * The real dependencies: SDK clients with request timeouts, the terminal, the file system. The clients make one
 * attempt per call: mcp-ops retries throttled and transient calls itself (ops/retry.ts), once, not as 8 × 6 attempts.
 */
export function defaultDeps(overrides: { maxAttempts?: number; requestTimeoutMs?: number } = {}): OpsDeps {
  const clientOptions = {
    maxAttempts: overrides.maxAttempts ?? 1,
    requestHandler: { ...REQUEST_TIMEOUTS, ...(overrides.requestTimeoutMs ? { requestTimeout: overrides.requestTimeoutMs } : {}) },
  };
  return {
    cloudwatch: new CloudWatchClient(clientOptions),
    ecs: new ECSClient(clientOptions),
    secrets: new SecretsManagerClient(clientOptions),
    logs: new CloudWatchLogsClient(clientOptions),
    autoscaling: new ApplicationAutoScalingClient(clientOptions),
    now: () => new Date(),
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    confirm: process.stdin.isTTY
      ? async (question) => {
          const { createInterface } = await import("node:readline/promises");
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          const answer = await rl.question(question);
          rl.close();
          return /^y(es)?$/i.test(answer.trim());
        }
      : undefined,
    writeFile: (file, text) => writeFileSync(file, text),
  };
}

