import http from 'node:http';
import type { SkeinHandle } from '../../src/app';
import { startTestSkein } from '../helpers/skein';

/**
 * The Host header check against DNS rebinding (finding 9): a page on evil.example whose name is
 * made to resolve to 127.0.0.1 drives the browser to a developer's local Skein, but the browser
 * still says `Host: evil.example`. Bound to loopback, Skein serves only the loopback names (and
 * SKEIN_ALLOWED_HOSTS); bound to 0.0.0.0 the check is off unless SKEIN_ALLOWED_HOSTS is set.
 */

interface Answer {
  status: number;
  body: { errors?: Array<{ message: string; extensions: { code: string } }>; data?: unknown; status?: string };
}

/** POSTs `{ __typename }` (or GETs `path`) to the server's port with the given Host header. */
function request(skein: SkeinHandle, host: string, path = '/graphql'): Promise<Answer> {
  const { port } = new URL(skein.url);
  const payload = JSON.stringify({ query: '{ __typename }' });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: path === '/graphql' ? 'POST' : 'GET',
        headers: { host, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Answer['body'] }));
      },
    );
    req.on('error', reject);
    req.end(path === '/graphql' ? payload : undefined);
  });
}

describe('Host header check', () => {
  const servers: SkeinHandle[] = [];
  const start = async (env: Record<string, string>) => {
    const skein = await startTestSkein(env);
    servers.push(skein);
    return skein;
  };
  afterAll(() => Promise.all(servers.map((s) => s.stop())));

  it('bound to loopback: serves the loopback names, refuses any other with 421 and a JSON error', async () => {
    const skein = await start({ SKEIN_HOST: '127.0.0.1' });
    const port = new URL(skein.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'LOCALHOST']) {
      expect(await request(skein, host)).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
    }
    const refused = await request(skein, `evil.example:${port}`);
    expect(refused.status).toBe(421);
    expect(refused.body.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(refused.body.errors?.[0]?.message).toMatch(/evil\.example.*SKEIN_ALLOWED_HOSTS/);
    // A name that merely starts like localhost is another name.
    expect((await request(skein, 'localhost.evil.example')).status).toBe(421);
    // Probes answer whatever the Host: they reveal and change nothing.
    expect(await request(skein, 'evil.example', '/healthz')).toMatchObject({ status: 200 });
  });

  it('serves the names in SKEIN_ALLOWED_HOSTS as well', async () => {
    const skein = await start({ SKEIN_HOST: '127.0.0.1', SKEIN_ALLOWED_HOSTS: 'skein.internal, Other.Example' });
    expect((await request(skein, 'skein.internal:443')).status).toBe(200);
    expect((await request(skein, 'other.example')).status).toBe(200);
    expect((await request(skein, 'evil.example')).status).toBe(421);
  });

  it('bound to every interface: no check unless SKEIN_ALLOWED_HOSTS is set', async () => {
    const open = await start({ SKEIN_HOST: '0.0.0.0' });
    expect((await request(open, 'whatever.example')).status).toBe(200);
    const listed = await start({ SKEIN_HOST: '0.0.0.0', SKEIN_ALLOWED_HOSTS: 'skein.example.com' });
    expect((await request(listed, 'skein.example.com')).status).toBe(200);
    expect((await request(listed, 'localhost')).status).toBe(200);
    expect((await request(listed, 'whatever.example')).status).toBe(421);
  });
});
