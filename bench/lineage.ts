/**
 * Lineage benchmark: each workload through the GraphQL API (HTTP POSTs to a Skein server) and as
 * the best raw Cypher for the same answer through neo4j-driver (the floor), interleaved in the
 * same run so both see the same machine. Reports p50/p95, result sizes and the ratio, as a table
 * on stdout and JSON in bench/results/lineage-<size>.json.
 *
 * Workloads (start nodes sampled evenly over all runs, deterministically):
 *   upstream / downstream at depth 1, 3, 5, 10 and 100 ("unbounded") from random models; the hub
 *   dataset downstream, capped at 100, 1,000 and 5,000 nodes; the oldest raw versions downstream
 *   (capped at 1,000: the ~1,000-node subgraphs); fan-in executions upstream; shortest paths from
 *   a raw v1 to a registered model of the same pipeline; impact and provenance.
 *
 * Targets (issue 5): GraphQL p50 within max(1.5x floor, floor + 5 ms) for every workload; 10-step
 * upstream p50 <= 10 ms and p95 <= 25 ms; ~1,000-node subgraphs p50 <= 50 ms; a capped hub costs
 * the cap, not the hub.
 *
 *   npm run build && NEO4J_URI=bolt://… node dist/bench/lineage.js S|M|L [--repeats N] [--url http://…/graphql]
 *     [--workloads <part of a workload's name>]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import neo4j, { type Driver } from 'neo4j-driver';
import { startSkein, type SkeinHandle } from '../src/app';
import { loadConfig } from '../src/config';
import { impactQuery, provenanceQuery } from '../src/graph/lineage.cypher';
import { createLogger } from '../src/logger';
import { PROJECT_ROOT } from '../src/paths';
import { toGlobalId } from '../src/domain/global-id';
import {
  benchPrefix,
  generate,
  HUB_KEY,
  parseSize,
  rawKey,
  SHAPES,
  sharedWorkspace,
  teamWorkspace,
  type BenchSize,
} from './generator';
import { withAuthorization } from './tracking';
import { allowedMs, median, round, summarize, table, timed, type Latency } from './stats';
import { MAX_DEPTH } from '../src/domain/lineage';

export interface LineageBenchOptions {
  size: BenchSize;
  neo4jUri: string;
  neo4jUsername?: string;
  neo4jPassword?: string;
  neo4jDatabase?: string;
  /** A running Skein's /graphql; absent: one is started in this process against neo4jUri. */
  graphqlUrl?: string;
  /** The Authorization header each GraphQL request carries (bench/auth.ts, `--auth`); none when absent. */
  authorization?: () => string | undefined;
  /** Runs once the graph is there, with its workspaces' name prefix (`--auth` grants them to its reader). */
  afterGenerate?: (workspacePrefix: string) => Promise<void>;
  /** Timed repetitions per workload and side (default 40), after `warmup` untimed ones (default 5). */
  repeats?: number;
  warmup?: number;
  /** Load the bench graph first when it is missing (default true). */
  generate?: boolean;
  /** Only the workloads whose name contains this text (for iterating on one; no JSON is written). */
  workloads?: string;
  /** Where the JSON goes (default bench/results). */
  resultsDir?: string;
  log?: (line: string) => void;
}

export interface Size {
  nodes: number;
  edges: number;
}

export interface WorkloadResult {
  name: string;
  targets: number;
  /** Median answer size (GraphQL side; the floor's is checked to match). */
  nodes: number;
  edges: number;
  graphql: Latency;
  floor: Latency;
  /** graphql p50 / floor p50. */
  ratio: number;
  /** The largest graphql p50 that meets the target: max(1.5 x floor, floor + 5 ms). */
  allowedMs: number;
  ok: boolean;
  /** Answers whose size differed between the two sides (should be 0). */
  mismatches: number;
}

export interface TargetCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface LineageBenchReport {
  size: BenchSize;
  /** NODE_ENV of the measuring process: anything but production slows graphql-js down. */
  nodeEnv: string;
  graph: { nodes: number; events: number };
  repeats: number;
  finishedAt: string;
  results: WorkloadResult[];
  targets: TargetCheck[];
}

// ---------------------------------------------------------------------------------------------
// What each side asks

