/**
 * Soft delete, restore and purge (README.md "Retire and clean up"; the rules are in
 * src/graph/README.md, "Lifecycle").
 *
 * A deletion marks nodes with `deletedAt` (when), `deletedBy` (the principal's id) and
 * `deletedWith` (the uid, or workspace name, the delete was asked for): a run deleted with its
 * parent, or an artifact deleted with its run, carries the parent's uid, so restoring the parent
 * brings back exactly what went with it and nothing deleted on its own before. Every statement
 * below is idempotent: marking skips what is already deleted, restoring what is not.
 */

/** Takes a node's write lock (so two deletes or a delete and a restore take turns) and reads its state. */
/**
 * A Cypher test that run `v` takes writes: neither it nor its workspace is deleted. The hot writes
 * (startRun, finishRun, logMetrics) put it in their one statement instead of reading first, and
 * explain a refusal afterwards (refuseDeleted), so a live run still costs one round trip.
 */
export const liveRun = (v: string) =>
  `(${v}.deletedAt IS NULL AND NOT EXISTS { MATCH (dw:Workspace {name: ${v}.workspace}) WHERE dw.deletedAt IS NOT NULL })`;

export const LOCK_RUN = `
MATCH (r:Run {uid: $uid})
SET r._lock = true REMOVE r._lock
RETURN r.workspace AS workspace, r.deletedAt AS deletedAt, r.deletedWith AS deletedWith`;

export const LOCK_ARTIFACT = `
MATCH (a:Artifact {uid: $uid})
SET a._lock = true REMOVE a._lock
RETURN a.workspace AS workspace, a.key AS key, a.deletedAt AS deletedAt, a.deletedWith AS deletedWith`;

export const LOCK_WORKSPACE = `
MATCH (w:Workspace {name: $name})
SET w._lock = true REMOVE w._lock
RETURN w.name AS workspace, w.deletedAt AS deletedAt`;

/** The run and its child runs (any depth): the tree a run's delete or restore covers. */
const RUN_TREE = `MATCH (x:Run)-[:CHILD_OF*0..]->(:Run {uid: $uid})`;

/** Marks the live runs of the tree; answers every run uid of the tree (live or not). */
export const MARK_RUN_TREE = `
${RUN_TREE}
CALL (x) {
  WITH x WHERE x.deletedAt IS NULL
  SET x.deletedAt = $now, x.deletedBy = $by, x.deletedWith = $uid
}
RETURN collect(x.uid) AS runUids`;

/** Restores the tree's runs that went with this deletion (`$tag`: the deletion they share). */
export const UNMARK_RUN_TREE = `
${RUN_TREE}
CALL (x) {
  WITH x WHERE x.deletedAt IS NOT NULL AND x.deletedWith = $tag
  REMOVE x.deletedAt, x.deletedBy, x.deletedWith
}
RETURN collect(x.uid) AS runUids`;

export const MARK_EXECUTIONS = `
UNWIND $runUids AS runUid
MATCH (e:Execution {runUid: runUid})
WHERE e.deletedAt IS NULL
SET e.deletedAt = $now, e.deletedBy = $by, e.deletedWith = $tag`;

export const UNMARK_EXECUTIONS = `
UNWIND $runUids AS runUid
MATCH (e:Execution {runUid: runUid})
WHERE e.deletedAt IS NOT NULL AND e.deletedWith = $tag
REMOVE e.deletedAt, e.deletedBy, e.deletedWith`;

/**
 * The artifact versions these runs logged (runUid) or their executions output, in the run's own
 * workspace only. A run logs only there, so the (workspace, kind) index narrows the search to it;
 * but an execution may output into another workspace it may write (addExecutionOutputs), and those
 * versions belong to that workspace: deleting or restoring the run (a write in ITS workspace) leaves
 * them alone, as deleting a workspace leaves alone what other workspaces made from it. Otherwise an
 * editor of one workspace could delete another's artifacts, and a run whose outputs reach a
 * workspace its deleter may not write could not be deleted with its artifacts at all.
 */
const ARTIFACTS_OF_RUNS = `
CALL (runUid) {
  MATCH (a:Artifact {workspace: $workspace, runUid: runUid}) RETURN a
  UNION
  MATCH (:Execution {runUid: runUid})-[:OUTPUT]->(a:Artifact {workspace: $workspace}) RETURN a
}`;

