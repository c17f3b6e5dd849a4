import {
  MAX_DEPTH,
  type LineageCriteria,
  type NodeFields,
  type NodeLabel,
  type WalkDirection,
} from '../domain/lineage';
import { ARTIFACT_TEXT_FIELD_NAMES } from '../domain/artifact';
import { mapPropCondition } from './props';

/**
 * Lineage Cypher. Every request is one query; the shapes below are the ones measured fastest on
 * Neo4j 5.26 Community (see bench/README.md):
 *
 *   - Reachability is one variable-length pattern over both event types,
 *     `(s)<-[:OUTPUT|INPUT*0..h]-(n)` with `min(length(p))`: the planner turns it into
 *     `VarLengthExpand(Pruning,BFS,All)`, which visits each node once, breadth first, and hands
 *     over its depth (the start node comes first, at 0, so every start answers a row). The
 *     `asOf` filter is written on `relationships(p)`, so it is checked per relationship inside
 *     that operator. The cap is a LIMIT inside a CALL: a capped walk stops expanding (a hub costs
 *     the cap, not its fan-out). Cycles cannot run forever: each node is visited once, depth is
 *     bounded, and every query carries the executor's timeout.
 *   - Edges among the found nodes come from each node's INCOMING events: an artifact has at most
 *     one producer and an execution as many inputs as it read, while outgoing degrees are the big
 *     ones (a hub dataset read by thousands), so this costs about what the walk did.
 *   - Nodes come back as positional lists of property values (no map keys), in records of a few
 *     dozen: the JS driver decodes strings one by one (keys included), and decodes a record that
 *     spans several network buffers in O(bytes x buffers), so one 500 KB record costs ~3x the
 *     same data as 40 records of ~12 KB. Whatever the query does not select stays behind: the
 *     detail properties, spec, maps, tags and event paths each come only when asked for.
 *
 * Variable-length bounds cannot be parameters, so the queries are built per shape from validated
 * integers and fixed fragments (never from user text), and cached: one plan per shape.
 */

/** Depth in steps -> the walk's bound in events: a step is two (artifact -> execution -> artifact). */
export const hopsOf = (depth: number) => 2 * depth;
export const MAX_HOPS = hopsOf(MAX_DEPTH);

const NODES_PER_RECORD = 24;
const EDGES_PER_RECORD = 96;

const PATTERN: Record<WalkDirection, (hops: number) => string> = {
  UPSTREAM: (hops) => `(s)<-[:OUTPUT|INPUT*0..${hops}]-(n)`,
  DOWNSTREAM: (hops) => `(s)-[:INPUT|OUTPUT*0..${hops}]->(n)`,
};

/** Node filters; absent ones are null parameters and drop out. The start node (hops 0) always passes. */
const NODE_FILTER = `hops = 0 OR (($kinds IS NULL OR n.kind IN $kinds)
      AND ($workspaces IS NULL OR n.workspace IN $workspaces)
      AND ($artifacts OR NOT n:Artifact) AND ($executions OR NOT n:Execution)
      AND ($createdAfter IS NULL OR n.createdAt >= $createdAfter)
      AND ($createdBefore IS NULL OR n.createdAt < $createdBefore))`;

/** Criteria -> NODE_FILTER's parameters; without criteria they pass every node. */
export function nodeFilterParams(criteria: LineageCriteria | null) {
  return {
    kinds: criteria?.kinds ?? null,
    workspaces: criteria?.workspaces ?? null,
    artifacts: criteria?.artifacts ?? true,
    executions: criteria?.executions ?? true,
    createdAfter: criteria?.createdAfter ?? null,
    createdBefore: criteria?.createdBefore ?? null,
  };
}

function checkHops(hops: number): number {
  if (!Number.isInteger(hops) || hops < 1 || hops > MAX_HOPS) throw new RangeError(`hops must be 1..${MAX_HOPS}`);
  return hops;
}

interface ReachOptions {
  asOf: boolean;
  filtered: boolean;
}

