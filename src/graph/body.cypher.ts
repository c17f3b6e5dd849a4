/**
 * Bodies: one (:Body {store, key}) per stored object (its content address in one store), linked
 * from every artifact that holds it: (:Artifact)-[:HAS_BODY {path, sha256, contentType, uploadId}]->(:Body).
 * `store` names the bucket or directory: a body verified in one store says nothing about another.
 * `path` is the file's place in a directory artifact (null for a single body); `sha256` is the
 * whole-body digest the uploader declared; `uploadId` is the open multipart upload, if any.
 * A Body is `verified` once the store has confirmed it; only verified bodies are deduplicated, and
 * only for a caller who may read an artifact holding them. `createdFor` is the artifact whose
 * upload created the Body: the only upload that may put its bytes (create-upload.ts).
 */

/**
 * A body a caller may reuse: verified, and held by an AVAILABLE, live artifact in a workspace the
 * caller may read ($scope; null: every workspace). Knowing a digest is not enough.
 */
const readableHolder = (body: string) => `
  MATCH (${body})<-[:HAS_BODY]-(a:Artifact {state: 'AVAILABLE'})
  WHERE a.deletedAt IS NULL AND ($scope IS NULL OR a.workspace IN $scope)
    AND NOT EXISTS { MATCH (home:Workspace {name: a.workspace}) WHERE home.deletedAt IS NOT NULL }`;

/**
 * Reusable bodies (see readableHolder) for wanted keys (the content address, or an upload's own
 * key for it: `<key>.<nonce>`), or with a wanted whole-body SHA-256 the store verified.
 */
export const FIND_STORED = `
UNWIND $wanted AS w
OPTIONAL MATCH (k:Body {store: $store, key: w.key})
WHERE k.verified = true AND EXISTS { ${readableHolder('k')} }
WITH w, k
OPTIONAL MATCH (o:Body {store: $store})
WHERE k IS NULL AND o.key STARTS WITH w.key + '.' AND o.verified = true AND EXISTS { ${readableHolder('o')} }
WITH w, head(collect(coalesce(k, o))) AS ko
OPTIONAL MATCH (s:Body {store: $store, sha256: w.sha256})
WHERE ko IS NULL AND s.verified = true AND EXISTS { ${readableHolder('s')} }
WITH w, collect(coalesce(ko, s)) AS found
WHERE size(found) > 0
RETURN w.key AS wanted, properties(found[0]) AS body`;

/** The keys among $keys some Body of the store already has (verified or not, whoever holds it). */
export const KEYS_IN_USE = `
UNWIND $keys AS key
MATCH (b:Body {store: $store, key: key})
RETURN b.key AS key`;

/** The path templates that apply to a workspace and (optionally) a run. */
export const TEMPLATES = `
OPTIONAL MATCH (w:Workspace {name: $workspace})
OPTIONAL MATCH (r:Run {uid: $runUid})
RETURN w IS NOT NULL AS workspaceExists, w.artifactPath AS workspaceTemplate,
       r IS NOT NULL AS runExists, r.workspace AS runWorkspace, r.name AS runName, r.artifactPath AS runTemplate`;

export const SET_WORKSPACE_TEMPLATE = `
MATCH (w:Workspace {name: $workspace})
SET w.artifactPath = $template
RETURN w.name AS name`;

export const SET_RUN_TEMPLATE = `
MATCH (r:Run {uid: $runUid, workspace: $workspace})
SET r.artifactPath = $template
RETURN r.uid AS uid`;

/**
 * Records the artifact's path and links it to its bodies, creating the Body nodes it is the first
 * to name (`createdFor` this artifact). A `fresh` link is one whose bytes this upload puts: its
 * Body must be this upload's own. Answers the fresh keys whose Body another upload created first
 * (a concurrent createUpload of the same content won the key): the caller rolls back and uses keys
 * of its own. MERGE on the unique (store, key) waits for that other transaction, so this sees it.
 */
export const LINK_BODIES = `
MATCH (a:Artifact {uid: $uid})
SET a.path = $path
WITH a
UNWIND $links AS l
MERGE (b:Body {store: $store, key: l.key})
ON CREATE SET b.kind = l.kind, b.size = l.size, b.partSize = l.partSize, b.parts = l.parts,
              b.verified = false, b.createdAt = $now, b.createdFor = $uid
CREATE (a)-[r:HAS_BODY {sha256: l.sha256}]->(b)
SET r.path = l.path, r.contentType = l.contentType, r.uploadId = l.uploadId
WITH l, b
RETURN [k IN collect(CASE WHEN l.fresh AND coalesce(b.createdFor, '') <> $uid THEN l.key END) WHERE k IS NOT NULL] AS taken`;

/** An artifact with everything about its bodies. */
export const LOAD_BODIES = `
MATCH (a:Artifact {uid: $uid})
OPTIONAL MATCH (a)-[r:HAS_BODY]->(b:Body)
RETURN a.state AS state, a.path AS path,
       collect(CASE WHEN b IS NULL THEN null ELSE {path: r.path, sha256: r.sha256, contentType: r.contentType,
                    uploadId: r.uploadId, body: properties(b)} END) AS links`;