/** Marks the live artifact versions of the runs; answers the keys whose live versions changed. */
export const MARK_RUN_ARTIFACTS = `
UNWIND $runUids AS runUid
${ARTIFACTS_OF_RUNS}
WITH DISTINCT a WHERE a.deletedAt IS NULL
SET a.deletedAt = $now, a.deletedBy = $by, a.deletedWith = $tag
RETURN DISTINCT a.workspace AS workspace, a.key AS key`;

export const UNMARK_RUN_ARTIFACTS = `
UNWIND $runUids AS runUid
${ARTIFACTS_OF_RUNS}
WITH DISTINCT a WHERE a.deletedAt IS NOT NULL AND a.deletedWith = $tag
REMOVE a.deletedAt, a.deletedBy, a.deletedWith
RETURN DISTINCT a.workspace AS workspace, a.key AS key`;

/** One version, or (with `$allVersions`) every live version of its key. */
export const MARK_ARTIFACTS = `
MATCH (n:Artifact {uid: $uid})
MATCH (a:Artifact {workspace: n.workspace, key: n.key})
WHERE (a.uid = $uid OR $allVersions) AND a.deletedAt IS NULL
SET a.deletedAt = $now, a.deletedBy = $by, a.deletedWith = $uid
RETURN count(a) AS changed`;

/** One version, or (with `$allVersions`) every version of its key deleted with it (`$tag`). */
export const UNMARK_ARTIFACTS = `
MATCH (n:Artifact {uid: $uid})
MATCH (a:Artifact {workspace: n.workspace, key: n.key})
WHERE (a.uid = $uid OR ($allVersions AND a.deletedWith = $tag)) AND a.deletedAt IS NOT NULL
REMOVE a.deletedAt, a.deletedBy, a.deletedWith
RETURN count(a) AS changed`;

export const MARK_WORKSPACE = `
MATCH (w:Workspace {name: $name})
WHERE w.deletedAt IS NULL
SET w.deletedAt = $now, w.deletedBy = $by`;

export const UNMARK_WORKSPACE = `
MATCH (w:Workspace {name: $name})
REMOVE w.deletedAt, w.deletedBy`;

/**
 * What a write is about to touch, and which of it is deleted: the workspace, a run, an artifact.
 * Absent names are null and answer null.
 */
export const DELETED_STATE = `
OPTIONAL MATCH (w:Workspace {name: $workspace})
OPTIONAL MATCH (r:Run {uid: $runUid})
OPTIONAL MATCH (a:Artifact {uid: $artifactUid})
OPTIONAL MATCH (rw:Workspace {name: coalesce(r.workspace, a.workspace)})
RETURN w.deletedAt AS workspaceDeletedAt, r.deletedAt AS runDeletedAt, a.deletedAt AS artifactDeletedAt,
       rw.deletedAt AS ownerWorkspaceDeletedAt, coalesce(r.workspace, a.workspace) AS ownerWorkspace`;

// ---------------------------------------------------------------------------------------------
// Purge. Each statement handles at most `$limit` nodes, so a transaction stays bounded; the
// service loops until a round finds nothing more (README "Lifecycle": resumable, since everything
// it needs to continue is in the graph).

/**
 * Whether a node is purgeable: deleted before the cutoff, or in a workspace that is (and in
 * `$workspace` when the purge is narrowed to one); never null (a live node's `deletedAt < $cutoff`
 * is null, and NOT null would be null too). Built from a variable name only, never from input.
 */
const purgeable = (v: string) =>
  `(coalesce(${v}.deletedAt < $cutoff OR ${v}.workspace IN $deadWorkspaces, false) AND ($workspace IS NULL OR ${v}.workspace = $workspace))`;

/** A deleted workspace the purge may remove (or empty). */
const purgeableWorkspace = `w.deletedAt < $cutoff AND ($workspace IS NULL OR w.name = $workspace)`;

/**
 * The purgeable nodes of a label after $after: by deletion time, then by dead workspace, each a
 * plain predicate an index on deletedAt (or workspace) can answer.
 */
