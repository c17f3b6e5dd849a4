import type { RunSearchOrder } from '../domain/run';
import { int, type Tx } from './executor';
import type { MapKind } from '../domain/key-value';
import { decodeValue, fromProps, mapSlot, propName, propNames, toNewProps, toProps } from './props';
import * as Q from './run.cypher';
import { entryAccess, runCriteriaCypher, type CypherCondition, type SearchKey } from './run-filter.cypher';
import type { EntryValue } from '../domain/scalar';
import { type RunRecord, type NewRun, type FinishedRunState, type RunState, type RunCriteria } from '../domain/run';

/** A run as the queries return it (`RUN_COLUMNS`): its properties and its BEST_CHILD facts. */
export interface RunRow {
  run: Record<string, unknown>;
  bestChildUid: string | null;
  isBest: boolean;
}

type RunMaps = Record<MapKind, Record<string, EntryValue>>;

const emptyMaps = (): RunMaps => ({ param: {}, result: {}, label: {}, annotation: {}, property: {} });

/**
 * A run's four maps in one pass over its properties: calling fromProps once per map walks them
 * four times, which showed up at 6% of a 500-run page's CPU profile.
 */
function splitMaps(props: Record<string, unknown>): RunMaps {
  const maps = emptyMaps();
  for (const prop in props) {
    const slot = mapSlot(prop);
    if (slot) maps[slot.kind][slot.key] = decodeValue(slot, props[prop]);
  }
  return maps;
}

export function parseRun(row: RunRow): RunRecord {
  return buildRun(row.run, splitMaps(row.run), row);
}

function buildRun(
  p: Record<string, unknown>,
  maps: RunMaps,
  best: { bestChildUid: string | null; isBest: boolean },
): RunRecord {
  return {
    uid: p.uid as string,
    workspace: p.workspace as string,
    name: p.name as string,
    description: (p.description as string | undefined) ?? null,
    state: p.state as RunState,
    error: (p.error as string | undefined) ?? null,
    startedAt: p.startedAt as string,
    finishedAt: (p.finishedAt as string | undefined) ?? null,
    iteration: (p.iteration as number | undefined) ?? 0,
    parentUid: (p.parentUid as string | undefined) ?? null,
    createdAt: p.createdAt as string,
    params: maps.param,
    results: maps.result,
    labels: maps.label,
    annotations: maps.annotation,
    bestChildUid: best.bestChildUid ?? null,
    isBest: best.isBest,
    deletedAt: (p.deletedAt as string | undefined) ?? null,
  };
}

/** A row of a compact search page (run.cypher.ts PAGE): the property names come on the first row only. */
interface PageRow {
  keys: string[] | null;
  values: unknown[];
  bestChildUid: string | null;
  isBest: boolean;
  sortKey: number | null;
}

/** A compact page back into runs: each property name is split once per page, not once per run. */
function decodePage(rows: PageRow[]): Array<{ run: RunRecord; sortKey: number | null }> {
  const keys = rows[0]?.keys ?? [];
  const slots = keys.map((k) => mapSlot(k));
  return rows.map((row) => {
    const core: Record<string, unknown> = {};
    const maps = emptyMaps();
    const values = row.values;
    for (let i = 0; i < slots.length; i++) {
      const value = values[i];
      if (value === null || value === undefined) continue; // a stored property is never null: absent here
      const slot = slots[i];
      if (slot) maps[slot.kind][slot.key] = decodeValue(slot, value);
      else core[keys[i]!] = value;
    }
    return { run: buildRun(core, maps, row), sortKey: finiteOrNull(row.sortKey) };
  });
}

/** What a create found missing when it matched nothing. */
export interface CreateDiagnosis {
  workspaceExists: boolean;
  parentExists: boolean;
  parentWorkspace: string | null;
}

/** A conditional write's outcome: the state found under the lock, and the run as it now is. */
export interface GuardedWrite {
  before: RunState;
  applied: boolean;
  run: RunRecord;
}

/** What of a run an answer reads back: its maps, its BEST_CHILD facts (the rest always comes). */
export interface RunParts {
  maps: boolean;
  best: boolean;
}

export const ALL_RUN_PARTS: RunParts = { maps: true, best: true };

