/**
 * Column lineage Cypher: one query per step of a walk. `$frontier` holds the [artifact uid,
 * column] pairs reached at the last step; each row is one COLUMN_FROM relationship leading on
 * from one of them. The artifact is found by its uid (unique), and its COLUMN_FROM relationships
 * are filtered by the column, so a step costs the frontier's degree, not the graph's size. Rows
 * are ordered before the LIMIT so a capped step keeps the same rows every time.
 *
 * Parameters: frontier ([uid, column] pairs), readable (workspace names, or null: all), limit.
 */

const STEP_RETURN = `
WITH f, r, b, other ORDER BY f[0], f[1], b.uid, other
LIMIT $limit
RETURN f[0] AS knownUid, f[1] AS knownColumn, b.uid AS otherUid, other AS otherColumn,
  r.transformations AS transformations, b.kind AS otherKind,
  ($readable IS NULL OR b.workspace IN $readable) AS otherReadable`;

/** Where each frontier column came from: out = the frontier's artifact, `other` = in's field. */
export const COLUMN_STEP_UPSTREAM = `
UNWIND $frontier AS f
MATCH (a:Artifact {uid: f[0]})-[r:COLUMN_FROM]->(b:Artifact)
WHERE r.column = f[1]
WITH f, r, b, r.field AS other
${STEP_RETURN}`;

/** What was computed from each frontier column: in = the frontier's artifact, `other` = out's column. */
export const COLUMN_STEP_DOWNSTREAM = `
UNWIND $frontier AS f
MATCH (a:Artifact {uid: f[0]})<-[r:COLUMN_FROM]-(b:Artifact)
WHERE r.field = f[1]
WITH f, r, b, r.column AS other
${STEP_RETURN}`;
