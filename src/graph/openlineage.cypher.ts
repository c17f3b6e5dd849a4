import { FEED_ENTRY } from './audit.cypher';

/**
 * OpenLineage ingest (src/services/openlineage/): one statement per event, parameters only. The
 * plan (`$p`, mapping.ts) decided everything that needs no graph; these statements decide the rest
 * under locks, so that any arrival order of a run's events, and any repeat, ends in the same graph.
 *
 * Locks, always in this order: the run (only when the event moves its start or ends it), the
 * execution (every event of a run: its events serialise on it), then dataset keys in key order
 * (only to make a version). Reads of a locked node see every commit before the lock.
 */

/**
 * A statement as sent: runs of white space made one space. The run-event statement goes with every
 * event, and neo4j-driver flushes its socket every 1,400 bytes (bench/results/issue16-ingest.md).
 */
const compact = (cypher: string) => cypher.replace(/\s+/g, ' ').trim();

/** The workspace: made on first use when the caller may create workspaces, else it must exist. */
export const WORKSPACE_MAY_CREATE = `
MERGE (w:Workspace {name: $p.workspace})
ON CREATE SET w.createdAt = $now, w.updatedAt = $now, w.description = null, w[$namespaceLabel] = $p.namespace,
  w.olCreatedBy = $token
WITH w, w.olCreatedBy = $token AS workspaceCreated
REMOVE w.olCreatedBy`;

export const WORKSPACE_MUST_EXIST = `
MATCH (w:Workspace {name: $p.workspace})
WITH w, false AS workspaceCreated`;

/**
 * A state change that stands whatever the arrival order, for `$n` (a run or an execution) already
 * locked: a terminal event's state replaces a non-terminal one, or an earlier terminal one (a
 * later eventTime, or at the same time a higher rank); a non-terminal event never replaces any.
 */
const takesState = (n: string) =>
  `($p.terminal AND (${n}.olStateAt IS NULL OR $p.eventTime > ${n}.olStateAt
    OR ($p.eventTime = ${n}.olStateAt AND $p.stateRank > ${n}.olStateRank)))`;

/**
 * Sets `$n`'s start from the event, and (when `takes`, from takesState) its end: `ended` is the
 * plan's map of state, finishedAt, olStateAt and olStateRank (and a run's error). Under its lock.
 */
const applyState = (n: string, takes: string, ended: string) => `
SET ${n}.startedAt = CASE WHEN $p.eventTime < ${n}.startedAt THEN $p.eventTime ELSE ${n}.startedAt END,
  ${n} += CASE WHEN ${takes} THEN ${ended} ELSE {} END`;

/**
 * Keeps each facet from the latest eventTime that sent it (at the same time, the greater JSON
 * text), so facets end the same whatever the order. The list is chosen before any is set.
 */
export const keepFacets = (n: string, list: string) => `
FOREACH (f IN [f IN ${list} WHERE ${n}[f.atProp] IS NULL OR $p.eventTime > ${n}[f.atProp]
    OR ($p.eventTime = ${n}[f.atProp] AND f.json > ${n}[f.prop])] |
  SET ${n}[f.prop] = f.json, ${n}[f.atProp] = $p.eventTime)`;

/**
 * The Skein run (keyed by the OpenLineage runId it stands for: the parent's, or the run's own) and
 * the execution (keyed by the run's runId), made on first sight. The run's start is the earliest
 * eventTime of any of its executions' events; its state follows only its own events. It has no
 * `searchName`: the run-name text index costs ~6 ms of Neo4j CPU a run (measured), more than all
 * the rest of an event, so OpenLineage runs are not matched by `nameContains`.
 */
