/**
 * Realistic pipeline graphs for the lineage benchmark, written exactly in the stored model's shape
 * (src/graph/README.md) into workspaces named `bench-<size>-…`, so they never collide with tests.
 *
 * Shape, per team workspace:
 *   - one raw dataset per pipeline, versioned 50 deep: `ingest` executions turn v(n-1) into v(n);
 *     v1 is a logged source (no producer);
 *   - runs of clean -> features -> split -> train x iterations (each reading the previous
 *     checkpoint) -> evaluate -> register, each reading a recent raw version; 5% also join a raw
 *     version of another team (a cross-workspace read);
 *   - fan-out: `shard` executions writing 100 shards; fan-in: `ensemble` executions (in the
 *     shared workspace) reading 100 registered models of one team.
 * A hub dataset in the shared workspace is read by up to 5,000 executions spread over all runs.
 *
 * Loaded with batched UNWIND, one write transaction per batch; a marker label on the shared
 * workspace says the load finished, so a second call returns at once.
 *
 *   npm run build && node dist/bench/generator.js S|M|L [--force]   (NEO4J_URI as for Skein)
 */
import neo4j, { type Driver } from 'neo4j-driver';
import { v7 } from 'uuid';
import { GraphExecutor } from '../src/graph/executor';
import { migrate } from '../src/graph/migrations';

export type BenchSize = 'S' | 'M' | 'L';

export interface Shape {
  teams: number;
  pipelinesPerTeam: number;
  runsPerPipeline: number;
  fanInsPerTeam: number;
  fanOutsPerTeam: number;
}

/** S ~15k nodes, M ~150k, L ~1.5M nodes and ~2M events (29 nodes and 39 events per run on average). */
export const SHAPES: Record<BenchSize, Shape> = {
  S: { teams: 2, pipelinesPerTeam: 5, runsPerPipeline: 50, fanInsPerTeam: 1, fanOutsPerTeam: 1 },
  M: { teams: 6, pipelinesPerTeam: 10, runsPerPipeline: 85, fanInsPerTeam: 2, fanOutsPerTeam: 2 },
  L: { teams: 20, pipelinesPerTeam: 10, runsPerPipeline: 250, fanInsPerTeam: 2, fanOutsPerTeam: 2 },
};

export const CHAIN_LENGTH = 50;
export const HUB_READERS = 5000;
export const FAN_WIDTH = 100;
const CROSS_WORKSPACE_SHARE = 0.05;
/** Bump when the generated shape changes: an older load is then dropped and made again. */
const GENERATOR_VERSION = '4';
const FLUSH_AT_ROWS = 20_000;
const BASE_TIME = Date.UTC(2025, 0, 1);
const RUN_GAP_MS = 60_000;
const STEP_GAP_MS = 4_000;

// ---------------------------------------------------------------------------------------------
// Names (the benchmark finds its targets through these)

export const benchPrefix = (size: BenchSize) => `bench-${size.toLowerCase()}-`;
export const sharedWorkspace = (size: BenchSize) => `${benchPrefix(size)}shared`;
export const teamWorkspace = (size: BenchSize, team: number) => `${benchPrefix(size)}team-${pad(team)}`;
export const pipelineName = (p: number) => `p${pad(p)}`;
export const rawKey = (p: number) => `raw/${pipelineName(p)}`;
export const HUB_KEY = 'reference/vocab';
function pad(n: number): string {
  return String(n).padStart(2, '0');
}

// ---------------------------------------------------------------------------------------------
// Rows, as stored

type Row = Record<string, string | number | boolean | null>;
interface EventRow {
  a: string;
  e: string;
  at: string;
  path: string;
}

class Batch {
  workspaces: Row[] = [];
  runs: Row[] = [];
  executions: Row[] = [];
  artifacts: Row[] = [];
  inputs: EventRow[] = [];
  outputs: EventRow[] = [];

  get size(): number {
    return this.runs.length + this.executions.length + this.artifacts.length + this.inputs.length + this.outputs.length;
  }
}

