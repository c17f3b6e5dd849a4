/**
 * What every artifact query returns: the node's properties, its tags and its key's latest version
 * (`k.latestVersion`, the newest AVAILABLE one; 0 while the key has none).
 */
const ARTIFACT_PROJECTION = `properties(a) AS a, [(k)-[t:TAG]->(a) | t.name] AS tags, coalesce(k.latestVersion, 0) AS latestVersion`;

/**
 * Inside a CALL over `tag` (one row per tag): moves the tag off whichever version holds it onto
 * `a`, and returns `tagMoves`, one `{tag, from}` per tag (`from`: the previous holder's uid, null
 * when none held it), so the service records every move in the history (history.ts tagMoveChanges).
 * The aggregate makes the CALL answer one row even for no tags.
 */
const MOVE_TAG_ONTO_A = `
  OPTIONAL MATCH (k)-[old:TAG {name: tag}]->(held:Artifact)
  WITH a, k, tag, old, held.uid AS holderUid
  DELETE old
  CREATE (k)-[:TAG {name: tag, at: $now}]->(a)
  RETURN collect({tag: tag, from: holderUid}) AS tagMoves`;

/**
 * Versions are race-free: MERGE on the (workspace, key) uniqueness constraint serialises creators
 * of a key, and the increment happens under the write lock it takes. `$fields` is the descriptive
 * texts (ARTIFACT_TEXT_FIELDS; null ones are not stored), `$props` the labels and properties
 * under their prefixes. A version created AVAILABLE is the newest AVAILABLE one, so it becomes the
 * key's `latestVersion` here, under the same lock (a PENDING upload becomes it in UPDATE_BODY).
 * Only AVAILABLE versions carry tags: an upload's tags wait in `pendingTags` until it completes.
 */
export const CREATE_ARTIFACT = `
MATCH (w:Workspace {name: $workspace})
MERGE (k:ArtifactKey {workspace: w.name, key: $key})
ON CREATE SET k.lastVersion = 0, k.createdAt = $now
SET k.lastVersion = k.lastVersion + 1
SET k.latestVersion = CASE WHEN $state = 'AVAILABLE' THEN k.lastVersion ELSE k.latestVersion END
WITH k
CREATE (a:Artifact {
  uid: $uid, workspace: k.workspace, key: k.key, version: k.lastVersion, kind: $kind, state: $state,
  location: $location, digest: $digest, size: $size, contentType: $contentType,
  createdAt: $now, runUid: $runUid, spec: $spec
})-[:VERSION_OF]->(k)
SET a += $fields, a += $props,
    a.pendingTags = CASE WHEN $state = 'AVAILABLE' OR size($tags) = 0 THEN null ELSE $tags END
WITH a, k
CALL (a, k) {
  UNWIND CASE WHEN $state = 'AVAILABLE' THEN $tags ELSE [] END AS tag
  ${MOVE_TAG_ONTO_A}
}
RETURN ${ARTIFACT_PROJECTION}, tagMoves`;

export const GET_ARTIFACTS = `
UNWIND $uids AS uid
MATCH (a:Artifact {uid: uid})-[:VERSION_OF]->(k)
RETURN ${ARTIFACT_PROJECTION}`;

export const FIND_BY_UID = `
MATCH (a:Artifact {uid: $uid, workspace: $workspace, key: $key})-[:VERSION_OF]->(k)
RETURN ${ARTIFACT_PROJECTION}`;

/**
 * The version holding a tag, deleted or not (a deleted version keeps its tags, so restoring it
 * brings them back); `:<tag>` refs explain a deleted holder rather than saying there is no tag.
 */
export const FIND_TAG_HOLDER = `
MATCH (k:ArtifactKey {workspace: $workspace, key: $key})-[:TAG {name: $tag}]->(a:Artifact)
RETURN ${ARTIFACT_PROJECTION}`;

