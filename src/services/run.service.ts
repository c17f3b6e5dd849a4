import { badInput, notFound, preconditionFailed, quoted } from '../errors';
import type { Tx } from '../graph/executor';
import { idempotent } from '../graph/idempotency';
import { metricRepository } from '../graph/metric.repository';
import type { KeyValue, MapKind } from '../domain/key-value';
import {
  SortDirection,
  type ComparisonRow,
  type FinishedRunState,
  type RunComparisonRecord,
  type RunOrdering,
  type RunRecord,
  type RunSearchOrder,
  type RunState,
} from '../domain/run';
import {
  ALL_RUN_PARTS,
  runRepository as repo,
  type RunParts,
  type SearchKey,
  type SearchRow,
} from '../graph/run.repository';
import { DEFAULT_SEARCH_INDEX_LIMIT, ensureSearchIndexes } from '../graph/search-index';
import { isUid, newUid } from '../domain/uid';
import { fromGlobalId } from '../domain/global-id';
import { pageWindow, toPage, type Page, type PageRequest } from './pagination';
import { checkRunFilter, type RunFilterSpec } from './run-filter';
import { withRunQuery } from './run-query';
import { checkIdempotencyKey } from './idempotency-key';
import { recordSets, replacedEntries } from './history';
import { checkName, checkText, nowIso, toMap } from './validate';
import { WorkspaceService } from './workspace.service';
import { canonicalJson, isStructured, type EntryValue } from '../domain/scalar';
import { refuseDeleted } from './lifecycle-guard';
import type { ServiceDeps } from './deps';
import { Ownership, readableOnly } from './ownership';

export interface StartRun {
  workspace: string;
  name: string;
  /** What the run is for (up to 64 KiB of text). */
  description?: string | null;
  params?: KeyValue[] | null;
  labels?: KeyValue[] | null;
  annotations?: KeyValue[] | null;
  /** The parent run's id (or uid): this run is one of its iterations. */
  parent?: string | null;
  iteration?: number | null;
  startedAt?: string | null;
  idempotencyKey?: string | null;
}

export interface FinishRun {
  state: FinishedRunState;
  error?: string | null;
  results?: KeyValue[] | null;
  finishedAt?: string | null;
}

export interface RunSearch extends PageRequest {
  /** The workspace to search; every workspace the caller may read when absent. */
  workspace?: string | null;
  /** A query in MLflow's syntax (run-query/); it and `filter` must both hold. */
  query?: string | null;
  filter?: RunFilterSpec | null;
  orderBy?: RunOrdering | null;
  /**
   * False when the caller will not look at params, results, labels or annotations: they are not
   * read and come back empty (a list view of names and states reads a fraction of the data).
   */
  withMaps?: boolean;
  /** False when the caller will not look at `isBest` or `bestChild`: they are not read. */
  withBest?: boolean;
  /** True: deleted runs too, and the runs of a deleted workspace (hidden otherwise). */
  includeDeleted?: boolean | null;
}

export const RUN_LIMITS = { nameLength: 255, compare: 100 } as const;

/**
 * A run's uid from what a client holds: the global id, or the bare uid (what MLRun users know,
 * and what `skein runs --json` prints). Another node's global id is BAD_USER_INPUT on `field`.
 */
export function runUidOf(id: string, field = 'id'): string {
  if (isUid(id)) return id.toLowerCase();
  const { type, key } = fromGlobalId(id);
  if (type !== 'Run') throw badInput(`${quoted(id)} is the id of a ${type}, not of a run.`, { field });
  return key;
}

export class RunService {
  private readonly ownership: Ownership;

  constructor(private readonly deps: ServiceDeps) {
    this.ownership = new Ownership(deps);
  }

