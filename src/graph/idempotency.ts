import { createHash, randomUUID } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';
import { conflict, quoted } from '../errors';
import { int, type GraphExecutor, type Tx } from './executor';

/**
 * Safe retries. A create that carries an idempotency key first claims an (:IdempotencyRecord)
 * in its own transaction. The uniqueness constraint makes a concurrent retry's MERGE wait for the
 * first transaction; once it commits, the retry finds the record and returns the first result.
 *
 * A key is scoped: the same key in another workspace is another key (clients pick keys per
 * workspace, e.g. a pipeline step's name), and it lives SKEIN_IDEMPOTENCY_TTL seconds. An expired
 * record is taken over by the next claim as if it were not there, and the sweep deletes it later.
 */

/** Claims the key, or takes over a record older than the TTL (which then counts as absent). */
const CLAIM = `
MERGE (i:IdempotencyRecord {key: $key})
ON CREATE SET i.fingerprint = $fingerprint, i.createdAt = $now, i.claim = $claim, i.scope = $scope,
  i.clientKey = $clientKey
WITH i, i.claim <> $claim AND i.createdAt < $expiredBefore AS expired
FOREACH (_ IN CASE WHEN expired THEN [1] ELSE [] END |
  SET i.fingerprint = $fingerprint, i.createdAt = $now, i.claim = $claim, i.resultUid = null)
RETURN i.claim = $claim AS claimed, i.fingerprint AS fingerprint, i.resultUid AS resultUid`;

const COMPLETE = `MATCH (i:IdempotencyRecord {key: $key}) SET i.resultUid = $resultUid`;

/** One batch of expired records (the index on createdAt from migration 0003 finds them). */
const SWEEP = `
MATCH (i:IdempotencyRecord) WHERE i.createdAt < $expiredBefore
WITH i LIMIT $limit
DELETE i
RETURN count(*) AS deleted`;

export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export interface IdempotentCall {
  /** The operation, so one key cannot collide across kinds of create. */
  operation: string;
  /**
   * Where the key is unique: the workspace name, or the run id where the call names only a run
   * (a run lives in exactly one workspace, so that scope is narrower still).
   */
  scope: string;
  key: string | null | undefined;
  /** The input without the key: the same key with other input is a conflict, not a retry. */
  input: unknown;
  /** How long a key is remembered (SKEIN_IDEMPOTENCY_TTL); DEFAULT_IDEMPOTENCY_TTL_SECONDS when absent. */
  ttlSeconds?: number;
}

/** Runs `create` once per key; a retry gets the first result's uid back without creating anything. */
export async function idempotent(
  tx: Tx,
  call: IdempotentCall,
  create: () => Promise<string>,
): Promise<{ uid: string; replayed: boolean }> {
  if (!call.key) return { uid: await create(), replayed: false };
  // A digest of an array: unambiguous where a joined string is not (a scope or key may hold the
  // separator), and of a fixed size whatever the scope and key, which a uniquely indexed property
  // needs (Neo4j refuses index values over ~8 KB with an error of its own).
  const key = sha256(stringify([call.operation, call.scope, call.key]) ?? '');
  const fingerprint = sha256(stringify(call.input) ?? '');
  const claim = randomUUID();
  const now = Date.now();
  const [row] = await tx.run<{ claimed: boolean; fingerprint: string; resultUid: string | null }>(CLAIM, {
    key,
    scope: call.scope,
    // Kept beside the digest for a person reading the graph; only the digest is indexed.
    clientKey: call.key,
    fingerprint,
    claim,
    now: new Date(now).toISOString(),
    expiredBefore: new Date(now - (call.ttlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS) * 1000).toISOString(),
  });
  if (!row!.claimed) {
    if (row!.fingerprint !== fingerprint) {
      throw conflict(
        `The idempotency key ${quoted(call.key)} was already used with different input; use a new key for a new ${call.operation}.`,
      );
    }
    return { uid: row!.resultUid!, replayed: true };
  }
  const uid = await create();
  await tx.run(COMPLETE, { key, resultUid: uid });
  return { uid, replayed: false };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Deletes records older than the TTL, in batches so no transaction grows large; answers how many. */
export async function sweepIdempotencyRecords(
  graph: GraphExecutor,
  { ttlSeconds = DEFAULT_IDEMPOTENCY_TTL_SECONDS, batch = 10_000 } = {},
): Promise<number> {
  const expiredBefore = new Date(Date.now() - ttlSeconds * 1000).toISOString();
  let total = 0;
  for (;;) {
    const [row] = await graph.write((tx) => tx.run<{ deleted: number }>(SWEEP, { expiredBefore, limit: int(batch) }), {
      oneStatement: true,
    });
    total += row?.deleted ?? 0;
    if ((row?.deleted ?? 0) < batch) return total;
  }
}
