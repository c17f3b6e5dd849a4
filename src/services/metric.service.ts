import { badInput, notFound, quoted } from '../errors';
import { metricRepository as repo } from '../graph/metric.repository';
import { refuseDeleted } from './lifecycle-guard';
import { runUidOf } from './run.service';
import { nowIso } from './validate';
import type {
  LatestMetricRecord,
  MetricPointRecord,
  MetricPointSpec,
  MetricSeriesSpec,
  SeriesRequest,
} from '../domain/metric';
import { type RunRecord } from '../domain/run';
import type { ServiceDeps } from './deps';
import { Ownership } from './ownership';

export const METRIC_LIMITS = { pointsPerCall: 1000, keyLength: 128 } as const;

/** Same shape as map keys elsewhere ("loss", "val/accuracy", "train.f1"). */
const METRIC_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/;

export class MetricService {
  private readonly ownership: Ownership;

  constructor(private readonly deps: ServiceDeps) {
    this.ownership = new Ownership(deps);
  }

  /**
   * Appends points to a run's metric histories: one series per key, one statement. A finished run
   * takes them too, as MLflow allows (a late evaluation, a curve logged after the fact).
   */
  async log(runId: string, points: readonly MetricPointSpec[]): Promise<RunRecord> {
    const uid = runUidOf(runId, 'run');
    const series = toSeries(points, nowIso());
    // The run's workspace is remembered after the first call (none is looked up for an admin).
    await this.ownership.require('write', 'Run', uid, runId);
    // One statement; it skips a deleted run (or workspace), which a read then explains.
    const run = await this.deps.graph.write(
      async (tx) => {
        const logged = await repo.log(tx, uid, series);
        if (logged) this.ownership.named('Run', logged, runId);
        return logged;
      },
      { oneStatement: true },
    );
    if (run) return run;
    await this.deps.graph.read((tx) => refuseDeleted(tx, { runUid: uid }));
    throw notFound('Run', runId);
  }

  /** Each run's latest point of every metric, sorted by key (a DataLoader batch). */
  latestOfMany(runUids: readonly string[]): Promise<LatestMetricRecord[][]> {
    return this.deps.graph.read((tx) => repo.latestOfMany(tx, runUids));
  }

  /** Each run's metric keys, sorted (a DataLoader batch). */
  keysOfMany(runUids: readonly string[]): Promise<string[][]> {
    return this.deps.graph.read((tx) => repo.keysOfMany(tx, runUids));
  }

  /** Each requested series' points in step order (a DataLoader batch). */
  seriesOfMany(requests: readonly SeriesRequest[]): Promise<MetricPointRecord[][]> {
    return this.deps.graph.read((tx) => repo.seriesOfMany(tx, requests));
  }
}

/** Validates a call's points and groups them by key, each group in logging order. */
function toSeries(points: readonly MetricPointSpec[], now: string): MetricSeriesSpec[] {
  if (points.length === 0 || points.length > METRIC_LIMITS.pointsPerCall) {
    throw badInput(
      `Log 1 to ${METRIC_LIMITS.pointsPerCall} metric points per call; got ${points.length}. Split larger batches.`,
      { field: 'points' },
    );
  }
  const byKey = new Map<string, MetricPointRecord[]>();
  points.forEach((p, i) => {
    checkPoint(p, `points[${i}]`);
    const list = byKey.get(p.key) ?? [];
    list.push({ step: p.step, value: p.value, time: p.time ?? now });
    byKey.set(p.key, list);
  });
  return [...byKey].map(([key, list]) => ({ key, points: list }));
}

function checkPoint(p: MetricPointSpec, field: string): void {
  if (p.key.length > METRIC_LIMITS.keyLength || !METRIC_KEY.test(p.key)) {
    throw badInput(
      `${field}: metric key ${quoted(p.key)} is not valid: use up to ${METRIC_LIMITS.keyLength} letters, digits, "_", ".", "-" or "/".`,
      { field: `${field}.key` },
    );
  }
  // NaN and ±Infinity are values MLflow stores; the MetricValue scalar has parsed them already.
  if (typeof p.value !== 'number') {
    throw badInput(`${field}: the value of ${quoted(p.key)} must be a number, "NaN", "Infinity" or "-Infinity".`, {
      field: `${field}.value`,
    });
  }
  if (!Number.isSafeInteger(p.step)) {
    throw badInput(`${field}: step must be a whole number within ±(2^53 − 1); got ${p.step}.`, {
      field: `${field}.step`,
    });
  }
}
