/**
 * Load benchmark (issue 12, "Load"): a mixed workload at 50 connections for 60 s against Skein on
 * loopback, driven by autocannon, first against one Skein and then against two Skein instances on
 * the same Neo4j with writers on both (the stateless scale-out the README promises).
 *
 * The mix, one autocannon instance per kind so each kind has its own latency histogram:
 *   lineage reads    upstream lineage of a model (3 levels) over a small graph built through the API
 *   run searches     `runs(filter:)` with param, label and OR filters over the phase's runs
 *   run writes       `startRun` with params and labels
 *   artifact writes  `logArtifact` on a few shared keys, so concurrent writers race for versions
 * Connections are split 30/30/20/20 (in multiples of the instance count, which autocannon spreads
 * them over). A GraphQL error in a 200 answer counts as an error like a non-2xx or a broken
 * connection. Targets per kind: zero errors and p99 under 10x p50. After each phase the artifact
 * keys are read back: every key's versions must be 1..n with no gap or repeat, and every version a
 * writer was told it got must be there.
 *
 *   npm run bench -- --only load                              # 50 connections, 60 s per phase
 *   npm run bench -- --only load --connections 8 --duration 5 # a quick check of the harness
 */
import autocannon from 'autocannon';
import { startSkeinProcess, stopSkeinProcess, type SkeinProcess } from './skein-process';

export interface LoadBenchOptions {
  /** How Skein reaches Neo4j: NEO4J_URI, and NEO4J_USERNAME / NEO4J_PASSWORD when it has auth. */
  neo4j: { NEO4J_URI: string } & Record<string, string>;
  /** Concurrent connections per phase (default 50), split over the kinds. */
  connections?: number;
  /** Timed seconds per phase (default 60), after an untimed warm-up. */
  durationSec?: number;
  log?: (line: string) => void;
}

export interface KindResult {
  kind: Kind;
  connections: number;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** GraphQL errors, non-2xx answers, connection errors and timeouts. */
  errors: number;
  /** The first few error messages or statuses, to say what failed. */
  errorSamples: string[];
  ok: boolean;
}

export interface VersionCheck {
  keys: number;
  /** Versions stored over all keys. */
  versions: number;
  /**
   * Versions writers were told they created. Fewer than `versions` only when an answer was lost
   * after its write committed (a timeout or a dropped connection, which count as errors).
   */
  acknowledged: number;
  /** Empty when every key is 1..n with no gap or repeat and holds every acknowledged version. */
  problems: string[];
}

export interface PhaseResult {
  instances: number;
  connections: number;
  durationSec: number;
  kinds: KindResult[];
  totalPerSecond: number;
  totalErrors: number;
  versions: VersionCheck;
  ok: boolean;
}

export interface LoadBenchResult {
  phases: PhaseResult[];
  ok: boolean;
}

const KINDS = ['lineage reads', 'run searches', 'run writes', 'artifact writes'] as const;
type Kind = (typeof KINDS)[number];
const WEIGHTS: Record<Kind, number> = {
  'lineage reads': 0.3,
  'run searches': 0.3,
  'run writes': 0.2,
  'artifact writes': 0.2,
};
/** The graph the reads walk: pipelines of raw -> clean -> features -> train -> model. */
const PIPELINES = 20;
const SEED_RUNS = 200;
/** Keys the artifact writers share: with ~10 writers each key sees concurrent version races. */
const ARTIFACT_KEYS = 8;
const P99_OVER_P50 = 10;

export async function runLoadBench(options: LoadBenchOptions): Promise<LoadBenchResult> {
  const log = options.log ?? (() => undefined);
  const phases: PhaseResult[] = [];
  for (const instances of [1, 2]) {
    log(`-- ${instances} Skein instance${instances > 1 ? 's' : ''} on one Neo4j`);
    const skeins: SkeinProcess[] = [];
    try {
      for (let i = 0; i < instances; i++) skeins.push(await startSkeinProcess(options.neo4j));
      phases.push(await runPhase(skeins, options, log));
    } finally {
      await Promise.all(skeins.map(stopSkeinProcess));
    }
  }
  return { phases, ok: phases.every((p) => p.ok) };
}