  /** Creates a RUNNING run, once per idempotency key, in one transaction. */
  async start(input: StartRun): Promise<RunRecord> {
    const run = this.newRun(input);
    const { idempotencyKey, ...fingerprinted } = input;
    checkIdempotencyKey(idempotencyKey);
    // Before the idempotency key is looked at: a replay hands out the run it made.
    await this.deps.access.require('write', workspaceTarget(input.workspace));
    // Without a key the create is one statement (a failure is explained by reads afterwards).
    const oneStatement = !idempotencyKey;
    // Its record rides on that statement: it names the run before (a replay's is named after).
    if (oneStatement) this.ownership.named('Run', run);
    return this.deps.graph.write(
      async (tx) => {
        const made: { run?: RunRecord } = {};
        const { uid } = await idempotent(
          tx,
          {
            operation: 'startRun',
            scope: input.workspace,
            key: idempotencyKey,
            input: fingerprinted,
            ttlSeconds: this.deps.idempotencyTtlSeconds,
          },
          async () => {
            made.run = (await repo.create(tx, run, nowIso())) ?? (await this.explainFailedCreate(tx, run));
            return made.run.uid;
          },
        );
        // A replay returns the first call's run as it is now.
        const started = made.run ?? (await repo.getMany(tx, [uid]))[0]!;
        this.ownership.named('Run', started);
        return started;
      },
      // Without a key the statement answers a row exactly when it made the run (else the work
      // explains and throws), so the audit record can ride on that row (executor.ts recordIf).
      { oneStatement, recordIf: oneStatement ? 'true' : undefined },
    );
  }

  /**
   * RUNNING -> COMPLETED | FAILED | ABORTED, recording results given with it. `read`: what of the
   * finished run the caller will look at (the rest comes back empty).
   */
  async finish(id: string, input: FinishRun, read: RunParts = ALL_RUN_PARTS): Promise<RunRecord> {
    const uid = runUidOf(id);
    checkText('error', input.error);
    if (input.state === 'COMPLETED' && input.error) {
      throw badInput('A COMPLETED run has no error; finish it as FAILED or ABORTED to record one.', { field: 'error' });
    }
    const change = {
      state: input.state,
      error: input.error ?? null,
      finishedAt: input.finishedAt ?? nowIso(),
      results: toMap('results', input.results),
    };
    await this.ownership.require('write', 'Run', uid, id);
    const out = await this.finishRecordingResults(uid, change, read);
    if (!out) throw notFound('Run', id);
    if (out.before !== 'RUNNING') throw notRunning(uid, out.before, `finished as ${input.state}`);
    if (!out.applied) {
      throw badInput(`finishedAt ${change.finishedAt} is before the run started (${out.startedAt}).`, {
        field: 'finishedAt',
      });
    }
    return out.run;
  }

  /**
   * The finish itself, one statement in the common case. Results a finish sets for the first time
   * are the run's results, not a change; a result it replaces is a change like any other
   * (history.ts). So the first try refuses to replace one (`replaces`), and only then the finish
   * runs again in one transaction that records what it replaced, read under the run's lock. A
   * deleted run (or workspace) is refused inside the statement and explained by a read.
   */
  private async finishRecordingResults(uid: string, change: Parameters<typeof repo.finish>[2], read: RunParts) {
    // A row that is not `deleted` is a finish that stands (the work throws only for a deleted run),
    // so the audit record rides on it (executor.ts recordIf).
    const first = await this.deps.graph.write((tx) => this.finishInTx(tx, uid, change, false, read), {
      oneStatement: true,
      recordIf: 'NOT deleted',
    });
    if (!first?.replaces || first.applied || first.before !== 'RUNNING') return first;
    return this.deps.graph.write(async (tx) => {
      const out = await this.finishInTx(tx, uid, change, true, read);
      if (out?.applied) {
        const subject = { label: 'Run' as const, uid, workspace: out.run.workspace };
        const replaced = replacedEntries(out.resultsBefore, change.results);
        await recordSets(tx, this.deps.caller, subject, 'RESULT', out.resultsBefore, replaced);
      }
      return out;
    });
  }