const seek = (label: 'Artifact' | 'Execution') => `MATCH (n:${label}) WHERE n.deletedAt < $cutoff AND n.uid > $after
    AND ($workspace IS NULL OR n.workspace = $workspace) RETURN n
  UNION
  MATCH (n:${label}) WHERE n.workspace IN $deadWorkspaces AND n.uid > $after RETURN n`;

/** Workspaces deleted before the cutoff: everything in them is purgeable too. */
export const PURGEABLE_WORKSPACES = `
MATCH (w:Workspace) WHERE ${purgeableWorkspace}
RETURN collect(w.name) AS names`;

/**
 * The next artifact versions and executions to consider, in uid order after `$after`, each with
 * whether it must be kept: it is kept when a node that stays (a live one, or one deleted too
 * recently to purge) is downstream of it, directly or through other deleted nodes, so that the
 * provenance of what stays is never cut (the nearest such node, found breadth-first: SHORTEST 1
 * stops at the first). A dataset a model that stays was trained on counts as such a node too.
 */
/**
 * A purged node's change history goes with it: changes name their subject by uid, not by a
 * relationship (history.cypher.ts), so DETACH DELETE alone would leave them behind.
 */
const DELETE_CHANGES = (v: string) => `CALL (${v}) {
  MATCH (change:Change {subjectUid: ${v}.uid})
  DELETE change
}`;

/**
 * Whether an artifact is the training dataset of a model that stays. A model names its dataset by
 * the indexed `trainingDatasetUid` property, not by an edge, so the walk above ends at such a
 * dataset as it ends at a node that stays: the dataset is kept, and what it was made from with it.
 */
const namedAsTrainingData = (v: string) =>
  `(${v}:Artifact AND EXISTS { MATCH (t:Artifact {trainingDatasetUid: ${v}.uid}) WHERE NOT ${purgeable('t')} })`;

export const PURGE_CANDIDATES = `
CALL () {
  ${seek('Artifact')}
  UNION
  ${seek('Execution')}
}
WITH n ORDER BY n.uid LIMIT $limit
RETURN n.uid AS uid, n:Artifact AS isArtifact, n.workspace AS workspace, n.key AS key,
  EXISTS {
    MATCH SHORTEST 1 (n)-[:INPUT|OUTPUT]->{0,}(m WHERE NOT ${purgeable('m')} OR ${namedAsTrainingData('m')})
  } AS keep`;

/**
 * Removes artifact versions (their tags and HAS_BODY links with them). Answers the keys that lost
 * versions and the bodies they held (with any open multipart upload id), for MARK_UNHELD_BODIES.
 */
export const PURGE_ARTIFACTS = `
UNWIND $uids AS uid
MATCH (a:Artifact {uid: uid})
OPTIONAL MATCH (a)-[r:HAS_BODY]->(b:Body)
WITH a, collect(CASE WHEN b IS NULL THEN null ELSE {store: b.store, key: b.key, uploadId: r.uploadId} END) AS bodies
WITH a, bodies, a.workspace AS workspace, a.key AS key
${DELETE_CHANGES('a')}
DETACH DELETE a
RETURN workspace, key, bodies`;

/**
 * Marks the bodies no artifact holds any more for collection (`gcAt`), a separate statement so it
 * sees every removal of the batch. Marked bodies are unverified, so no upload reuses them while
 * they wait; an upload that links one anyway clears the mark (BODIES_TO_COLLECT).
 */
export const MARK_UNHELD_BODIES = `
UNWIND $bodies AS l
MATCH (b:Body {store: l.store, key: l.key})
WHERE NOT EXISTS { (b)<-[:HAS_BODY]-(:Artifact) }
SET b.gcAt = coalesce(b.gcAt, $now), b.verified = false,
    b.gcUploadIds = coalesce(b.gcUploadIds, []) + CASE WHEN l.uploadId IS NULL THEN [] ELSE [l.uploadId] END
RETURN count(DISTINCT b) AS marked`;

export const PURGE_EXECUTIONS = `
UNWIND $uids AS uid
MATCH (e:Execution {uid: uid})
${DELETE_CHANGES('e')}
DETACH DELETE e`;

/**
 * Runs to remove: purgeable, with nothing left that names them (no execution, no child run, no
 * artifact version logged by them): a kept execution keeps its run, and so on up.
 */
