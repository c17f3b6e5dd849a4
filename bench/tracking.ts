/**
 * Experiment-tracking benchmark: the run API against its floor, the same work done with raw
 * neo4j-driver calls and the best hand-written Cypher.
 *
 * Writes: N runs (10 params, 10 results, 5 labels each) started and finished through GraphQL by
 * `clients` concurrent clients, and the same two writes per run through the driver into another
 * workspace. Both workspaces get identical data (a seeded generator), so every read answers the
 * same rows both ways.
 *
 * Reads (one client, p50/p95): a param+result search ordered by a result, a label filter, an OR
 * filter, one run by id, a walk over all runs by cursor (500 a page), and a first page against a
 * deep one (by creation order and by a result).
 *
 * Targets: writes >= 0.7x the raw rate; each read's p50 within 1.5x of the floor's or 5 ms of it,
 * whichever is larger.
 *
 *   npm run build && NEO4J_URI=bolt://… node dist/bench/tracking.js [runs] [clients]
 *
 * Standalone knobs, for iterating: BENCH_KEEP=true keeps the two workspaces (their names are in
 * the JSON); BENCH_REUSE=<graphql ws>,<raw ws> reads those instead of writing; BENCH_URL=<url>
 * measures an already running Skein instead of an in-process one; BENCH_WRITES_ONLY=true stops
 * after the writes (`npm run bench -- --only tracking --writes-only` does the same).
 */
import http from 'node:http';
import neo4j, { type Driver } from 'neo4j-driver';
import { v7 } from 'uuid';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { rng } from '../src/demo/data';

export interface TrackingBenchOptions {
  neo4jUri: string;
  neo4jUsername?: string;
  neo4jPassword?: string;
  neo4jDatabase?: string;
  graphqlUrl: string;
  /** The Authorization header each GraphQL request carries (bench/auth.ts, `--auth`); none when absent. */
  authorization?: () => string | undefined;
  /** Runs written each way (default 30,000). */
  runs?: number;
  /** Concurrent writers (default 8). */
  clients?: number;
  /** Timed repetitions of each read (default 40, after 5 untimed). */
  repeats?: number;
  /** Keep the two bench workspaces and their runs (default: delete them afterwards). */
  keep?: boolean;
  /**
   * Read the runs of two workspaces an earlier run kept (`keep`) instead of writing new ones: for
   * iterating on read speed. The write figures then come back as zero and are not judged.
   */
  reuse?: { graphql: string; raw: string };
  /** Only the writes (no reads, nothing judged but the write ratio): for iterating on ingest speed. */
  writesOnly?: boolean;
  log?: (line: string) => void;
}

export interface Latency {
  p50: number;
  p95: number;
  n: number;
}

export interface ReadResult {
  name: string;
  rows: number;
  graphql: Latency;
  raw: Latency;
  /** graphql p50 / raw p50. */
  ratio: number;
  /** The largest graphql p50 that meets the target: max(1.5 x raw, raw + 5 ms). */
  allowedMs: number;
  ok: boolean;
  /** Not a target: measured to show where time goes (e.g. a slim selection of the same page). */
  diagnostic?: boolean;
}

export interface WriteSide {
  runsPerSecond: number;
  seconds: number;
  /**
   * This process's CPU per run (client and, when in-process, server): where the time goes when the
   * machine, not Neo4j, is the limit.
   */
  nodeCpuMsPerRun: number;
}

export interface WriteResult {
  graphql: WriteSide;
  raw: WriteSide;
  /** graphql rate / raw rate; the target is 0.7 or more. */
  ratio: number;
  ok: boolean;
}

export interface WalkResult {
  pages: number;
  rows: number;
  graphql: { totalMs: number } & Latency;
  raw: { totalMs: number } & Latency;
  ratio: number;
  /** The largest GraphQL total that meets the target: max(1.5 x the floor's total, + 5 ms). */
  allowedMs: number;
  ok: boolean;
}

export interface TrackingBenchResult {
  runs: number;
  clients: number;
  workspaces: { graphql: string; raw: string };
  writes: WriteResult;
  reads: ReadResult[];
  walk: WalkResult;
  ok: boolean;
}

const WRITE_TARGET = 0.7;
const READ_FACTOR = 1.5;
const READ_SLACK_MS = 5;
const WALK_PAGE = 500;

