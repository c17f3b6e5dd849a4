import { badInput, notFound, preconditionFailed, quoted } from '../errors';
import { metricRepository as repo } from '../graph/metric.repository';
import { refuseDeleted } from './lifecycle-guard';
import { runUidOf } from './run.service';
import { nowIso } from './validate';
import type { MetricPointRecord, MetricPointSpec, MetricSeriesSpec, SeriesRequest } from '../domain/metric';
import { type RunRecord } from '../domain/run';
import type { ServiceDeps } from './deps';

export const METRIC_LIMITS = { pointsPerCall: 1000, keyLength: 128 } as const;

/** Same shape as map keys elsewhere ("loss", "val/accuracy", "train.f1"). */
const METRIC_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]*$/;

export class MetricService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Appends points to a RUNNING run's metric histories: one series per key, one statement. */
  async log(runId: string, points: readonly MetricPointSpec[]): Promise<RunRecord> {
    const uid = runUidOf(runId, 'run');
    const series = toSeries(points, nowIso());
    const out = await this.deps.graph.write(async (tx) => {
      await refuseDeleted(tx, { runUid: uid }); // lifecycle: a deleted run takes no metrics
      return repo.log(tx, uid, series);
    });
    if (!out) throw notFound('Run', runId);
    if (!out.applied) {
      throw preconditionFailed(`Run ${uid} is ${out.before}, so it cannot be given metrics; only a RUNNING run can.`, {
        state: out.before,
      });
    }
    return out.run;
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
  if (!Number.isFinite(p.value)) {
    throw badInput(`${field}: the value of ${quoted(p.key)} must be a finite number; got ${p.value}.`, {
      field: `${field}.value`,
    });
  }
  if (!Number.isSafeInteger(p.step)) {
    throw badInput(`${field}: step must be a whole number; got ${p.step}.`, { field: `${field}.step` });
  }
}