const Q = {
  workspaces: `UNWIND $rows AS row CREATE (w:Workspace) SET w = row`,
  runs: `
UNWIND $rows AS row
MATCH (w:Workspace {name: row.workspace})
CREATE (r:Run)-[:IN_WORKSPACE]->(w) SET r = row`,
  executions: `
UNWIND $rows AS row
MATCH (r:Run {uid: row.runUid})
CREATE (e:Execution)-[:IN_RUN]->(r) SET e = row`,
  artifacts: `
UNWIND $rows AS row
MERGE (k:ArtifactKey {workspace: row.workspace, key: row.key})
ON CREATE SET k.createdAt = row.createdAt, k.lastVersion = 0
CREATE (a:Artifact)-[:VERSION_OF]->(k) SET a = row`,
  inputs: `
UNWIND $rows AS row
MATCH (a:Artifact {uid: row.a})
MATCH (e:Execution {uid: row.e})
CREATE (a)-[:INPUT {at: row.at, path: row.path}]->(e)`,
  outputs: `
UNWIND $rows AS row
MATCH (e:Execution {uid: row.e})
MATCH (a:Artifact {uid: row.a})
CREATE (e)-[:OUTPUT {at: row.at, path: row.path}]->(a)`,
  // Every generated version is AVAILABLE, so the newest one is also the key's latest (what lineage reads).
  lastVersions: `
UNWIND $rows AS row
MATCH (k:ArtifactKey {workspace: row.workspace, key: row.key})
SET k.lastVersion = row.lastVersion, k.latestVersion = row.lastVersion`,
  marker: `
MATCH (w:Workspace {name: $name})
RETURN w.\`label.benchComplete\` AS complete, w.\`label.benchGenerator\` AS generator`,
  markComplete: `
MATCH (w:Workspace {name: $name})
SET w.\`label.benchComplete\` = 'true', w.\`label.benchGenerator\` = $generator`,
  drop: `
MATCH (n) WHERE n.workspace STARTS WITH $prefix OR (n:Workspace AND n.name STARTS WITH $prefix)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS`,
};

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: the same size always makes the same graph

class Rng {
  constructor(private state: number) {}