/** Takes the artifact's write lock, so completes and aborts of one upload serialise. */
export const LOCK_ARTIFACT = `
MATCH (a:Artifact {uid: $uid})
SET a._lock = true REMOVE a._lock
RETURN a.state AS state`;

/** Marks bodies the store confirmed; a whole-body SHA-256 is recorded only when the store verified it. */
export const MARK_VERIFIED = `
UNWIND $bodies AS v
MATCH (b:Body {store: $store, key: v.key})
SET b.verified = true, b.verifiedAt = coalesce(b.verifiedAt, $now), b.sha256 = coalesce(b.sha256, v.sha256)
REMOVE b.parts`;

/** Bodies found missing from the store (deleted behind Skein's back): uploaded again before reuse. */
export const MARK_UNVERIFIED = `
UNWIND $keys AS key
MATCH (b:Body {store: $store, key: key})
SET b.verified = false, b.verifiedAt = null`;

export const CLEAR_UPLOAD_IDS = `
MATCH (a:Artifact {uid: $uid})-[r:HAS_BODY]->()
REMOVE r.uploadId`;

/** Unverified bodies of this artifact that no other live (PENDING or AVAILABLE) artifact holds. */
export const ORPHANED_BODIES = `
MATCH (a:Artifact {uid: $uid})-[:HAS_BODY]->(b:Body {store: $store})
WHERE b.verified = false
  AND NOT EXISTS { MATCH (b)<-[:HAS_BODY]-(o:Artifact) WHERE o.uid <> $uid AND o.state IN ['PENDING', 'AVAILABLE'] }
RETURN DISTINCT b.key AS key`;

/** Forgets bodies whose objects were deleted, unless something took them up meanwhile. */
export const DELETE_BODIES = `
UNWIND $keys AS key
MATCH (b:Body {store: $store, key: key})
WHERE b.verified = false AND NOT EXISTS { MATCH (b)<-[:HAS_BODY]-(o:Artifact) WHERE o.state IN ['PENDING', 'AVAILABLE'] }
DETACH DELETE b`;

/** Renewing an upload's URLs restarts its TTL. */
export const TOUCH_UPLOAD = `
MATCH (a:Artifact {uid: $uid, state: 'PENDING'})
SET a.uploadRenewedAt = $now`;

/** PENDING uploads started (or renewed) before the cutoff, oldest first. */
export const EXPIRED_UPLOADS = `
MATCH (a:Artifact {state: 'PENDING'})
WHERE coalesce(a.uploadRenewedAt, a.createdAt) < $cutoff AND ($workspace IS NULL OR a.workspace = $workspace)
  AND EXISTS { (a)-[:HAS_BODY]->(:Body {store: $store}) }
RETURN a.uid AS uid
ORDER BY coalesce(a.uploadRenewedAt, a.createdAt)
LIMIT $limit`;

/** For many artifacts: the path, and the single body (not a directory's files); only those in $scope (null: all). */
export const BODY_SUMMARIES = `
UNWIND $uids AS uid
MATCH (a:Artifact {uid: uid})
WHERE $scope IS NULL OR a.workspace IN $scope
OPTIONAL MATCH (a)-[r:HAS_BODY]->(b:Body) WHERE r.path IS NULL
WITH uid, a, collect(CASE WHEN b IS NULL THEN null ELSE {store: b.store, key: b.key, size: b.size, verifiedSha256: b.sha256,
                     sha256: r.sha256, contentType: r.contentType} END) AS bodies
RETURN uid, a.path AS path, bodies[0] AS body`;

/** For many directory artifacts: their files, in path order; only those in $scope (null: all). */
export const MANIFESTS = `
UNWIND $uids AS uid
MATCH (a:Artifact {uid: uid})-[r:HAS_BODY]->(b:Body)
WHERE r.path IS NOT NULL AND ($scope IS NULL OR a.workspace IN $scope)
RETURN uid, r.path AS path, b.size AS size, r.sha256 AS sha256, r.contentType AS contentType, b.key AS key,
       b.sha256 AS verifiedSha256
ORDER BY uid, path`;

/*
 * Which stored objects the graph still wants. A signed upload URL outlives the upload it was made
 * for: after abortUpload (or the TTL sweep) its Body node is gone, and a PUT to the URL would
 * store an object nothing refers to. The local store refuses such a PUT; S3 cannot, so the
 * orphan sweep deletes objects no Body names.
 */

/**
 * True when a PENDING or AVAILABLE artifact holds the body — the one the URL was signed for when
 * $forUpload names it: an upload to it is still wanted.
 */
export const BODY_WANTED = `
OPTIONAL MATCH (b:Body {store: $store, key: $key})
RETURN b IS NOT NULL AND EXISTS {
  MATCH (b)<-[:HAS_BODY]-(a:Artifact)
  WHERE a.state IN ['PENDING', 'AVAILABLE'] AND ($forUpload IS NULL OR a.uid = $forUpload)
} AS wanted`;

/** The keys among `keys` that no Body node of the store names. */
export const UNKNOWN_BODY_KEYS = `
UNWIND $keys AS key
OPTIONAL MATCH (b:Body {store: $store, key: key})
WITH key, b WHERE b IS NULL
RETURN key`;
