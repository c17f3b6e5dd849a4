/**
 * The change feed (src/graph/change-feed.repository.ts): a workspace's audit entries that have a
 * `seq` (mutations' OK entries, numbered as they commit: audit.cypher.ts IN_FEED).
 */

/** One workspace's changes after a seq, oldest first: the (workspace, seq) index answers filter and order. */
export const CHANGES_AFTER = /* cypher */ `
MATCH (a:AuditEvent)
WHERE a.workspace = $workspace AND a.seq > $afterSeq
RETURN a.seq AS seq, a.at AS at, a.actor AS actor, a.action AS action, a.objectType AS objectType, a.objectId AS objectId
ORDER BY a.seq
LIMIT $limit
`;

/** The last seq of a workspace's feed (0 before its first change). */
export const LAST_SEQ = /* cypher */ `
OPTIONAL MATCH (c:FeedCounter {workspace: $workspace})
RETURN coalesce(c.seq, 0) AS seq
`;