/** A graph view's worth of fields: what a lineage UI shows for each node, grouped by depth. */
const NODE_VALUE = `__typename
  ... on Artifact { id workspace key version kind state digest createdAt }
  ... on Execution { id workspace name kind executionState: state codeVersion startedAt }
  ... on RestrictedNode { id kind }`;

const EDGE_FIELDS = 'type from to at';

const LINEAGE = `query($of: String!, $direction: LineageDirection!, $depth: Int!, $maxNodes: Int!) {
  lineage(of: $of, direction: $direction, depth: $depth, maxNodes: $maxNodes) {
    truncated truncatedAtDepth
    levels { depth nodes { ${NODE_VALUE} } }
    edges { ${EDGE_FIELDS} }
  }
}`;

const PATH = `query($from: String!, $to: String!) {
  lineagePath(from: $from, to: $to) { direction length nodes { ${NODE_VALUE} } edges { ${EDGE_FIELDS} } }
}`;

const IMPACT = `query($of: String!) {
  impact(of: $of, maxNodes: 10000, artifactsPerKind: 20) {
    artifactsByKind { kind count restricted artifacts { id key version kind digest createdAt } }
    executions runs { id name state startedAt } workspaces { name nodes } truncated truncatedAtDepth
  }
}`;

const PROVENANCE = `query($of: String!) {
  provenance(of: $of) {
    sources { id key version digest } artifacts { id workspace key version kind digest depth isSource }
    executions { id name kind codeVersion params { key value } depth } runs { id name state } truncated
  }
}`;

/** The floor's node: the values the GraphQL query shows, as a positional list. */
const FLOOR_NODE = (v: string) =>
  `[${v}.uid, ${v}:Artifact, ${v}.workspace, ${v}.key, ${v}.version, ${v}.kind, ${v}.state, ${v}.digest,
    ${v}.createdAt, ${v}.name, ${v}.codeVersion, ${v}.startedAt]`;

const FLOOR_EDGE = `[type(r), startNode(r).uid, endNode(r).uid, r.at]`;

/** The best hand-written Cypher for one lineage answer (same walk, same nodes, same edges). */
function floorLineage(label: string, direction: 'UPSTREAM' | 'DOWNSTREAM', hops: number): string {
  const pattern =
    direction === 'UPSTREAM' ? `(s)<-[:OUTPUT|INPUT*0..${hops}]-(n)` : `(s)-[:INPUT|OUTPUT*0..${hops}]->(n)`;
  return `
MATCH (s:${label} {uid: $uid})
CALL (s) {
  MATCH p = ${pattern}
  WITH n, min(length(p)) AS hops
  RETURN n, hops LIMIT $limit
}
WITH collect(n) AS members, collect([hops] + ${FLOOR_NODE('n')}) AS nodes
CALL (members) {
  UNWIND members AS x
  MATCH (x)<-[r:INPUT|OUTPUT]-(y) WHERE y IN members
  RETURN collect(${FLOOR_EDGE}) AS edges
}
UNWIND [i IN range(0, size(nodes) - 1, 24) | {part: 'nodes', items: nodes[i..i + 24]}]
  + [i IN range(0, size(edges) - 1, 96) | {part: 'edges', items: edges[i..i + 96]}] AS chunk
RETURN chunk.part AS part, chunk.items AS items`;
}

const FLOOR_PATH = `
MATCH (a:Artifact {uid: $from}), (b:Artifact {uid: $to})
MATCH p = shortestPath((a)-[:INPUT|OUTPUT*1..${2 * MAX_DEPTH}]->(b))
RETURN [x IN nodes(p) | ${FLOOR_NODE('x')}] AS nodes, [r IN relationships(p) | ${FLOOR_EDGE}] AS edges`;

/** Impact and provenance have no simpler equivalent: their floor is Skein's own query, run raw. */
function reportFloor(kind: 'impact' | 'provenance'): string {
  return kind === 'impact' ? impactQuery('Artifact', false) : provenanceQuery('Artifact', 2 * MAX_DEPTH, false);
}

// ---------------------------------------------------------------------------------------------
// Workloads

interface Sample {
  graphql: { query: string; variables: Record<string, unknown> };
  floor: { query: string; params: Record<string, unknown> };
}

interface Workload {
  name: string;
  samples: Sample[];
  sizeOfGraphql: (data: Record<string, unknown>) => Size;
  sizeOfFloor: (rows: Array<Record<string, unknown>>) => Size;
}

