import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import neo4j from 'neo4j-driver';
import { startSkein, type SkeinHandle } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createWorkspace, gql } from '../helpers/skein';
import { waitFor } from '../helpers/wait';

/**
 * The Neo4j that Skein starts itself (finding 9: it ran with auth off, so any local user could
 * bypass Skein over Bolt; and nothing noticed when it died). It now runs with a random password
 * kept in its home (mode 0600); when it dies Skein answers SERVICE_UNAVAILABLE at once, restarts
 * it and recovers by itself; a Neo4j that keeps dying makes Skein give up with a clear message.
 * Two Neo4j starts in all (the first, and one restart).
 */

const NEO4J_START_MS = 120_000;

const WORKSPACE = 'query($n: String!) { workspace(name: $n) { name } }';

describe('the local Neo4j Skein starts', () => {
  let dataDir: string;
  let skein: SkeinHandle;
  const fatal: Error[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'skein-watchdog-'));
    const config = loadConfig({
      ...process.env,
      NEO4J_URI: '', // unset: Skein starts its own
      NEO4J_PASSWORD: '',
      S3_BUCKET: '',
      SKEIN_DATA_DIR: dataDir,
      SKEIN_PORT: '0',
      SKEIN_WARMUP: 'false',
      SKEIN_NEO4J_HEAP_MB: '512',
      SKEIN_NEO4J_PAGECACHE_MB: '64',
      SKEIN_NEO4J_RESTARTS: '1',
    });
    skein = await startSkein(config, {
      logger: createLogger('silent'),
      progress: () => undefined,
      onFatal: (err) => fatal.push(err),
    });
  }, NEO4J_START_MS);

  afterAll(async () => {
    await skein?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('runs with auth on and a random password kept in its home, readable by this user only', async () => {
    const file = path.join(dataDir, 'neo4j', 'password');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = readFileSync(file, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(32);
    const log = readFileSync(path.join(dataDir, 'neo4j.log'), 'utf8');
    const url = /SKEIN_NEO4J_READY (bolt:\/\/\S+)/.exec(log)![1]!;
    for (const [pw, ok] of [
      ['wrong password', false],
      [password, true],
    ] as const) {
      const driver = neo4j.driver(url, neo4j.auth.basic('neo4j', pw), { maxConnectionPoolSize: 1 });
      const answer = driver.executeQuery('RETURN 1 AS one');
      if (ok) await expect(answer).resolves.toBeDefined();
      else await expect(answer).rejects.toMatchObject({ code: 'Neo.ClientError.Security.Unauthorized' });
      await driver.close();
    }
    // The password never appears on a command line (`ps` shows those to every user).
    expect(log).not.toContain(password);
  });

  it(
    'is restarted when it dies: SERVICE_UNAVAILABLE meanwhile, then Skein recovers by itself',
    async () => {
      const ws = await createWorkspace(skein.graphqlUrl, 'watchdog');
      const first = skein.localNeo4j!.pid;
      process.kill(first, 'SIGKILL');

      // Skein notices within moments (the child's exit), and says so on /readyz (which answers
      // within a second whatever Neo4j does). A query sent before that is retried by the driver
      // until Neo4j is back, so the probe waits for this first.
      await waitFor('/readyz to turn 503', 10_000, async () => (await fetch(`${skein.url}/readyz`)).status === 503);
      // While it is away every query is refused at once, as SERVICE_UNAVAILABLE.
      const refused = await gql(skein.graphqlUrl, WORKSPACE, { n: ws });
      expect(refused.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(refused.errors![0]!.message).toMatch(/graph database/);
      expect((await fetch(`${skein.url}/healthz`)).status).toBe(200);

      // Back without restarting Skein, with the data it had.
      const back = await waitFor(
        'the workspace to be served again',
        NEO4J_START_MS,
        async () => {
          const res = await gql<{ workspace: { name: string } }>(skein.graphqlUrl, WORKSPACE, { n: ws });
          return res.data?.workspace ? res.data.workspace : undefined;
        },
        100, // each probe is a GraphQL request: a tenth of a second apart is plenty
      );
      expect(back.name).toBe(ws);
      expect(skein.localNeo4j!.pid).not.toBe(first);
      // Ready again too (its own probe of the graph may answer a moment after the first query does).
      await waitFor('/readyz to turn 200', 10_000, async () => (await fetch(`${skein.url}/readyz`)).status === 200);
      expect(fatal).toEqual([]);
    },
    NEO4J_START_MS + 30_000,
  );

  it('makes Skein give up with a clear message when it dies more often than SKEIN_NEO4J_RESTARTS allows', async () => {
    process.kill(skein.localNeo4j!.pid, 'SIGKILL');
    const err = await waitFor('Skein to give up', 10_000, async () => fatal[0]);
    expect(err.message).toMatch(/local Neo4j exited unexpectedly .*restarted 1 times.*Skein stops.*neo4j\.log/);
  });
});