  private async finishInTx(
    tx: Tx,
    uid: string,
    change: Parameters<typeof repo.finish>[2],
    replaceable: boolean,
    read: RunParts,
  ) {
    const out = await repo.finish(tx, uid, change, replaceable, read);
    if (out) this.ownership.named('Run', out.run);
    if (out?.deleted) await refuseDeleted(tx, { runUid: uid });
    return out;
  }

  /** Makes `child` its parent's one best iteration, moving the mark from any other child. */
  async markBestChild(parentId: string, childId: string): Promise<RunRecord> {
    const parentUid = runUidOf(parentId, 'parent');
    const childUid = runUidOf(childId, 'child');
    await this.ownership.require('write', 'Run', parentUid, parentId);
    // A child the caller may not read answers as a missing one, not "is not a child".
    await this.ownership.require('read', 'Run', childUid, childId);
    return this.deps.graph.write(async (tx) => {
      // A deleted parent takes no mark, and a deleted child is no candidate.
      await refuseDeleted(tx, { runUid: parentUid });
      await refuseDeleted(tx, { runUid: childUid });
      const parent = await repo.markBestChild(tx, parentUid, childUid);
      if (parent) {
        this.ownership.named('Run', parent, parentId);
        return parent;
      }
      const found = await repo.diagnoseBestChild(tx, parentUid, childUid);
      if (!found.parentExists) throw notFound('Run', parentId);
      if (!found.childExists) throw notFound('Run', childId);
      throw badInput(
        `Run ${childUid} is not a child of run ${parentUid}; only a parent's own iterations can be its best.`,
        {
          field: 'child',
        },
      );
    });
  }

  /**
   * MLRun's best-iteration selector (`max.accuracy`, `min.loss`): marks the child whose result
   * with that key is highest (lowest), or, for a child without that result, whose latest metric
   * of that key is; children with neither (or with NaN) are passed over, and a tie goes to the
   * lower iteration. Deleted children are never candidates. The mark moves as markBestChild moves it, in the same transaction as the
   * read, so the choice is made on what is committed with it. Returns the parent.
   */
  async selectBestChild(parentId: string, selector: string): Promise<RunRecord> {
    const { direction, key } = parseSelector(selector);
    const parentUid = runUidOf(parentId, 'parent');
    await this.ownership.require('write', 'Run', parentUid, parentId);
    return this.deps.graph.write(async (tx) => {
      await refuseDeleted(tx, { runUid: parentUid }); // deleted children are skipped by childResults
      const children = await repo.childResults(tx, parentUid, key);
      if (!children) throw notFound('Run', parentId);
      const latest = await metricRepository.latestOfMany(
        tx,
        children.map((c) => c.uid),
        key,
      );
      const scored = children.map((c, i) => ({ ...c, score: scoreOf(c.result) ?? latest[i]![0]?.value ?? null }));
      const best = pickBest(scored, direction);
      if (!best) {
        throw preconditionFailed(
          `No child of run ${parentUid} has a result or a metric ${quoted(key)} with a number; ` +
            'log it on the children first, or mark one with markBestChild.',
          { key, children: children.length },
        );
      }
      const parent = (await repo.markBestChild(tx, parentUid, best.uid))!;
      this.ownership.named('Run', parent, parentId);
      return parent;
    });
  }

  /** One run; NOT_FOUND when there is none or the caller may not read its workspace (the same answer). */
  async get(id: string): Promise<RunRecord> {
    await this.deps.access.requireSignedIn({ workspace: null, objectType: 'Run', objectId: id });
    const [found] = await this.deps.graph.read((tx) => repo.getMany(tx, [runUidOf(id)]));
    if (!found) throw notFound('Run', id);
    await this.deps.access.require('read', { workspace: found.workspace, objectType: 'Run', objectId: id });
    return found;
  }

  /** Runs by uid (a DataLoader batch); null where none exists or the caller may not read it. */
  async getMany(uids: readonly string[]): Promise<Array<RunRecord | null>> {
    return readableOnly(this.deps, await this.deps.graph.read((tx) => repo.getMany(tx, uids)));
  }