/**
 * `s` itself (hops 0, always the first row) and the nodes reachable from it in one direction,
 * nearest first, with their distance in events; `$limit` rows at most.
 */
export function reach(direction: WalkDirection, hops: number, opts: ReachOptions): string {
  return `
    MATCH p = ${PATTERN[direction](checkHops(hops))}
    ${opts.asOf ? 'WHERE all(r IN relationships(p) WHERE r.at <= $asOf)' : ''}
    WITH n, min(length(p)) AS hops
    ${opts.filtered ? `WHERE ${NODE_FILTER}` : ''}
    RETURN n, hops
    LIMIT $limit`;
}

/** Both directions: two capped traversals (the start node comes back from each). */
function reachAll(directions: readonly WalkDirection[], hops: number, opts: ReachOptions): string {
  if (directions.length === 1) return reach(directions[0]!, hops, opts);
  return directions
    .map((d) => `CALL (s) {${reach(d, hops, opts).replace(/\n/g, '\n    ')}\n    }\n    RETURN n, hops`)
    .join('\n    UNION ALL\n    ');
}

const READABLE = (v: string) => `($readable IS NULL OR ${v}.workspace IN $readable)`;

/**
 * The stored properties every answer carries, in this order (the repository zips them back up).
 * `texts` is not a property: it is the descriptive texts (ARTIFACT_TEXT_FIELDS) as one sub-list in
 * list order, so this tuple keeps its length and positions however many the list holds.
 */
export const ARTIFACT_CORE = [
  'workspace',
  'key',
  'version',
  'state',
  'location',
  'digest',
  'size',
  'contentType',
  'texts',
  'createdAt',
  'producerUid',
  'runUid',
  'deletedAt',
] as const;
export const EXECUTION_CORE = [
  'workspace',
  'runUid',
  'name',
  'state',
  'startedAt',
  'finishedAt',
  'codeVersion',
  'createdAt',
  'description',
  'deletedAt',
] as const;

/**
 * The core properties a graph view does not show: they come only with `$withDetail` (null
 * otherwise). A 5,000-node answer without them is about a fifth smaller and 15% faster to read.
 */
const ARTIFACT_DETAIL: ReadonlySet<string> = new Set([
  'location',
  'size',
  'contentType',
  'texts',
  'producerUid',
  'runUid',
]);
const EXECUTION_DETAIL: ReadonlySet<string> = new Set(['runUid', 'finishedAt', 'description']);

/** Core entries that are not one property; built from constant names, never from input. */
const COMPOSITE: Record<string, (v: string) => string> = {
  texts: (v) => `[${ARTIFACT_TEXT_FIELD_NAMES.map((f) => `${v}.${f}`).join(', ')}]`,
};
const value = (v: string, p: string) => COMPOSITE[p]?.(v) ?? `${v}.${p}`;

const list = (v: string, props: readonly string[], detail: ReadonlySet<string>) =>
  `[${props.map((p) => (detail.has(p) ? `CASE WHEN $withDetail THEN ${value(v, p)} END` : value(v, p))).join(', ')}]`;

/** What to fetch (NodeFields) -> the parameters nodeRow and EDGE read. */
export function nodeFieldParams(f: NodeFields) {
  return { withDetail: f.detail, withSpec: f.spec, withMaps: f.maps, withTags: f.tags, withPaths: f.paths };
}

/**
 * A node as a positional list (no map keys to decode; see the header):
 *   [hops, uid, isArtifact, kind, core, spec, maps, tags, latestVersion, source]
 * `core` is ARTIFACT_CORE or EXECUTION_CORE, or null when the caller may not read the node's
 * workspace (then nothing else is sent either). The rest comes only when asked for: `$withDetail`
 * (the core properties in ARTIFACT_DETAIL / EXECUTION_DETAIL), `$withSpec` (the spec JSON),
 * `$withMaps` (label./param./… entries as [key, value] pairs), `$withTags` (tags and the key's
 * latest version, the newest AVAILABLE one, for `isLatest`: one property read). `v` must be a variable, and the
 * row must be built in row context (RETURN, collect), not inside a list comprehension: Neo4j 5.26
 * fails to plan that ("Property cannot be cast to ASTCachedProperty").
 */
