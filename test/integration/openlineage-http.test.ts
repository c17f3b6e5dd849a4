import { randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { mintToken } from '../../src/auth/token-secret';
import { createContext, type Context } from '../../src/graphql/context';
import { handleOpenLineage, MAX_EVENTS_PER_REQUEST } from '../../src/http/openlineage';
import { createLogger } from '../../src/logger';
import { testGraph, uniqueName, useTestSkein } from '../helpers/skein';
import { codeOf, createToken, gqlAs } from '../helpers/tokens';

/**
 * POST /api/v1/lineage over HTTP: what is refused (and that a refused request applies nothing),
 * the batch forms, and the status codes an OpenLineage client acts on.
 */

const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python';

interface LineageAnswer {
  status: number;
  headers: Headers;
  body: {
    code?: string;
    message?: string;
    applied?: number;
    results?: unknown[];
    requestId?: string;
    errors?: Array<{ message: string; index?: number; path?: string; extensions: { code: string } }>;
  };
}

async function post(
  base: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
  path = '/api/v1/lineage',
): Promise<LineageAnswer> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as LineageAnswer['body'] };
}

/** A RunEvent of job `job` in namespace `ns` writing dataset `output` (a COMPLETE makes its version). */
function runEvent(ns: string, job: string, eventType: string, runId: string, output?: string) {
  return {
    eventType,
    eventTime: new Date().toISOString(),
    run: { runId },
    job: { namespace: ns, name: job },
    inputs: [],
    outputs: output ? [{ namespace: ns, name: output }] : [],
    producer: PRODUCER,
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  };
}

/** Whether the namespace's workspace exists, as `token` (none: auth off) sees it. */
async function workspaceExists(graphqlUrl: string, name: string, token?: string): Promise<boolean> {
  const answer = await gqlAs<{ workspace: { name: string } }>(
    graphqlUrl,
    token ?? null,
    'query($n: String!) { workspace(name: $n) { name } }',
    { n: name },
  );
  if (answer.data?.workspace) return true;
  expect(codeOf(answer)).toBe('NOT_FOUND');
  return false;
}

describe('POST /api/v1/lineage (auth off)', () => {
  const t = useTestSkein({ env: { SKEIN_MAX_BODY_BYTES: String(256 * 1024) } });
  const base = () => t.skein.url;

  it('refuses a batch with one invalid event: 400 naming its index and path, nothing applied', async () => {
    const ns = uniqueName('ol-invalid').toLowerCase();
    const good = runEvent(ns, 'job', 'START', randomUUID());
    const bad = { ...runEvent(ns, 'job', 'COMPLETE', randomUUID()), run: { runId: 'not-a-uuid' } };
    const answer = await post(base(), JSON.stringify([good, good, bad]));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('BAD_USER_INPUT');
    expect(answer.body.errors).toEqual([
      { index: 2, path: '/run/runId', message: 'must match format "uuid"', extensions: { code: 'BAD_USER_INPUT' } },
    ]);
    expect(answer.body.message).toContain('nothing was applied');
    expect(answer.body.message).toContain('event 2 at /run/runId');
    expect(await workspaceExists(t.url, ns)).toBe(false);
  });

  it('names every invalid event of a batch, and a missing field where it should be', async () => {
    const ns = uniqueName('ol-invalid').toLowerCase();
    const noJob: Record<string, unknown> = runEvent(ns, 'job', 'START', randomUUID());
    delete noJob.job;
    const badTime = { ...runEvent(ns, 'job', 'START', randomUUID()), eventTime: 'yesterday' };
    const answer = await post(base(), JSON.stringify([noJob, badTime]));
    expect(answer.status).toBe(400);
    expect(answer.body.errors!.map((e) => [e.index, e.path])).toEqual([
      [0, '/job'],
      [1, '/eventTime'],
    ]);
    expect(answer.body.errors![0]!.message).toBe('is required (a RunEvent needs it)');
  });

  it('refuses NDJSON with a line that is not JSON, naming the event and its line', async () => {
    const ns = uniqueName('ol-ndjson').toLowerCase();
    const line = JSON.stringify(runEvent(ns, 'job', 'START', randomUUID()));
    const answer = await post(base(), `${line}\n\n{"eventType": \n${line}\n`, {
      'content-type': 'application/x-ndjson',
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ index: 1, path: '', message: 'line 3 is not valid JSON' }),
    ]);
    expect(await workspaceExists(t.url, ns)).toBe(false);
  });

  it('refuses a body that is not JSON, an empty one and an empty array', async () => {
    for (const body of ['{"eventType":', '', '[]']) {
      const answer = await post(base(), body);
      expect({ body, status: answer.status, code: answer.body.code }).toEqual({
        body,
        status: 400,
        code: 'BAD_USER_INPUT',
      });
    }
  });

  it('answers 405 with Allow to anything but POST, on both spellings of the path', async () => {
    for (const path of ['/api/v1/lineage', '/api/v1/lineage/']) {
      const res = await fetch(`${base()}${path}`);
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
      expect(((await res.json()) as { message: string }).message).toContain('POST');
    }
  });

  it('answers 413 to more events than a request takes, saying to send smaller batches', async () => {
    const one = runEvent('ns', 'j', 'START', randomUUID());
    const tooMany = Array.from({ length: MAX_EVENTS_PER_REQUEST + 1 }, () => ({ eventType: one.eventType }));
    const answer = await post(base(), JSON.stringify(tooMany));
    expect(answer.status).toBe(413);
    expect(answer.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(answer.body.message).toContain(`batches of ${MAX_EVENTS_PER_REQUEST} or fewer`);
  });

  it('answers 413 to a body over SKEIN_MAX_BODY_BYTES, sent or once unzipped', async () => {
    const big = JSON.stringify([{ padding: 'x'.repeat(300 * 1024) }]);
    const sent = await post(base(), big);
    expect(sent.status).toBe(413);
    expect(sent.body.message).toContain('SKEIN_MAX_BODY_BYTES');
    expect(sent.body.message).toContain('fewer events per request');
    const zipped = await post(base(), gzipSync(big), { 'content-encoding': 'gzip' });
    expect(zipped.status).toBe(413);
    expect(zipped.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a Host it does not serve with 421, as /graphql does (DNS rebinding)', async () => {
    const { port } = new URL(base());
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port,
        path: '/api/v1/lineage',
        method: 'POST',
        headers: { host: 'evil.example' },
      });
      req.on('response', (res) => resolve(res.resume().statusCode!)).on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(421);
  });

  it('refuses a Content-Encoding it cannot read with 415', async () => {
    const answer = await post(base(), 'xx', { 'content-encoding': 'br' });
    expect(answer.status).toBe(415);
    expect(answer.body.message).toContain('gzip');
  });
});