  /**
   * A page of a workspace's runs matching `filter`, newest first unless ordered by a value; without
   * a workspace, of every workspace the caller may read, in one query.
   */
  async search(q: RunSearch): Promise<Page<RunRecord>> {
    const { filter, orderBy } = withRunQuery(q);
    const order = searchOrder(orderBy);
    const window = pageWindow(q, (raw) => decodeSearchCursor(raw, order.signature));
    const criteria = checkRunFilter(filter, (id) => runUidOf(id, 'filter.parent'));
    const scope = await this.searchScope(q);
    if (scope !== null && scope.length === 0) return toPage([], window, () => '');
    const { rows, seekable } = await this.deps.graph.read((tx) =>
      repo.search(tx, {
        workspaces: scope,
        criteria,
        ...order,
        after: window.after,
        limit: window.limit,
        withMaps: q.withMaps ?? true,
        withBest: q.withBest ?? true,
        includeDeleted: q.includeDeleted ?? false,
      }),
    );
    // An empty first page may mean a misspelt workspace: say so instead of "no runs".
    if (rows.length === 0 && !q.after && q.workspace) await new WorkspaceService(this.deps).mustExist(q.workspace);
    const keys = keysSeenIn(rows, seekable, order.sortBy);
    await ensureSearchIndexes(this.deps.graph, keys, {
      limit: this.deps.searchIndexLimit ?? DEFAULT_SEARCH_INDEX_LIMIT,
    });
    const page = toPage(rows, window, (row) => ({ o: order.signature, k: row.sortKey, u: row.run.uid }));
    return { ...page, items: page.items.map((row) => row.run) };
  }

  /**
   * The workspaces a search may read: the one asked for (NOT_FOUND when the caller may not read it,
   * as when it does not exist), or every one the caller may read (null: all of them). The search
   * query itself leaves out those that do not exist or are deleted.
   */
  private async searchScope(q: RunSearch): Promise<string[] | null> {
    if (q.workspace == null) return this.deps.access.readScope();
    await this.deps.access.require('read', workspaceTarget(q.workspace));
    return [q.workspace];
  }

  /** A page of child runs (iteration order) for each parent, in one round trip (a DataLoader batch). */
  async childrenOfMany(
    parentUids: readonly string[],
    req: PageRequest,
    includeDeleted = false,
  ): Promise<Map<string, Page<RunRecord>>> {
    const window = pageWindow(req, decodeChildCursor);
    const byParent = await this.deps.graph.read((tx) => repo.childrenOfMany(tx, parentUids, window, includeDeleted));
    return new Map(
      parentUids.map((uid) => [uid, toPage(byParent.get(uid) ?? [], window, (r) => [r.iteration, r.uid])]),
    );
  }

  /** Params, results and latest metrics of up to 100 runs side by side: one row per key. */
  async compare(ids: readonly string[]): Promise<RunComparisonRecord> {
    if (ids.length === 0 || ids.length > RUN_LIMITS.compare) {
      throw badInput(`Compare 1 to ${RUN_LIMITS.compare} runs; got ${ids.length}.`, { field: 'ids' });
    }
    const uids = ids.map((id) => runUidOf(id, 'ids'));
    const twice = uids.find((uid, i) => uids.indexOf(uid) !== i);
    if (twice) throw badInput(`Run ${quoted(twice)} is listed twice; list each run once.`, { field: 'ids' });
    await this.deps.access.requireSignedIn({ workspace: null, objectType: 'Run', objectId: ids[0]! });
    const runs = await this.deps.graph.read((tx) => repo.getMany(tx, uids));
    // The first run that is missing or unreadable is NOT_FOUND, the same answer either way.
    const first = runs.findIndex((r) => r === null || !this.deps.access.canRead(r.workspace));
    if (first >= 0) {
      const run = runs[first];
      if (!run) throw notFound('Run', ids[first]!);
      await this.deps.access.require('read', { workspace: run.workspace, objectType: 'Run', objectId: ids[first]! });
    }
    const found = runs as RunRecord[];
    const latest = await this.deps.graph.read((tx) => metricRepository.latestOfMany(tx, uids));
    return {
      runs: found,
      params: comparisonRows(found.map((r) => r.params)),
      results: comparisonRows(found.map((r) => r.results)),
      metrics: comparisonRows(latest.map((points) => Object.fromEntries(points.map((m) => [m.key, m.value])))),
    };
  }