/**
 * A version other than `$except` that claims `$name` as a tag: holds it (deleted versions too: a
 * restore brings it back) or waits to take it when its upload completes (`pendingTags`). Version
 * names must not repeat any of these. `pending` says which kind of claim it is.
 */
export const FIND_TAG_CLAIM = `
MATCH (k:ArtifactKey {workspace: $workspace, key: $key})<-[:VERSION_OF]-(a:Artifact)
WHERE a.uid <> $except
  AND (EXISTS { (k)-[:TAG {name: $name}]->(a) } OR (a.state = 'PENDING' AND $name IN coalesce(a.pendingTags, [])))
RETURN ${ARTIFACT_PROJECTION}, NOT EXISTS { (k)-[:TAG {name: $name}]->(a) } AS pending
ORDER BY a.version
LIMIT 1`;

export const FIND_BY_TAG = `
MATCH (k:ArtifactKey {workspace: $workspace, key: $key})-[:TAG {name: $tag}]->(a:Artifact)
WHERE a.deletedAt IS NULL
RETURN ${ARTIFACT_PROJECTION}`;

export const FIND_LATEST = `
MATCH (k:ArtifactKey {workspace: $workspace, key: $key})
MATCH (a:Artifact {workspace: $workspace, key: $key, version: k.latestVersion})
RETURN ${ARTIFACT_PROJECTION}`;

export const FIND_VERSION = `
MATCH (a:Artifact {workspace: $workspace, key: $key, version: $version})-[:VERSION_OF]->(k)
RETURN ${ARTIFACT_PROJECTION}`;

/**
 * One constant query; absent filters are null and drop out. Newest first, keyset on uid. Without a
 * state filter only AVAILABLE versions are listed (unfinished and aborted uploads are asked for).
 * Deleted versions, and everything in a deleted workspace, are listed only with $includeDeleted.
 */
export const LIST_ARTIFACTS = `
OPTIONAL MATCH (w:Workspace {name: $workspace})
WITH w WHERE $includeDeleted OR w.deletedAt IS NULL
MATCH (a:Artifact {workspace: $workspace})-[:VERSION_OF]->(k)
WHERE ($after IS NULL OR a.uid < $after)
  AND ($kind IS NULL OR a.kind = $kind)
  AND (a.state = $state OR ($state IS NULL AND a.state = 'AVAILABLE'))
  AND ($keyPrefix IS NULL OR a.key STARTS WITH $keyPrefix)
  AND ($runUid IS NULL OR a.runUid = $runUid)
  AND ($createdAfter IS NULL OR a.createdAt >= $createdAfter)
  AND ($createdBefore IS NULL OR a.createdAt < $createdBefore)
  AND all(l IN $labels WHERE a[l.name] = l.value)
  AND ($tag IS NULL OR ($tag = 'latest' AND a.version = k.latestVersion) OR EXISTS { (k)-[:TAG {name: $tag}]->(a) })
  AND ($includeDeleted OR a.deletedAt IS NULL)
RETURN ${ARTIFACT_PROJECTION}
ORDER BY a.uid DESC
LIMIT $limit`;

/** A key's versions, newest first; AVAILABLE ones unless a state is asked for. */
export const LIST_VERSIONS = `
MATCH (k:ArtifactKey {workspace: $workspace, key: $key})
MATCH (a:Artifact {workspace: $workspace, key: $key})
WHERE ($after IS NULL OR a.version < $after) AND (a.state = $state OR ($state IS NULL AND a.state = 'AVAILABLE'))
  AND ($includeDeleted OR a.deletedAt IS NULL)
RETURN ${ARTIFACT_PROJECTION}
ORDER BY a.version DESC
LIMIT $limit`;

/** Moves a tag atomically: the key is locked first, so two movers of one tag serialise. */
export const TAG_ARTIFACT = `
MATCH (a:Artifact {uid: $uid})-[:VERSION_OF]->(k)
SET k._lock = true
WITH a, k
CALL (k) {
  OPTIONAL MATCH (k)-[old:TAG {name: $tag}]->()
  DELETE old
}
CREATE (k)-[:TAG {name: $tag, at: $now}]->(a)
REMOVE k._lock
RETURN ${ARTIFACT_PROJECTION}`;

