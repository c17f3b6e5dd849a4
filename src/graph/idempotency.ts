import { createHash, randomUUID } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import { conflict } from '../errors';
import type { Tx } from './executor';

/**
 * Safe retries. A create that carries an idempotency key first claims an (:IdempotencyRecord)
 * in its own transaction. The uniqueness constraint makes a concurrent retry's MERGE wait for the
 * first transaction; once it commits, the retry finds the record and returns the first result.
 */

const CLAIM = `
MERGE (i:IdempotencyRecord {key: $key})
ON CREATE SET i.fingerprint = $fingerprint, i.createdAt = $now, i.claim = $claim
RETURN i.claim = $claim AS claimed, i.fingerprint AS fingerprint, i.resultUid AS resultUid`;

const COMPLETE = `MATCH (i:IdempotencyRecord {key: $key}) SET i.resultUid = $resultUid`;

export interface IdempotentCall {
  /** The operation, so one key cannot collide across kinds of create. */
  operation: string;
  key: string | null | undefined;
  /** The input without the key: the same key with other input is a conflict, not a retry. */
  input: unknown;
}

/** Runs `create` once per key; a retry gets the first result's uid back without creating anything. */
export async function idempotent(
  tx: Tx,
  call: IdempotentCall,
  create: () => Promise<string>,
): Promise<{ uid: string; replayed: boolean }> {
  if (!call.key) return { uid: await create(), replayed: false };
  const key = `${call.operation}:${call.key}`;
  const fingerprint = createHash('sha256')
    .update(stringify(call.input) ?? '')
    .digest('hex');
  const claim = randomUUID();
  const [row] = await tx.run<{ claimed: boolean; fingerprint: string; resultUid: string | null }>(CLAIM, {
    key,
    fingerprint,
    claim,
    now: new Date().toISOString(),
  });
  if (!row!.claimed) {
    if (row!.fingerprint !== fingerprint) {
      throw conflict(
        `The idempotency key "${call.key}" was already used with different input; use a new key for a new ${call.operation}.`,
      );
    }
    return { uid: row!.resultUid!, replayed: true };
  }
  const uid = await create();
  await tx.run(COMPLETE, { key, resultUid: uid });
  return { uid, replayed: false };
}