export interface SearchQuery {
  /**
   * The workspaces to search, or (null) every one: searched in one query, which leaves out those
   * that do not exist, and deleted ones unless `includeDeleted`.
   */
  workspaces: readonly string[] | null;
  /** Null: every run of the workspace. */
  criteria: RunCriteria | null;
  order: RunSearchOrder;
  /** The param or result to sort on, for value orders. */
  sortBy: { map: 'param' | 'result'; key: string } | null;
  after: { key: number | null; uid: string } | null;
  limit: number;
  /** False: params, results, labels and annotations are not read (they come back empty). */
  withMaps: boolean;
  /** False: the BEST_CHILD facts are not read (bestChildUid null, isBest false). */
  withBest: boolean;
  /** True: deleted runs too (they are left out otherwise). */
  includeDeleted?: boolean;
}

/** Sentinels beyond every UUIDv7 (lower-case hex and "-"), so a first page is the same range seek. */
const UID_ABOVE_ALL = '~';
const UID_BELOW_ALL = '';

/** What a finish reports besides the guarded write: a deletion that refused it, and the results it replaced. */
export interface FinishFacts {
  deleted: boolean;
  replaces: boolean;
  resultsBefore: Record<string, EntryValue>;
  startedAt: string;
}

export const runRepository = {
  /** The created run, or null when the workspace (or the parent, in it) was not found. */
  async create(tx: Tx, run: NewRun, now: string): Promise<RunRecord | null> {
    const maps = {
      ...toNewProps('param', run.params),
      ...toNewProps('label', run.labels),
      ...toNewProps('annotation', run.annotations),
    };
    const query = run.parentUid ? Q.CREATE_CHILD_RUN : Q.CREATE_RUN;
    const rows = await tx.run<RunRow>(query, { ...run, maps, now });
    // The maps are what was sent (the query answers only the rest): decoded as a read would decode them.
    return rows[0] ? buildRun(rows[0].run, splitMaps(maps), rows[0]) : null;
  },

  async diagnoseCreate(tx: Tx, workspace: string, parentUid: string | null): Promise<CreateDiagnosis> {
    const [row] = await tx.run<CreateDiagnosis>(Q.DIAGNOSE_CREATE, { workspace, parentUid });
    return row!;
  },

  /**
   * The finish, guarded in its one statement: a deleted run (or workspace) is not finished
   * (`deleted`), nor, unless `replaceable`, one that would replace a result the run holds
   * (`replaces`); with `replaceable`, the values it replaces come back (`resultsBefore`) for the
   * history, read under the run's lock.
   */
  async finish(
    tx: Tx,
    uid: string,
    change: { state: FinishedRunState; error: string | null; finishedAt: string; results: Record<string, EntryValue> },
    replaceable: boolean,
    read: RunParts = ALL_RUN_PARTS,
  ): Promise<(GuardedWrite & FinishFacts) | null> {
    const rows = await tx.run<
      RunRow & {
        before: RunState;
        allowed: boolean;
        deleted: boolean;
        replaces: boolean;
        beforeProps: Record<string, unknown> | null;
        startedAt: string;
      }
    >(Q.FINISH_RUN, {
      uid,
      ...change,
      results: toProps('result', change.results),
      resultProps: Object.keys(change.results).flatMap((key) => propNames('result', key)),
      replaceable,
      withMaps: read.maps,
      withBest: read.best,
    });
    const row = rows[0];
    if (!row) return null;
    return {
      before: row.before,
      applied: row.allowed,
      deleted: row.deleted,
      replaces: row.replaces,
      resultsBefore: row.beforeProps ? fromProps('result', row.beforeProps) : {},
      startedAt: row.startedAt,
      run: parseRun(row),
    };
  },

  /** The parent after the move, or null when `child` is not a child of `parent` (or either is missing). */
  async markBestChild(tx: Tx, parentUid: string, childUid: string): Promise<RunRecord | null> {
    const rows = await tx.run<RunRow>(Q.MARK_BEST_CHILD, { parentUid, childUid });
    return rows[0] ? parseRun(rows[0]) : null;
  },

  /** The parent's children with their scalar result `key` (null when they have none); null without the parent. */
  async childResults(
    tx: Tx,
    parentUid: string,
    key: string,
  ): Promise<Array<{ uid: string; iteration: number; result: EntryValue | null }> | null> {
    const rows = await tx.run<{ children: Array<{ uid: string; iteration: number; result: EntryValue | null }> }>(
      Q.CHILD_RESULTS,
      { parentUid, resultProp: propName('result', key) },
    );
    return rows[0]?.children ?? null;
  },

  async diagnoseBestChild(tx: Tx, parentUid: string, childUid: string) {
    const [row] = await tx.run<{ parentExists: boolean; childExists: boolean }>(Q.DIAGNOSE_BEST_CHILD, {
      parentUid,
      childUid,
    });
    return row!;
  },

  /** Runs by uid, in the order asked, null where none exists (a DataLoader batch). */
  async getMany(tx: Tx, uids: readonly string[]): Promise<Array<RunRecord | null>> {
    const rows = await tx.run<RunRow>(Q.GET_RUNS, { uids });
    const byUid = new Map(rows.map((row) => [row.run.uid as string, parseRun(row)]));
    return uids.map((uid) => byUid.get(uid) ?? null);
  },

  /** A page of children for each parent (iteration order), keyed by parent uid. */
  async childrenOfMany(
    tx: Tx,
    parentUids: readonly string[],
    window: { after: { iteration: number; uid: string } | null; limit: number },
    includeDeleted = false,
  ): Promise<Map<string, RunRecord[]>> {
    const rows = await tx.run<{ parentUid: string; children: RunRow[] }>(Q.CHILDREN_OF_RUNS, {
      parentUids,
      includeDeleted,
      afterIteration: window.after?.iteration ?? null,
      afterUid: window.after?.uid ?? null,
      limit: int(window.limit),
    });
    return new Map(rows.map((row) => [row.parentUid, row.children.map(parseRun)]));
  },

  /**
   * One page of a search, each run with the sort key its cursor must resume after. A value order
   * reads the runs with a number first and, when those run out before the page is full, the runs
   * without one (run.cypher.ts searchRunsQuery): two queries only on the page where they meet.
   * `seekable`: the keys the criteria test where an index can serve them (run-filter.cypher.ts).
   */
  async search(tx: Tx, q: SearchQuery): Promise<{ rows: SearchRow[]; seekable: SearchKey[] }> {
    const condition = runCriteriaCypher(q.criteria);
    return { rows: await searchPages(tx, q, condition), seekable: condition.seekable };
  },
};

