import { WEBHOOK_MAX_BACKOFF_MS } from '../domain/webhook';

/**
 * How long a webhook waits after its `failures`-th failure in a row: `baseMs` doubled per failure
 * (base, 2 base, 4 base…) up to 10 minutes, then jittered to between half and all of that, so hooks
 * that failed together (a receiver's outage) do not all come back at the same instant.
 */
export function retryDelayMs(failures: number, baseMs: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const ceiling = Math.min(baseMs * 2 ** exponent, WEBHOOK_MAX_BACKOFF_MS);
  return Math.round(ceiling * (0.5 + random() * 0.5));
}
