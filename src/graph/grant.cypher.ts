/** Grants: (:Grant {workspace, subject, role}), one per (workspace, subject) (migration 0008). */

export const PUT_GRANT = /* cypher */ `
MERGE (g:Grant {workspace: $workspace, subject: $subject})
SET g.role = $role, g.grantedBy = $grantedBy, g.grantedAt = $now
RETURN g {.*} AS g
`;

export const REMOVE_GRANT = /* cypher */ `
MATCH (g:Grant {workspace: $workspace, subject: $subject})
WITH g, g {.*} AS before
DELETE g
RETURN before AS g
`;

/** Every grant held by any of the subjects (a user and their groups): one index seek each. */
export const GRANTS_OF = /* cypher */ `
UNWIND $subjects AS subject
MATCH (g:Grant {subject: subject})
RETURN g.workspace AS workspace, g.role AS role
`;

export const LIST_GRANTS = /* cypher */ `
MATCH (g:Grant {workspace: $workspace})
WHERE $after IS NULL OR g.subject > $after
RETURN g {.*} AS g
ORDER BY g.subject
LIMIT $limit
`;