describe('POST /api/v1/lineage applies a batch in order (auth off)', () => {
  const t = useTestSkein();

  /** Two jobs in a chain (job1 writes B from A, job2 writes C from B) as four events and a DatasetEvent. */
  function chainEvents(ns: string) {
    const [run1, run2] = [randomUUID(), randomUUID()];
    const read = (name: string) => [{ namespace: ns, name }];
    const datasetEvent = {
      eventTime: new Date().toISOString(),
      dataset: { namespace: ns, name: 'A' },
      producer: PRODUCER,
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent',
    };
    return [
      datasetEvent,
      { ...runEvent(ns, 'job1', 'START', run1), inputs: read('A') },
      { ...runEvent(ns, 'job1', 'COMPLETE', run1, 'B'), inputs: read('A') },
      { ...runEvent(ns, 'job2', 'START', run2), inputs: read('B') },
      { ...runEvent(ns, 'job2', 'COMPLETE', run2, 'C'), inputs: read('B') },
    ];
  }

  /** The names from dataset C back to its source, through the executions between. */
  async function upstreamChain(ns: string): Promise<string[]> {
    const answer = await gqlAs<{
      lineage: {
        nodes: Array<{ id: string; key?: string; name?: string }>;
        edges: Array<{ from: string; to: string }>;
      };
    }>(
      t.url,
      null,
      `query($of: String!) { lineage(of: $of, depth: 10) {
        nodes { ... on Artifact { id key } ... on Execution { id name } } edges { from to } } }`,
      { of: `store://datasets/${ns}/${ns}/C` },
    );
    const { nodes, edges } = answer.data!.lineage;
    const names: string[] = [];
    for (let at = nodes[0]; at; at = nodes.find((n) => n.id === edges.find((e) => e.to === at!.id)?.from)!)
      names.push(at.key ?? at.name!);
    return names;
  }

  const expectApplied = (answer: LineageAnswer, ns: string) => {
    expect(answer.status).toBe(200);
    expect(answer.body.applied).toBe(5);
    const results = answer.body.results as Array<{ kind: string; workspace: string; executionUid: string | null }>;
    // One result per event, in the events' order: the two events of each run name the same execution.
    expect(results.map((r) => r.kind)).toEqual(['dataset', 'run', 'run', 'run', 'run']);
    expect(results.every((r) => r.workspace === ns)).toBe(true);
    expect(results[1]!.executionUid).toBe(results[2]!.executionUid);
    expect(results[3]!.executionUid).toBe(results[4]!.executionUid);
    expect(results[1]!.executionUid).not.toBe(results[3]!.executionUid);
  };

  it('takes a JSON array', async () => {
    const ns = uniqueName('ol-array').toLowerCase();
    expectApplied(await post(t.skein.url, JSON.stringify(chainEvents(ns))), ns);
    expect(await upstreamChain(ns)).toEqual([`${ns}/C`, 'job2', `${ns}/B`, 'job1', `${ns}/A`]);
  });

  it('takes NDJSON (by its Content-Type, or lines sent as application/json), and gzip', async () => {
    for (const [contentType, zip] of [
      ['application/x-ndjson', false],
      ['application/json', false],
      ['application/x-ndjson', true],
    ] as const) {
      const ns = uniqueName('ol-ndjson').toLowerCase();
      const text = `${chainEvents(ns)
        .map((e) => JSON.stringify(e))
        .join('\n')}\n`;
      const body = zip ? gzipSync(text) : text;
      const headers = { 'content-type': contentType, ...(zip ? { 'content-encoding': 'gzip' } : {}) };
      expectApplied(await post(t.skein.url, body, headers, '/api/v1/lineage/'), ns);
      expect(await upstreamChain(ns)).toEqual([`${ns}/C`, 'job2', `${ns}/B`, 'job1', `${ns}/A`]);
    }
  });

  it('takes one event, and the same event again changes nothing', async () => {
    const ns = uniqueName('ol-one').toLowerCase();
    const event = JSON.stringify(runEvent(ns, 'job', 'COMPLETE', randomUUID(), 'out'));
    const first = await post(t.skein.url, event);
    expect(first.status).toBe(200);
    expect(first.body.applied).toBe(1);
    const again = await post(t.skein.url, event);
    expect(again.status).toBe(200);
    const [once, twice] = [first.body.results![0], again.body.results![0]] as Array<Record<string, unknown>>;
    expect(twice).toMatchObject({ executionUid: once!.executionUid, state: once!.state, versionsCreated: [] });
  });
});