async function runPhase(
  skeins: SkeinProcess[],
  options: LoadBenchOptions,
  log: (line: string) => void,
): Promise<PhaseResult> {
  const urls = skeins.map((s) => s.url);
  const connections = options.connections ?? 50;
  const durationSec = options.durationSec ?? 60;
  const seed = await seedWorkspace(urls[0]!, log);
  const split = splitConnections(connections, urls.length);
  const warmupSec = Math.max(1, Math.min(5, Math.round(durationSec / 10)));
  log(`warm-up ${warmupSec} s, then ${durationSec} s at ${connections} connections (${formatSplit(split)})`);
  // The warm-up's writes count too: the check compares everything stored with everything acknowledged.
  const acknowledged = new Acknowledged();
  await runMix(urls, seed, split, warmupSec, acknowledged);
  const kinds = await runMix(urls, seed, split, durationSec, acknowledged);
  const versions = await checkVersions(urls[urls.length - 1]!, seed.workspace, acknowledged);
  const totalErrors = kinds.reduce((n, k) => n + k.errors, 0);
  return {
    instances: urls.length,
    connections,
    durationSec,
    kinds,
    totalPerSecond: round(kinds.reduce((n, k) => n + k.perSecond, 0)),
    totalErrors,
    versions,
    ok: kinds.every((k) => k.ok) && versions.problems.length === 0,
  };
}

/**
 * Connections per kind by weight, each a multiple of the instance count (autocannon hands a
 * kind's connections to the URLs in turn), by largest remainder so they add up.
 */
export function splitConnections(connections: number, instances: number): Record<Kind, number> {
  const units = Math.max(KINDS.length, Math.floor(connections / instances));
  const shares = KINDS.map((k) => units * WEIGHTS[k]);
  const counts = shares.map((s) => Math.max(1, Math.floor(s)));
  let left = units - counts.reduce((a, b) => a + b, 0);
  const byRemainder = KINDS.map((_, i) => i).sort((a, b) => (shares[b]! % 1) - (shares[a]! % 1));
  for (let i = 0; left > 0; i = (i + 1) % KINDS.length, left--) counts[byRemainder[i]!]! += 1;
  return Object.fromEntries(KINDS.map((k, i) => [k, counts[i]! * instances])) as Record<Kind, number>;
}

const formatSplit = (split: Record<Kind, number>) => KINDS.map((k) => `${k} ${split[k]}`).join(', ');

// ---------------------------------------------------------------------------------------------
// The graph the phase reads and writes, built through the API

interface Seed {
  workspace: string;
  runId: string;
  modelUris: string[];
}

