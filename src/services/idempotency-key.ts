import { checkText } from './validate';

/** The longest idempotency key a create takes: a pipeline step's name or a UUID fits many times. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * Refuses an idempotency key no client means, before its claim is written. The claim is a
 * uniquely indexed property, and Neo4j refuses a value past its index's size limit (~8 KB) with
 * an error of its own, which reached the client as an internal one (issue 12, found by the fuzz).
 * The key's scope (the workspace name, the run id) is checked by each create before the claim too.
 */
export function checkIdempotencyKey(key: string | null | undefined): void {
  checkText('idempotencyKey', key, MAX_IDEMPOTENCY_KEY_LENGTH);
}
