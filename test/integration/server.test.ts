import { gql, gqlOk, startTestSkein, useTestSkein } from '../helpers/skein';

describe('the HTTP server', () => {
  const t = useTestSkein({ env: { SKEIN_MAX_BODY_BYTES: '2048' } });

  it('answers GraphQL at /graphql', async () => {
    const data = await gqlOk<{ __typename: string; serverInfo: { version: string; schemaVersion: number } }>(
      t.url,
      '{ __typename serverInfo { version schemaVersion } }',
    );
    expect(data.__typename).toBe('Query');
    expect(data.serverInfo.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(data.serverInfo.schemaVersion).toBeGreaterThanOrEqual(1);
  });

  it('says alive on /healthz and ready on /readyz once migrated', async () => {
    const alive = await fetch(`${t.skein.url}/healthz`);
    expect(alive.status).toBe(200);
    const ready = await fetch(`${t.skein.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('echoes a sane request id and invents one otherwise', async () => {
    const withId = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-42' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(withId.headers.get('x-request-id')).toBe('trace-42');
    const withBadId = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bad id with spaces' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(withBadId.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a body over the limit with 413 and a clear message', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename } # ${'x'.repeat(4096)}` }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.errors[0]?.message).toContain('SKEIN_MAX_BODY_BYTES');
  });

  it('refuses a body that is not JSON', async () => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(res.status).toBe(400);
  });

  it('answers unknown paths with 404', async () => {
    const res = await fetch(`${t.skein.url}/nope`);
    expect(res.status).toBe(404);
  });

  it('returns GraphQL validation errors with their code', async () => {
    const res = await gql(t.url, '{ noSuchField }');
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('readiness', () => {
  it('is 503 while the graph database does not answer', async () => {
    // A server whose Neo4j is gone: stop the driver under it, then ask.
    const skein = await startTestSkein();
    try {
      await (skein.graph as unknown as { driver: { close(): Promise<void> } }).driver.close();
      const res = await fetch(`${skein.url}/readyz`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { status: string }).status).toBe('unavailable');
    } finally {
      await skein.stop();
    }
  });
});
