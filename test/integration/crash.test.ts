import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sha256, uniqueBody } from '../helpers/bodies';
import { gql, gqlOk, uniqueName, type GraphQLResponse } from '../helpers/skein';
import { spawnSkein, type SkeinProcess } from '../setup/skein-process';

/**
 * Nothing acknowledged is lost (issue 12, "What to build" 5). Eight writers with idempotency keys
 * (runs, executions with events, artifacts, uploads) run against `skein serve` with its own local
 * Neo4j; mid-load both are killed with SIGKILL (Neo4j first, so it gets no clean shutdown); Skein
 * is started again on the same data directory. Then: every acknowledged write is there, every
 * execution has all its events, every upload marked AVAILABLE has its body, and a retry of every
 * write, acknowledged or cut off by the crash, with its key answers the first result.
 */

const START_MS = 180_000; // a cold start compiles the sources and starts a Neo4j (slow on a busy machine)
const KILL_AFTER_ACKS = 40;

interface Write {
  kind: 'run' | 'execution' | 'artifact' | 'upload';
  query: string;
  variables: Record<string, unknown>;
  /** The uid the server answered; undefined when the crash cut the request off. */
  uid?: string;
  /** For uploads: the body, and whether completeUpload acknowledged it AVAILABLE. */
  body?: Buffer;
  available?: boolean;
}

const START_RUN = 'mutation($i: StartRunInput!) { startRun(input: $i) { uid } }';
const RECORD = 'mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { uid } }';
const LOG_ARTIFACT = 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { uid } }';
const CREATE_UPLOAD = `mutation($i: CreateUploadInput!) {
  createUpload(input: $i) { artifact { uid } bodies { url } }
}`;
const COMPLETE = 'mutation($r: String!) { completeUpload(ref: $r) { state } }';

/** The uid in the one field of a mutation's answer. */
function uidOf(res: GraphQLResponse): string {
  if (res.errors?.length || !res.data) throw new Error(JSON.stringify(res.errors));
  const answer = Object.values(res.data)[0] as { uid?: string; artifact?: { uid: string } };
  return answer.uid ?? answer.artifact!.uid;
}

/** What writer `w` sends as its `n`th write: two writers of each kind. */
function nextWrite(ws: string, runId: string, seedUri: string, w: number, n: number): Write {
  const idempotencyKey = `w${w}-${n}`;
  switch (w % 4) {
    case 0:
      return {
        kind: 'run',
        query: START_RUN,
        variables: { i: { workspace: ws, name: `run-${w}-${n}`, idempotencyKey } },
      };
    case 1:
      return {
        kind: 'execution',
        query: RECORD,
        variables: {
          i: {
            run: runId,
            name: `step-${w}-${n}`,
            inputs: [{ artifact: seedUri }],
            outputs: [{ artifact: { key: `out-${w}-${n}`, kind: 'MODEL', location: `s3://models/${w}/${n}` } }],
            idempotencyKey,
          },
        },
      };
    case 2:
      return {
        kind: 'artifact',
        query: LOG_ARTIFACT,
        variables: {
          i: { workspace: ws, key: `ds-${w}`, kind: 'DATASET', location: `s3://data/${w}/${n}`, idempotencyKey },
        },
      };
    default: {
      const body = uniqueBody(`crash ${w} ${n}`);
      return {
        kind: 'upload',
        query: CREATE_UPLOAD,
        variables: {
          i: {
            artifact: { workspace: ws, key: `up-${w}-${n}`, kind: 'FILE', idempotencyKey },
            body: { size: body.length, sha256: sha256(body) },
          },
        },
        body,
      };
    }
  }
}

/** Sends one write (an upload: create, PUT, complete), filling in what was acknowledged. */
async function send(url: string, write: Write): Promise<void> {
  const res = await gql(url, write.query, write.variables);
  write.uid = uidOf(res);
  if (write.kind !== 'upload') return;
  const target = (res.data as { createUpload: { bodies: Array<{ url: string }> } }).createUpload.bodies[0]!;
  const put = await fetch(target.url, { method: 'PUT', body: write.body });
  if (put.status !== 200) throw new Error(`PUT answered ${put.status}`);
  const done = await gqlOk<{ completeUpload: { state: string } }>(url, COMPLETE, { r: write.uid });
  write.available = done.completeUpload.state === 'AVAILABLE';
}

/** The Neo4j JVM `skein serve` started (its child running tools/neo4j/Launcher.java). */
function neo4jPidOf(skeinPid: number): number {
  const lines = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(skeinPid)], { encoding: 'utf8' });
  const line = lines.split('\n').find((l) => l.includes('Launcher.java'));
  if (!line) throw new Error(`no Neo4j child of ${skeinPid}:\n${lines}`);
  return Number(line.trim().split(/\s+/)[0]);
}