export function nodeRow(v: string, hops: string, source = 'null'): string {
  const ok = READABLE(v);
  return `[${hops}, ${v}.uid, ${v}:Artifact, ${v}.kind,
      CASE WHEN NOT ${ok} THEN null WHEN ${v}:Artifact THEN ${list(v, ARTIFACT_CORE, ARTIFACT_DETAIL)}
        ELSE ${list(v, EXECUTION_CORE, EXECUTION_DETAIL)} END,
      CASE WHEN $withSpec AND ${ok} THEN ${v}.spec END,
      CASE WHEN $withMaps AND ${ok} THEN [k IN keys(${v}) WHERE ${mapPropCondition('k')} | [k, ${v}[k]]] END,
      CASE WHEN $withTags AND ${v}:Artifact AND ${ok} THEN [(${v})<-[t:TAG]-() | t.name] END,
      CASE WHEN $withTags AND ${v}:Artifact AND ${ok} THEN [(${v})-[:VERSION_OF]->(k) | coalesce(k.latestVersion, 0)][0] END,
      ${source}]`;
}

/** A run as the run repository parses it (`parseRun`): its properties and its BEST_CHILD facts. */
const RUN_MAP = `{run: properties(r), bestChildUid: [(r)-[:BEST_CHILD]->(b:Run) | b.uid][0],
    isBest: EXISTS { (r)<-[:BEST_CHILD]-(:Run) }}`;

/**
 * An event as a positional list (no map keys to decode): [type, fromUid, toUid, at, path]; the
 * path only with `$withPaths`.
 */
const EDGE = (r: string) =>
  `[type(${r}), startNode(${r}).uid, endNode(${r}).uid, ${r}.at, CASE WHEN $withPaths THEN ${r}.path END]`;

/**
 * Events whose both ends are in `members`, found from each member's incoming side. The path (where
 * the execution saw the artifact) can name what a restricted end is, so it stays behind.
 */
function edgesAmong(members: string, asOf: boolean): string {
  return `CALL (${members}) {
  UNWIND ${members} AS x
  MATCH (x)<-[r:INPUT|OUTPUT]-(y)
  WHERE y IN ${members}${asOf ? ' AND r.at <= $asOf' : ''}
  RETURN collect([type(r), y.uid, x.uid, r.at,
    CASE WHEN $withPaths AND ${READABLE('x')} AND ${READABLE('y')} THEN r.path END]) AS edges
}`;
}

/** Splits lists into records of a few dozen items each: `RETURN key, part, items`. */
export function chunked(key: string, parts: Array<[part: string, list: string, per: number]>): string {
  const lists = parts.map(([part, list, per]) =>
    per === 0
      ? `[{part: '${part}', items: ${list}}]`
      : `[i IN range(0, size(${list}) - 1, ${per}) | {part: '${part}', items: ${list}[i..i + ${per}]}]`,
  );
  return `UNWIND ${lists.join('\n  + ')} AS chunk
RETURN ${key} AS key, chunk.part AS part, chunk.items AS items`;
}

export interface TraversalShape {
  label: NodeLabel;
  directions: readonly WalkDirection[];
  hops: number;
  asOf: boolean;
  filtered: boolean;
}

const cache = new Map<string, string>();

function cached(key: string, build: () => string): string {
  let q = cache.get(key);
  if (!q) cache.set(key, (q = build()));
  return q;
}

/**
 * The lineage subgraph of each start node in `$uids`: the start node and up to `$limit - 1`
 * others per direction (ask for the cap + 2 to learn whether it was cut), and the events among
 * them. Parameters: uids, limit, asOf, readable, the NodeFields flags, and `nodeFilterParams`.
 */
