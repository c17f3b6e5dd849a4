import { liveRun } from './lifecycle.cypher';
import type { RunSearchOrder } from '../domain/run';
/**
 * Run queries. Every read returns the same projection (`RUN_COLUMNS`), so one parser serves
 * them all. User values only ever travel as parameters; map keys too (`r[$prop]`).
 *
 * Check-then-write queries (finish, mark best) first take the run's write lock with
 * `SET r._lock = true REMOVE r._lock` (Neo4j's documented idiom; nothing is stored): the state
 * read after it is the committed one, so two concurrent finishes cannot both see RUNNING.
 */

/** What every run read returns: the stored properties plus the BEST_CHILD facts. */
/** A run's own properties without its maps: for answers that need no params, results or labels. */
const RUN_CORE = `r {.uid, .workspace, .name, .state, .error, .startedAt, .finishedAt, .iteration, .parentUid,
  .createdAt, .description, .deletedAt}`;

export const RUN_COLUMNS = `properties(r) AS run,
  [(r)-[:BEST_CHILD]->(b:Run) | b.uid][0] AS bestChildUid,
  EXISTS { (r)<-[:BEST_CHILD]-(:Run) } AS isBest`;

/**
 * A new top-level run has no children and no parent, so its BEST_CHILD facts are known; its maps
 * are what the create sent, so only the rest comes back (the repository adds them).
 */
export const CREATE_RUN = `
MATCH (w:Workspace {name: $workspace})
WHERE w.deletedAt IS NULL
CREATE (r:Run {uid: $uid, workspace: $workspace, name: $name, searchName: toLower($name), state: 'RUNNING',
  startedAt: $startedAt, iteration: coalesce($iteration, 0), createdAt: $now, description: $description})-[:IN_WORKSPACE]->(w)
SET r += $maps
RETURN ${RUN_CORE} AS run, null AS bestChildUid, false AS isBest`;

/**
 * A child run (a hyperparameter iteration). The parent's lock serialises concurrent children,
 * so an iteration left out is numbered after the highest one without two children sharing it. A
 * new child is no one's best and has no children, so its BEST_CHILD facts are known too.
 */
export const CREATE_CHILD_RUN = `
MATCH (w:Workspace {name: $workspace})
WHERE w.deletedAt IS NULL
MATCH (p:Run {uid: $parentUid})
WHERE p.workspace = $workspace AND p.deletedAt IS NULL
SET p._lock = true REMOVE p._lock
WITH w, p
CALL (p) {
  OPTIONAL MATCH (c:Run)-[:CHILD_OF]->(p)
  RETURN coalesce(max(c.iteration), 0) + 1 AS nextIteration
}
CREATE (r:Run {uid: $uid, workspace: $workspace, name: $name, searchName: toLower($name), state: 'RUNNING',
  startedAt: $startedAt, iteration: coalesce($iteration, nextIteration), parentUid: p.uid, createdAt: $now,
  description: $description})-[:IN_WORKSPACE]->(w)
CREATE (r)-[:CHILD_OF]->(p)
SET r += $maps
RETURN ${RUN_CORE} AS run, null AS bestChildUid, false AS isBest`;

/** Why a create matched nothing: which of workspace and parent is missing or elsewhere. */
export const DIAGNOSE_CREATE = `
OPTIONAL MATCH (w:Workspace {name: $workspace})
OPTIONAL MATCH (p:Run {uid: $parentUid})
RETURN w IS NOT NULL AS workspaceExists, p IS NOT NULL AS parentExists, p.workspace AS parentWorkspace`;

/**
 * RUNNING -> COMPLETED | FAILED | ABORTED; anything else writes nothing and reports the state.
 * `replaces`: the run already holds a result the finish sets ($resultProps are both stored forms
 * of each one). Unless $replaceable, such a finish writes nothing either: the caller finishes it
 * again in a transaction that records what it replaces, from `beforeProps` (history.ts). The run
 * comes back without its maps unless `$withMaps`, and without its BEST_CHILD facts unless
 * `$withBest`: a client that finishes a run and asks for its id reads none of that.
 */