/** What Skein asks for the IMPACT and PROVENANCE selections above (provenance adds maps and detail). */
const REPORT_PARAMS = {
  readable: null,
  asOf: null,
  withDetail: false,
  withSpec: false,
  withMaps: false,
  withTags: false,
  withPaths: false,
};

function lineageWorkload(
  name: string,
  label: 'Artifact' | 'Execution',
  uids: string[],
  q: { direction: 'UPSTREAM' | 'DOWNSTREAM'; depth: number; maxNodes: number },
): Workload {
  const floor = floorLineage(label, q.direction, 2 * q.depth);
  return {
    name,
    samples: uids.map((uid) => ({
      graphql: { query: LINEAGE, variables: { of: toGlobalId(label, uid), ...q } },
      // The start node and the cap: the same nodes the API keeps.
      floor: { query: floor, params: { uid, limit: neo4j.int(q.maxNodes + 1) } },
    })),
    sizeOfGraphql: (data) => {
      const l = data.lineage as { levels: Array<{ nodes: unknown[] }>; edges: unknown[] };
      return { nodes: l.levels.reduce((n, level) => n + level.nodes.length, 0), edges: l.edges.length };
    },
    sizeOfFloor: (rows) => ({
      nodes: rows.filter((r) => r.part === 'nodes').reduce((n, r) => n + (r.items as unknown[]).length, 0),
      edges: rows.filter((r) => r.part === 'edges').reduce((n, r) => n + (r.items as unknown[]).length, 0),
    }),
  };
}

function pathWorkload(name: string, pairs: Array<[string, string]>): Workload {
  return {
    name,
    samples: pairs.map(([from, to]) => ({
      graphql: { query: PATH, variables: { from: toGlobalId('Artifact', from), to: toGlobalId('Artifact', to) } },
      floor: { query: FLOOR_PATH, params: { from, to } },
    })),
    sizeOfGraphql: (data) => {
      const p = data.lineagePath as { nodes: unknown[]; edges: unknown[] } | null;
      return { nodes: p?.nodes.length ?? 0, edges: p?.edges.length ?? 0 };
    },
    sizeOfFloor: (rows) => ({
      nodes: (rows[0]?.nodes as unknown[] | undefined)?.length ?? 0,
      edges: (rows[0]?.edges as unknown[] | undefined)?.length ?? 0,
    }),
  };
}