const RUN_AND_EXECUTION = `
WITH w, workspaceCreated WHERE w.deletedAt IS NULL
MERGE (r:Run {olRunId: $p.run.key})
ON CREATE SET r.uid = $p.run.uid, r.workspace = w.name, r.name = $p.run.name,
  r.state = 'RUNNING', r.startedAt = $p.eventTime, r.iteration = 0, r.createdAt = $now, r.description = null,
  r.olNamespace = $p.run.namespace, r.olJob = $p.run.name
WITH w, workspaceCreated, r, r.uid = $p.run.uid AS runCreated
FOREACH (_ IN CASE WHEN runCreated THEN [1] ELSE [] END | CREATE (r)-[:IN_WORKSPACE]->(w))
WITH w, workspaceCreated, r
CALL (r) {
  WITH r WHERE NOT r.uid = $p.run.uid AND ($p.eventTime < r.startedAt OR ($p.run.own AND $p.terminal))
  SET r._lock = true
  WITH r, $p.run.own AND ${takesState('r')} AS takes
  ${applyState('r', 'takes', '$p.runEnded')}
  REMOVE r._lock
}
CALL (r) {
  WITH r WHERE r.uid = $p.run.uid AND $p.run.own AND $p.terminal
  SET r += $p.runEnded
}
MERGE (e:Execution {olRunId: $p.runId})
ON CREATE SET e.uid = $p.executionUid, e.workspace = w.name, e.runUid = r.uid, e.name = $p.jobName, e.kind = 'JOB',
  e.state = 'RUNNING', e.startedAt = $p.eventTime, e.createdAt = $now, e.olNamespace = $p.namespace, e.olJob = $p.jobName
SET e._lock = true
WITH w, workspaceCreated, r, e
FOREACH (_ IN CASE WHEN e.uid = $p.executionUid THEN [1] ELSE [] END | CREATE (e)-[:IN_RUN]->(r))
WITH w, workspaceCreated, r, e, ${takesState('e')} AS takes
${applyState('e', 'takes', '$p.ended')}
WITH w, workspaceCreated, r, e
${keepFacets('e', '$p.facets')}
WITH w, workspaceCreated, r, e`;

/**
 * The dataset's key in the workspace (`k`), found by its OpenLineage namespace and name (unique
 * per workspace, migration 0012); else the key the plan derived, made on first sight, or, when
 * Skein's own artifacts already use that key, adopted (so OpenLineage's lineage meets theirs).
 * Concurrent first sights MERGE onto one key (its (workspace, key) constraint).
 */
const DATASET_KEY = (d: string) => `
CALL (w, ${d}) {
  OPTIONAL MATCH (found:ArtifactKey {workspace: w.name, olNamespace: ${d}.namespace, olName: ${d}.name})
  CALL (w, ${d}, found) {
    WITH found WHERE found IS NOT NULL
    RETURN found AS k
    UNION
    WITH w, ${d}, found WHERE found IS NULL
    MERGE (k:ArtifactKey {workspace: w.name, key: ${d}.key})
    ON CREATE SET k.olNamespace = ${d}.namespace, k.olName = ${d}.name, k.lastVersion = 0, k.createdAt = $now
    FOREACH (_ IN CASE WHEN k.olNamespace IS NULL THEN [1] ELSE [] END |
      SET k.olNamespace = ${d}.namespace, k.olName = ${d}.name)
    WITH k
    RETURN k
  }
  RETURN k
}`;

/** A new AVAILABLE DATASET version of `k` (no body) from plan dataset `d`, as `a`; `extra`: more SETs. */
const NEW_VERSION = (d: string, extra: string) => `
SET k.lastVersion = k.lastVersion + 1
SET k.latestVersion = k.lastVersion
CREATE (a:Artifact {uid: ${d}.uid, workspace: k.workspace, key: k.key, version: k.lastVersion, kind: 'DATASET',
  state: 'AVAILABLE', location: null, digest: null, size: null, contentType: null, createdAt: $now, spec: ${d}.spec,
  olNamespace: ${d}.namespace, olName: ${d}.name})-[:VERSION_OF]->(k)
SET ${extra}`;

/**
 * Each input: the version current at the eventTime (the newest made at or before it by an event,
 * or created before it in Skein; a placeholder counts as older than all), else a placeholder
 * version made now (no producer), made once under the key's lock. One INPUT per (execution,
 * dataset): the earliest eventTime's wins, and the column lineage of the execution's outputs moves
 * with it.
 */