export function traversalQuery(shape: TraversalShape): string {
  const key = `T:${shape.label}:${shape.directions.join('+')}:${shape.hops}:${shape.asOf}:${shape.filtered}`;
  return cached(
    key,
    () => `
UNWIND $uids AS uid
MATCH (s:${shape.label} {uid: uid})
CALL (s) {${reachAll(shape.directions, shape.hops, shape)}
}
WITH uid, collect(DISTINCT n) AS members, collect(${nodeRow('n', 'hops')}) AS nodes
${edgesAmong('members', shape.asOf)}
${chunked('uid', [
  ['nodes', 'nodes', NODES_PER_RECORD],
  ['edges', 'edges', EDGES_PER_RECORD],
])}`,
  );
}

/**
 * The shortest chain of events from `a` to `b` in event direction, else from `b` to `a`; the
 * reverse search runs only when there is no forward chain. Bidirectional BFS (shortestPath)
 * stops where the two searches meet, so an unrelated pair costs the smaller side's reach at most.
 */
export function pathQuery(from: NodeLabel, to: NodeLabel, hops: number, asOf: boolean): string {
  const allAsOf = (p: string) => (asOf ? ` WHERE all(r IN relationships(${p}) WHERE r.at <= $asOf)` : '');
  return cached(
    `P:${from}:${to}:${hops}:${asOf}`,
    () => `
MATCH (a:${from} {uid: $from})
MATCH (b:${to} {uid: $to})
OPTIONAL MATCH down = shortestPath((a)-[:INPUT|OUTPUT*1..${checkHops(hops)}]->(b))${allAsOf('down')}
CALL (a, b, down) {
  WITH a, b WHERE down IS NULL
  OPTIONAL MATCH up = shortestPath((b)-[:INPUT|OUTPUT*1..${hops}]->(a))${allAsOf('up')}
  RETURN up
  UNION
  WITH down WHERE down IS NOT NULL
  RETURN null AS up
}
WITH a, b, coalesce(down, up) AS p,
  CASE WHEN down IS NOT NULL THEN 'DOWNSTREAM' WHEN up IS NOT NULL THEN 'UPSTREAM' END AS direction
CALL (p) {
  UNWIND coalesce(nodes(p), []) AS x
  RETURN collect(${nodeRow('x', 'null')}) AS nodes
}
RETURN ${nodeRow('a', '0')} AS from, ${nodeRow('b', '0')} AS to, direction, nodes,
  [r IN coalesce(relationships(p), []) | ${EDGE('r')}] AS edges`,
  );
}

/**
 * The reports' common start: the start node `s`, then everything `direction` of it within `hops`
 * (nearest first, the start node left out) as `found`, whether it holds more than `$cap`
 * (`truncated`) and the distance of the first node past the cap (`cutAt`). The caller ends the
 * last WITH with what it keeps of `found`.
 */
function cappedWalk(label: NodeLabel, direction: WalkDirection, hops: number, asOf: boolean): string {
  return `MATCH (s:${label} {uid: $uid})
CALL (s) {${reach(direction, hops, { asOf, filtered: false })}
}
WITH s, collect({n: n, hops: hops}) AS found
WITH s, [f IN found WHERE f.hops > 0] AS found
WITH s, size(found) > $cap AS truncated, CASE WHEN size(found) > $cap THEN found[$cap].hops END AS cutAt,`;
}

/**
 * Everything downstream of one node, grouped for "what do I have to retrain?": artifacts by kind
 * (counts, and up to `$perKind` readable ones each), executions, runs and workspaces; what the
 * caller may not read is counted, never named. `$limit` is the cap + 2 (start node, one extra).
 */