describe('POST /api/v1/lineage (auth on)', () => {
  const admin = mintToken();
  const t = useTestSkein({ env: { SKEIN_AUTH: 'on', SKEIN_ADMIN_TOKEN: admin.text } });

  it('answers 401 without a token, and with one it does not know, applying nothing', async () => {
    const ns = uniqueName('ol-auth').toLowerCase();
    const event = JSON.stringify(runEvent(ns, 'job', 'START', randomUUID()));
    const anonymous = await post(t.skein.url, event);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    const unknown = await post(t.skein.url, event, { authorization: `Bearer ${mintToken().text}` });
    expect(unknown.status).toBe(401);
    expect(await workspaceExists(t.url, ns, admin.text)).toBe(false);
  });

  it('stops at an event the caller may not apply: its code and status, its index, how many were applied', async () => {
    const mine = uniqueName('ol-mine').toLowerCase();
    const theirs = uniqueName('ol-theirs').toLowerCase();
    for (const name of [mine, theirs])
      await gqlAs(t.url, admin.text, 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', {
        i: { name },
      });
    const editor = await createToken(t.url, admin.text, { workspace: mine, role: 'EDITOR' });
    const events = [
      runEvent(mine, 'job', 'START', randomUUID()),
      runEvent(theirs, 'job', 'START', randomUUID()),
      runEvent(mine, 'job', 'START', randomUUID()),
    ];
    const answer = await post(t.skein.url, JSON.stringify(events), { authorization: `Bearer ${editor.text}` });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'FORBIDDEN', applied: 1 });
    expect(answer.body.errors).toEqual([expect.objectContaining({ index: 1, extensions: { code: 'FORBIDDEN' } })]);
    expect(answer.body.message).toMatch(/^Event 1 was not applied: .*The 1 event\(s\) before it were applied/);
  });
});

describe('POST /api/v1/lineage behind the rate limit (auth on, SKEIN_RATE_LIMIT=1)', () => {
  const t = useTestSkein({ env: { SKEIN_AUTH: 'on', SKEIN_ADMIN_TOKEN: mintToken().text, SKEIN_RATE_LIMIT: '1' } });

  it('counts its requests with /graphql’s limiter: over the limit is a 429 with Retry-After', async () => {
    const event = JSON.stringify(runEvent('ns', 'job', 'START', randomUUID()));
    expect((await post(t.skein.url, event)).status).toBe(401);
    const over = await post(t.skein.url, event);
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('RATE_LIMITED');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('an internal error while applying an event', () => {
  const { driver, graph } = testGraph();
  let server: Server;
  let base: string;
  const logged: unknown[] = [];
  const SECRET = 'bolt://10.0.0.7:7687 Neo.DatabaseError.General.UnknownError: disk full at /var/lib/neo4j';

  beforeAll(async () => {
    const logger = createLogger('silent');
    logger.error = ((entry: unknown) => void logged.push(entry)) as typeof logger.error;
    // The endpoint's own handler, with a context whose ingest fails as a broken database would.
    const makeContext = async (_req: unknown, requestId: string): Promise<Context> => {
      const context = createContext({ graph, logger }, requestId);
      const error = new Error(SECRET);
      const openLineage = {
        ingest: () => Promise.reject(error),
        ingestMany: () => Promise.resolve({ results: [], failure: { index: 0, error } }),
      };
      return { ...context, logger, services: { ...context.services, openLineage } } as unknown as Context;
    };
    server = createServer((req, res) => void handleOpenLineage({ maxBodyBytes: 1 << 20, makeContext }, req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await driver.close();
  });

  it('is a 500 with the request id and no detail; the log has the error', async () => {
    const event = runEvent('ns', 'job', 'START', randomUUID());
    const answer = await post(base, JSON.stringify(event), { 'x-request-id': 'ol-internal-1' });
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: 'ol-internal-1', applied: 0 });
    expect(JSON.stringify(answer.body)).not.toMatch(/bolt|Neo\.|disk|neo4j/i);
    expect((logged[0] as { err: Error }).err.message).toContain('disk full');
  });
});
