import { RUN_COLUMNS } from './run.cypher';

/**
 * Metric history: one (:MetricChunk) per metric key per logging call, holding that call's points
 * as parallel lists sorted by step. Thousands of points cost one node, not thousands.
 */

/**
 * Writes all of one call's chunks in one statement, only while the run is RUNNING. The run's
 * lock orders this against a concurrent finish: no point lands after the run has ended.
 */
export const LOG_METRICS = `
MATCH (r:Run {uid: $runUid})
SET r._lock = true REMOVE r._lock
WITH r, r.state AS before
CALL (r, before) {
  WITH r WHERE before = 'RUNNING'
  UNWIND $chunks AS c
  CREATE (:MetricChunk {uid: c.uid, runUid: r.uid, key: c.key, firstStep: c.firstStep, lastStep: c.lastStep,
    count: c.count, steps: c.steps, values: c.values, times: c.times})-[:OF_RUN]->(r)
}
RETURN before, ${RUN_COLUMNS}`;

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
 * Each metric's latest value per run: the value at the highest step (chunks keep their points
 * sorted by step, so it is the last value of the chunk reaching furthest; the newer chunk on a tie).
 */
export const LATEST_METRICS = `
UNWIND $runUids AS runUid
MATCH (c:MetricChunk {runUid: runUid})
WHERE c.key IS NOT NULL
WITH runUid, c.key AS key, c
ORDER BY c.lastStep DESC, c.uid DESC
WITH runUid, key, head(collect(c)) AS last
RETURN runUid, key, last.values[-1] AS value`;
