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
