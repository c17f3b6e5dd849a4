import type { Tx } from './executor';
import * as Q from './metric.cypher';
import { parseRun, type GuardedWrite } from './run.repository';
import type { MetricPointRecord, MetricSeriesSpec, SeriesRequest } from '../domain/metric';
import type { RunState } from '../domain/run';
import { newUid } from '../domain/uid';

/** One (:MetricChunk) as LOG_METRICS creates it: one series' points as parallel lists sorted by step. */
interface MetricChunk {
  uid: string;
  key: string;
  firstStep: number;
  lastStep: number;
  count: number;
  steps: number[];
  values: number[];
  times: string[];
}

interface ChunkRow {
  index: number;
  steps: number[];
  values: number[];
  times: string[];
}

export const metricRepository = {
  /**
   * Stores each series as one chunk. Null when the run does not exist; otherwise whether it was
   * RUNNING (and so took the points).
   */
  async log(tx: Tx, runUid: string, series: readonly MetricSeriesSpec[]): Promise<GuardedWrite | null> {
    const chunks = series.map(toChunk);
    const rows = await tx.run<{
      before: RunState;
      run: Record<string, unknown>;
      bestChildUid: string | null;
      isBest: boolean;
    }>(Q.LOG_METRICS, { runUid, chunks });
    const row = rows[0];
    return row ? { before: row.before, applied: row.before === 'RUNNING', run: parseRun(row) } : null;
  },

  /** Each run's metric keys, sorted, in the order asked. */
  async keysOfMany(tx: Tx, runUids: readonly string[]): Promise<string[][]> {
    const rows = await tx.run<{ runUid: string; keys: string[] }>(Q.METRIC_KEYS, { runUids });
    const byRun = new Map(rows.map((r) => [r.runUid, [...r.keys].sort()]));
    return runUids.map((uid) => byRun.get(uid) ?? []);
  },

  /** Each series' points in step order (points at the same step keep the order they were logged in). */
  async seriesOfMany(tx: Tx, requests: readonly SeriesRequest[]): Promise<MetricPointRecord[][]> {
    const series = requests.map((r, index) => ({ ...r, index }));
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

  /** The latest value of every metric of each run, in the order asked. */
  async latestOfMany(tx: Tx, runUids: readonly string[]): Promise<Array<Record<string, number>>> {
    const rows = await tx.run<{ runUid: string; key: string; value: number }>(Q.LATEST_METRICS, { runUids });
    const byRun = new Map<string, Record<string, number>>();
    for (const row of rows) {
      const values = byRun.get(row.runUid) ?? {};
      values[row.key] = row.value;
      byRun.set(row.runUid, values);
    }
    return runUids.map((uid) => byRun.get(uid) ?? {});
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
    firstStep: sorted[0]!.step,
    lastStep: sorted.at(-1)!.step,
    count: sorted.length,
    steps: sorted.map((p) => p.step),
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