  next(): number {
    // mulberry32
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  hex(chars: number): string {
    let out = '';
    while (out.length < chars)
      out += Math.floor(this.next() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return out.slice(0, chars);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// The builder: nodes and events in time order, flushed in batches

interface Ref {
  uid: string;
}

export interface GenerateSummary {
  size: BenchSize;
  nodes: number;
  events: number;
  seconds: number;
  skipped: boolean;
}

export interface GenerateOptions {
  driver: Driver;
  size: BenchSize;
  database?: string;
  /** Drop and regenerate even when a complete load is present. */
  force?: boolean;
  progress?: (message: string) => void;
}

class Builder {
  private batch = new Batch();
  private readonly versions = new Map<string, number>();
  private readonly rng: Rng;
  nodes = 0;
  events = 0;

  constructor(
    private readonly flushBatch: (b: Batch) => Promise<void>,
    seed: number,
  ) {
    this.rng = new Rng(seed);
  }

  get random(): Rng {
    return this.rng;
  }

  async maybeFlush(): Promise<void> {
    if (this.batch.size >= FLUSH_AT_ROWS) await this.flush();
  }

  async flush(): Promise<void> {
    const full = this.batch;
    this.batch = new Batch();
    await this.flushBatch(full);
  }

  workspace(name: string, at: number): void {
    const createdAt = iso(at);
    this.batch.workspaces.push({ name, description: 'Lineage benchmark data', createdAt, updatedAt: createdAt });
    this.nodes++;
  }

  run(workspace: string, name: string, at: number, endAt: number, extra: Row = {}): Ref {
    const uid = this.uid(at);
    this.batch.runs.push({
      uid,
      workspace,
      name,
      state: 'COMPLETED',
      startedAt: iso(at),
      finishedAt: iso(endAt),
      iteration: 0,
      createdAt: iso(at),
      ...extra,
    });
    this.nodes++;
    return { uid };
  }

  execution(
    run: Ref,
    workspace: string,
    step: { name: string; kind: string; code: string },
    at: number,
    params: Row,
  ): Ref {
    const uid = this.uid(at);
    this.batch.executions.push({
      uid,
      workspace,
      runUid: run.uid,
      name: step.name,
      kind: step.kind,
      state: 'COMPLETED',
      startedAt: iso(at),
      finishedAt: iso(at + STEP_GAP_MS / 2),
      codeVersion: step.code,
      createdAt: iso(at),
      ...prefixed('param', params),
    });
    this.nodes++;
    return { uid };
  }

  /** An artifact written by `producer` (or logged as a source when it is null), with its OUTPUT event. */
  artifact(
    a: { workspace: string; key: string; kind: string; labels?: Row },
    producer: Ref | null,
    run: Ref | null,
    at: number,
    path = 'output',
  ): Ref {
    const uid = this.uid(at);
    const version = this.nextVersion(a.workspace, a.key);
    this.batch.artifacts.push({
      uid,
      workspace: a.workspace,
      key: a.key,
      version,
      kind: a.kind,
      state: 'AVAILABLE',
      location: `s3://skein-bench/${a.workspace}/${a.key}/v${version}`,
      digest: this.rng.hex(64),
      size: this.rng.int(1_000, 500_000_000),
      contentType: CONTENT_TYPES[a.kind] ?? 'application/octet-stream',
      createdAt: iso(at),
      producerUid: producer?.uid ?? null,
      runUid: run?.uid ?? null,
      spec: specFor(a.kind, this.rng),
      ...prefixed('label', a.labels ?? {}),
    });
    this.nodes++;
    if (producer) this.output(producer, { uid }, at, path);
    return { uid };
  }

  input(artifact: Ref, execution: Ref, at: number, path: string): void {
    this.batch.inputs.push({ a: artifact.uid, e: execution.uid, at: iso(at), path });
    this.events++;
  }

  private output(execution: Ref, artifact: Ref, at: number, path: string): void {
    this.batch.outputs.push({ a: artifact.uid, e: execution.uid, at: iso(at), path });
    this.events++;
  }

  lastVersions(): Row[] {
    return [...this.versions].map(([wk, lastVersion]) => {
      const [workspace, key] = wk.split('\u0000') as [string, string];
      return { workspace, key, lastVersion };
    });
  }

  private nextVersion(workspace: string, key: string): number {
    const wk = `${workspace}\u0000${key}`;
    const v = (this.versions.get(wk) ?? 0) + 1;
    this.versions.set(wk, v);
    return v;
  }

  /** UUIDv7 stamped with the node's own creation time, so `ORDER BY uid` stays creation order. */
  private uid(at: number): string {
    return v7({ msecs: at, random: this.rng.bytes(16) });
  }
}

const CONTENT_TYPES: Record<string, string> = {
  DATASET: 'application/vnd.apache.parquet',
  MODEL: 'application/octet-stream',
  METRICS: 'application/json',
  PLOT: 'image/png',
};

function specFor(kind: string, rng: Rng): string {
  switch (kind) {
    case 'DATASET':
      return JSON.stringify({
        format: 'parquet',
        schema: [
          { name: 'id', type: 'int64' },
          { name: 'amount', type: 'float' },
          { name: 'country', type: 'string' },
          { name: 'label', type: 'int64' },
        ],
        rowCount: rng.int(1_000, 10_000_000),
      });
    case 'MODEL':
      return JSON.stringify({
        framework: 'xgboost',
        algorithm: 'XGBClassifier',
        metrics: { auc: round(0.7 + rng.next() * 0.29) },
        parameters: { max_depth: rng.int(3, 10) },
      });
    case 'METRICS':
      return JSON.stringify({ values: { loss: round(rng.next()), auc: round(0.7 + rng.next() * 0.29) } });
    default:
      return '{}';
  }
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
const iso = (ms: number) => new Date(ms).toISOString();

function prefixed(kind: string, map: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(map)) out[`${kind}.${k}`] = v;
  return out;
}

// ---------------------------------------------------------------------------------------------
// The pipeline graph

interface ChainVersion extends Ref {
  at: number;
}

class PipelineGraph {
  private readonly shape: Shape;
  private readonly totalRuns: number;
  private readonly endTime: number;
  private readonly versionSpan: number;
  /** chains[team][pipeline][version - 1] */
  private readonly chains: ChainVersion[][][] = [];
  private readonly registered: Ref[][] = [];
  private readonly lastFeatures: Ref[] = [];
  private hub!: Ref;
  private hubReads = 0;

  constructor(
    private readonly size: BenchSize,
    private readonly b: Builder,
  ) {
    this.shape = SHAPES[size];
    this.totalRuns = this.shape.teams * this.shape.pipelinesPerTeam * this.shape.runsPerPipeline;
    this.endTime = BASE_TIME + 86_400_000 + this.totalRuns * RUN_GAP_MS;
    this.versionSpan = (this.endTime - BASE_TIME) / CHAIN_LENGTH;
  }

  async build(): Promise<void> {
    this.workspaces();
    this.hub = this.b.artifact(
      { workspace: sharedWorkspace(this.size), key: HUB_KEY, kind: 'DATASET' },
      null,
      null,
      BASE_TIME,
    );
    for (let t = 0; t < this.shape.teams; t++) this.chainsOf(t);
    await this.b.flush();
    await this.runs();
    for (let t = 0; t < this.shape.teams; t++) this.fanOuts(t);
    for (let t = 0; t < this.shape.teams; t++) this.fanIns(t);
    await this.b.flush();
  }

  private workspaces(): void {
    this.b.workspace(sharedWorkspace(this.size), BASE_TIME);
    for (let t = 0; t < this.shape.teams; t++) this.b.workspace(teamWorkspace(this.size, t), BASE_TIME);
  }

  /** One raw dataset per pipeline, 50 versions spread over the whole timeline. */
  private chainsOf(team: number): void {
    const ws = teamWorkspace(this.size, team);
    this.chains[team] = [];
    for (let p = 0; p < this.shape.pipelinesPerTeam; p++) {
      const run = this.b.run(ws, `${pipelineName(p)}-ingest`, BASE_TIME, this.endTime, {
        'label.pipeline': pipelineName(p),
      });
      const raw = { workspace: ws, key: rawKey(p), kind: 'DATASET' };
      const chain: ChainVersion[] = [{ ...this.b.artifact(raw, null, run, BASE_TIME), at: BASE_TIME }];
      for (let v = 2; v <= CHAIN_LENGTH; v++) {
        const at = Math.round(BASE_TIME + (v - 1) * this.versionSpan);
        const step = { name: 'ingest', kind: 'INGEST', code: 'git:ingest01' };
        const e = this.b.execution(run, ws, step, at, { version: v });
        this.b.input(chain[v - 2]!, e, at, 'previous');
        chain.push({ ...this.b.artifact(raw, e, run, at + 1_000, 'raw'), at: at + 1_000 });
      }
      this.chains[team]![p] = chain;
    }
  }

  /** All runs, interleaved across teams and pipelines so that time order mixes them as in life. */
  private async runs(): Promise<void> {
    let g = 0;
    for (let r = 0; r < this.shape.runsPerPipeline; r++)
      for (let t = 0; t < this.shape.teams; t++)
        for (let p = 0; p < this.shape.pipelinesPerTeam; p++) {
          this.pipelineRun(t, p, r, g++);
          await this.b.maybeFlush();
        }
  }

  private pipelineRun(team: number, p: number, r: number, g: number): void {
    const ws = teamWorkspace(this.size, team);
    const rng = this.b.random;
    const start = BASE_TIME + 86_400_000 + g * RUN_GAP_MS;
    const iterations = rng.int(3, 7);
    const code = `git:${pipelineName(p)}${String(Math.floor(r / 20)).padStart(5, '0')}`;
    const pipeline = pipelineName(p);
    const run = this.b.run(ws, `${pipeline}-run-${r}`, start, start + 50_000, {
      'param.lr': round(0.001 + rng.next() * 0.1),
      'param.iterations': iterations,
      'result.auc': round(0.7 + rng.next() * 0.29),
      'label.pipeline': pipeline,
    });
    let at = start;
    const step = (name: string, kind: string, params: Row = {}) =>
      this.b.execution(run, ws, { name, kind, code }, (at += STEP_GAP_MS), params);
    const art = (key: string, kind: string, e: Ref, path: string) =>
      this.b.artifact({ workspace: ws, key, kind }, e, run, at + 1_000, path);
    const hubSlots = this.hubReadsFor(g);

    const clean = step('clean', 'STEP', { dropna: true });
    this.b.input(this.rawVersionAt(team, p, at), clean, at, 'raw');
    if (rng.next() < CROSS_WORKSPACE_SHARE && this.shape.teams > 1) {
      const other = (team + rng.int(1, this.shape.teams - 1)) % this.shape.teams;
      this.b.input(this.rawVersionAt(other, p % this.shape.pipelinesPerTeam, at), clean, at, 'join');
    }
    const cleaned = art(`clean/${pipeline}`, 'DATASET', clean, 'clean');

    const features = step('features', 'STEP', { window: 7 });
    this.b.input(cleaned, features, at, 'data');
    if (hubSlots > 0) this.readHub(features, at);
    const feats = art(`features/${pipeline}`, 'DATASET', features, 'features');
    if (p === 0) this.lastFeatures[team] = feats;

    const split = step('split', 'STEP', { ratio: '0.8/0.1/0.1' });
    this.b.input(feats, split, at, 'data');
    const [train, val, test] = ['train', 'val', 'test'].map((s) => art(`split/${pipeline}/${s}`, 'DATASET', split, s));

    let checkpoint: Ref | null = null;
    for (let i = 1; i <= iterations; i++) {
      const trainer = step('train', 'TRAINER', { iteration: i, batch_size: 256, lr: round(0.01 / i) });
      this.b.input(train!, trainer, at, 'train');
      this.b.input(val!, trainer, at, 'val');
      if (checkpoint) this.b.input(checkpoint, trainer, at, 'checkpoint');
      if (i < hubSlots) this.readHub(trainer, at);
      checkpoint = art(`models/${pipeline}/checkpoint`, 'MODEL', trainer, 'model');
      art(`metrics/${pipeline}/train`, 'METRICS', trainer, 'metrics');
    }

    const evaluate = step('evaluate', 'EVALUATOR');
    this.b.input(checkpoint!, evaluate, at, 'model');
    this.b.input(test!, evaluate, at, 'test');
    const evalMetrics = art(`eval/${pipeline}/metrics`, 'METRICS', evaluate, 'metrics');
    art(`eval/${pipeline}/roc`, 'PLOT', evaluate, 'roc');

    const register = step('register', 'REGISTRAR');
    this.b.input(checkpoint!, register, at, 'model');
    this.b.input(evalMetrics, register, at, 'metrics');
    (this.registered[team] ??= []).push(art(`registry/${pipeline}`, 'MODEL', register, 'model'));
  }

  /** A recent raw version, as of `at`: runs read what existed then, mostly the newest. */
  private rawVersionAt(team: number, p: number, at: number): Ref {
    const chain = this.chains[team]![p]!;
    let newest = chain.length - 1;
    while (newest > 0 && chain[newest]!.at > at) newest--;
    return chain[Math.max(0, newest - this.b.random.int(0, 2))]!;
  }

  /**
   * How many of run g's executions read the hub: 5,000 readers spread evenly over all runs (one
   * per chosen run at L; at S, where runs are fewer, several per run).
   */
  private hubReadsFor(g: number): number {
    if (this.hubReads >= HUB_READERS) return 0;
    if (this.totalRuns >= HUB_READERS) {
      return Math.floor(((g + 1) * HUB_READERS) / this.totalRuns) > Math.floor((g * HUB_READERS) / this.totalRuns)
        ? 1
        : 0;
    }
    return Math.ceil(HUB_READERS / this.totalRuns);
  }

  private readHub(e: Ref, at: number): void {
    if (this.hubReads >= HUB_READERS) return;
    this.b.input(this.hub, e, at, 'vocab');
    this.hubReads++;
  }

  /** `shard` executions: one dataset in, 100 shards out. */
  private fanOuts(team: number): void {
    const ws = teamWorkspace(this.size, team);
    const at = this.endTime + team * 600_000;
    const run = this.b.run(ws, 'sharding', at, at + 300_000, { 'label.pipeline': pipelineName(0) });
    for (let f = 0; f < this.shape.fanOutsPerTeam; f++) {
      const t = at + f * 60_000;
      const e = this.b.execution(run, ws, { name: 'shard', kind: 'STEP', code: 'git:shard001' }, t, {
        parts: FAN_WIDTH,
      });
      this.b.input(this.lastFeatures[team]!, e, t, 'data');
      for (let s = 0; s < FAN_WIDTH; s++) {
        const key = `shards/${pipelineName(0)}/part-${String(s).padStart(3, '0')}`;
        this.b.artifact({ workspace: ws, key, kind: 'DATASET' }, e, run, t + 1_000, `part-${s}`);
      }
    }
  }

  /** `ensemble` executions in the shared workspace, each reading 100 registered models of one team. */
  private fanIns(team: number): void {
    const ws = sharedWorkspace(this.size);
    const at = this.endTime + 86_400_000 + team * 600_000;
    const run = this.b.run(ws, `ensemble-team-${pad(team)}`, at, at + 300_000);
    const models = this.registered[team]!;
    for (let f = 0; f < this.shape.fanInsPerTeam; f++) {
      const t = at + f * 60_000;
      const e = this.b.execution(run, ws, { name: 'ensemble', kind: 'TRAINER', code: 'git:ens0001' }, t, {
        members: FAN_WIDTH,
      });
      const stride = Math.max(1, Math.floor(models.length / FAN_WIDTH));
      for (let m = 0; m < FAN_WIDTH; m++) this.b.input(models[(f + m * stride) % models.length]!, e, t, `member-${m}`);
      this.b.artifact({ workspace: ws, key: `ensembles/team-${pad(team)}`, kind: 'MODEL' }, e, run, t + 1_000, 'model');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Loading

async function writeBatch(driver: Driver, database: string | undefined, b: Batch): Promise<void> {
  const session = driver.session({ database, defaultAccessMode: neo4j.session.WRITE });
  try {
    await session.executeWrite(async (tx) => {
      for (const [query, rows] of [
        [Q.workspaces, b.workspaces],
        [Q.runs, b.runs],
        [Q.executions, b.executions],
        [Q.artifacts, b.artifacts],
        [Q.inputs, b.inputs],
        [Q.outputs, b.outputs],
      ] as const) {
        if (rows.length > 0) await tx.run(query, { rows });
      }
    });
  } finally {
    await session.close();
  }
}

async function runQuery(driver: Driver, database: string | undefined, query: string, params: object) {
  const session = driver.session({ database });
  try {
    return (await session.run(query, params)).records.map((r) => r.toObject());
  } finally {
    await session.close();
  }
}

/** Deletes every node of this size's bench workspaces (batched, so any size fits in memory). */
export async function dropBenchGraph(driver: Driver, size: BenchSize, database?: string): Promise<void> {
  await runQuery(driver, database, Q.drop, { prefix: benchPrefix(size) });
}

export async function isGenerated(driver: Driver, size: BenchSize, database?: string): Promise<boolean> {
  const [row] = await runQuery(driver, database, Q.marker, { name: sharedWorkspace(size) });
  return row?.complete === 'true' && row?.generator === GENERATOR_VERSION;
}

/** Makes sure the bench graph of `size` is loaded (migrating first, so uid lookups are indexed). */
export async function generate(opts: GenerateOptions): Promise<GenerateSummary> {
  const { driver, size, database } = opts;
  const progress = opts.progress ?? (() => undefined);
  const started = Date.now();
  await migrate(new GraphExecutor(driver, { database, timeoutMs: 600_000 }));
  if (!opts.force && (await isGenerated(driver, size, database))) {
    return { size, nodes: 0, events: 0, seconds: 0, skipped: true };
  }
  progress(`bench ${size}: dropping any earlier ${benchPrefix(size)}* data`);
  await dropBenchGraph(driver, size, database);
  let lastReport = Date.now();
  const builder = new Builder(
    async (batch) => {
      await writeBatch(driver, database, batch);
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        progress(`bench ${size}: ${builder.nodes.toLocaleString()} nodes, ${builder.events.toLocaleString()} events`);
      }
    },
    0x5eed + size.charCodeAt(0),
  );
  await new PipelineGraph(size, builder).build();
  await runQuery(driver, database, Q.lastVersions, { rows: builder.lastVersions() });
  await runQuery(driver, database, Q.markComplete, { name: sharedWorkspace(size), generator: GENERATOR_VERSION });
  const seconds = (Date.now() - started) / 1000;
  progress(
    `bench ${size}: ${builder.nodes.toLocaleString()} nodes, ${builder.events.toLocaleString()} events in ${seconds.toFixed(0)} s`,
  );
  return { size, nodes: builder.nodes, events: builder.events, seconds, skipped: false };
}

export function parseSize(arg: string | undefined): BenchSize {
  const size = (arg ?? 'S').toUpperCase();
  if (size !== 'S' && size !== 'M' && size !== 'L') throw new Error(`size must be S, M or L, got "${arg}"`);
  return size;
}

async function main(): Promise<void> {
  const size = parseSize(process.argv[2]);
  const uri = process.env.NEO4J_URI;
  if (!uri) throw new Error('Set NEO4J_URI to the Neo4j to load (e.g. bolt://127.0.0.1:7687).');
  const driver = neo4j.driver(
    uri,
    neo4j.auth.basic(process.env.NEO4J_USERNAME ?? 'neo4j', process.env.NEO4J_PASSWORD ?? ''),
  );
  try {
    const summary = await generate({
      driver,
      size,
      database: process.env.NEO4J_DATABASE,
      force: process.argv.includes('--force'),
      progress: (m) => console.error(m),
    });
    console.log(JSON.stringify(summary));
  } finally {
    await driver.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
