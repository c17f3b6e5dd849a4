/** The audit trail (src/graph/audit.repository.ts). Events are append-only: nothing here updates one. */

/** Appends events; `$events` is a list of maps with every AuditRecord field. */
export const APPEND_AUDIT = /* cypher */ `
UNWIND $events AS e
CREATE (a:AuditEvent)
SET a = e
`;

/**
 * One workspace's events (or every event when $workspace is null), oldest first from the cursor:
 * the (workspace, id) index answers both the filter and the order.
 */
export const LIST_AUDIT = /* cypher */ `
MATCH (a:AuditEvent)
WHERE ($workspace IS NULL OR a.workspace = $workspace) AND ($after IS NULL OR a.id > $after)
RETURN a {.*} AS a
ORDER BY a.id
LIMIT $limit
`;
