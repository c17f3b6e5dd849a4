export const CREATE_EXECUTION = `
MATCH (r:Run {uid: $runUid})
CREATE (e:Execution {
  uid: $uid, workspace: r.workspace, runUid: r.uid, name: $name, kind: $kind, state: $state,
  startedAt: $startedAt, finishedAt: $finishedAt, codeVersion: $codeVersion, createdAt: $now,
  description: $description
})-[:IN_RUN]->(r)
SET e += $props
RETURN properties(e) AS e`;

export const GET_EXECUTIONS = `
UNWIND $uids AS uid
MATCH (e:Execution {uid: uid})
RETURN properties(e) AS e`;

/** Locks the execution before reading its state, so two finishers cannot both see RUNNING. */
export const FINISH_EXECUTION = `
MATCH (e:Execution {uid: $uid})
SET e._lock = true
WITH e, e.state AS before
CALL (e, before) {
  WITH e WHERE before = 'RUNNING'
  SET e.state = $state, e.finishedAt = $finishedAt
  SET e += $props
}
REMOVE e._lock
RETURN before, properties(e) AS e`;

/** A page of each run's executions, oldest first, for many runs in one round trip. */
export const EXECUTIONS_OF_RUNS = `
UNWIND $runUids AS runUid
CALL (runUid) {
  MATCH (e:Execution {runUid: runUid})
  WHERE $after IS NULL OR e.uid > $after
  RETURN e ORDER BY e.uid LIMIT $limit
}
RETURN runUid, collect(properties(e)) AS executions`;

/** Events already linking these artifacts the other way (an artifact cannot be both input and output). */
export const OPPOSITE_EVENTS = `
MATCH (e:Execution {uid: $uid})
OPTIONAL MATCH (e)-[:OUTPUT]->(o:Artifact) WHERE o.uid IN $inputUids
OPTIONAL MATCH (i:Artifact)-[:INPUT]->(e) WHERE i.uid IN $outputUids
RETURN collect(DISTINCT o.uid) + collect(DISTINCT i.uid) AS clashes`;

export const ADD_INPUTS = `
MATCH (e:Execution {uid: $uid})
UNWIND $events AS ev
MATCH (a:Artifact {uid: ev.artifactUid})
MERGE (a)-[i:INPUT]->(e)
ON CREATE SET i.at = ev.at, i.path = ev.path
RETURN count(i) AS n`;

/** Outputs also stamp the producer; an artifact written by another execution is refused by the service. */
export const ADD_OUTPUTS = `
MATCH (e:Execution {uid: $uid})
UNWIND $events AS ev
MATCH (a:Artifact {uid: ev.artifactUid})
MERGE (e)-[o:OUTPUT]->(a)
ON CREATE SET o.at = ev.at, o.path = ev.path
SET a.producerUid = e.uid, a.runUid = coalesce(a.runUid, e.runUid)
RETURN count(o) AS n`;

export const PRODUCERS_OF = `
MATCH (a:Artifact) WHERE a.uid IN $artifactUids AND a.producerUid IS NOT NULL AND a.producerUid <> $uid
RETURN a.uid AS uid, a.producerUid AS producerUid`;

/**
 * A page of each execution's events (inputs, outputs or both) in time order, with the artifact,
 * for many executions in one round trip. The cursor is (at, type, artifact uid). `$readable`
 * (null: all) leaves out artifacts in workspaces the caller may not read.
 */
export const EVENTS_OF_EXECUTIONS = `
UNWIND $uids AS uid
CALL (uid) {
  MATCH (e:Execution {uid: uid})
  CALL (e) {
    MATCH (a:Artifact)-[ev:INPUT]->(e) WHERE 'INPUT' IN $types
    RETURN 'INPUT' AS type, ev, a
    UNION ALL
    MATCH (e)-[ev:OUTPUT]->(a:Artifact) WHERE 'OUTPUT' IN $types
    RETURN 'OUTPUT' AS type, ev, a
  }
  WITH type, ev, a
  WHERE ($after IS NULL OR [ev.at, type, a.uid] > $after)
    AND ($readable IS NULL OR a.workspace IN $readable)
  RETURN {type: type, at: ev.at, path: ev.path, artifact: properties(a)} AS event
  ORDER BY ev.at, type, a.uid
  LIMIT $limit
}
RETURN uid, collect(event) AS events`;

/** The latest-dated output of an execution (event time check at finish; issue 14). */
export const LATEST_OUTPUT_EVENT = `
MATCH (e:Execution {uid: $uid})-[o:OUTPUT]->(a:Artifact)
RETURN o.at AS at, a.workspace AS workspace, a.key AS key, a.uid AS uid
ORDER BY o.at DESC
LIMIT 1`;
