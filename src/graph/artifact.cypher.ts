/** What every artifact query returns: the node's properties, its tags and its key's latest version. */
const ARTIFACT_PROJECTION = `properties(a) AS a, [(k)-[t:TAG]->(a) | t.name] AS tags, k.lastVersion AS latestVersion`;

/**
 * Versions are race-free: MERGE on the (workspace, key) uniqueness constraint serialises creators
 * of a key, and the increment happens under the write lock it takes. `$fields` is the descriptive
 * texts (ARTIFACT_TEXT_FIELDS; null ones are not stored), `$props` the labels and properties
 * under their prefixes.
 */
export const CREATE_ARTIFACT = `
MATCH (w:Workspace {name: $workspace})
MERGE (k:ArtifactKey {workspace: w.name, key: $key})
ON CREATE SET k.lastVersion = 0, k.createdAt = $now
SET k.lastVersion = k.lastVersion + 1
WITH k
CREATE (a:Artifact {
  uid: $uid, workspace: k.workspace, key: k.key, version: k.lastVersion, kind: $kind, state: $state,
  location: $location, digest: $digest, size: $size, contentType: $contentType,
  createdAt: $now, runUid: $runUid, spec: $spec
})-[:VERSION_OF]->(k)
SET a += $fields, a += $props
WITH a, k
CALL (a, k) {
  UNWIND $tags AS tag
  OPTIONAL MATCH (k)-[old:TAG {name: tag}]->()
  DELETE old
  CREATE (k)-[:TAG {name: tag, at: $now}]->(a)
}
RETURN ${ARTIFACT_PROJECTION}`;

export const GET_ARTIFACTS = `
UNWIND $uids AS uid
MATCH (a:Artifact {uid: uid})-[:VERSION_OF]->(k)
RETURN ${ARTIFACT_PROJECTION}`;

export const FIND_BY_UID = `
MATCH (a:Artifact {uid: $uid, workspace: $workspace, key: $key})-[:VERSION_OF]->(k)
RETURN ${ARTIFACT_PROJECTION}`;

export const FIND_BY_TAG = `
MATCH (k:ArtifactKey {workspace: $workspace, key: $key})-[:TAG {name: $tag}]->(a:Artifact)
WHERE a.deletedAt IS NULL
RETURN ${ARTIFACT_PROJECTION}`;

export const FIND_LATEST = `
MATCH (k:ArtifactKey {workspace: $workspace, key: $key})
MATCH (a:Artifact {workspace: $workspace, key: $key})
WHERE a.deletedAt IS NULL
WITH k, a ORDER BY a.version DESC LIMIT 1
RETURN ${ARTIFACT_PROJECTION}`;

export const FIND_VERSION = `
MATCH (a:Artifact {workspace: $workspace, key: $key, version: $version})-[:VERSION_OF]->(k)
RETURN ${ARTIFACT_PROJECTION}`;

/**
 * One constant query; absent filters are null and drop out. Newest first, keyset on uid. A deleted
 * workspace lists nothing unless $includeDeleted (lifecycle).
 */
export const LIST_ARTIFACTS = `
OPTIONAL MATCH (w:Workspace {name: $workspace})
WITH w WHERE $includeDeleted OR w.deletedAt IS NULL
MATCH (a:Artifact {workspace: $workspace})-[:VERSION_OF]->(k)
WHERE ($after IS NULL OR a.uid < $after)
  AND ($kind IS NULL OR a.kind = $kind)
  AND ($state IS NULL OR a.state = $state)
  AND ($keyPrefix IS NULL OR a.key STARTS WITH $keyPrefix)
  AND ($runUid IS NULL OR a.runUid = $runUid)
  AND ($createdAfter IS NULL OR a.createdAt >= $createdAfter)
  AND ($createdBefore IS NULL OR a.createdAt < $createdBefore)
  AND all(l IN $labels WHERE a[l.name] = l.value)
  AND ($tag IS NULL OR ($tag = 'latest' AND a.version = k.lastVersion) OR EXISTS { (k)-[:TAG {name: $tag}]->(a) })
  AND ($includeDeleted OR a.deletedAt IS NULL)
RETURN ${ARTIFACT_PROJECTION}
ORDER BY a.uid DESC
LIMIT $limit`;

export const LIST_VERSIONS = `
MATCH (k:ArtifactKey {workspace: $workspace, key: $key})
MATCH (a:Artifact {workspace: $workspace, key: $key})
WHERE ($after IS NULL OR a.version < $after) AND ($includeDeleted OR a.deletedAt IS NULL)
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

/** Records where the body is and what it is; the body store calls this once it has checked the object. */
export const UPDATE_BODY = `
MATCH (a:Artifact {uid: $uid})-[:VERSION_OF]->(k)
SET a.state = $state, a.location = coalesce($location, a.location), a.digest = coalesce($digest, a.digest),
    a.size = coalesce($size, a.size)
RETURN ${ARTIFACT_PROJECTION}`;

// Stand-in until branch i14-a merges (helper A owns "latest"): see artifactRepository.refreshLatest.
export const REFRESH_LATEST_STAND_IN = `
MATCH (k:ArtifactKey {workspace: $workspace, key: $key})
CALL (k) {
  OPTIONAL MATCH (a:Artifact {workspace: k.workspace, key: k.key})
  WHERE a.state = 'AVAILABLE' AND a.deletedAt IS NULL
  RETURN max(a.version) AS newest
}
SET k.latestVersion = newest`;

export const RUN_WORKSPACE = `MATCH (r:Run {uid: $uid}) RETURN r.workspace AS workspace`;
