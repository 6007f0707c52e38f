/** An error the CLI prints as one line (no stack trace) and exits with. */
export class OpsError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "OpsError";
  }
}

const THROTTLING = new Set(["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "LimitExceededException"]);

export const isThrottling = (error: unknown) => THROTTLING.has((error as { name?: string })?.name ?? "");

/**
 * Worth another try: throttling, and AWS's own 5xx. A request that got no answer is not retried: the network will not
 * be back in seconds, and on-call gets the one-line timeout error at once.
 */
export function isTransient(error: unknown): boolean {
  return isThrottling(error) || ((error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? 0) >= 500;
}

/** Turns what the AWS SDK throws into something an on-call engineer can act on. */
export function describeAwsError(error: unknown): OpsError {
  if (error instanceof OpsError) return error;
  const name = (error as { name?: string })?.name ?? "";
  const message = (error as Error)?.message ?? String(error);
  if (name === "CredentialsProviderError" || /credential/i.test(message)) {
    return new OpsError("no AWS credentials: set AWS_PROFILE (aws sso login) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, and AWS_REGION");
  }
  if (name === "AccessDeniedException" || name === "AccessDenied" || name === "UnauthorizedOperation") return new OpsError(`access denied: ${message}`);
  if (isThrottling(error)) return new OpsError(`AWS kept throttling the requests (${name}); try again in a minute or narrow --server / --since`);
  if (name === "TimeoutError" || /timed out|socket hang up/i.test(message)) {
    return new OpsError(`AWS did not answer in time (${message}); check the network, AWS_REGION and AWS_ENDPOINT_URL`);
  }
  if (/region/i.test(message) && /missing/i.test(message)) return new OpsError("no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or a region in your profile)");
  return new OpsError(`${name || "error"}: ${message}`);
}
