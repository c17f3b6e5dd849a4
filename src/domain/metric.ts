/**
 * A metric value is any IEEE double, NaN and ±Infinity included (MLflow stores them); a step is a
 * whole number within ±(2^53 − 1), stored as a Neo4j Integer.
 */
export interface MetricPointRecord {
  step: number;
  value: number;
  time: string;
}
/** A metric's latest point in a run: the highest step, the newest time at that step. */
export interface LatestMetricRecord extends MetricPointRecord {
  key: string;
}
/** One logging call's checked points (at least one) for one metric key, in the order they were logged. */
export interface MetricSeriesSpec {
  key: string;
  points: MetricPointRecord[];
}
export interface SeriesRequest {
  runUid: string;
  key: string;
  fromStep: number | null;
  toStep: number | null;
}
export interface MetricPointSpec {
  key: string;
  value: number;
  step: number;
  /** When the value was measured; the call's time when left out. */
  time?: string | null;
}

/** How JSON carries the values it has no number for (the names protobuf's JSON mapping uses, as MLflow's REST API does). */
export const NON_FINITE = { NaN: 'NaN', Infinity: 'Infinity', '-Infinity': '-Infinity' } as const;
export type NonFiniteName = (typeof NON_FINITE)[keyof typeof NON_FINITE];

/** A metric value as JSON: a finite number as it is, NaN and ±Infinity by name. */
export function metricValueToJson(value: number): number | NonFiniteName {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return NON_FINITE.NaN;
  return value > 0 ? NON_FINITE.Infinity : NON_FINITE['-Infinity'];
}

/** A metric value from JSON (a number, or "NaN", "Infinity", "-Infinity"); null for anything else. */
export function metricValueFromJson(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === NON_FINITE.NaN) return Number.NaN;
  if (value === NON_FINITE.Infinity) return Number.POSITIVE_INFINITY;
  if (value === NON_FINITE['-Infinity']) return Number.NEGATIVE_INFINITY;
  return null;
}