export const FINISH_RUN = `
MATCH (r:Run {uid: $uid})
SET r._lock = true REMOVE r._lock
WITH r, r.state AS before, NOT ${liveRun('r')} AS deleted, any(k IN $resultProps WHERE r[k] IS NOT NULL) AS replaces,
  CASE WHEN $replaceable AND size($resultProps) > 0 THEN properties(r) END AS beforeProps
WITH r, before, deleted, replaces, beforeProps,
  before = 'RUNNING' AND NOT deleted AND r.startedAt <= $finishedAt AND ($replaceable OR NOT replaces) AS allowed
CALL (r, allowed) {
  WITH r WHERE allowed
  SET r.state = $state, r.finishedAt = $finishedAt, r.error = $error
  SET r += $results
}
RETURN before, allowed, deleted, replaces, beforeProps, r.startedAt AS startedAt,
  CASE WHEN $withMaps THEN properties(r) ELSE ${RUN_CORE} END AS run,
  CASE WHEN $withBest THEN [(r)-[:BEST_CHILD]->(b:Run) | b.uid][0] END AS bestChildUid,
  CASE WHEN $withBest THEN EXISTS { (r)<-[:BEST_CHILD]-(:Run) } ELSE false END AS isBest`;

/**
 * Moves the parent's one BEST_CHILD edge to `child`. The parent's lock makes concurrent moves
 * take turns, so the old edge each one deletes is the one the previous move created.
 */
export const MARK_BEST_CHILD = `
MATCH (p:Run {uid: $parentUid})
SET p._lock = true REMOVE p._lock
WITH p
MATCH (c:Run {uid: $childUid})-[:CHILD_OF]->(p)
CALL (p) {
  OPTIONAL MATCH (p)-[old:BEST_CHILD]->(:Run)
  DELETE old
}
CREATE (p)-[:BEST_CHILD]->(c)
WITH p AS r
RETURN ${RUN_COLUMNS}`;

/**
 * selectBestChild's read: each child's scalar result under `$resultProp`, under the parent's lock
 * (taken again by MARK_BEST_CHILD in the same transaction), so no concurrent selection or mark
 * moves between the read and the move. Deleted children are left out (never candidates). No row
 * when the parent does not exist.
 */
export const CHILD_RESULTS = `
MATCH (p:Run {uid: $parentUid})
SET p._lock = true REMOVE p._lock
RETURN [(r:Run)-[:CHILD_OF]->(p) WHERE r.deletedAt IS NULL | {uid: r.uid, iteration: r.iteration, result: r[$resultProp]}] AS children`;

export const DIAGNOSE_BEST_CHILD = `
OPTIONAL MATCH (p:Run {uid: $parentUid})
OPTIONAL MATCH (c:Run {uid: $childUid})
RETURN p IS NOT NULL AS parentExists, c IS NOT NULL AS childExists`;

export const GET_RUNS = `
UNWIND $uids AS uid
MATCH (r:Run {uid: uid})
RETURN ${RUN_COLUMNS}`;

/**
 * A search page, returned compactly: the page's property names once (`keys`, on its first row)
 * and each run's values as a list in that order (`values`; null where a run has no such
 * property). The JS driver decodes a map key by key, each key a string of its own set with
 * `Object.defineProperty`; for a page of 500 runs with 35 properties that cost ~3x what Neo4j
 * spent answering, and positional lists cut the decoding by three quarters (bench/README.md).
 * `$withMaps` false sends only the core properties: a reader that asked for no params, results,
 * labels or annotations then decodes a tenth of the values; `$withBest` false skips the two
 * BEST_CHILD lookups per run when the reader asked for neither `isBest` nor `bestChild`.
 */
const PAGE = `
WITH collect([
  CASE WHEN $withMaps THEN properties(r) ELSE ${RUN_CORE} END,
  CASE WHEN $withBest THEN [(r)-[:BEST_CHILD]->(b:Run) | b.uid][0] END,
  CASE WHEN $withBest THEN EXISTS { (r)<-[:BEST_CHILD]-(:Run) } ELSE false END,
  sortKey]) AS rows
WITH rows, COLLECT { UNWIND rows AS row UNWIND keys(row[0]) AS k RETURN DISTINCT k } AS keys
UNWIND range(0, size(rows) - 1) AS i
WITH keys, i, rows[i] AS row
RETURN CASE i WHEN 0 THEN keys END AS keys, [k IN keys | row[0][k]] AS values,
  row[1] AS bestChildUid, row[2] AS isBest, row[3] AS sortKey`;

/** The same as RUN_COLUMNS, as one map, for lists collected per parent. */
const RUN_MAP = `{run: properties(r),
  bestChildUid: [(r)-[:BEST_CHILD]->(b:Run) | b.uid][0],
  isBest: EXISTS { (r)<-[:BEST_CHILD]-(:Run) }}`;

/**
 * A page of children for each of many parents, in iteration order, in one round trip; the cursor
 * is (iteration, uid).
 */