export function impactQuery(label: NodeLabel, asOf: boolean): string {
  return cached(
    `I:${label}:${asOf}`,
    () => `
${cappedWalk(label, 'DOWNSTREAM', MAX_HOPS, asOf)}
  [f IN found[..$cap] | f.n] AS ns
CALL (ns) {
  UNWIND ns AS n
  WITH n WHERE n:Artifact
  WITH n.kind AS kind, n, ${READABLE('n')} AS readable
  WITH kind, count(n) AS total, sum(CASE WHEN readable THEN 0 ELSE 1 END) AS restricted,
    collect(CASE WHEN readable THEN n END)[..$perKind] AS shown
  CALL (shown) {
    UNWIND shown AS a
    RETURN collect(${nodeRow('a', 'null')}) AS artifacts
  }
  WITH kind, total, restricted, artifacts
  ORDER BY kind
  RETURN collect({kind: kind, total: total, restricted: restricted, artifacts: artifacts}) AS groups
}
CALL (ns) {
  UNWIND ns AS n
  WITH n WHERE n:Execution
  RETURN count(n) AS executions, sum(CASE WHEN ${READABLE('n')} THEN 0 ELSE 1 END) AS restrictedExecutions
}
CALL (ns) {
  UNWIND ns AS n
  WITH DISTINCT n.runUid AS runUid, n.workspace AS workspace
  WHERE runUid IS NOT NULL
  OPTIONAL MATCH (r:Run {uid: runUid}) WHERE ${READABLE('r')}
  RETURN collect(CASE WHEN r IS NOT NULL THEN ${RUN_MAP} END) AS runs,
    count(DISTINCT CASE WHEN NOT ($readable IS NULL OR workspace IN $readable) THEN runUid END) AS restrictedRuns
}
CALL (ns) {
  UNWIND ns AS n
  WITH n.workspace AS workspace, count(n) AS nodes
  WITH workspace, nodes, ($readable IS NULL OR workspace IN $readable) AS readable
  ORDER BY workspace
  RETURN collect(CASE WHEN readable THEN {name: workspace, nodes: nodes} END) AS workspaces,
    sum(CASE WHEN readable THEN 0 ELSE 1 END) AS restrictedWorkspaces
}
RETURN ${nodeRow('s', '0')} AS root, truncated, cutAt, groups, executions, restrictedExecutions,
  runs, restrictedRuns, workspaces, restrictedWorkspaces`,
  );
}

/**
 * Everything upstream of one node, flattened for a report: the readable artifacts (a source is
 * one with no producer as of then), executions and their runs, each with its distance; restricted
 * nodes are only counted. `$limit` is the cap + 2 (start node, one extra).
 */
export function provenanceQuery(label: NodeLabel, hops: number, asOf: boolean): string {
  const producedAsOf = asOf ? ' WHERE o.at <= $asOf' : '';
  return cached(
    `V:${label}:${hops}:${asOf}`,
    () => `
${cappedWalk(label, 'UPSTREAM', hops, asOf)}
  found[..$cap] AS kept
CALL (kept) {
  UNWIND kept AS f
  WITH f.n AS n, f.hops AS hops
  WITH n, hops, ${READABLE('n')} AS readable
  RETURN
    collect(CASE WHEN readable AND n:Artifact THEN ${nodeRow('n', 'hops', `NOT EXISTS { (n)<-[o:OUTPUT]-()${producedAsOf} }`)} END) AS artifacts,
    collect(CASE WHEN readable AND n:Execution THEN ${nodeRow('n', 'hops')} END) AS executions,
    // A readable artifact's run may be in another workspace (its producer's): READABLE('r') below.
    collect(DISTINCT CASE WHEN readable THEN n.runUid END) AS runUids,
    sum(CASE WHEN readable THEN 0 ELSE 1 END) AS restricted
}
CALL (runUids) {
  UNWIND runUids AS runUid
  MATCH (r:Run {uid: runUid}) WHERE ${READABLE('r')}
  RETURN collect(${RUN_MAP}) AS runs
}
WITH s, [{root: ${nodeRow('s', '0')}, truncated: truncated, cutAt: cutAt, restricted: restricted}] AS meta,
  artifacts, executions, runs
${chunked('s.uid', [
  ['meta', 'meta', 0],
  ['artifacts', 'artifacts', NODES_PER_RECORD],
  ['executions', 'executions', NODES_PER_RECORD],
  ['runs', 'runs', NODES_PER_RECORD],
])}`,
  );
}