describe('kill -9 of Skein and its Neo4j under load', () => {
  let dataDir: string;
  let skein: SkeinProcess | undefined;
  const env = () => ({
    NEO4J_URI: '',
    S3_BUCKET: '',
    SKEIN_DATA_DIR: dataDir,
    SKEIN_NEO4J_HEAP_MB: '512',
    SKEIN_NEO4J_PAGECACHE_MB: '64',
  });

  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'skein-crash-'));
  });

  afterAll(async () => {
    if (skein && skein.child.exitCode === null && skein.child.signalCode === null) {
      skein.child.kill('SIGTERM');
      await skein.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it(
    'loses no acknowledged write, leaves nothing half-made, and every retry answers the first result',
    async () => {
      skein = await spawnSkein(env());
      const url = skein.graphqlUrl;
      const ws = uniqueName('crash').toLowerCase();
      await gqlOk(url, 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', {
        i: { name: ws },
      });
      const pipeline = await gqlOk<{ startRun: { id: string } }>(
        url,
        'mutation($i: StartRunInput!) { startRun(input: $i) { id } }',
        {
          i: { workspace: ws, name: 'pipeline' },
        },
      );
      const runId = pipeline.startRun.id;
      const seed = await gqlOk<{ logArtifact: { uri: string } }>(
        url,
        'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { uri } }',
        { i: { workspace: ws, key: 'seed', kind: 'DATASET', location: 's3://data/seed' } },
      );

      // Eight writers until the crash; a write the crash cuts off stays unacknowledged.
      const writes: Write[] = [];
      let crashed = false;
      const writers = Array.from({ length: 8 }, async (_, w) => {
        for (let n = 0; !crashed; n++) {
          const write = nextWrite(ws, runId, seed.logArtifact.uri, w, n);
          writes.push(write);
          try {
            await send(url, write);
          } catch (err) {
            if (!crashed) throw err;
          }
        }
      });
      const acked = () => writes.filter((x) => x.uid !== undefined).length;
      while (acked() < KILL_AFTER_ACKS) await Promise.race([...writers, new Promise((r) => setTimeout(r, 50))]);

      const neo4jPid = neo4jPidOf(skein.child.pid!);
      crashed = true;
      process.kill(neo4jPid, 'SIGKILL');
      skein.child.kill('SIGKILL');
      await Promise.all(writers);
      await skein.exited;
      const ackedWrites = writes.filter((x) => x.uid !== undefined);
      expect(ackedWrites.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);

      // Same data directory: the store recovers from its transaction log.
      skein = await spawnSkein(env());
      const again = skein.graphqlUrl;

      // Every acknowledged write is there, and its retry answers the first result.
      // Retries go eight at a time, as the writers did.
      const replays = await mapEight(ackedWrites, async (w) => uidOf(await gql(again, w.query, w.variables)));
      expect(replays).toEqual(ackedWrites.map((w) => w.uid));
      // A write the crash cut off: its retry does it (or finds it done); a second retry agrees.
      const cutOff = writes.filter((x) => x.uid === undefined);
      const firsts = await mapEight(cutOff, async (w) => uidOf(await gql(again, w.query, w.variables)));
      expect(await mapEight(cutOff, async (w) => uidOf(await gql(again, w.query, w.variables)))).toEqual(firsts);

      // No execution lacks its events: each has its one input and its one output.
      const steps = await gqlOk<{
        run: { executions: { edges: Array<{ node: { name: string; inputs: Edges; outputs: Edges } }> } };
      }>(
        again,
        `query($id: ID!) { run(id: $id) { executions(first: 1000) { edges { node {
         name inputs { edges { node { type } } } outputs { edges { node { type } } } } } } } }`,
        { id: runId },
      );
      const executions = steps.run.executions.edges.map((e) => e.node);
      expect(executions.length).toBeGreaterThanOrEqual(ackedWrites.filter((x) => x.kind === 'execution').length);
      for (const e of executions) {
        expect({ name: e.name, inputs: e.inputs.edges.length, outputs: e.outputs.edges.length }).toEqual({
          name: e.name,
          inputs: 1,
          outputs: 1,
        });
      }

      // No artifact is half-made: outputs have their producer, versions are dense, an AVAILABLE
      // upload has its whole body in the store.
      const list = await gqlOk<{ artifacts: { edges: Array<{ node: ArtifactRow }> } }>(
        again,
        'query($w: String!) { artifacts(workspace: $w, first: 1000) { edges { node { uid key version state digest size producerId } } } }',
        { w: ws },
      );
      const artifacts = list.artifacts.edges.map((e) => e.node);
      for (const a of artifacts.filter((x) => x.key.startsWith('out-'))) expect(a.producerId).not.toBeNull();
      for (const key of new Set(artifacts.filter((x) => x.key.startsWith('ds-')).map((x) => x.key))) {
        const versions = artifacts.filter((x) => x.key === key).map((x) => x.version);
        expect(versions.sort((a, b) => a - b)).toEqual(versions.map((_, i) => i + 1));
      }
      for (const a of artifacts.filter((x) => x.state === 'AVAILABLE' && x.key.startsWith('up-'))) {
        const file = path.join(dataDir, 'store', 'bodies', 'sha256', a.digest!);
        expect(existsSync(file) && statSync(file).size).toBe(a.size);
      }
      for (const write of ackedWrites.filter((x) => x.available)) {
        expect(artifacts.find((a) => a.uid === write.uid)?.state).toBe('AVAILABLE');
      }
    },
    3 * START_MS,
  );
});

type Edges = { edges: unknown[] };

/** `fn` over `items`, at most eight at a time, answers in order. */
async function mapEight<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return out;
}

interface ArtifactRow {
  uid: string;
  key: string;
  version: number;
  state: string;
  digest: string | null;
  size: number | null;
  producerId: string | null;
}
