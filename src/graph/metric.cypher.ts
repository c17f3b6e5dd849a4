import { liveRun } from './lifecycle.cypher';
import { RUN_COLUMNS } from './run.cypher';

/**
 * Metric history: one (:MetricChunk) per metric key per logging call, holding that call's points
 * as parallel lists sorted by step. Thousands of points cost one node, not thousands.
 */

/**
 * Writes all of one call's chunks in one statement, whatever the run's state: MLflow lets a
 * finished run take metrics (a late evaluation, a re-logged curve). Steps are Neo4j Integers.
 */
export const LOG_METRICS = `
MATCH (r:Run {uid: $runUid})
WHERE ${liveRun('r')}
CALL (r) {
  UNWIND $chunks AS c
  CREATE (:MetricChunk {uid: c.uid, runUid: r.uid, key: c.key, firstStep: c.firstStep, lastStep: c.lastStep,
    count: c.count, steps: c.steps, values: c.values, times: c.times})-[:OF_RUN]->(r)
}
RETURN ${RUN_COLUMNS}`;

/** The metric keys of many runs (the (runUid, key) index answers it without touching chunks). */
export const METRIC_KEYS = `
UNWIND $runUids AS runUid
MATCH (c:MetricChunk {runUid: runUid})
WHERE c.key IS NOT NULL
RETURN runUid, collect(DISTINCT c.key) AS keys`;

/** The chunks of many (run, key) series that overlap each one's step range, in step order. */
export const METRIC_CHUNKS = `
UNWIND $series AS s
MATCH (c:MetricChunk {runUid: s.runUid, key: s.key})
WHERE (s.fromStep IS NULL OR c.lastStep >= s.fromStep) AND (s.toStep IS NULL OR c.firstStep <= s.toStep)
RETURN s.index AS index, c.steps AS steps, c.values AS values, c.times AS times
ORDER BY index, c.firstStep, c.uid`;

/**
 * Each metric's latest point per run (of one key only when `$key` is given): the candidates at the
 * highest step. Chunks keep their points sorted by step, so those are the tails of the chunks
 * reaching furthest; a chunk's tail is scanned only when its last two points share that step,
 * else its last point is the one candidate. The repository picks the newest time among them
 * (then the later chunk, then the later point), so compareRuns, latestMetrics and
 * selectBestChild agree on one rule.
 */
export const LATEST_METRICS = `
UNWIND $runUids AS runUid
MATCH (c:MetricChunk {runUid: runUid})
WHERE c.key IS NOT NULL AND ($key IS NULL OR c.key = $key)
WITH runUid, c.key AS key, collect(c) AS chunks, max(c.lastStep) AS top
UNWIND chunks AS c
WITH runUid, key, top, c WHERE c.lastStep = top
WITH runUid, key, top, c ORDER BY c.uid
WITH runUid, key, top, collect(CASE WHEN size(c.steps) > 1 AND c.steps[-2] = top
  THEN [i IN range(0, size(c.steps) - 1) WHERE c.steps[i] = top | [c.values[i], c.times[i]]]
  ELSE [[c.values[-1], c.times[-1]]] END) AS tails
RETURN runUid, key, top AS step, reduce(acc = [], t IN tails | acc + t) AS candidates`;