function reportWorkload(kind: 'impact' | 'provenance', uids: string[]): Workload {
  const floor = reportFloor(kind);
  const cap = 10_000;
  return {
    name: kind === 'impact' ? 'impact (oldest raw)' : 'provenance (registered model)',
    samples: uids.map((uid) => ({
      graphql: { query: kind === 'impact' ? IMPACT : PROVENANCE, variables: { of: toGlobalId('Artifact', uid) } },
      floor: {
        query: floor,
        params: {
          uid,
          cap: neo4j.int(cap),
          limit: neo4j.int(cap + 2),
          perKind: neo4j.int(20),
          ...REPORT_PARAMS,
          withMaps: kind === 'provenance',
          withDetail: kind === 'provenance',
        },
      },
    })),
    sizeOfGraphql: (data) => {
      if (kind === 'impact') {
        const i = data.impact as { artifactsByKind: Array<{ count: number }>; executions: number };
        return { nodes: i.artifactsByKind.reduce((n, g) => n + g.count, 0) + i.executions, edges: 0 };
      }
      const p = data.provenance as { artifacts: unknown[]; executions: unknown[] };
      return { nodes: p.artifacts.length + p.executions.length, edges: 0 };
    },
    sizeOfFloor: (rows) => {
      if (kind === 'impact') {
        const r = rows[0] as { groups: Array<{ total: number }>; executions: number };
        return { nodes: r.groups.reduce((n, g) => n + g.total, 0) + r.executions, edges: 0 };
      }
      const count = (part: string) =>
        rows.filter((r) => r.part === part).reduce((n, r) => n + (r.items as unknown[]).length, 0);
      return { nodes: count('artifacts') + count('executions'), edges: 0 };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Targets, found through the graph (sampled evenly over all runs, the same ones every time)

/** `n` items spread evenly over `list` (which is in creation order), so late runs count as much as early ones. */
function spread<T>(list: T[], n: number): T[] {
  if (list.length <= n) return list;
  return Array.from({ length: n }, (_, i) => list[Math.floor(((i + 0.5) * list.length) / n)]!);
}

async function column(driver: Driver, database: string | undefined, query: string, params = {}): Promise<string[]> {
  const { records } = await driver.executeQuery(query, params, { database, routing: neo4j.routing.READ });
  return records.map((r) => r.get(0) as string);
}

interface Targets {
  models: string[];
  registered: string[];
  hub: string[];
  oldestRaw: string[];
  fanIns: string[];
  paths: Array<[string, string]>;
}

async function findTargets(driver: Driver, database: string | undefined, size: BenchSize, n: number): Promise<Targets> {
  const shape = SHAPES[size];
  const teams = Array.from({ length: shape.teams }, (_, t) => teamWorkspace(size, t));
  // One uid in 16 (its last hex digit is random), in creation order: an even, repeatable sample.
  const models = await column(
    driver,
    database,
    `UNWIND $teams AS ws MATCH (a:Artifact {workspace: ws, kind: 'MODEL'}) WHERE a.uid ENDS WITH '0'
     RETURN a.uid ORDER BY a.uid`,
    { teams },
  );
  const registered = await column(
    driver,
    database,
    `UNWIND $teams AS ws MATCH (a:Artifact {workspace: ws, kind: 'MODEL'})
     WHERE a.uid ENDS WITH '0' AND a.key STARTS WITH 'registry/' RETURN a.uid ORDER BY a.uid`,
    { teams },
  );
  const raws = teams.flatMap((ws) =>
    Array.from({ length: shape.pipelinesPerTeam }, (_, p) => ({ workspace: ws, key: rawKey(p) })),
  );
  const oldestRaw = await column(
    driver,
    database,
    `UNWIND $raws AS r MATCH (a:Artifact {workspace: r.workspace, key: r.key, version: 1}) RETURN a.uid`,
    { raws },
  );
  const hub = await column(
    driver,
    database,
    `MATCH (a:Artifact {workspace: $ws, key: $key, version: 1}) RETURN a.uid`,
    { ws: sharedWorkspace(size), key: HUB_KEY },
  );
  const fanIns = await column(
    driver,
    database,
    `MATCH (r:Run {workspace: $ws}) MATCH (e:Execution {runUid: r.uid}) WHERE e.name = 'ensemble' RETURN e.uid`,
    { ws: sharedWorkspace(size) },
  );
  const paths = await pathPairs(driver, database, spread(registered, n));
  return {
    models: spread(models, n),
    registered: spread(registered, n),
    hub,
    oldestRaw: spread(oldestRaw, n),
    fanIns: spread(fanIns, n),
    paths,
  };
}

/** Each registered model with the first raw version of its own pipeline: a chain runs between them. */
async function pathPairs(driver: Driver, database: string | undefined, models: string[]) {
  const { records } = await driver.executeQuery(
    `UNWIND $models AS uid
     MATCH (m:Artifact {uid: uid})
     MATCH (raw:Artifact {workspace: m.workspace, key: 'raw/' + split(m.key, '/')[1], version: 1})
     RETURN raw.uid AS from, m.uid AS to`,
    { models },
    { database, routing: neo4j.routing.READ },
  );
  return records.map((r) => [r.get('from'), r.get('to')] as [string, string]);
}

function workloads(t: Targets): Workload[] {
  const list: Workload[] = [];
  for (const direction of ['UPSTREAM', 'DOWNSTREAM'] as const) {
    for (const depth of [1, 3, 5, 10, MAX_DEPTH]) {
      const name = `${direction.toLowerCase()} d${depth === MAX_DEPTH ? `${depth} (unbounded)` : depth} (model)`;
      list.push(lineageWorkload(name, 'Artifact', t.models, { direction, depth, maxNodes: 1000 }));
    }
  }
  for (const cap of [100, 1000, 5000]) {
    list.push(
      lineageWorkload(`hub downstream d1, cap ${cap}`, 'Artifact', t.hub, {
        direction: 'DOWNSTREAM',
        depth: 1,
        maxNodes: cap,
      }),
    );
  }
  list.push(
    lineageWorkload('oldest raw downstream, cap 1000', 'Artifact', t.oldestRaw, {
      direction: 'DOWNSTREAM',
      depth: MAX_DEPTH,
      maxNodes: 1000,
    }),
    lineageWorkload('fan-in execution upstream d1', 'Execution', t.fanIns, {
      direction: 'UPSTREAM',
      depth: 1,
      maxNodes: 1000,
    }),
    pathWorkload('shortest path raw v1 -> registered', t.paths),
    reportWorkload('impact', t.oldestRaw),
    reportWorkload('provenance', t.registered),
  );
  return list;
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** One keep-alive connection, as a client app would hold (fetch costs ~1 ms a request more here). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function postGraphql(url: string, body: Sample['graphql'], authorization?: string): Promise<Record<string, unknown>> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: withAuthorization(
          { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
          authorization,
        ),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            data?: Record<string, unknown>;
            errors?: unknown[];
          };
          if (json.errors?.length) reject(new Error(`GraphQL errors: ${JSON.stringify(json.errors).slice(0, 500)}`));
          else resolve(json.data!);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function runFloor(driver: Driver, database: string | undefined, f: Sample['floor']) {
  const session = driver.session({ database, defaultAccessMode: neo4j.session.READ });
  try {
    return await session.executeRead(async (tx) => (await tx.run(f.query, f.params)).records.map((r) => r.toObject()));
  } finally {
    await session.close();
  }
}

async function measure(
  w: Workload,
  ctx: {
    url: string;
    driver: Driver;
    database?: string;
    repeats: number;
    warmup: number;
    authorization?: () => string | undefined;
  },
): Promise<WorkloadResult> {
  const api: number[] = [];
  const raw: number[] = [];
  const sizes: Size[] = [];
  let mismatches = 0;
  for (let i = 0; i < ctx.warmup + ctx.repeats; i++) {
    const sample = w.samples[i % w.samples.length]!;
    const viaApi = () => timed(() => postGraphql(ctx.url, sample.graphql, ctx.authorization?.()));
    const viaDriver = () => timed(() => runFloor(ctx.driver, ctx.database, sample.floor));
    // Alternate which side goes first, so neither always runs on a cache the other warmed.
    let gql: Awaited<ReturnType<typeof viaApi>>;
    let floor: Awaited<ReturnType<typeof viaDriver>>;
    if (i % 2 === 0) {
      gql = await viaApi();
      floor = await viaDriver();
    } else {
      floor = await viaDriver();
      gql = await viaApi();
    }
    if (i < ctx.warmup) continue;
    api.push(gql.ms);
    raw.push(floor.ms);
    const size = w.sizeOfGraphql(gql.value);
    const floorSize = w.sizeOfFloor(floor.value);
    if (size.nodes !== floorSize.nodes || size.edges !== floorSize.edges) mismatches++;
    sizes.push(size);
  }
  const graphql = summarize(api);
  const floor = summarize(raw);
  const allowed = allowedMs(floor.p50);
  return {
    name: w.name,
    targets: w.samples.length,
    nodes: median(sizes.map((s) => s.nodes)),
    edges: median(sizes.map((s) => s.edges)),
    graphql,
    floor,
    ratio: round(graphql.p50 / floor.p50),
    allowedMs: allowed,
    ok: graphql.p50 <= allowed,
    mismatches,
  };
}

function checkTargets(results: WorkloadResult[]): TargetCheck[] {
  const byName = (prefix: string) => results.find((r) => r.name.startsWith(prefix));
  const checks: TargetCheck[] = [];
  const all = results.filter((r) => !r.ok);
  checks.push({
    name: 'every workload: GraphQL p50 <= max(1.5 x floor, floor + 5 ms)',
    ok: all.length === 0,
    detail: all.length === 0 ? 'all pass' : `over: ${all.map((r) => r.name).join(', ')}`,
  });
  const ten = byName('upstream d10 ');
  if (ten) {
    checks.push({
      name: '10-step upstream from a random model: p50 <= 10 ms, p95 <= 25 ms',
      ok: ten.graphql.p50 <= 10 && ten.graphql.p95 <= 25,
      detail: `p50 ${ten.graphql.p50} ms, p95 ${ten.graphql.p95} ms`,
    });
  }
  const big = results.filter((r) => r.nodes >= 900 && r.nodes <= 1100);
  checks.push({
    name: '~1,000-node subgraphs: p50 <= 50 ms',
    ok: big.length > 0 && big.every((r) => r.graphql.p50 <= 50),
    detail: big.map((r) => `${r.name}: ${r.nodes} nodes, p50 ${r.graphql.p50} ms`).join('; ') || 'none measured',
  });
  const hub = [100, 1000, 5000].map((cap) => byName(`hub downstream d1, cap ${cap}`));
  if (hub.every(Boolean)) {
    const [h100, h1000, h5000] = hub as WorkloadResult[];
    // Proportional to the cap: 10x the cap costs clearly less than 10x... and the small cap is cheap.
    const perNode = hub.map((h) => round(h!.graphql.p50 / h!.nodes));
    checks.push({
      name: 'hub capped at maxNodes: time follows the cap, not the hub',
      ok: h100!.graphql.p50 < h1000!.graphql.p50 && h1000!.graphql.p50 < h5000!.graphql.p50 && h100!.graphql.p50 < 20,
      detail: `cap 100: ${h100!.graphql.p50} ms, cap 1000: ${h1000!.graphql.p50} ms, cap 5000: ${h5000!.graphql.p50} ms (ms per node ${perNode.join(' / ')})`,
    });
  }
  return checks;
}

function render(report: LineageBenchReport): string {
  const rows: Array<Array<string | number>> = [
    ['workload', 'nodes', 'edges', 'gql p50', 'gql p95', 'floor p50', 'floor p95', 'ratio', 'allowed', 'ok'],
    ...report.results.map((r) => [
      r.name,
      r.nodes,
      r.edges,
      r.graphql.p50,
      r.graphql.p95,
      r.floor.p50,
      r.floor.p95,
      r.ratio,
      r.allowedMs,
      r.ok ? 'yes' : 'NO',
    ]),
  ];
  const checks = report.targets.map((c) => `${c.ok ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}`);
  const differing = report.results.filter((r) => r.mismatches > 0);
  if (differing.length > 0) {
    checks.push(`WARN  the two sides answered different sizes: ${differing.map((r) => r.name).join(', ')}`);
  }
  return [
    `Lineage benchmark, size ${report.size}: ${report.graph.nodes.toLocaleString()} nodes, ` +
      `${report.graph.events.toLocaleString()} events; ${report.repeats} timed requests per side (ms); ` +
      `NODE_ENV=${report.nodeEnv}`,
    table(rows),
    '',
    ...checks,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** Nodes and events of this size's bench workspaces (workspace nodes themselves aside). */
async function graphSize(driver: Driver, database: string | undefined, size: BenchSize) {
  const { records } = await driver.executeQuery(
    `MATCH (n) WHERE n.workspace STARTS WITH $prefix
     RETURN count(n) AS nodes,
       sum(CASE WHEN n:Execution THEN COUNT { (n)<-[:INPUT]-() } + COUNT { (n)-[:OUTPUT]->() } ELSE 0 END) AS events`,
    { prefix: benchPrefix(size) },
    { database, routing: neo4j.routing.READ },
  );
  return { nodes: Number(records[0]!.get('nodes')), events: Number(records[0]!.get('events')) };
}

async function startServer(opts: LineageBenchOptions): Promise<SkeinHandle> {
  const config = loadConfig({
    ...process.env,
    NEO4J_URI: opts.neo4jUri,
    NEO4J_USERNAME: opts.neo4jUsername ?? process.env.NEO4J_USERNAME,
    NEO4J_PASSWORD: opts.neo4jPassword ?? process.env.NEO4J_PASSWORD,
    NEO4J_DATABASE: opts.neo4jDatabase,
    SKEIN_PORT: '0',
    SKEIN_LOG_LEVEL: 'warn',
    SKEIN_WARMUP: 'true',
  });
  return startSkein(config, { logger: createLogger('warn'), progress: () => undefined });
}

/**
 * Reads every node's and event's properties, and the uid indexes, once (untimed), so measuring
 * starts with the store in Neo4j's page cache, as a running server's is: right after a restart,
 * the first passes over cold pages ran several times slower, on both sides alike.
 */
async function warmStore(driver: Driver, database: string | undefined, log: (line: string) => void): Promise<void> {
  const started = performance.now();
  const session = driver.session({ database, defaultAccessMode: 'READ' });
  try {
    for (const query of [
      'MATCH (n) RETURN count(properties(n)) AS n',
      'MATCH ()-[r]->() RETURN count(properties(r)) AS n',
      "MATCH (a:Artifact) WHERE a.uid > '' RETURN count(a) AS n",
      "MATCH (e:Execution) WHERE e.uid > '' RETURN count(e) AS n",
    ])
      await session.run(query);
  } finally {
    await session.close();
  }
  log(`page cache warmed (every node and event read once) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Runs every sample of every workload once on both sides, untimed, before anything is timed: after
 * a restart Neo4j's JVM still interprets its hot paths for a minute or so (the first workloads
 * measured 2x slower on both sides), and Skein's server warms up only its own plans.
 */
async function warmJvm(
  list: Workload[],
  ctx: { url: string; driver: Driver; database?: string; authorization?: () => string | undefined },
  log: (line: string) => void,
): Promise<void> {
  const started = performance.now();
  for (const w of list) {
    for (const sample of w.samples) {
      await postGraphql(ctx.url, sample.graphql, ctx.authorization?.());
      await runFloor(ctx.driver, ctx.database, sample.floor);
    }
  }
  log(
    `warmed up: every sample of every workload once, both sides, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

export async function runLineageBench(opts: LineageBenchOptions): Promise<LineageBenchReport> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const database = opts.neo4jDatabase;
  const driver = neo4j.driver(
    opts.neo4jUri,
    neo4j.auth.basic(opts.neo4jUsername ?? 'neo4j', opts.neo4jPassword ?? ''),
    {
      disableLosslessIntegers: true,
    },
  );
  let server: SkeinHandle | undefined;
  try {
    if (opts.generate !== false) await generate({ driver, size: opts.size, database, progress: log });
    await opts.afterGenerate?.(benchPrefix(opts.size));
    await warmStore(driver, database, log);
    server = opts.graphqlUrl ? undefined : await startServer(opts);
    const url = opts.graphqlUrl ?? server!.graphqlUrl;
    const repeats = opts.repeats ?? 40;
    const targets = await findTargets(driver, database, opts.size, Math.max(repeats, 20));
    const results: WorkloadResult[] = [];
    const chosen = workloads(targets).filter((w) => !opts.workloads || w.name.includes(opts.workloads));
    const authorization = opts.authorization;
    await warmJvm(chosen, { url, driver, database, authorization }, log);
    for (const w of chosen) {
      if (w.samples.length === 0) continue;
      results.push(await measure(w, { url, driver, database, repeats, warmup: opts.warmup ?? 5, authorization }));
      log(`  ${w.name}: gql p50 ${results.at(-1)!.graphql.p50} ms, floor p50 ${results.at(-1)!.floor.p50} ms`);
    }
    const report: LineageBenchReport = {
      size: opts.size,
      nodeEnv: process.env.NODE_ENV ?? 'development',
      graph: await graphSize(driver, database, opts.size),
      repeats,
      finishedAt: new Date().toISOString(),
      results,
      targets: checkTargets(results),
    };
    if (!opts.workloads) {
      const dir = opts.resultsDir ?? path.join(PROJECT_ROOT, 'bench', 'results');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `lineage-${opts.size}.json`), JSON.stringify(report, null, 2) + '\n');
    }
    log(render(report));
    return report;
  } finally {
    agent.destroy();
    await server?.stop();
    await driver.close();
  }
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const neo4jUri = process.env.NEO4J_URI;
  if (!neo4jUri) throw new Error('Set NEO4J_URI to the Neo4j holding (or to load) the bench graph.');
  const repeats = argValue('--repeats');
  const report = await runLineageBench({
    size: parseSize(process.argv[2]),
    neo4jUri,
    neo4jUsername: process.env.NEO4J_USERNAME,
    neo4jPassword: process.env.NEO4J_PASSWORD,
    neo4jDatabase: process.env.NEO4J_DATABASE,
    graphqlUrl: argValue('--url'),
    workloads: argValue('--workloads'),
    repeats: repeats ? Number(repeats) : undefined,
  });
  if (report.targets.some((t) => !t.ok)) process.exitCode = 1;
}

/**
 * graphql-js picks its `instanceof` checks when it loads: the slow development ones unless
 * NODE_ENV is production (several ms on a 1,000-node answer). Measure the server as deployed:
 * run again with it set, before anything has loaded graphql.
 */
function rerunInProduction(): boolean {
  if (process.env.NODE_ENV === 'production') return false;
  const child = spawnSync(process.execPath, process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  process.exitCode = child.status ?? 1;
  return true;
}

if (require.main === module && !rerunInProduction()) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  });
}
