/**
 * The change feed's cost on writes (issue 17): `writers` concurrent clients in ONE workspace make
 * `calls` mutations between them (startRun, or logArtifact with --artifacts), against a Skein in this
 * process; prints calls/s. Every write in a workspace takes its feed counter's lock, so this is the
 * number the counter can cost. Run (Neo4j env set, see /work/brief):
 *   node -r ./test/setup/register-ts.js bench/feed-writers.ts [calls] [writers] [--artifacts]
 */
import { startSkein } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';

async function post(url: string, query: string, variables: unknown): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

const START_RUN = 'mutation($i: StartRunInput!) { startRun(input: $i) { uid } }';
const LOG_ARTIFACT = 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { uid } }';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const [calls = 2000, writers = 8] = args.filter((a) => !a.startsWith('--')).map(Number);
  const artifacts = args.includes('--artifacts');
  const config = loadConfig({ ...process.env, SKEIN_PORT: '0', SKEIN_WARMUP: 'false' });
  const skein = await startSkein(config, { logger: createLogger('error'), progress: () => undefined });
  const url = skein.graphqlUrl;
  const ws = `feedbench${Date.now()}`;
  try {
    await post(url, 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', { i: { name: ws } });
    const one = (n: number) =>
      artifacts
        ? post(url, LOG_ARTIFACT, { i: { workspace: ws, key: `a${n % 50}`, kind: 'DATASET' } })
        : post(url, START_RUN, { i: { workspace: ws, name: `r${n}` } });
    for (let i = 0; i < 50; i += 1) await one(i); // warm up
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (next < calls) await one(next++);
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const what = artifacts ? 'logArtifact' : 'startRun';
    process.stdout.write(
      `${what}: ${calls} calls, ${writers} writers, ${seconds.toFixed(2)} s, ${(calls / seconds).toFixed(0)} calls/s\n`,
    );
  } finally {
    await skein.stop();
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