export const UNTAG_ARTIFACT = `
MATCH (a:Artifact {uid: $uid})-[:VERSION_OF]->(k)
OPTIONAL MATCH (k)-[t:TAG {name: $tag}]->(a)
DELETE t
RETURN ${ARTIFACT_PROJECTION}`;

/**
 * Records where the body is and what it is; the body store calls this once it has checked the
 * object. Becoming AVAILABLE, the version takes the tags its upload asked for (`pendingTags`),
 * moving them off other versions; the caller holds the key's lock (LOCK_KEY_OF).
 */
export const UPDATE_BODY = `
MATCH (a:Artifact {uid: $uid})-[:VERSION_OF]->(k)
SET a.state = $state, a.location = coalesce($location, a.location), a.digest = coalesce($digest, a.digest),
    a.size = coalesce($size, a.size)
WITH a, k, CASE WHEN $state = 'AVAILABLE' AND a.deletedAt IS NULL THEN coalesce(a.pendingTags, []) ELSE [] END AS tags
CALL (a, k, tags) {
  UNWIND tags AS tag
  ${MOVE_TAG_ONTO_A}
}
SET a.pendingTags = CASE WHEN $state = 'AVAILABLE' THEN null ELSE a.pendingTags END
RETURN ${ARTIFACT_PROJECTION}, tagMoves`;

/** The key's write lock, by one of its versions (before moving tags onto it). */
export const LOCK_KEY_OF = `
MATCH (:Artifact {uid: $uid})-[:VERSION_OF]->(k)
SET k._lock = true
REMOVE k._lock`;

export const RUN_WORKSPACE = `MATCH (r:Run {uid: $uid}) RETURN r.workspace AS workspace`;

// --- References and "latest" (store:// URIs, version names, the newest AVAILABLE version) ---

/** The version carrying this version name (unique per key, see the service's check), other than `$except`. */
export const FIND_BY_VERSION_NAME = `
MATCH (a:Artifact {workspace: $workspace, key: $key, versionName: $name})-[:VERSION_OF]->(k)
WHERE $except IS NULL OR a.uid <> $except
RETURN ${ARTIFACT_PROJECTION}`;

/** `#<iteration>`: the newest live version logged by a run of that iteration (0: a top-level run). */
export const FIND_BY_ITERATION = `
MATCH (k:ArtifactKey {workspace: $workspace, key: $key})<-[:VERSION_OF]-(a:Artifact {state: 'AVAILABLE'})
WHERE a.deletedAt IS NULL AND a.runUid IS NOT NULL
  AND EXISTS { MATCH (r:Run {uid: a.runUid}) WHERE r.iteration = $iteration }
RETURN ${ARTIFACT_PROJECTION}
ORDER BY a.version DESC
LIMIT 1`;

export const KEY_EXISTS = `RETURN EXISTS { (:ArtifactKey {workspace: $workspace, key: $key}) } AS exists`;

export const RUN_ITERATION = `MATCH (r:Run {uid: $uid}) RETURN r.iteration AS iteration`;

/** Takes the key's write lock, so a recompute sees every version committed before it. */
export const LOCK_KEY = `
MATCH (k:ArtifactKey {workspace: $workspace, key: $key})
SET k._lock = true
REMOVE k._lock`;

/**
 * Recomputes the key's latest pointer from its versions: the newest AVAILABLE one that is not
 * deleted (a `deletedAt` property); null when there is none. Run after LOCK_KEY.
 */
export const REFRESH_LATEST = `
MATCH (k:ArtifactKey {workspace: $workspace, key: $key})
OPTIONAL MATCH (k)<-[:VERSION_OF]-(a:Artifact {state: 'AVAILABLE'})
WHERE a.deletedAt IS NULL
WITH k, max(a.version) AS latest
SET k.latestVersion = latest
RETURN latest`;
