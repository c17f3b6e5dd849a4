export interface MetricPointRecord {
  step: number;
  value: number;
  time: string;
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