export const PURGEABLE_RUNS = `
MATCH (r:Run) WHERE ${purgeable('r')} AND r.uid > $after
  AND NOT EXISTS { (:Execution {runUid: r.uid}) }
  AND NOT EXISTS { (:Run)-[:CHILD_OF]->(r) }
  AND NOT EXISTS { (:Artifact {workspace: r.workspace, runUid: r.uid}) }
WITH r ORDER BY r.uid LIMIT $limit
RETURN collect(r.uid) AS uids`;

/** Runs purgeable but kept (something still names them), for the report. */
export const KEPT_RUNS = `
MATCH (r:Run) WHERE ${purgeable('r')}
RETURN count(r) AS kept`;

/** A run and its metric history; answers how many metric chunks went. */
export const PURGE_RUNS = `
UNWIND $uids AS uid
MATCH (r:Run {uid: uid})
CALL (r) {
  OPTIONAL MATCH (c:MetricChunk {runUid: r.uid})
  DETACH DELETE c
  RETURN count(c) AS chunks
}
${DELETE_CHANGES('r')}
DETACH DELETE r
RETURN sum(chunks) AS chunks`;

/** Artifact keys left with no version. */
export const PURGE_EMPTY_KEYS = `
UNWIND $keys AS k
MATCH (key:ArtifactKey {workspace: k.workspace, key: k.key})
WHERE NOT EXISTS { (:Artifact)-[:VERSION_OF]->(key) }
DETACH DELETE key
RETURN count(*) AS removed`;

/**
 * Deleted workspaces left empty: no run, artifact, execution or key names them any more. Their API
 * tokens and grants go with them: they name the workspace by name, and a workspace created later
 * under the same name must not inherit who could act in the old one.
 */
export const PURGE_EMPTY_WORKSPACES = `
MATCH (w:Workspace) WHERE ${purgeableWorkspace}
  AND NOT EXISTS { (:Run {workspace: w.name}) }
  AND NOT EXISTS { (:Artifact {workspace: w.name}) }
  AND NOT EXISTS { (:Execution {workspace: w.name}) }
  AND NOT EXISTS { (:ArtifactKey {workspace: w.name}) }
WITH w LIMIT $limit
CALL (w) {
  MATCH (t:ApiToken {workspace: w.name})
  DELETE t
}
CALL (w) {
  MATCH (g:Grant {workspace: w.name})
  DELETE g
}
DETACH DELETE w
RETURN count(*) AS removed`;

/** Deleted workspaces that still hold something (kept), for the report. */
export const KEPT_WORKSPACES = `
MATCH (w:Workspace) WHERE ${purgeableWorkspace}
RETURN count(w) AS kept`;

/** Keys of a purgeable workspace whose versions are all gone (a workspace purge leaves none behind). */
export const EMPTY_KEYS_OF = `
MATCH (key:ArtifactKey) WHERE key.workspace IN $deadWorkspaces
  AND NOT EXISTS { (:Artifact)-[:VERSION_OF]->(key) }
WITH key LIMIT $limit
RETURN collect({workspace: key.workspace, key: key.key}) AS keys`;

// ---------------------------------------------------------------------------------------------
// Body garbage collection (services/bodies/gc.ts): mark, delete the object, then forget the node.

/** Bodies of this store marked for collection that nothing took up again, oldest first. */
export const BODIES_TO_COLLECT = `
MATCH (b:Body {store: $store}) WHERE b.gcAt IS NOT NULL
WITH b ORDER BY b.gcAt LIMIT $limit
OPTIONAL MATCH (b)<-[r:HAS_BODY]-(:Artifact)
WITH b, count(r) AS holders
CALL (b, holders) {
  WITH b WHERE holders > 0
  REMOVE b.gcAt
}
RETURN b.key AS key, holders = 0 AS collect, coalesce(b.gcUploadIds, []) AS uploadIds`;

/** Forgets collected bodies whose objects are gone, unless an artifact took them up meanwhile. */
export const FORGET_BODIES = `
UNWIND $keys AS key
MATCH (b:Body {store: $store, key: key})
WHERE b.gcAt IS NOT NULL AND NOT EXISTS { (b)<-[:HAS_BODY]-(:Artifact) }
DETACH DELETE b
RETURN count(*) AS removed`;