const INPUTS = `
CALL (w, e) {
  UNWIND $p.inputs AS d
  ${DATASET_KEY('d')}
  WITH e, d, k
  CALL (k) {
    OPTIONAL MATCH (k)<-[:VERSION_OF]-(v:Artifact {state: 'AVAILABLE'})
    WHERE v.olPlaceholder OR coalesce(v.olEventTime, v.createdAt) <= $p.eventTime
    RETURN v
    ORDER BY CASE WHEN v.olPlaceholder THEN '' ELSE coalesce(v.olEventTime, v.createdAt) END DESC, v.version DESC
    LIMIT 1
  }
  CALL (k, d, v) {
    WITH k, d, v WHERE v IS NULL
    SET k._lock = true
    WITH k, d
    OPTIONAL MATCH (k)<-[:VERSION_OF]-(held:Artifact {olPlaceholder: true})
    CALL (k, d, held) {
      WITH k, d, held WHERE held IS NULL
      ${NEW_VERSION('d', 'a.olPlaceholder = true')}
      RETURN a AS made, a.uid AS madeUid
      UNION
      WITH held WHERE held IS NOT NULL
      RETURN held AS made, null AS madeUid
    }
    REMOVE k._lock
    RETURN made, madeUid
    UNION
    WITH v WHERE v IS NOT NULL
    RETURN v AS made, null AS madeUid
  }
  WITH e, d, k, made AS target, madeUid
  OPTIONAL MATCH (old:Artifact)-[prior:INPUT]->(e) WHERE old.workspace = k.workspace AND old.key = k.key
  CALL (e, d, target, prior) {
    WITH e, d, target, prior WHERE prior IS NULL
    CREATE (target)-[:INPUT {at: $p.eventTime, path: null, olFacets: d.facets}]->(e)
  }
  CALL (e, d, target, old, prior) {
    WITH e, d, target, old, prior WHERE prior IS NOT NULL AND $p.eventTime < prior.at
    DELETE prior
    CREATE (target)-[:INPUT {at: $p.eventTime, path: null, olFacets: d.facets}]->(e)
    WITH e, target, old WHERE old <> target
    MATCH (e)-[:OUTPUT]->(out:Artifact)-[c:COLUMN_FROM]->(old)
    MERGE (out)-[moved:COLUMN_FROM {column: c.column, field: c.field}]->(target)
    SET moved.transformations = c.transformations
    DELETE c
  }
  RETURN collect(madeUid) AS inputVersions
}`;

/**
 * Each output of a COMPLETE: the one version the execution made of it, made now if it has none
 * yet (the execution's lock makes that check and the make one step), with the output's facets
 * and the column lineage from its columnLineage facet to the versions the execution read.
 */
const OUTPUTS = `
CALL (w, r, e) {
  UNWIND $p.outputs AS d
  ${DATASET_KEY('d')}
  WITH r, e, d, k
  OPTIONAL MATCH (e)-[:OUTPUT]->(had:Artifact) WHERE had.workspace = k.workspace AND had.key = k.key
  CALL (r, e, d, k, had) {
    WITH r, e, d, k, had WHERE had IS NULL
    ${NEW_VERSION('d', 'a.olEventTime = $p.eventTime, a.producerUid = e.uid, a.runUid = r.uid')}
    CREATE (e)-[:OUTPUT {at: $p.eventTime, path: null}]->(a)
    FOREACH (f IN d.facets | SET a[f.prop] = f.json, a[f.atProp] = $p.eventTime)
    WITH a
    RETURN a AS out, a.uid AS madeUid
    UNION
    WITH had WHERE had IS NOT NULL
    RETURN had AS out, null AS madeUid
  }
  CALL (e, d, out) {
    UNWIND d.columns AS c
    MATCH (source:Artifact)-[:INPUT]->(e) WHERE source.olNamespace = c.namespace AND source.olName = c.name
    MERGE (out)-[cf:COLUMN_FROM {column: c.column, field: c.field}]->(source)
    SET cf.transformations = c.transformations
  }
  RETURN collect(madeUid) AS outputVersions
}`;

/** A RunEvent, after the workspace clause: one row, or none when the workspace is missing or deleted. */
export const INGEST_RUN_EVENT = compact(`
${RUN_AND_EXECUTION}
${INPUTS}
${OUTPUTS}
REMOVE e._lock
RETURN workspaceCreated, r.uid AS runUid, e.uid AS executionUid, e.state AS state,
  inputVersions + outputVersions AS versionsCreated`);

/**
 * The single-event text made a per-row one, for `UNWIND $events AS ev CALL (ev) {…}`: the plan
 * `$p` becomes the row's variable `p`, which every subquery imports and every WITH carries. So the
 * grouped statement is generated from the very text INGEST_RUN_EVENT sends (one source), and each
 * row's subquery runs to completion before the next row starts: a later event of a run sees the
 * writes of an earlier one in the same group, exactly as in a transaction of its own.
 */
export const perRow = (cypher: string) =>
  compact(cypher)
    .replace(/\$p\b/g, 'p')
    .replace(/\bCALL \(\)/g, 'CALL (p)')
    .replace(/\bCALL \((?!p\))/g, 'CALL (p, ')
    .replace(/\bWITH (?!\*)/g, 'WITH p, ');