  private newRun(input: StartRun) {
    checkName('Workspace name', 'workspace', input.workspace);
    const name = input.name.trim();
    if (name.length === 0 || name.length > RUN_LIMITS.nameLength) {
      throw badInput(`A run name is 1 to ${RUN_LIMITS.nameLength} characters; got ${name.length}.`, { field: 'name' });
    }
    checkText('description', input.description);
    if (input.iteration != null && input.iteration < 0) {
      throw badInput(`iteration must be 0 or more; got ${input.iteration}.`, { field: 'iteration' });
    }
    return {
      uid: newUid(),
      workspace: input.workspace,
      name,
      description: input.description ?? null,
      startedAt: input.startedAt ?? nowIso(),
      iteration: input.iteration ?? null,
      parentUid: input.parent ? runUidOf(input.parent, 'parent') : null,
      params: toMap('params', input.params),
      labels: toMap('labels', input.labels),
      annotations: toMap('annotations', input.annotations),
    };
  }

  /** A create matched nothing: find out which of workspace and parent is missing, and say so. */
  private async explainFailedCreate(tx: Tx, run: { workspace: string; parentUid: string | null }): Promise<never> {
    const found = await repo.diagnoseCreate(tx, run.workspace, run.parentUid);
    // A parent in a workspace the caller may not read is a missing one (nothing of it is told).
    if (found.parentExists && found.parentWorkspace && !this.deps.access.canRead(found.parentWorkspace)) {
      await this.deps.access.require('read', {
        workspace: found.parentWorkspace,
        objectType: 'Run',
        objectId: run.parentUid!,
      });
    }
    // The create skips a deleted workspace or parent (run.cypher.ts); say so first.
    await refuseDeleted(tx, { workspace: run.workspace, runUid: run.parentUid });
    if (!found.workspaceExists) throw notFound('Workspace', run.workspace);
    if (!found.parentExists) throw notFound('Run', run.parentUid!);
    throw badInput(
      `Parent run ${run.parentUid} is in workspace "${found.parentWorkspace}", not "${run.workspace}"; a child run lives with its parent.`,
      { field: 'parent' },
    );
  }
}

/** A use case acting in a workspace it names: an unreadable one answers as a missing one. */
function workspaceTarget(workspace: string) {
  return { workspace, objectType: 'Workspace', objectId: workspace };
}

function notRunning(uid: string, state: RunState, what: string) {
  return preconditionFailed(`Run ${uid} is ${state}, so it cannot be ${what}; only a RUNNING run can.`, {
    state,
  });
}

/** The query order, what it sorts on, and a signature that ties cursors to the order they came from. */
function searchOrder(orderBy: RunOrdering | null | undefined): {
  order: RunSearchOrder;
  sortBy: { map: 'param' | 'result'; key: string } | null;
  signature: string;
} {
  const descending = (orderBy?.direction ?? SortDirection.DESC) === SortDirection.DESC;
  if (orderBy?.result && orderBy.param) {
    throw badInput('Order by a result or by a param, not both.', { field: 'orderBy' });
  }
  const key = orderBy?.result ?? orderBy?.param;
  if (!key) {
    const order = descending ? 'NEWEST' : 'OLDEST';
    return { order, sortBy: null, signature: order };
  }
  const sortBy = { map: orderBy?.result ? ('result' as const) : ('param' as const), key };
  const order = descending ? 'VALUE_DESC' : 'VALUE_ASC';
  return { order, sortBy, signature: `${order}:${sortBy.map}.${key}` };
}

/**
 * The keys of `keys` some run of the page is known to hold: only those get a search index, since a
 * key no run has (a typo, a key from another team's runs) would cost an index that serves nothing.
 * A run holds a key its filter requires of every match, the sort key when it has a sort value, and
 * any key its maps show (a slim page reads no maps; such keys wait for another search).
 */
