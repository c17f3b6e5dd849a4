/** API tokens: (:ApiToken {id, name, hash, workspace, role, admin, owner, createdAt, expiresAt, lastUsedAt, revokedAt}). */

const RECORD = `.id, .name, .workspace, .role, .admin, .owner, .createdAt, .expiresAt, .lastUsedAt, .revokedAt`;

export const CREATE_TOKEN = /* cypher */ `
CREATE (t:ApiToken)
SET t = $token
RETURN t { ${RECORD} } AS t
`;

/** What the authenticator reads on every request: one index seek by the unique id. */
export const TOKEN_BY_ID = /* cypher */ `
MATCH (t:ApiToken {id: $id})
RETURN t { ${RECORD}, .hash } AS t
`;

/** Revokes once: a second revocation keeps the first time. */
export const REVOKE_TOKEN = /* cypher */ `
MATCH (t:ApiToken {id: $id})
SET t.revokedAt = coalesce(t.revokedAt, $now)
RETURN t { ${RECORD} } AS t
`;

/** Sets lastUsedAt unless another request of this minute already did. */
export const TOUCH_TOKEN = /* cypher */ `
MATCH (t:ApiToken {id: $id})
WHERE t.lastUsedAt IS NULL OR t.lastUsedAt < $staleBefore
SET t.lastUsedAt = $now
`;

/** A workspace's tokens (or every token when $workspace is null), newest first, keyset on (createdAt, id). */
export const LIST_TOKENS = /* cypher */ `
MATCH (t:ApiToken)
WHERE ($workspace IS NULL OR t.workspace = $workspace)
  AND ($includeRevoked OR t.revokedAt IS NULL)
  AND ($after IS NULL OR t.createdAt < $after[0] OR (t.createdAt = $after[0] AND t.id < $after[1]))
RETURN t { ${RECORD} } AS t
ORDER BY t.createdAt DESC, t.id DESC
LIMIT $limit
`;

/**
 * Takes the bootstrap's lock (a write lock on one SkeinLock node, held until the transaction
 * ends), then counts the admin tokens still usable: two instances starting at once mint one.
 */
export const LOCK_AND_COUNT_ADMIN_TOKENS = /* cypher */ `
MERGE (l:SkeinLock {name: 'bootstrap-admin-token'})
SET l.touchedAt = $now
WITH l
OPTIONAL MATCH (t:ApiToken {admin: true})
WHERE t.revokedAt IS NULL AND (t.expiresAt IS NULL OR t.expiresAt > $now)
RETURN count(t) AS live
`;
