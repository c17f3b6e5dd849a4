import type { Integer } from 'neo4j-driver';
import { int, type Tx } from './executor';
import * as Q from './metric.cypher';
import { parseRun, type RunRow } from './run.repository';
import type { LatestMetricRecord, MetricPointRecord, MetricSeriesSpec, SeriesRequest } from '../domain/metric';
import type { RunRecord } from '../domain/run';
import { newUid } from '../domain/uid';

/**
 * One (:MetricChunk) as LOG_METRICS creates it: one series' points as parallel lists sorted by
 * step. Steps go as Neo4j Integers (MLflow's steps are 64-bit); values as floats, NaN and
 * ±Infinity included (Neo4j stores and returns them as they are).
 */
interface MetricChunk {
  uid: string;
  key: string;
  firstStep: Integer;
  lastStep: Integer;
  count: number;
  steps: Integer[];
  values: number[];
  times: string[];
}

interface LatestRow {
  runUid: string;
  key: string;
  step: number;
  /** [value, time] of each point at the highest step, chunks in creation order, points in step order. */
  candidates: Array<[number, string]>;
}

/** The newest of the points at the top step; on equal times the last one logged. */
function newestOf(candidates: Array<[number, string]>): { value: number; time: string } {
  let best = candidates[0]!;
  for (const c of candidates) if (c[1] >= best[1]) best = c;
  return { value: best[0], time: best[1] };
}

const intOrNull = (n: number | null) => (n === null ? null : int(n));

interface ChunkRow {
  index: number;
  steps: number[];
  values: number[];
  times: string[];
}

export const metricRepository = {
  /** Stores each series as one chunk, in any state of the run; null when the run does not exist. */
  async log(tx: Tx, runUid: string, series: readonly MetricSeriesSpec[]): Promise<RunRecord | null> {
    const rows = await tx.run<RunRow>(Q.LOG_METRICS, { runUid, chunks: series.map(toChunk) });
    return rows[0] ? parseRun(rows[0]) : null;
  },

  /** Each run's metric keys, sorted, in the order asked. */
  async keysOfMany(tx: Tx, runUids: readonly string[]): Promise<string[][]> {
    const rows = await tx.run<{ runUid: string; keys: string[] }>(Q.METRIC_KEYS, { runUids });
    const byRun = new Map(rows.map((r) => [r.runUid, [...r.keys].sort()]));
    return runUids.map((uid) => byRun.get(uid) ?? []);
  },

  /** Each series' points in step order (points at the same step keep the order they were logged in). */
  async seriesOfMany(tx: Tx, requests: readonly SeriesRequest[]): Promise<MetricPointRecord[][]> {
    const series = requests.map((r, index) => ({
      ...r,
      fromStep: intOrNull(r.fromStep),
      toStep: intOrNull(r.toStep),
      index,
    }));
    const rows = await tx.run<ChunkRow>(Q.METRIC_CHUNKS, { series });
    const points: MetricPointRecord[][] = requests.map(() => []);
    for (const row of rows) {
      const into = points[row.index]!;
      row.steps.forEach((step, i) => into.push({ step, value: row.values[i]!, time: row.times[i]! }));
    }
    // Chunks come in firstStep order but may overlap (a call that logged steps out of order);
    // a stable sort merges them and keeps same-step points in logging order.
    return points.map((list, i) =>
      clip(
        list.sort((a, b) => a.step - b.step),
        requests[i]!,
      ),
    );
  },

  /**
   * Each run's latest point of every metric (of `key` only, when given), sorted by key, in the
   * order asked: the highest step; at that step the newest time, then the last one logged.
   */
  async latestOfMany(tx: Tx, runUids: readonly string[], key: string | null = null): Promise<LatestMetricRecord[][]> {
    const rows = await tx.run<LatestRow>(Q.LATEST_METRICS, { runUids, key });
    const byRun = new Map<string, LatestMetricRecord[]>();
    for (const row of rows) {
      const list = byRun.get(row.runUid) ?? [];
      list.push({ key: row.key, step: row.step, ...newestOf(row.candidates) });
      byRun.set(row.runUid, list);
    }
    return runUids.map((uid) => (byRun.get(uid) ?? []).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  },
};

/**
 * Reads rely on the sort: the range query on firstStep/lastStep, the latest value as a chunk's
 * last. A stable sort keeps points of one step in the order they were logged.
 */
function toChunk({ key, points }: MetricSeriesSpec): MetricChunk {
  const sorted = [...points].sort((a, b) => a.step - b.step);
  return {
    uid: newUid(),
    key,
    firstStep: int(sorted[0]!.step),
    lastStep: int(sorted.at(-1)!.step),
    count: sorted.length,
    steps: sorted.map((p) => int(p.step)),
    values: sorted.map((p) => p.value),
    times: sorted.map((p) => p.time),
  };
}

/** Chunks that overlap the range may still hold points outside it. */
function clip(points: MetricPointRecord[], r: SeriesRequest): MetricPointRecord[] {
  if (r.fromStep === null && r.toStep === null) return points;
  return points.filter(
    (p) => (r.fromStep === null || p.step >= r.fromStep) && (r.toStep === null || p.step <= r.toStep),
  );
}