// ---------------------------------------------------------------------------------------------
// The data: the same seeded runs for both workspaces

export interface RunData {
  name: string;
  params: Record<string, number | string>;
  results: Record<string, number>;
  labels: Record<string, string>;
}

const LRS = [0.1, 0.01, 0.001, 0.0001];
const TEAMS = ['nlp', 'cv', 'rec', 'speech'];

export function runData(i: number): RunData {
  const rnd = rng(i + 1);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  return {
    name: `trial-${i}`,
    params: {
      lr: pick(LRS),
      batch_size: pick([16, 32, 64, 128]),
      optimizer: pick(['adam', 'sgd', 'rmsprop']),
      epochs: pick([5, 10, 20]),
      dropout: round(rnd() * 0.5),
      weight_decay: round(rnd() * 0.01),
      layers: 2 + Math.floor(rnd() * 6),
      hidden: pick([128, 256, 512]),
      seed: Math.floor(rnd() * 1e6),
      warmup: Math.floor(rnd() * 1000),
    },
    results: {
      accuracy: round(0.5 + rnd() * 0.5),
      loss: round(rnd()),
      f1: round(rnd()),
      precision: round(rnd()),
      recall: round(rnd()),
      auc: round(rnd()),
      train_time: round(rnd() * 3600),
      val_loss: round(rnd()),
      val_accuracy: round(rnd()),
      throughput: round(rnd() * 1e4),
    },
    labels: {
      team: pick(TEAMS),
      stage: pick(['dev', 'staging', 'prod']),
      owner: `user-${Math.floor(rnd() * 20)}`,
      env: pick(['gpu', 'cpu']),
      priority: pick(['low', 'high']),
    },
  };
}

const entries = (map: Record<string, unknown>) => Object.entries(map).map(([key, value]) => ({ key, value }));
export const prefixed = (kind: string, map: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(map).map(([k, v]) => [`${kind}.${k}`, v]));

// ---------------------------------------------------------------------------------------------
// Clients

/** `headers` plus an Authorization header when there is one. */
export function withAuthorization(
  headers: Record<string, string | number>,
  authorization: string | undefined,
): Record<string, string | number> {
  return authorization ? { ...headers, authorization } : headers;
}

/**
 * A lean GraphQL client: node:http with keep-alive sockets. (fetch's web streams cost several
 * times more CPU per request, and in this one-process bench that CPU is taken from the server.)
 */
export class GraphQLClient {
  private readonly agent: http.Agent;
  private readonly target: URL;

  constructor(
    url: string,
    sockets: number,
    private readonly authorization: () => string | undefined = () => undefined,
  ) {
    this.target = new URL(url);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const text = await this.post(JSON.stringify({ query, variables }));
    const body = JSON.parse(text) as { data?: T; errors?: unknown[] };
    if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data as T;
  }

  close(): void {
    this.agent.destroy();
  }

