import fc from 'fast-check';
import type { Driver } from 'neo4j-driver';
import type { GraphExecutor } from '../../src/graph/executor';
import { getSchema } from '../../src/graphql/schema';
import { snapshotWorkspaces } from '../fuzz/graph-snapshot';
import { operations, rootFields, type FuzzOperation } from '../fuzz/operations';
import type { ValuePool } from '../fuzz/values';
import { logArtifact, startRun } from '../helpers/pipeline';
import { gqlOk, testGraph, useTestSkein, type GraphQLResponse } from '../helpers/skein';

/**
 * Issue 12, section 4: operations generated from the live schema (every query and mutation, the
 * arguments inline and as variables, valid and wrong values) against a real server on the real
 * Neo4j, in one workspace seeded with a small pipeline. Whatever a client sends:
 *   - no INTERNAL_SERVER_ERROR;
 *   - no answer shows internals (stack frames, file paths, Cypher, Neo4j's error text);
 *   - a mutation that fails leaves the workspace's graph exactly as it was.
 * A failure prints its seed: FUZZ_SEED=<seed> npx jest test/integration/fuzz.test.ts replays it
 * (FUZZ_RUNS sets how many operations; the default fits the suite's time budget).
 */

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);

/** Internals that must never reach a client (unless the client sent the same text). */
const LEAKS: RegExp[] = [
  /\bat [\w$.<>[\] ]+ \(/, // a stack frame: "at resolve (/…/x.ts:12:3)"
  /\/work\//,
  /\/node_modules\//,
  /\.[jt]s:\d+/,
  /\bMATCH \(/,
  /\bMERGE \(/,
  /Neo\.(Client|Transient|Database)Error/,
  /Neo4jError/,
];

jest.setTimeout(120_000);

describe('schema-driven fuzzing', () => {
  const t = useTestSkein({ workspace: 'fuzz' });
  let driver: Driver;
  let graph: GraphExecutor;

  beforeAll(() => ({ driver, graph } = testGraph()));
  afterAll(() => driver.close());

  it('covers every query and mutation of the schema', async () => {
    const schema = await getSchema();
    const fields = rootFields(schema);
    expect(fields.length).toBeGreaterThan(30);
    const seen = new Set(
      fc
        .sample(operations(schema, { refs: ['x'], prefix: 'p', byName: {} }), { numRuns: 5_000, seed: 1 })
        .map((o) => o.field),
    );
    expect(fields.filter((f) => !seen.has(f))).toEqual([]);
  });

  it(`answers ${RUNS} generated operations as a client's errors at worst, changing nothing when one fails (FUZZ_SEED=${SEED})`, async () => {
    const pool = await seed(t.url, t.ws);
    const schema = await getSchema();
    let known: string[] | undefined; // the workspace's graph, while no mutation has succeeded since
    const property = fc.asyncProperty(operations(schema, pool), async (op) => {
      if (op.kind === 'mutation') known ??= await snapshotWorkspaces(graph, t.ws);
      const { status, body } = await post(t.url, op);
      expect({ status, internal: internalErrors(body) }).toEqual({ status, internal: [] });
      expect(leaks(JSON.stringify(body.errors ?? []), JSON.stringify(op))).toEqual([]);
      if (op.kind !== 'mutation' || body.data === undefined) return; // refused before it ran
      if (resolverFailed(body, op.field)) {
        expect(await snapshotWorkspaces(graph, t.ws)).toEqual(known);
      } else {
        known = undefined;
      }
    });
    try {
      await fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: true, verbose: 1 });
    } catch (err) {
      // fast-check keeps the failed assertion as the cause; show it with the operation.
      const cause = (err as Error & { cause?: Error }).cause;
      const report = `${(err as Error).message}\n${cause?.message ?? ''}`;
      throw new Error(`Replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}.\n${shortRuns(report)}`);
    }
  });
});

/**
 * A small pipeline in the workspace: a run with an execution that read a dataset and wrote a
 * model (tagged), a metrics artifact, and a finished run with a child. Its ids, URIs, keys and
 * tags are what generated strings are drawn from, so operations reach real objects.
 */
async function seed(url: string, ws: string): Promise<ValuePool> {
  const run = await startRun(url, ws, 'train');
  const done = await startRun(url, ws, 'search');
  const child = await gqlOk<{ startRun: { id: string; uid: string } }>(
    url,
    'mutation($i: StartRunInput!) { startRun(input: $i) { id uid } }',
    { i: { workspace: ws, name: 'trial', parent: done, params: [{ key: 'lr', value: 0.1 }] } },
  );
  await gqlOk(url, `mutation { finishRun(id: "${done}", state: COMPLETED) { uid } }`);
  const data = await logArtifact(url, { workspace: ws, key: 'raw', kind: 'DATASET', run, location: 's3://b/raw.csv' });
  const execution = await gqlOk<{ recordExecution: { id: string; uid: string } }>(
    url,
    'mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { id uid } }',
    {
      i: {
        run,
        name: 'fit',
        inputs: [{ artifact: data.uri }],
        outputs: [{ artifact: { key: 'model', kind: 'MODEL', location: 's3://b/model.bin' } }],
      },
    },
  );
  const model = `store://artifacts/${ws}/model`;
  await gqlOk(url, `mutation { tagArtifact(ref: "${model}", tag: "production") { uid } }`);
  const metrics = await logArtifact(url, { workspace: ws, key: 'scores', kind: 'METRICS', run });
  const workspace = await gqlOk<{ workspace: { id: string } }>(url, `{ workspace(name: "${ws}") { id } }`);
  const runs = [run, done, child.startRun.id, child.startRun.uid];
  const executions = [execution.recordExecution.id, execution.recordExecution.uid];
  const artifacts = [data.id, data.uri, model, `${model}:production`, `${model}:latest`, metrics.uri];
  const byName: Record<string, string[]> = {
    workspace: [ws],
    workspaces: [ws],
    namePrefix: [ws, 'fuzz'],
    id: [...runs, ...executions, data.id, metrics.id, workspace.workspace.id],
    ids: runs,
    run: runs,
    parent: [done],
    child: [child.startRun.id],
    ref: artifacts,
    of: artifacts,
    from: [data.uri],
    to: [model],
    artifact: artifacts,
    trainingDataset: [data.uri],
    key: ['raw', 'model', 'scores', `${ws}-new`],
    keyPrefix: ['ra', 'mo'],
    tag: ['production', 'staging'],
    tags: ['production', 'staging'],
    kind: ['MODEL', 'DATASET', 'METRICS', 'FILE', 'DIRECTORY'],
    kinds: ['MODEL', 'DATASET'],
    template: ['{{workspace}}/{{run.uid}}/{{key}}', 'models/{{key}}'],
    artifactPath: ['{{workspace}}/{{key}}'],
    path: ['data/train.csv', 'model.bin'],
    location: ['s3://bucket/x.csv', 'https://example.com/x', 'file:///etc/passwd'],
    sha256: ['0'.repeat(64), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    digest: ['sha256:' + '0'.repeat(64)],
    contentType: ['text/csv', 'application/octet-stream'],
    param: ['lr'],
    result: ['accuracy'],
  };
  return { prefix: ws, refs: [...new Set(Object.values(byName).flat())], byName };
}

/** Long runs of one character (the oversize strings) written as "x×70000", so a report stays readable. */
function shortRuns(text: string): string {
  return text.replace(/(.)\1{49,}/g, (run, c: string) => `${c}×${run.length}`);
}

async function post(url: string, op: FuzzOperation) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: op.query, variables: op.variables }),
  });
  const text = await res.text();
  let body: GraphQLResponse;
  try {
    body = JSON.parse(text) as GraphQLResponse;
  } catch {
    throw new Error(`HTTP ${res.status} with a body that is not JSON: ${text.slice(0, 500)}`);
  }
  return { status: res.status, body };
}

function internalErrors(body: GraphQLResponse) {
  return (body.errors ?? []).filter((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR' || !e.extensions?.code);
}

/**
 * Internals in an answer's errors, leaving out what merely echoes the client's own text. (Its data
 * is left out: it holds what clients stored, and every fuzz run stores strange strings.)
 */
function leaks(answer: string, request: string): string[] {
  return LEAKS.flatMap((pattern) => {
    const found = answer.match(pattern)?.[0];
    return found && !request.includes(found) ? [found] : [];
  });
}

/**
 * The mutation itself failed (its resolver threw), as opposed to a field of its answer failing
 * after it committed. (A request refused before execution has no `data` at all.)
 */
function resolverFailed(body: GraphQLResponse, field: string): boolean {
  return (body.errors ?? []).some((e) => e.path?.length === 1 && e.path[0] === field);
}