export const CHILDREN_OF_RUNS = `
UNWIND $parentUids AS parentUid
CALL (parentUid) {
  MATCH (r:Run)-[:CHILD_OF]->(:Run {uid: parentUid})
  WHERE ($includeDeleted OR r.deletedAt IS NULL)
    AND ($afterUid IS NULL OR r.iteration > $afterIteration OR (r.iteration = $afterIteration AND r.uid > $afterUid))
  WITH r ORDER BY r.iteration, r.uid LIMIT $limit
  RETURN collect(${RUN_MAP}) AS children
}
RETURN parentUid, children`;

/**
 * Run search. `$where` is a condition from run-filter.cypher.ts; the query around it is written so
 * the planner walks an index in the page's order and stops after `$limit` matches, which makes a
 * page cost what it returns, not what the workspace holds:
 *
 * - The workspaces are those named in `$workspaces` that exist (every one when it is null), live
 *   unless `$includeDeleted`: the query checks them itself, so a search is one round trip. Each is
 *   read on its own (the CALL), as far as one page goes, and the pages are merged: within a
 *   workspace an index gives the order, across workspaces none does (a single ORDER BY over
 *   several would sort every match of every workspace).
 * - Creation order walks the (workspace, uid) index. ORDER BY names both index properties (`r.uid`
 *   alone is not seen as index order), and `$afterUid` is a sentinel beyond every uid on the first
 *   page, so the predicate stays a plain range seek and a deep page costs what the first one does.
 * - A value order walks the (workspace, `<key>`) search index (search-index.ts) the same way:
 *   `<value> <= $afterKey` (descending; `>=` ascending) is the seek, with `$afterKey` ±Infinity on
 *   the first page. The tie-break on uid is a CASE, not an OR: the planner turns an OR into a union
 *   of two seeks and sorts all they find. Only numbers are in that range; runs whose value is
 *   missing or not a number come after every number, in uid order, from the `missing` phase, which
 *   the repository runs once the numbers are used up.
 *
 * The page is returned compactly (PAGE above).
 */
export interface SearchQueryShape {
  where: string;
  /** `listed`: the workspaces of `$workspaces`; `all`: every workspace. */
  workspaces: 'listed' | 'all';
  order: RunSearchOrder;
  /** How the query reads the sort value (run-filter.cypher.ts entryAccess), for value orders. */
  sortValue: string | null;
  /** `missing`: the runs a value order puts last (no value, or one that is not a number). */
  phase: 'values' | 'missing';
}

const DESCENDING: Record<RunSearchOrder, boolean> = { NEWEST: true, OLDEST: false, VALUE_DESC: true, VALUE_ASC: false };

export function searchRunsQuery(q: SearchQueryShape): string {
  const [cmp, cmpOrEqual, dir] = DESCENDING[q.order] ? ['<', '<=', 'DESC'] : ['>', '>=', 'ASC'];
  const byValue = (q.order === 'VALUE_DESC' || q.order === 'VALUE_ASC') && q.sortValue !== null;
  if (!byValue || q.phase === 'missing') {
    const missing = byValue ? ` AND NOT coalesce(${q.sortValue} >= $lowest, false)` : '';
    const read = perWorkspace(q, `r.uid ${cmp} $afterUid${missing}`, dir, `r.uid ${dir}`);
    return `${read}, null AS sortKey${PAGE}`;
  }
  const value = q.sortValue!;
  // `r.uid IS NOT NULL` (always true) lets a key without an index of its own still seek the
  // workspace's (workspace, uid) index rather than scan every run of every workspace.
  const seek =
    `${value} ${cmpOrEqual} $afterKey AND r.uid IS NOT NULL` +
    ` AND CASE WHEN ${value} = $afterKey THEN r.uid ${cmp} $afterUid ELSE true END`;
  return `${perWorkspace(q, seek, dir, `${value} ${dir}, r.uid ${dir}`)}, toFloat(${value}) AS sortKey${PAGE}`;
}

/**
 * Up to a page from each workspace, in `order` (its index's order after r.workspace, which leads
 * the ORDER BY in the same direction `dir` so the planner sees the index order), then merged.
 */
function perWorkspace(q: SearchQueryShape, seek: string, dir: string, order: string): string {
  return `
MATCH (w:Workspace)
WHERE ${q.workspaces === 'listed' ? 'w.name IN $workspaces AND ' : ''}($includeDeleted OR w.deletedAt IS NULL)
WITH w.name AS ws
CALL (ws) {
  MATCH (r:Run)
  WHERE r.workspace = ws AND ${seek} AND (${q.where}) AND ($includeDeleted OR r.deletedAt IS NULL)
  WITH r ORDER BY r.workspace ${dir}, ${order}
  LIMIT $limit
  RETURN r
}
WITH r ORDER BY ${order}
LIMIT $limit
WITH r`;
}
