import { type Scalar } from './scalar';

export const FinishedRunState = { COMPLETED: 'COMPLETED', FAILED: 'FAILED', ABORTED: 'ABORTED' } as const;
export type FinishedRunState = (typeof FinishedRunState)[keyof typeof FinishedRunState];

export const RunState = { RUNNING: 'RUNNING', COMPLETED: 'COMPLETED', FAILED: 'FAILED', ABORTED: 'ABORTED' } as const;
export type RunState = (typeof RunState)[keyof typeof RunState];

export interface RunRecord {
  uid: string;
  workspace: string;
  name: string;
  state: RunState;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  iteration: number;
  parentUid: string | null;
  createdAt: string;
  params: Record<string, Scalar>;
  results: Record<string, Scalar>;
  labels: Record<string, string>;
  annotations: Record<string, Scalar>;
  /** The child marked best, for a parent of iterations. */
  bestChildUid: string | null;
  /** True when this run is its parent's best child. */
  isBest: boolean;
}
export interface NewRun {
  uid: string;
  workspace: string;
  name: string;
  startedAt: string;
  /** Null: 0 for a top-level run, the next number under the parent for a child. */
  iteration: number | null;
  parentUid: string | null;
  params: Record<string, Scalar>;
  labels: Record<string, string>;
  annotations: Record<string, Scalar>;
}
export interface RunComparisonRecord {
  runs: RunRecord[];
  params: ComparisonRow[];
  results: ComparisonRow[];
  /** Each metric's latest value (at its highest step). */
  metrics: ComparisonRow[];
}
/** One key of a comparison: each run's value, in the order the runs were asked for. */
export interface ComparisonRow {
  key: string;
  values: Array<Scalar | null>;
  /** True when the runs do not all have the same value (a missing value counts as different). */
  differs: boolean;
}
export interface RunOrdering {
  result?: string | null;
  param?: string | null;
  direction?: 'ASC' | 'DESC' | null;
}
export interface RunCriteria {
  and?: RunCriteria[] | null;
  or?: RunCriteria[] | null;
  not?: RunCriteria | null;
  state?: RunState[] | null;
  label?: LabelCondition | null;
  param?: ValueCondition | null;
  result?: ValueCondition | null;
  /** Runs started at or after this time (ISO string). */
  startedAfter?: string | null;
  /** Runs started before this time (ISO string). */
  startedBefore?: string | null;
  /** Children of this run (its id or uid). */
  parent?: string | null;
}
/**
 * Run search filters -> a Cypher condition on `r`. The query text is assembled only from the
 * fixed fragments below; every user value, property names included (`r[$p3]` with
 * `$p3 = 'param.lr'`), travels as a numbered parameter. So no filter can change the query's
 * shape, and the trees are bounded so none can make it huge: every filter object counts toward
 * `FILTER_LIMITS.objects` and every comparison toward `FILTER_LIMITS.conditions`, and each adds at
 * most a few dozen characters, so the text stays under `MAX_CONDITION_CHARS` whatever is sent. (An
 * `and` of 100,000 `{}` once became 100,000 `true AND …` terms that kept Neo4j's planner busy for
 * 11 minutes; a list longer than the budget is now refused before any element is looked at.)
 *
 * Each comparison is `coalesce(<test>, false)`: a run without the key fails the test instead of
 * yielding null, which keeps NOT two-valued (`not: {param: {key: "lr", eq: 0.01}}` includes runs
 * that have no lr at all, as a person reading it expects).
 */

export interface ValueCondition {
  key: string;
  eq?: Scalar | null;
  ne?: Scalar | null;
  gt?: Scalar | null;
  gte?: Scalar | null;
  lt?: Scalar | null;
  lte?: Scalar | null;
  in?: Scalar[] | null;
  exists?: boolean | null;
}
export interface LabelCondition {
  key: string;
  value?: string | null;
  in?: string[] | null;
}
