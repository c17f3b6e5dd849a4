export interface MetricPointRecord {
  step: number;
  value: number;
  time: string;
}
/** One call's points for one key, sorted by step: what a (:MetricChunk) stores. */
export interface MetricChunk {
  uid: string;
  key: string;
  firstStep: number;
  lastStep: number;
  count: number;
  steps: number[];
  values: number[];
  times: string[];
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