export type { SearchKey };

export interface SearchRow {
  run: RunRecord;
  sortKey: number | null;
}

/** The page: the runs with a sort value, then (for a value order whose numbers ran out) those without. */
async function searchPages(tx: Tx, q: SearchQuery, condition: CypherCondition): Promise<SearchRow[]> {
  const sortValue = q.sortBy ? entryAccess(q.sortBy.map, q.sortBy.key, () => '$sortProp') : null;
  const workspaces = q.workspaces === null ? 'all' : 'listed';
  const shape = { where: condition.where, workspaces, order: q.order, sortValue } as const;
  const params = {
    ...condition.params,
    workspaces: q.workspaces,
    sortProp: q.sortBy ? propName(q.sortBy.map, q.sortBy.key) : null,
    lowest: -Infinity,
    withMaps: q.withMaps,
    withBest: q.withBest,
    includeDeleted: q.includeDeleted ?? false,
  };
  const descending = q.order === 'NEWEST' || q.order === 'VALUE_DESC';
  const uidSentinel = descending ? UID_ABOVE_ALL : UID_BELOW_ALL;
  const byValue = sortValue !== null && (q.order === 'VALUE_DESC' || q.order === 'VALUE_ASC');
  // A cursor without a key was taken among the runs without a value: the numbers are behind it.
  const inMissing = byValue && q.after !== null && q.after.key === null;
  const first: SearchRow[] = [];
  if (!inMissing) {
    const rows = await tx.run<PageRow>(Q.searchRunsQuery({ ...shape, phase: 'values' }), {
      ...params,
      limit: int(q.limit),
      afterUid: q.after?.uid ?? uidSentinel,
      afterKey: q.after?.key ?? (descending ? Infinity : -Infinity),
    });
    first.push(...decodePage(rows));
    if (!byValue || first.length >= q.limit) return first;
  }
  const rest = await tx.run<PageRow>(Q.searchRunsQuery({ ...shape, phase: 'missing' }), {
    ...params,
    limit: int(q.limit - first.length),
    afterUid: inMissing ? q.after!.uid : uidSentinel,
    afterKey: null,
  });
  return [...first, ...decodePage(rest)];
}

/** The missing-value sentinels (±Infinity) leave as null: JSON cursors cannot hold them. */
function finiteOrNull(value: number | null): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
