/** The audit trail (src/graph/audit.repository.ts). Events are append-only: nothing here updates one. */

/** Appends events; `$events` is a list of maps with every AuditRecord field. */
export const APPEND_AUDIT = /* cypher */ `
UNWIND $events AS e
CREATE (a:AuditEvent)
SET a = e
`;

/**
 * The same append as a unit subquery to put in front of a one-statement write's statement (one
 * statement, one round trip: src/graph/executor.ts recordedInStatement). Its parameter is named so
 * that no statement's own parameters meet it; it leaves the statement's rows as they are.
 */
export const AUDIT_PRELUDE = /* cypher */ `CALL(){UNWIND $skeinAuditEvents AS e CREATE(a:AuditEvent)SET a=e}`;

/**
 * Numbers the entry `a` just created in its workspace's change feed (issue 17): `seq` from the
 * workspace's counter, incremented here. Its write lock (taken before the read: a SET reading the
 * property it writes) is held to commit, so transactions of one workspace take seqs in the order
 * they commit, 1, 2, 3… with no gap (a rolled-back transaction returns its number with its entry).
 * So it goes as late in the transaction as it can: after the work's statements (recordedLast,
 * recordedWithRow). An entry with no workspace is in no feed. The counter is its own node, never
 * the Workspace's (other writes lock that), and MERGE makes it at a workspace's first change
 * (createWorkspace's entry may be written before the workspace's node).
 */
const IN_FEED = `WITH a WHERE a.workspace IS NOT NULL MERGE(c:FeedCounter{workspace:a.workspace})ON CREATE SET c.seq=0 SET c.seq=c.seq+1 SET a.seq=c.seq`;

/** One mutation entry (the map `e`, every AuditRecord field) appended and numbered in its workspace's feed. */
export const FEED_ENTRY = (e: string) => `CREATE (a:AuditEvent) SET a = ${e} ${IN_FEED}`;

/**
 * APPEND_AUDIT for a mutation's own entries (AuditTrail.write): each is numbered in its workspace's
 * feed, in a subquery of its own. In one flat UNWIND the planner may run every row's increment
 * before any row reads it back, giving all rows the last number (seen in the grouped OpenLineage
 * statement).
 */
export const APPEND_FEED_AUDIT = /* cypher */ `
UNWIND $events AS e
CALL (e) { ${FEED_ENTRY('e')} }
`;

/** AUDIT_PRELUDE for a mutation's own entries: each is numbered in its workspace's feed (IN_FEED). */
export const FEED_AUDIT_PRELUDE = /* cypher */ `CALL(){UNWIND $skeinAuditEvents AS e CALL(e){${FEED_ENTRY('e')}}}`;

/** One workspace's events, oldest first from the cursor: the (workspace, id) index answers filter and order. */
export const LIST_WORKSPACE_AUDIT = /* cypher */ `
MATCH (a:AuditEvent)
WHERE a.workspace = $workspace AND a.id > coalesce($after, '')
RETURN a {.*} AS a
ORDER BY a.id
LIMIT $limit
`;

/** Every event (admins), oldest first from the cursor: the id constraint's index gives the order. */
export const LIST_ALL_AUDIT = /* cypher */ `
MATCH (a:AuditEvent)
WHERE a.id > coalesce($after, '')
RETURN a {.*} AS a
ORDER BY a.id
LIMIT $limit
`;