function keysSeenIn(
  rows: readonly SearchRow[],
  keys: readonly SearchKey[],
  sortBy: { map: MapKind; key: string } | null,
): Array<Pick<SearchKey, 'kind' | 'key'>> {
  if (rows.length === 0) return [];
  const sorted = sortBy && rows.some((row) => row.sortKey !== null) ? [{ kind: sortBy.map, key: sortBy.key }] : [];
  const filtered = keys.filter(({ kind, key, inEveryMatch }) => {
    const map = SEARCHED_MAPS[kind];
    return inEveryMatch || (map !== undefined && rows.some(({ run }) => run[map][key] !== undefined));
  });
  return [...sorted, ...filtered];
}

/** Where a run record keeps the entries of each map a search names. */
const SEARCHED_MAPS: Partial<Record<MapKind, 'params' | 'results' | 'labels'>> = {
  param: 'params',
  result: 'results',
  label: 'labels',
};

function decodeSearchCursor(raw: unknown, signature: string): { key: number | null; uid: string } {
  const c = raw as { o?: unknown; k?: unknown; u?: unknown } | null;
  const valid =
    c !== null && typeof c === 'object' && typeof c.u === 'string' && (c.k === null || typeof c.k === 'number');
  if (!valid || c.o !== signature) {
    throw badInput('That "after" cursor belongs to another list or order; start again without it.', {
      field: 'after',
    });
  }
  return { key: c.k as number | null, uid: c.u as string };
}

function decodeChildCursor(raw: unknown): { iteration: number; uid: string } {
  if (!Array.isArray(raw) || typeof raw[0] !== 'number' || typeof raw[1] !== 'string') {
    throw badInput('That "after" cursor does not belong to this list.', { field: 'after' });
  }
  return { iteration: raw[0], uid: raw[1] };
}

function comparisonRows(maps: Array<Record<string, EntryValue>>): ComparisonRow[] {
  const keys = [...new Set(maps.flatMap((m) => Object.keys(m)))].sort();
  return keys.map((key) => {
    const values = maps.map((m) => m[key] ?? null);
    // Lists and objects compare by their canonical text: two equal lists are not "different".
    const texts = values.map((v) => (isStructured(v) ? canonicalJson(v) : v));
    return { key, values, differs: new Set(texts).size > 1 };
  });
}

/** `max.accuracy` -> highest accuracy; `min.loss` -> lowest loss (MLRun's selector form). */
const SELECTOR = /^(max|min)\.([A-Za-z0-9_][A-Za-z0-9_.\-/]{0,127})$/;

function parseSelector(selector: string): { direction: 'max' | 'min'; key: string } {
  const match = SELECTOR.exec(selector.trim());
  if (!match) {
    throw badInput(
      `Selector ${quoted(selector)} is not valid: use "max.<key>" or "min.<key>", e.g. "max.accuracy" or "min.loss".`,
      { field: 'selector' },
    );
  }
  return { direction: match[1] as 'max' | 'min', key: match[2]! };
}

/** A result counts when it is a number; anything else falls back to the metric. */
function scoreOf(result: EntryValue | null): number | null {
  return typeof result === 'number' ? result : null;
}

/** The highest (lowest) score, NaN and missing ones left out; the lower iteration on a tie. */
function pickBest<T extends { uid: string; iteration: number; score: number | null }>(
  children: T[],
  direction: 'max' | 'min',
): T | null {
  let best: T | null = null;
  for (const c of children) {
    if (c.score === null || Number.isNaN(c.score)) continue;
    if (!best) {
      best = c;
      continue;
    }
    const better = direction === 'max' ? c.score > best.score! : c.score < best.score!;
    const tie =
      c.score === best.score && (c.iteration < best.iteration || (c.iteration === best.iteration && c.uid < best.uid));
    if (better || tie) best = c;
  }
  return best;
}