async function seedWorkspace(url: string, log: (line: string) => void): Promise<Seed> {
  const workspace = `load-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  await gql(url, 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', {
    i: { name: workspace },
  });
  const started = Date.now();
  const runIds = await inBatches(SEED_RUNS, 8, (i) => startRun(url, workspace, `seed-${i}`, i));
  const runId = runIds[0]!;
  const modelUris = await inBatches(PIPELINES, 4, (p) => buildPipeline(url, workspace, runIds[p]!, p));
  log(`seeded ${workspace}: ${SEED_RUNS} runs, ${PIPELINES} pipelines (${Date.now() - started} ms)`);
  return { workspace, runId, modelUris };
}

async function startRun(url: string, workspace: string, name: string, i: number): Promise<string> {
  const data = await gql<{ startRun: { id: string } }>(url, START_RUN, { i: runInput(workspace, name, i) });
  return data.startRun.id;
}

/** raw -> clean -> features -> train -> model; answers the model's URI. */
async function buildPipeline(url: string, workspace: string, run: string, p: number): Promise<string> {
  const raw = await gql<{ logArtifact: { uri: string } }>(url, LOG_ARTIFACT, {
    i: { workspace, key: `pipeline-${p}/raw`, kind: 'DATASET' },
  });
  let input = raw.logArtifact.uri;
  for (const [step, output, kind] of [
    ['clean', `pipeline-${p}/features`, 'DATASET'],
    ['train', `pipeline-${p}/model`, 'MODEL'],
  ] as const) {
    const data = await gql<{ recordExecution: { outputs: { edges: Array<{ node: { artifact: { uri: string } } }> } } }>(
      url,
      `mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { outputs { edges { node { artifact { uri } } } } } }`,
      { i: { run, name: step, inputs: [{ artifact: input }], outputs: [{ artifact: { key: output, kind } }] } },
    );
    input = data.recordExecution.outputs.edges[0]!.node.artifact.uri;
  }
  return input;
}

// ---------------------------------------------------------------------------------------------
// The mix

const START_RUN = 'mutation($i: StartRunInput!) { startRun(input: $i) { id } }';
const LOG_ARTIFACT = 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { uri key version } }';
const LINEAGE = `query($of: String!) {
  lineage(of: $of, direction: UPSTREAM, depth: 3) {
    levels { depth nodes { __typename ... on Artifact { id key version kind } ... on Execution { id name state } } }
    edges { type from to }
  } }`;
const SEARCH = `query($w: String!, $f: RunFilter) {
  runs(workspace: $w, filter: $f, first: 20) { edges { node { id name state params { key value } } } } }`;
const FILTERS = [
  { param: { key: 'lr', lte: 0.005 } },
  { label: { key: 'team', value: 'nlp' }, state: ['RUNNING'] },
  { or: [{ param: { key: 'batch', eq: 64 } }, { label: { key: 'team', value: 'cv' } }] },
];

const runInput = (workspace: string, name: string, i: number) => ({
  workspace,
  name,
  params: [
    { key: 'lr', value: [0.1, 0.01, 0.001][i % 3] },
    { key: 'batch', value: [32, 64, 128][i % 3] },
  ],
  labels: [{ key: 'team', value: ['nlp', 'cv'][i % 2] }],
});

/** The body of each kind's n-th request. */
function bodyFor(kind: Kind, seed: Seed, n: number): string {
  switch (kind) {
    case 'lineage reads':
      return JSON.stringify({ query: LINEAGE, variables: { of: seed.modelUris[n % seed.modelUris.length] } });
    case 'run searches':
      return JSON.stringify({ query: SEARCH, variables: { w: seed.workspace, f: FILTERS[n % FILTERS.length] } });
    case 'run writes':
      return JSON.stringify({ query: START_RUN, variables: { i: runInput(seed.workspace, `load-${n}`, n) } });
    case 'artifact writes':
      return JSON.stringify({
        query: LOG_ARTIFACT,
        variables: { i: { workspace: seed.workspace, key: `load/model-${n % ARTIFACT_KEYS}`, kind: 'MODEL' } },
      });
  }
}

/** Versions the artifact writers were told they created, per key. */
class Acknowledged {
  readonly byKey = new Map<string, number[]>();
  add(key: string, version: number): void {
    const list = this.byKey.get(key) ?? [];
    list.push(version);
    this.byKey.set(key, list);
  }
  get count(): number {
    return [...this.byKey.values()].reduce((n, l) => n + l.length, 0);
  }
}

async function runMix(
  urls: string[],
  seed: Seed,
  split: Record<Kind, number>,
  durationSec: number,
  acknowledged: Acknowledged,
): Promise<KindResult[]> {
  return Promise.all(KINDS.map((kind) => runKind(kind, urls, seed, split[kind], durationSec, acknowledged)));
}

async function runKind(
  kind: Kind,
  urls: string[],
  seed: Seed,
  connections: number,
  durationSec: number,
  acknowledged: Acknowledged,
): Promise<KindResult> {
  let sent = 0;
  let graphqlErrors = 0;
  const errorSamples: string[] = [];
  const sample = (what: string) => {
    if (errorSamples.length < 3 && !errorSamples.includes(what)) errorSamples.push(what);
  };
  const result = await autocannon({
    // autocannon takes several URLs and hands the connections to them in turn (its types say one).
    url: urls as unknown as string,
    connections,
    duration: durationSec,
    timeout: 30,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => ({ ...req, body: bodyFor(kind, seed, sent++) }),
        onResponse: (status, body) => {
          if (status !== 200) return sample(`HTTP ${status}: ${body.slice(0, 200)}`);
          const answer = JSON.parse(body) as {
            errors?: Array<{ message: string; extensions?: { code?: string } }>;
            data?: { logArtifact?: { key: string; version: number } };
          };
          if (answer.errors?.length) {
            graphqlErrors += 1;
            const first = answer.errors[0]!;
            return sample(`${first.extensions?.code ?? 'ERROR'}: ${first.message.slice(0, 200)}`);
          }
          const logged = answer.data?.logArtifact;
          if (logged) acknowledged.add(logged.key, logged.version);
        },
      },
    ],
  });
  if (result.errors > 0) sample(`${result.errors} connection errors (${result.timeouts} timeouts)`);
  const errors = graphqlErrors + result.non2xx + result.errors;
  const p50 = result.latency.p50;
  const p99 = result.latency.p99;
  return {
    kind,
    connections,
    requests: result.requests.total,
    perSecond: round(result.requests.total / result.duration),
    p50,
    p99,
    errors,
    errorSamples,
    ok: errors === 0 && p99 < P99_OVER_P50 * Math.max(p50, 1),
  };
}

// ---------------------------------------------------------------------------------------------
// After the phase: versions dense and unique per key

async function checkVersions(url: string, workspace: string, acknowledged: Acknowledged): Promise<VersionCheck> {
  const problems: string[] = [];
  let versions = 0;
  for (let k = 0; k < ARTIFACT_KEYS; k++) {
    const key = `load/model-${k}`;
    const stored = (await versionsOf(url, `store://artifacts/${workspace}/${key}`)).sort((a, b) => a - b);
    versions += stored.length;
    const gaps = stored.filter((v, i) => v !== i + 1);
    if (gaps.length) problems.push(`${key}: versions are not 1..${stored.length} (first off: ${gaps[0]})`);
    const told = acknowledged.byKey.get(key) ?? [];
    if (new Set(told).size !== told.length) problems.push(`${key}: one version was acknowledged to two writers`);
    const have = new Set(stored);
    const lost = told.filter((v) => !have.has(v));
    if (lost.length) problems.push(`${key}: ${lost.length} acknowledged versions missing (e.g. ${lost[0]})`);
  }
  return { keys: ARTIFACT_KEYS, versions, acknowledged: acknowledged.count, problems };
}