  private post(payload: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        this.target,
        {
          method: 'POST',
          agent: this.agent,
          headers: withAuthorization(
            { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
            this.authorization(),
          ),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** Raw driver access: the floor. */
export class RawClient {
  constructor(
    private readonly driver: Driver,
    private readonly database?: string,
  ) {}

  async write(query: string, params: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: 'WRITE' });
    try {
      const result = await session.executeWrite((tx) => tx.run(query, params));
      return result.records.map((r) => r.toObject());
    } finally {
      await session.close();
    }
  }

  async read(query: string, params: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
    const session = this.driver.session({ database: this.database, defaultAccessMode: 'READ' });
    try {
      const result = await session.executeRead((tx) => tx.run(query, params));
      return result.records.map((r) => r.toObject());
    } finally {
      await session.close();
    }
  }

  /** Schema-free bulk deletes need an auto-commit transaction (CALL … IN TRANSACTIONS). */
  async autoCommit(query: string, params: Record<string, unknown>): Promise<void> {
    const session = this.driver.session({ database: this.database });
    try {
      await session.run(query, params);
    } finally {
      await session.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Writes

const START_RUN = `mutation($i: StartRunInput!) { startRun(input: $i) { id } }`;
const FINISH_RUN = `mutation($id: ID!, $r: [EntryInput!]) { finishRun(id: $id, state: COMPLETED, results: $r) { id } }`;

/**
 * The floor for startRun: the workspace check and the create in one statement, writing what the
 * product stores (the lower-cased name under its text index included: the same index writes).
 */
const RAW_START = `
MATCH (w:Workspace {name: $workspace})
CREATE (r:Run {uid: $uid, workspace: $workspace, name: $name, searchName: toLower($name), state: 'RUNNING',
  startedAt: $now, iteration: 0, createdAt: $now})-[:IN_WORKSPACE]->(w)
SET r += $props
RETURN r.uid AS uid`;

/** The floor for finishRun: a conditional state change with the results. */
const RAW_FINISH = `
MATCH (r:Run {uid: $uid}) WHERE r.state = 'RUNNING'
SET r.state = 'COMPLETED', r.finishedAt = $now
SET r += $results
RETURN r.uid AS uid`;

export interface Spent {
  seconds: number;
  cpuMs: number;
}

/** Runs jobs `from`..`to`-1 with `clients` concurrent workers; returns the time and CPU spent. */
export async function concurrently(
  from: number,
  to: number,
  clients: number,
  job: (i: number) => Promise<void>,
): Promise<Spent> {
  let next = from;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const worker = async () => {
    for (let i = next++; i < to; i = next++) await job(i);
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpuMs: (used.user + used.system) / 1000 };
}

const add = (a: Spent, b: Spent): Spent => ({ seconds: a.seconds + b.seconds, cpuMs: a.cpuMs + b.cpuMs });

function graphqlWriter(gql: GraphQLClient, workspace: string) {
  return async (i: number) => {
    const d = runData(i);
    const started = await gql.request<{ startRun: { id: string } }>(START_RUN, {
      i: { workspace, name: d.name, params: entries(d.params), labels: entries(d.labels) },
    });
    await gql.request(FINISH_RUN, { id: started.startRun.id, r: entries(d.results) });
  };
}

export function rawWriter(raw: RawClient, workspace: string) {
  return async (i: number) => {
    const d = runData(i);
    const uid = v7();
    const props = { ...prefixed('param', d.params), ...prefixed('label', d.labels) };
    await raw.write(RAW_START, { workspace, uid, name: d.name, props, now: new Date().toISOString() });
    await raw.write(RAW_FINISH, { uid, results: prefixed('result', d.results), now: new Date().toISOString() });
  };
}

/**
 * Both ways, in alternating slices of 10%: a shared machine's load swings over minutes, and
 * alternating spreads those swings over both sides instead of favouring whichever ran second.
 */
async function writeBothWays(
  c: { gql: GraphQLClient; raw: RawClient },
  workspaces: { graphql: string; raw: string },
  runs: number,
  clients: number,
): Promise<{ viaGraphQL: Spent; viaRaw: Spent }> {
  const viaGraphQL = graphqlWriter(c.gql, workspaces.graphql);
  const viaRaw = rawWriter(c.raw, workspaces.raw);
  const slice = Math.max(1, Math.ceil(runs / 10));
  let gqlSpent: Spent = { seconds: 0, cpuMs: 0 };
  let rawSpent: Spent = { seconds: 0, cpuMs: 0 };
  for (let from = 0; from < runs; from += slice) {
    const to = Math.min(runs, from + slice);
    gqlSpent = add(gqlSpent, await concurrently(from, to, clients, viaGraphQL));
    rawSpent = add(rawSpent, await concurrently(from, to, clients, viaRaw));
  }
  return { viaGraphQL: gqlSpent, viaRaw: rawSpent };
}

// ---------------------------------------------------------------------------------------------
// Reads

export const RUN_VIEW = 'id uid name state params { key value } results { key value } labels { key value }';
export const SEARCH = `query($w: String!, $f: RunFilter, $o: RunOrder, $first: Int, $after: String) {
  runs(workspace: $w, filter: $f, orderBy: $o, first: $first, after: $after) {
    edges { node { ${RUN_VIEW} } } pageInfo { hasNextPage endCursor } } }`;

export interface SearchAnswer {
  runs: { edges: Array<{ node: { uid: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** The hand-written floor queries: literal property names, the same indexes, the same rows. */
const RAW = {
  lrAndAccuracy: `
MATCH (r:Run) WHERE r.workspace = $w AND r.\`param.lr\` = 0.01 AND r.\`result.accuracy\` > 0.9
RETURN properties(r) AS run ORDER BY r.\`result.accuracy\` DESC, r.uid DESC LIMIT 100`,
  label: `
MATCH (r:Run) WHERE r.workspace = $w AND r.uid < $top AND r.\`label.team\` = 'nlp'
RETURN properties(r) AS run ORDER BY r.workspace DESC, r.uid DESC LIMIT 100`,
  or: `
MATCH (r:Run) WHERE r.workspace = $w AND r.uid < $top AND (r.\`label.team\` = 'cv' OR r.\`result.accuracy\` > 0.98)
RETURN properties(r) AS run ORDER BY r.workspace DESC, r.uid DESC LIMIT 100`,
  byId: `MATCH (r:Run {uid: $uid}) RETURN properties(r) AS run`,
  page: `
MATCH (r:Run) WHERE r.workspace = $w AND r.uid < $after
RETURN properties(r) AS run ORDER BY r.workspace DESC, r.uid DESC LIMIT ${WALK_PAGE}`,
  slimPage: `
MATCH (r:Run) WHERE r.workspace = $w AND r.uid < $after
RETURN r.uid AS uid, r.name AS name, r.state AS state ORDER BY r.workspace DESC, r.uid DESC LIMIT ${WALK_PAGE}`,
  // Walks the (workspace, result.accuracy) search index backwards from the cursor's value ($top:
  // +Infinity on the first page) and stops after the page; uid breaks ties. (Without the seek, on a
  // graph holding other workspaces' runs, the planner read every Run and sorted them.)
  pageByAccuracy: `
MATCH (r:Run) WHERE r.workspace = $w AND r.\`result.accuracy\` <= $top
  AND ($u IS NULL OR r.\`result.accuracy\` < $k OR r.uid < $u)
RETURN properties(r) AS run, r.\`result.accuracy\` AS k
ORDER BY r.workspace DESC, r.\`result.accuracy\` DESC, r.uid DESC LIMIT ${WALK_PAGE}`,
};

const FILTERS = {
  lrAndAccuracy: { param: { key: 'lr', eq: 0.01 }, result: { key: 'accuracy', gt: 0.9 } },
  label: { label: { key: 'team', value: 'nlp' } },
  or: { or: [{ label: { key: 'team', value: 'cv' } }, { result: { key: 'accuracy', gt: 0.98 } }] },
};

export async function time<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

export function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: round2(at(0.5)), p95: round2(at(0.95)), n: sorted.length };
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

/** Warms both sides up, then times them alternately so drift (GC, checkpoints) hits both alike. */
async function compareRead(
  name: string,
  repeats: number,
  viaGraphQL: () => Promise<number>,
  viaRaw: () => Promise<number>,
): Promise<ReadResult> {
  let rows = 0;
  for (let i = 0; i < 5; i += 1) {
    rows = await viaGraphQL();
    const rawRows = await viaRaw();
    if (rawRows !== rows) throw new Error(`${name}: GraphQL answered ${rows} rows, the floor ${rawRows}`);
  }
  const g: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < repeats; i += 1) {
    g.push((await time(viaGraphQL)).ms);
    r.push((await time(viaRaw)).ms);
  }
  return judgeRead(name, rows, g, r);
}

/** A read's verdict from its samples: GraphQL p50 within max(1.5 x the floor's, the floor's + 5 ms). */
export function judgeRead(name: string, rows: number, graphqlMs: number[], rawMs: number[]): ReadResult {
  const graphql = latency(graphqlMs);
  const raw = latency(rawMs);
  const allowedMs = round2(Math.max(raw.p50 * READ_FACTOR, raw.p50 + READ_SLACK_MS));
  return { name, rows, graphql, raw, ratio: round2(graphql.p50 / raw.p50), allowedMs, ok: graphql.p50 <= allowedMs };
}

interface ReadContext {
  gql: GraphQLClient;
  raw: RawClient;
  gqlWs: string;
  rawWs: string;
  repeats: number;
}

async function searchGraphQL(c: ReadContext, vars: Record<string, unknown>): Promise<SearchAnswer['runs']> {
  return (await c.gql.request<SearchAnswer>(SEARCH, { w: c.gqlWs, ...vars })).runs;
}

async function filterReads(c: ReadContext): Promise<ReadResult[]> {
  const top = { w: c.rawWs, top: '~' };
  return [
    await compareRead(
      'lr = 0.01 and accuracy > 0.9, by accuracy desc, first 100',
      c.repeats,
      async () =>
        (await searchGraphQL(c, { f: FILTERS.lrAndAccuracy, o: { result: 'accuracy', direction: 'DESC' }, first: 100 }))
          .edges.length,
      async () => (await c.raw.read(RAW.lrAndAccuracy, { w: c.rawWs })).length,
    ),
    await compareRead(
      'label team = nlp, newest first 100',
      c.repeats,
      async () => (await searchGraphQL(c, { f: FILTERS.label, first: 100 })).edges.length,
      async () => (await c.raw.read(RAW.label, top)).length,
    ),
    await compareRead(
      'team = cv or accuracy > 0.98, newest first 100',
      c.repeats,
      async () => (await searchGraphQL(c, { f: FILTERS.or, first: 100 })).edges.length,
      async () => (await c.raw.read(RAW.or, top)).length,
    ),
  ];
}

const NODE = `query($id: ID!) { node(id: $id) { id ... on Run { ${RUN_VIEW} } } }`;
const RUN = `query($id: ID!) { run(id: $id) { ${RUN_VIEW} } }`;

/** node(id:) when it answers runs, else run(id:). */
async function byIdRead(c: ReadContext): Promise<ReadResult> {
  const [gqlRun] = (await searchGraphQL(c, { first: 1 })).edges;
  const [rawRun] = await c.raw.read(RAW.page, { w: c.rawWs, after: '~' });
  const id = (gqlRun!.node as unknown as { id: string }).id;
  const rawUid = (rawRun!.run as { uid: string }).uid;
  const viaNode = await c.gql.request<{ node: { id: string } | null }>(NODE, { id }).catch(() => ({ node: null }));
  const [label, query, field] = viaNode.node ? ['node(id)', NODE, 'node'] : ['run(id)', RUN, 'run'];
  return compareRead(
    `${label} of one run`,
    c.repeats,
    async () => ((await c.gql.request<Record<string, unknown>>(query, { id }))[field] ? 1 : 0),
    async () => (await c.raw.read(RAW.byId, { uid: rawUid })).length,
  );
}

/**
 * Every page of both workspaces, newest first, the two walks interleaved page by page (so load
 * swings hit both); returns timings and the cursors seen, for deep pages. Judged on the total:
 * max(1.5 x the floor's, the floor's + 5 ms).
 */
async function walk(c: ReadContext): Promise<{ result: WalkResult; gqlCursors: string[]; rawCursors: string[] }> {
  const g: number[] = [];
  const r: number[] = [];
  const gqlCursors: string[] = [];
  const rawCursors: string[] = [];
  let rows = 0;
  let after: string | null = null;
  let rawAfter = '~';
  let gqlDone = false;
  let rawDone = false;
  while (!gqlDone || !rawDone) {
    if (!gqlDone) {
      const { ms, value } = await time(() => searchGraphQL(c, { first: WALK_PAGE, after }));
      g.push(ms);
      rows += value.edges.length;
      gqlDone = !value.pageInfo.hasNextPage;
      after = value.pageInfo.endCursor;
      if (!gqlDone) gqlCursors.push(after!);
    }
    if (!rawDone) {
      const { ms, value } = await time(() => c.raw.read(RAW.page, { w: c.rawWs, after: rawAfter }));
      r.push(ms);
      rawDone = value.length < WALK_PAGE;
      if (!rawDone) {
        rawAfter = (value.at(-1)!.run as { uid: string }).uid;
        rawCursors.push(rawAfter);
      }
    }
  }
  const sum = (xs: number[]) => round2(xs.reduce((a, b) => a + b, 0));
  const allowedMs = round2(Math.max(sum(r) * READ_FACTOR, sum(r) + READ_SLACK_MS));
  const result: WalkResult = {
    pages: g.length,
    rows,
    graphql: { totalMs: sum(g), ...latency(g) },
    raw: { totalMs: sum(r), ...latency(r) },
    ratio: round2(sum(g) / sum(r)),
    allowedMs,
    ok: sum(g) <= allowedMs,
  };
  return { result, gqlCursors, rawCursors };
}

/** First page against one ~90% deep, in creation order and by accuracy: keyset pages cost the same. */
async function pageDepthReads(c: ReadContext, gqlCursors: string[], rawCursors: string[]): Promise<ReadResult[]> {
  // Cursor i of either list resumes after page i+1 (the raw walk may hold one more, past the end).
  const at = Math.floor(gqlCursors.length * 0.9);
  const deep = (list: string[]) => list[at] ?? null;
  const out: ReadResult[] = [];
  for (const [label, gqlAfter, rawAfter] of [
    ['first page (500, newest first)', null, '~'],
    ['deep page (500, newest first, ~90% in)', deep(gqlCursors), deep(rawCursors) ?? '~'],
  ] as const) {
    out.push(
      await compareRead(
        label,
        c.repeats,
        async () => (await searchGraphQL(c, { first: WALK_PAGE, after: gqlAfter })).edges.length,
        async () => (await c.raw.read(RAW.page, { w: c.rawWs, after: rawAfter })).length,
      ),
    );
  }
  const byAccuracy = { result: 'accuracy', direction: 'DESC' };
  const deepAccuracy = await accuracyCursors(c);
  for (const [label, gqlAfter, rawAfter] of [
    ['first page (500, by accuracy desc)', null, { k: null, u: null }],
    ['deep page (500, by accuracy desc, ~90% in)', deepAccuracy.gql, deepAccuracy.raw],
  ] as const) {
    out.push(
      await compareRead(
        label,
        c.repeats,
        async () => (await searchGraphQL(c, { o: byAccuracy, first: WALK_PAGE, after: gqlAfter })).edges.length,
        async () => (await c.raw.read(RAW.pageByAccuracy, accuracyPageParams(c.rawWs, rawAfter))).length,
      ),
    );
  }
  return out;
}

/**
 * Diagnostic: the first 500-run page selecting only id, name and state, against a floor returning
 * only those. Set beside the full page, it splits the GraphQL cost into a fixed part and the
 * per-field part (params, results and labels are 25 entry objects a run).
 */
async function slimPageRead(c: ReadContext): Promise<ReadResult> {
  const slim = `query($w: String!, $first: Int) { runs(workspace: $w, first: $first) { edges { node { id name state } } } }`;
  const result = await compareRead(
    'first page (500, newest first), only id name state',
    c.repeats,
    async () =>
      (await c.gql.request<{ runs: { edges: unknown[] } }>(slim, { w: c.gqlWs, first: WALK_PAGE })).runs.edges.length,
    async () => (await c.raw.read(RAW.slimPage, { w: c.rawWs, after: '~' })).length,
  );
  return { ...result, diagnostic: true };
}

/** RAW.pageByAccuracy's parameters for the page after (k, u); the first page when k is null. */
function accuracyPageParams(w: string, after: { k: number | null; u: string | null }) {
  return { w, ...after, top: after.k ?? Infinity };
}

/** Walks both workspaces by accuracy to find the cursors ~90% in (untimed). */
async function accuracyCursors(c: ReadContext) {
  const byAccuracy = { result: 'accuracy', direction: 'DESC' };
  const gql: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await searchGraphQL(c, { o: byAccuracy, first: WALK_PAGE, after });
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor!;
    gql.push(after);
  }
  const raw: Array<{ k: number | null; u: string | null }> = [];
  let cursor: { k: number | null; u: string | null } = { k: null, u: null };
  for (;;) {
    const rows = await c.raw.read(RAW.pageByAccuracy, accuracyPageParams(c.rawWs, cursor));
    if (rows.length < WALK_PAGE) break;
    const last = rows.at(-1)!;
    cursor = { k: last.k as number, u: (last.run as { uid: string }).uid };
    raw.push(cursor);
  }
  const at = Math.floor(gql.length * 0.9);
  return { gql: gql[at] ?? null, raw: raw[at] ?? { k: null, u: null } };
}

// ---------------------------------------------------------------------------------------------
// The bench

export async function runTrackingBench(opts: TrackingBenchOptions): Promise<TrackingBenchResult> {
  const runs = opts.runs ?? 30_000;
  const clients = opts.clients ?? 8;
  const log = opts.log ?? (() => undefined);
  const driver = neo4j.driver(
    opts.neo4jUri,
    neo4j.auth.basic(opts.neo4jUsername ?? 'neo4j', opts.neo4jPassword ?? ''),
    {
      disableLosslessIntegers: true,
      maxConnectionPoolSize: 100,
    },
  );
  const raw = new RawClient(driver, opts.neo4jDatabase);
  const gql = new GraphQLClient(opts.graphqlUrl, clients, opts.authorization);
  const stamp = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const workspaces = opts.reuse ?? { graphql: `track-gql-${stamp}`, raw: `track-raw-${stamp}` };
  try {
    const writes = opts.reuse ? reusedWrites() : await writeRuns({ gql, raw }, workspaces, runs, clients, log);
    if (opts.writesOnly) return { runs, clients, workspaces, writes, reads: [], walk: notWalked(), ok: writes.ok };
    const ctx: ReadContext = {
      gql,
      raw,
      gqlWs: workspaces.graphql,
      rawWs: workspaces.raw,
      repeats: opts.repeats ?? 40,
    };
    log('reading…');
    const reads = [...(await filterReads(ctx)), await byIdRead(ctx)];
    const walked = await walk(ctx);
    reads.push(...(await pageDepthReads(ctx, walked.gqlCursors, walked.rawCursors)));
    reads.push(await slimPageRead(ctx));
    const ok = writes.ok && walked.result.ok && reads.every((r) => r.ok || r.diagnostic);
    return { runs, clients, workspaces, writes, reads, walk: walked.result, ok };
  } finally {
    if (!opts.keep && !opts.reuse) await dropWorkspaces(raw, Object.values(workspaces)).catch(() => undefined);
    gql.close();
    await driver.close();
  }
}

async function writeRuns(
  c: { gql: GraphQLClient; raw: RawClient },
  workspaces: { graphql: string; raw: string },
  runs: number,
  clients: number,
  log: (line: string) => void,
): Promise<WriteResult> {
  await c.gql.request('mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', {
    i: { name: workspaces.graphql },
  });
  await c.raw.write('CREATE (:Workspace {name: $name, createdAt: $now, updatedAt: $now})', {
    name: workspaces.raw,
    now: new Date().toISOString(),
  });
  log(`writing ${runs} runs through GraphQL and through the driver, ${clients} clients each…`);
  const spent = await writeBothWays(c, workspaces, runs, clients);
  const writes = writeResult(runs, spent.viaGraphQL, spent.viaRaw);
  log(`writes: ${writes.graphql.runsPerSecond}/s via GraphQL, ${writes.raw.runsPerSecond}/s raw (${writes.ratio}x)`);
  return writes;
}

/** The write figures of a read-only run (`reuse`): nothing was written, nothing is judged. */
function reusedWrites(): WriteResult {
  const none: WriteSide = { runsPerSecond: 0, seconds: 0, nodeCpuMsPerRun: 0 };
  return { graphql: none, raw: none, ratio: 0, ok: true };
}

/** The walk of a writes-only run (`writesOnly`): nothing was read, nothing is judged. */
function notWalked(): WalkResult {
  const none = { totalMs: 0, p50: 0, p95: 0, n: 0 };
  return { pages: 0, rows: 0, graphql: none, raw: none, ratio: 0, allowedMs: 0, ok: true };
}

export function writeSide(runs: number, spent: Spent): WriteSide {
  return {
    runsPerSecond: Math.round(runs / spent.seconds),
    seconds: round2(spent.seconds),
    nodeCpuMsPerRun: round2(spent.cpuMs / runs),
  };
}

function writeResult(runs: number, viaGraphQL: Spent, viaRaw: Spent): WriteResult {
  const graphql = writeSide(runs, viaGraphQL);
  const rawRate = writeSide(runs, viaRaw);
  const ratio = round2(graphql.runsPerSecond / rawRate.runsPerSecond);
  return { graphql, raw: rawRate, ratio, ok: ratio >= WRITE_TARGET };
}

async function dropWorkspaces(raw: RawClient, names: string[]): Promise<void> {
  await raw.autoCommit(
    `MATCH (r:Run) WHERE r.workspace IN $names
     CALL (r) { DETACH DELETE r } IN TRANSACTIONS OF 5000 ROWS`,
    { names },
  );
  await raw.write('MATCH (w:Workspace) WHERE w.name IN $names DETACH DELETE w', { names });
}

/** A readable report of a result. */
export function formatTrackingReport(r: TrackingBenchResult): string {
  const mark = (ok: boolean) => (ok ? 'ok  ' : 'MISS');
  const lines = [
    `tracking bench: ${r.runs} runs each way, ${r.clients} clients`,
    `${mark(r.writes.ok)} writes   GraphQL ${r.writes.graphql.runsPerSecond} runs/s (${r.writes.graphql.seconds} s)` +
      `   raw ${r.writes.raw.runsPerSecond} runs/s (${r.writes.raw.seconds} s)   ratio ${r.writes.ratio} (target >= ${WRITE_TARGET})` +
      `   node CPU/run ${r.writes.graphql.nodeCpuMsPerRun} vs ${r.writes.raw.nodeCpuMsPerRun} ms`,
    ...r.reads.map(
      (x) =>
        `${x.diagnostic ? 'diag' : mark(x.ok)} ${x.name} [${x.rows} rows]   GraphQL p50 ${x.graphql.p50} p95 ${x.graphql.p95} ms` +
        `   raw p50 ${x.raw.p50} p95 ${x.raw.p95} ms   ratio ${x.ratio} (allowed ${x.allowedMs} ms)`,
    ),
    `${mark(r.walk.ok)} walk ${r.walk.rows} runs in ${r.walk.pages} pages of ${WALK_PAGE}   GraphQL ${r.walk.graphql.totalMs} ms` +
      ` (page p50 ${r.walk.graphql.p50} p95 ${r.walk.graphql.p95})   raw ${r.walk.raw.totalMs} ms` +
      ` (page p50 ${r.walk.raw.p50} p95 ${r.walk.raw.p95})   ratio ${r.walk.ratio} (allowed ${r.walk.allowedMs} ms)`,
    r.ok ? 'all targets met' : 'SOME TARGETS MISSED',
  ];
  return lines.join('\n');
}

/** Standalone: an in-process Skein against NEO4J_URI, then the bench. */
async function main(): Promise<void> {
  const [runsArg, clientsArg] = process.argv.slice(2);
  // graphql-js checks every `instanceof` the slow development way unless NODE_ENV is production
  // when it loads (7% of a 500-run answer's CPU): measure the server as it is deployed.
  process.env.NODE_ENV ??= 'production';
  const { startSkein } = await import('../src/app');
  const config = loadConfig({ ...process.env, SKEIN_PORT: '0', SKEIN_LOG_LEVEL: 'warn' });
  if (!config.neo4j.uri) throw new Error('Set NEO4J_URI to the Neo4j to measure against.');
  const [reusedGql, reusedRaw] = (process.env.BENCH_REUSE ?? '').split(',');
  // BENCH_URL: measure an already running Skein (started with the flags under test) instead.
  const skein = process.env.BENCH_URL
    ? { graphqlUrl: process.env.BENCH_URL, stop: async () => undefined }
    : await startSkein(config, { logger: createLogger('warn'), progress: (m) => console.error(m) });
  try {
    const result = await runTrackingBench({
      neo4jUri: config.neo4j.uri,
      neo4jUsername: config.neo4j.username,
      neo4jPassword: config.neo4j.password,
      neo4jDatabase: config.neo4j.database,
      graphqlUrl: skein.graphqlUrl,
      runs: runsArg ? Number(runsArg) : undefined,
      clients: clientsArg ? Number(clientsArg) : undefined,
      keep: process.env.BENCH_KEEP === 'true',
      writesOnly: process.env.BENCH_WRITES_ONLY === 'true',
      reuse: reusedGql && reusedRaw ? { graphql: reusedGql, raw: reusedRaw } : undefined,
      log: (line) => console.error(line),
    });
    console.log(formatTrackingReport(result));
    console.log(JSON.stringify(result, null, 2));
    process.exitCode = result.ok ? 0 : 1;
  } finally {
    await skein.stop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(2);
  });
}
