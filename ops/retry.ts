import { isTransient } from "./errors";

export interface RetryOptions {
  attempts: number;
  baseDelayMs: number;
  sleep: (ms: number) => Promise<void>;
}

const DEFAULTS: RetryOptions = { attempts: 6, baseDelayMs: 250, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/**
 * The one retry layer of mcp-ops (its SDK clients make one attempt each: defaultDeps): a throttled or transient AWS
 * call again, with exponential backoff and full jitter, at most `attempts` times; any other error is thrown at once.
 */
export async function withRetry<T>(call: () => Promise<T>, options: Partial<RetryOptions> = {}): Promise<T> {
  const { attempts, baseDelayMs, sleep } = { ...DEFAULTS, ...options };
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error) || attempt >= attempts) throw error;
      await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
    }
  }
}