/**
 * RunEvents in one statement (`$events`: {i, p, audit} each, in order; p with `mayCreate`), the
 * per-event statement once per row, then each event's `openLineage` audit entry numbered in its
 * workspace's change feed (audit.cypher.ts FEED_ENTRY), after all the work, in event order, so
 * the feed's lock is taken last as for a single event. A row whose workspace is missing or
 * deleted answers nothing; with `$whole` the statement then fails (a division by zero: Cypher's
 * one way to raise), so that, sent as its own auto-commit transaction, it rolls back whole. Each
 * entry in a subquery of its own: in one plain UNWIND, the planner made every row's counter
 * increment before any row read it back (four entries all got seq 4; test "numbers each event").
 */
export const INGEST_RUN_EVENTS = compact(`
UNWIND $events AS ev
CALL (ev) {
  WITH ev.p AS p
  CALL (p) {
    ${perRow(`WITH $p WHERE $p.mayCreate ${WORKSPACE_MAY_CREATE}`).replace('WITH p, p WHERE', 'WITH p WHERE')}
    RETURN w, workspaceCreated
    UNION
    ${perRow(`WITH $p WHERE NOT $p.mayCreate ${WORKSPACE_MUST_EXIST}`).replace('WITH p, p WHERE', 'WITH p WHERE')}
    RETURN w, workspaceCreated
  }
  ${perRow(INGEST_RUN_EVENT)}
}
WITH collect(ev {.i, .audit, workspaceCreated, runUid, executionUid, state, versionsCreated}) AS done
WITH done WHERE CASE WHEN size(done) < size($events) AND $whole THEN size(done) / 0 = 0 ELSE true END
CALL (done) { UNWIND [d IN done WHERE d.audit IS NOT NULL] AS d CALL (d) { ${FEED_ENTRY('d.audit')} } }
UNWIND done AS d
RETURN d.i AS i, d.workspaceCreated AS workspaceCreated, d.runUid AS runUid, d.executionUid AS executionUid,
  d.state AS state, d.versionsCreated AS versionsCreated`);

/**
 * A DatasetEvent in each workspace of `$workspaces` (workspaces that exist): its facets on the
 * dataset's current version (the newest live one; a placeholder version made when it has none),
 * and the typed fields they fill (`$spec`, null when the event has no schema or quality facet).
 */
export const INGEST_DATASET_EVENT = `
UNWIND $workspaces AS ws
MATCH (w:Workspace {name: ws.name}) WHERE w.deletedAt IS NULL
WITH w, ws, $d AS base
WITH w, base {.*, uid: ws.uid} AS d
${DATASET_KEY('d')}
SET k._lock = true
WITH k, d
CALL (k) {
  OPTIONAL MATCH (k)<-[:VERSION_OF]-(v:Artifact {state: 'AVAILABLE'}) WHERE v.deletedAt IS NULL
  RETURN v ORDER BY v.version DESC LIMIT 1
}
CALL (k, d, v) {
  WITH k, d, v WHERE v IS NULL
  ${NEW_VERSION('d', 'a.olPlaceholder = true')}
  RETURN a AS current, a.uid AS madeUid
  UNION
  WITH v WHERE v IS NOT NULL
  RETURN v AS current, null AS madeUid
}
WITH k, d, current AS a, madeUid
${keepFacets('a', 'd.facets')}
SET a.spec = coalesce($spec, a.spec)
REMOVE k._lock
RETURN k.workspace AS workspace, a.uid AS uid, madeUid`;

/** Workspaces holding a dataset (by its OpenLineage namespace and name). */
export const DATASET_WORKSPACES = `
MATCH (k:ArtifactKey {olNamespace: $namespace, olName: $name})
RETURN k.workspace AS workspace ORDER BY workspace LIMIT 1000`;

/**
 * A JobEvent: the job (one per workspace and name) with its facets and the datasets it declares
 * (JSON lists of {namespace, name, key}), each kept from the latest eventTime that sent them.
 */
export const INGEST_JOB_EVENT = `
WITH w, workspaceCreated WHERE w.deletedAt IS NULL
MERGE (j:OpenLineageJob {workspace: w.name, name: $p.name})
ON CREATE SET j.namespace = $p.namespace, j.createdAt = $now
SET j._lock = true
WITH w, workspaceCreated, j
${keepFacets('j', '$p.facets')}
WITH w, workspaceCreated, j
CALL (j) {
  WITH j WHERE j.olDeclaredAt IS NULL OR $p.eventTime > j.olDeclaredAt
    OR ($p.eventTime = j.olDeclaredAt AND $p.declared > j.olDeclared)
  SET j.olDeclared = $p.declared, j.olDeclaredAt = $p.eventTime
}
REMOVE j._lock
RETURN workspaceCreated`;
