import { isRetryableError } from 'neo4j-driver';

/**
 * Retries for work the driver does not retry itself (auto-commit statements, see
 * GraphExecutor.write): the same errors and the same kind of schedule as its managed
 * transactions (deadlocks, lock timeouts, a leader change), with exponential backoff and jitter
 * up to a time budget.
 */
export interface RetryPolicy {
  /** Give up retrying once this much time has passed since the first attempt. */
  maxRetryTimeMs: number;
  initialDelayMs: number;
  multiplier: number;
  /** ±this fraction of each delay is random, so colliding writers do not collide again. */
  jitter: number;
  /** Which failures are worth another attempt. */
  retriable: (err: unknown) => boolean;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetryTimeMs: 30_000,
  initialDelayMs: 50,
  multiplier: 2,
  jitter: 0.2,
  retriable: (err) => isRetryableError(err),
};

export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  const started = Date.now();
  let delay = policy.initialDelayMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      const waited = Date.now() - started;
      if (!policy.retriable(err) || waited + delay > policy.maxRetryTimeMs) throw err;
      const jittered = delay * (1 - policy.jitter + 2 * policy.jitter * Math.random());
      await new Promise((resolve) => setTimeout(resolve, jittered)); // backoff before the next attempt, not a wait for readiness
      delay *= policy.multiplier;
    }
  }
}
