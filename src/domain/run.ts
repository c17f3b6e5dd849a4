import { type EntryValue, type Scalar } from './scalar';

export const FinishedRunState = { COMPLETED: 'COMPLETED', FAILED: 'FAILED', ABORTED: 'ABORTED' } as const;
export type FinishedRunState = (typeof FinishedRunState)[keyof typeof FinishedRunState];

export const RunState = { RUNNING: 'RUNNING', COMPLETED: 'COMPLETED', FAILED: 'FAILED', ABORTED: 'ABORTED' } as const;
export type RunState = (typeof RunState)[keyof typeof RunState];

export interface RunRecord {
  uid: string;
  workspace: string;
  name: string;
  /** What the run is for, in the user's words; null when none was given. */
  description: string | null;
  state: RunState;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  iteration: number;
  parentUid: string | null;
  createdAt: string;
  params: Record<string, EntryValue>;
  results: Record<string, EntryValue>;
  labels: Record<string, EntryValue>;
  annotations: Record<string, EntryValue>;
  /** The child marked best, for a parent of iterations. */
  bestChildUid: string | null;
  /** True when this run is its parent's best child. */
  isBest: boolean;
  /** When it was soft-deleted (deleteRun, or with its parent); null while live. */
  deletedAt: string | null;
}
export interface NewRun {
  uid: string;
  workspace: string;
  name: string;
  startedAt: string;
  description: string | null;
  /** Null: 0 for a top-level run, the next number under the parent for a child. */
  iteration: number | null;
  parentUid: string | null;
  params: Record<string, EntryValue>;
  labels: Record<string, EntryValue>;
  annotations: Record<string, EntryValue>;
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
  values: Array<EntryValue | null>;
  /** True when the runs do not all have the same value (a missing value counts as different). */
  differs: boolean;
}
export const SortDirection = { ASC: 'ASC', DESC: 'DESC' } as const;
export type SortDirection = (typeof SortDirection)[keyof typeof SortDirection];

export interface RunOrdering {
  result?: string | null;
  param?: string | null;
  direction?: SortDirection | null;
}
/**
 * How far a run filter may reach (checked by the run service, relied on by the query that runs it):
 * each filter object and each comparison adds a bounded piece to the query, so together these bound
 * its size whatever a client sends.
 */
export const FILTER_LIMITS = {
  /** Levels of and/or/not nesting, the top filter being level 1. */
  depth: 6,
  /** Comparisons in all (a range `gt`/`lt` is two). */
  conditions: 50,
  /** Filter objects in all, the top one and every element of every and/or list included. */
  objects: 100,
  /** Values of one `in` or `state` list. */
  inValues: 100,
  keyLength: 128,
  /** Characters of a `nameContains` text. */
  textLength: 256,
} as const;

/**
 * A run filter as the run service accepted it: a tree of tests within FILTER_LIMITS, every id
 * resolved to a uid. It keeps the shape the client gave: each filter object is an `all` of the
 * tests of its fields, in field order (state, label, param, result, startedAfter, startedBefore,
 * parent, nameContains, and, or, not), its `and` list an `all` and its `or` list an `any`. An empty `all` holds
 * and an empty `any` does not, as in logic.
 */
export type RunCriteria =
  | { test: 'all'; of: RunCriteria[] }
  | { test: 'any'; of: RunCriteria[] }
  | { test: 'not'; of: RunCriteria }
  /** The run is in one of these states. */
  | { test: 'state'; in: RunState[] }
  | LabelCondition
  | ValueCondition
  /** Started at or after this time (ISO string). */
  | { test: 'startedAfter'; at: string }
  /** Started before this time (ISO string). */
  | { test: 'startedBefore'; at: string }
  /** A child of this run. */
  | { test: 'parent'; uid: string }
  /** The run's name contains this text, ignoring case. */
  | { test: 'nameContains'; text: string };

/** The comparisons of a value test, in the order they are applied. */
export const VALUE_COMPARISONS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'] as const;
export type ValueComparison = (typeof VALUE_COMPARISONS)[number];

/**
 * Tests on one param or result, all of which must hold: at least one of them is given. A run
 * without the key fails every comparison (and `in`); `exists` tests for the key itself.
 */
export interface ValueCondition {
  test: 'value';
  map: 'param' | 'result';
  key: string;
  /** In VALUE_COMPARISONS order. */
  compare: Array<{ op: ValueComparison; value: Scalar }>;
  in: Scalar[] | null;
  exists: boolean | null;
}

/** A label's value, one of several values, or (with neither) only that the label is set. */
export interface LabelCondition {
  test: 'label';
  key: string;
  value: string | null;
  in: string[] | null;
}

/** The orders run search walks in: by creation (uid), or by one param's or result's value. */
export type RunSearchOrder = 'NEWEST' | 'OLDEST' | 'VALUE_DESC' | 'VALUE_ASC';
