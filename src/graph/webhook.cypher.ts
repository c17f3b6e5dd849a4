/**
 * Webhooks: (:Webhook {uid, workspace, workspaceCreatedAt, url, secret, description, createdAt,
 * createdBy, cursor, failures, nextAttemptAt, leaseUntil, leaseOwner, lastError, lastDeliveredAt})
 * (migration 0011). `workspaceCreatedAt` tells the workspace it was made in from one made again
 * under the same name.
 * Only the dispatcher's claim reads the secret; every other query projects RECORD, which leaves it out.
 * Times are ISO-8601 UTC strings, which order as text the way they order in time.
 */

const RECORD = `.uid, .workspace, .url, .description, .createdAt, .createdBy, .cursor, .failures,
  .nextAttemptAt, .lastError, .lastDeliveredAt`;

export const CREATE_WEBHOOK = /* cypher */ `
CREATE (w:Webhook)
SET w = $webhook
RETURN w { ${RECORD} } AS w
`;

export const WEBHOOK_BY_UID = /* cypher */ `
MATCH (w:Webhook {uid: $uid})
RETURN w { ${RECORD} } AS w
`;

export const DELETE_WEBHOOK = /* cypher */ `
MATCH (w:Webhook {uid: $uid})
WITH w, w { ${RECORD} } AS before
DELETE w
RETURN before AS w
`;

/** A workspace's webhooks in creation order (UUIDv7 uids), keyset on uid: the (workspace, uid) index. */
export const LIST_WEBHOOKS = /* cypher */ `
MATCH (w:Webhook)
WHERE w.workspace = $workspace AND w.uid > coalesce($after, '')
RETURN w { ${RECORD} } AS w
ORDER BY w.uid
LIMIT $limit
`;

/**
 * Webhooks whose next attempt is due, that no instance holds, and whose workspace's feed has moved
 * past their cursor (its FeedCounter, migration 0010): a range seek on nextAttemptAt and one
 * counter seek each, so a round over idle hooks is this one query. Only hooks of the workspace
 * they were made in: a purged workspace's hooks fall silent, and stay so when a workspace is made
 * again under its name (its feed continues, but its owners may be others).
 */
export const DUE_WEBHOOKS = /* cypher */ `
MATCH (w:Webhook)
WHERE w.nextAttemptAt <= $now AND (w.leaseUntil IS NULL OR w.leaseUntil <= $now)
MATCH (c:FeedCounter {workspace: w.workspace})
WHERE c.seq > w.cursor
MATCH (ws:Workspace {name: w.workspace})
WHERE ws.createdAt = w.workspaceCreatedAt
RETURN w.uid AS uid, w.workspace AS workspace, w.cursor AS cursor
ORDER BY w.nextAttemptAt
LIMIT $limit
`;

/**
 * Leases the webhooks of $uids that are still due and free, for this claim only. Two instances may
 * read the same hook free; the first SET takes the node's write lock, and the condition is read
 * again under it (Neo4j's documented lost-update idiom), so the second finds the first's lease and
 * claims nothing: a hook is delivered by one instance at a time.
 */
export const CLAIM_WEBHOOKS = /* cypher */ `
UNWIND $uids AS uid
MATCH (w:Webhook {uid: uid})
SET w._LOCK_ = true
REMOVE w._LOCK_
WITH w
WHERE w.nextAttemptAt <= $now AND (w.leaseUntil IS NULL OR w.leaseUntil <= $now)
SET w.leaseUntil = $leaseUntil, w.leaseOwner = $lease
RETURN w { ${RECORD}, .secret, lease: w.leaseOwner } AS w
`;

/**
 * A delivery the receiver acknowledged: the cursor moves to $to and the failures are cleared, in
 * one statement; the lease is kept for the next batch ($leaseUntil) or given back (null). Only
 * the lease's holder may, and only from the cursor it delivered after.
 */
export const DELIVERED = /* cypher */ `
MATCH (w:Webhook {uid: $uid})
WHERE w.leaseOwner = $lease AND w.cursor = $from
SET w.cursor = $to, w.failures = 0, w.lastError = null, w.lastDeliveredAt = $now, w.nextAttemptAt = $now,
    w.leaseUntil = $leaseUntil, w.leaseOwner = CASE WHEN $leaseUntil IS NULL THEN null ELSE $lease END
RETURN w.uid AS uid
`;

/** A failed delivery: one more failure, why, when to try again; the lease is given back. */
export const FAILED = /* cypher */ `
MATCH (w:Webhook {uid: $uid})
WHERE w.leaseOwner = $lease
SET w.failures = w.failures + 1, w.lastError = $error, w.nextAttemptAt = $nextAttemptAt,
    w.leaseUntil = null, w.leaseOwner = null
RETURN w.failures AS failures
`;

/** Gives leases back without a delivery (nothing was waiting, or the dispatcher stops). */
export const RELEASE = /* cypher */ `
UNWIND $uids AS uid
MATCH (w:Webhook {uid: uid})
WHERE w.leaseOwner = $lease
SET w.leaseUntil = null, w.leaseOwner = null
`;

/**
 * The seq of a workspace's latest change (0 before its first), read in a transaction before its
 * own change is numbered (the counter is the change feed's: migration 0010, audit.cypher.ts).
 */
export const FEED_HEAD = /* cypher */ `
OPTIONAL MATCH (c:FeedCounter {workspace: $workspace})
RETURN coalesce(c.seq, 0) AS head
`;
