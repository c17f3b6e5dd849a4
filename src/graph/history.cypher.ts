/**
 * Changes after the fact (`(:Change)` nodes, see README.md) and the writes that make them. A
 * change names its subject by `subjectUid` (indexed with its own uid, migration 0005), not by a
 * relationship: reading a subject's history is one index range, newest first, and the record
 * outlives nothing it should not (a purge of the subject deletes its changes by that uid).
 * Labels in the query texts come from SUBJECT_LABELS only; user values travel as parameters.
 */

/** The nodes whose changes are recorded. */
export const SUBJECT_LABELS = ['Run', 'Execution', 'Artifact'] as const;
export type SubjectLabel = (typeof SUBJECT_LABELS)[number];

/**
 * Takes the subject's write lock (Neo4j's `SET … REMOVE` idiom, nothing stored) before the
 * service reads the values it will change: two concurrent edits take turns, so the old value each
 * one records is the value the other one left.
 */
export const lockSubject = (label: SubjectLabel) => `
MATCH (n:${label} {uid: $uid})
SET n._lock = true REMOVE n._lock
RETURN n.uid AS uid`;

/** Removes the properties in `$remove`, then sets those in `$set` (property names from props.ts). */
export const applyChanges = (label: SubjectLabel) => `
MATCH (n:${label} {uid: $uid})
FOREACH (k IN $remove | SET n[k] = null)
SET n += $set
RETURN n.uid AS uid`;

/** One node per changed entry; values are JSON text (absent when null). */
export const RECORD_CHANGES = `
UNWIND $changes AS c
CREATE (:Change {uid: c.uid, subjectUid: c.subjectUid, workspace: c.workspace, field: c.field, key: c.key,
  oldValue: c.oldValue, newValue: c.newValue, at: $at, by: $by})`;

/**
 * A page of each subject's changes, newest first (uid order is creation order), for many subjects
 * in one round trip. The cursor is the last change's uid.
 */
export const HISTORY_OF_SUBJECTS = `
UNWIND $uids AS subjectUid
CALL (subjectUid) {
  MATCH (c:Change {subjectUid: subjectUid})
  WHERE $after IS NULL OR c.uid < $after
  WITH c ORDER BY c.uid DESC LIMIT $limit
  RETURN collect(properties(c)) AS changes
}
RETURN subjectUid, changes`;

/**
 * Which version of the artifact's key holds a tag now. The key's lock (the one TAG_ARTIFACT takes,
 * held to the end of the transaction) makes the answer the one the tag move then acts on.
 */
export const TAG_HOLDER = `
MATCH (:Artifact {uid: $uid})-[:VERSION_OF]->(k:ArtifactKey)
SET k._lock = true REMOVE k._lock
WITH k
OPTIONAL MATCH (k)-[:TAG {name: $tag}]->(held:Artifact)
RETURN held.uid AS holderUid`;