async function versionsOf(url: string, ref: string): Promise<number[]> {
  const out: number[] = [];
  let after: string | null = null;
  for (;;) {
    const data: VersionsPage = await gql<VersionsPage>(
      url,
      `query($r: String!, $a: String) { artifact(ref: $r) {
         versions(first: 1000, after: $a) { edges { node { version } } pageInfo { hasNextPage endCursor } } } }`,
      { r: ref, a: after },
    );
    const page = data.artifact.versions;
    out.push(...page.edges.map((e) => e.node.version));
    if (!page.pageInfo.hasNextPage) return out;
    after = page.pageInfo.endCursor;
  }
}

interface VersionsPage {
  artifact: {
    versions: {
      edges: Array<{ node: { version: number } }>;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  };
}

// ---------------------------------------------------------------------------------------------
// The report

/** The phases as Markdown tables, one row per kind, with the targets judged. */
export function formatLoadReport(result: LoadBenchResult): string {
  const lines: string[] = [];
  for (const phase of result.phases) {
    lines.push(
      '',
      `**${phase.instances} Skein instance${phase.instances > 1 ? 's' : ''}**, ${phase.connections} connections, ` +
        `${phase.durationSec} s: ${phase.totalPerSecond} requests/s in all, ${phase.totalErrors} errors`,
      '',
      '| kind | connections | requests | req/s | p50 ms | p99 ms | p99 / p50 | errors | ok |',
      '| ---- | ----------: | -------: | ----: | -----: | -----: | --------: | -----: | -- |',
    );
    for (const k of phase.kinds) {
      const ratio = round(k.p99 / Math.max(k.p50, 1));
      lines.push(
        `| ${k.kind} | ${k.connections} | ${k.requests} | ${k.perSecond} | ${k.p50} | ${k.p99} | ${ratio} | ` +
          `${k.errors} | ${k.ok ? 'yes' : 'no'} |`,
      );
    }
    const v = phase.versions;
    lines.push(
      '',
      `Artifact versions: ${v.versions} stored on ${v.keys} keys, ${v.acknowledged} acknowledged; ` +
        (v.problems.length ? `PROBLEMS: ${v.problems.join('; ')}` : 'every key dense (1..n) and unique'),
    );
    for (const k of phase.kinds) {
      if (k.errorSamples.length) lines.push(`- ${k.kind} errors: ${k.errorSamples.join(' | ')}`);
    }
  }
  lines.push(
    '',
    `${result.ok ? 'PASS' : 'FAIL'}  targets: zero errors, p99 under ${P99_OVER_P50}x p50 per kind, versions dense`,
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Helpers

async function gql<T>(url: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (answer.errors?.length) throw new Error(`GraphQL error: ${answer.errors.map((e) => e.message).join('; ')}`);
  return answer.data as T;
}

/** f(0..n-1), `width` at a time, answers in order. */
async function inBatches<T>(n: number, width: number, f: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += width) {
    const batch = Array.from({ length: Math.min(width, n - i) }, (_, j) => f(i + j));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

const round = (n: number) => Math.round(n * 100) / 100;
