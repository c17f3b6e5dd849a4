import type { SkeinHandle } from '../../src/app';
import { withoutSuggestions } from '../../src/graphql/introspection';
import { loadConfig } from '../../src/config';
import { startOidcProvider, type TestOidcProvider } from '../../tools/oidc-provider';
import { startTestSkein, type GraphQLResponse } from '../helpers/skein';

/**
 * What a server shows of itself, and to whom: introspection and field suggestions
 * (SKEIN_INTROSPECTION), cross-origin access (SKEIN_CORS_ORIGINS) and Apollo's CSRF prevention.
 */

const INTROSPECT = '{ __schema { queryType { name } } }';
/** A misspelt field: graphql-js answers "Cannot query field … Did you mean "serverInfo"?". */
const MISSPELT = '{ serverInf { version } }';

let provider: TestOidcProvider;
const servers: SkeinHandle[] = [];

beforeAll(async () => {
  provider = await startOidcProvider();
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  await provider?.stop();
});

async function start(env: Record<string, string>): Promise<SkeinHandle> {
  const skein = await startTestSkein(env);
  servers.push(skein);
  return skein;
}

/** Auth on, with SSO (SKEIN_AUTH is h1's setting; until it merges, an issuer turns auth on). */
const ssoEnv = () => ({ SKEIN_AUTH: 'on', SKEIN_OIDC_ISSUER: provider.issuer, SKEIN_OIDC_AUDIENCE: 'skein' });

async function post(
  url: string,
  query: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: GraphQLResponse }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as GraphQLResponse };
}

describe('introspection, by default (authenticated)', () => {
  let skein: SkeinHandle;
  beforeAll(async () => {
    skein = await start(ssoEnv());
  });

  test('anonymous callers of an auth-on server may not introspect, nor get suggestions', async () => {
    const refused = await post(skein.graphqlUrl, INTROSPECT);
    expect(refused.status).toBe(401);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(refused.body.errors?.[0]?.message).toMatch(/Introspection needs a signed-in caller/);

    // Hidden in a fragment, or as __type: still introspection.
    const fragment = await post(skein.graphqlUrl, '{ ...F } fragment F on Query { __type(name: "Run") { name } }');
    expect(fragment.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const misspelt = await post(skein.graphqlUrl, MISSPELT);
    expect(misspelt.body.errors?.[0]?.message).toBe('Cannot query field "serverInf" on type "Query".');

    // __typename is not introspection, and plain operations run.
    const plain = await post(skein.graphqlUrl, '{ __typename serverInfo { version } }');
    expect(plain.body.errors).toBeUndefined();
    expect(plain.body.data).toMatchObject({ __typename: 'Query' });
  });

  test('signed-in callers may introspect and get suggestions', async () => {
    const auth = { authorization: `Bearer ${await provider.token('plain-user')}` };
    const allowed = await post(skein.graphqlUrl, INTROSPECT, auth);
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });

    const misspelt = await post(skein.graphqlUrl, MISSPELT, auth);
    expect(misspelt.body.errors?.[0]?.message).toMatch(/Did you mean "serverInfo"\?/);
  });
});

describe('introspection settings', () => {
  test('auth off (the single loopback user): introspection and suggestions, as before', async () => {
    const skein = await start({});
    expect((await post(skein.graphqlUrl, INTROSPECT)).body.errors).toBeUndefined();
    expect((await post(skein.graphqlUrl, MISSPELT)).body.errors?.[0]?.message).toMatch(/Did you mean/);
  });

  test('on: anonymous callers too', async () => {
    const skein = await start({ ...ssoEnv(), SKEIN_INTROSPECTION: 'on' });
    expect((await post(skein.graphqlUrl, INTROSPECT)).body.data).toEqual({
      __schema: { queryType: { name: 'Query' } },
    });
    expect((await post(skein.graphqlUrl, MISSPELT)).body.errors?.[0]?.message).toMatch(/Did you mean/);
  });

  test('off: no one, signed in or not', async () => {
    const skein = await start({ ...ssoEnv(), SKEIN_INTROSPECTION: 'off' });
    const auth = { authorization: `Bearer ${await provider.token('admin-user')}` };
    const refused = await post(skein.graphqlUrl, INTROSPECT, auth);
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.body.errors?.[0]?.message).toMatch(/SKEIN_INTROSPECTION=off/);
    expect((await post(skein.graphqlUrl, MISSPELT, auth)).body.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  test('a bad value is refused at start, naming the choices', () => {
    expect(() => loadConfig({ SKEIN_INTROSPECTION: 'maybe' })).toThrow(
      /SKEIN_INTROSPECTION="maybe": expected one of authenticated, on, off/,
    );
  });

  test('suggestions of every kind are cut', () => {
    expect(withoutSuggestions('Unknown argument "firts" on field "Query.runs". Did you mean "first"?')).toBe(
      'Unknown argument "firts" on field "Query.runs".',
    );
    expect(
      withoutSuggestions('Value "UP" does not exist in "Direction" enum. Did you mean the enum value "UPSTREAM"?'),
    ).toBe('Value "UP" does not exist in "Direction" enum.');
    expect(withoutSuggestions('Unknown type "Rn". Did you mean "Run", "Runs", or "RunEdge"?')).toBe(
      'Unknown type "Rn".',
    );
  });
});

describe('cross-origin requests', () => {
  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });

  test('closed by default: no origin is allowed, and a preflight is refused', async () => {
    const skein = await start({});
    const res = await preflight(skein.graphqlUrl, 'https://evil.example');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-headers')).toBeNull();

    const post = await fetch(skein.graphqlUrl, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ serverInfo { version } }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
    expect(post.headers.get('vary')).toMatch(/origin/i);
  });

  test('SKEIN_CORS_ORIGINS lets the listed origins in, with the token and JSON headers', async () => {
    const skein = await start({ SKEIN_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' });
    const ok = await preflight(skein.graphqlUrl, 'https://app.example.com');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/content-type/);
    expect(ok.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(ok.headers.get('access-control-allow-credentials')).toBeNull();

    const post = await fetch(skein.graphqlUrl, {
      method: 'POST',
      headers: { origin: 'http://localhost:5173', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ serverInfo { version } }' }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');

    // Not listed: no CORS headers, whatever the others are.
    const other = await preflight(skein.graphqlUrl, 'https://app.example.com.evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('an origin with a path is refused at start', () => {
    expect(() => loadConfig({ SKEIN_CORS_ORIGINS: 'https://app.example.com/ui' })).toThrow(
      /SKEIN_CORS_ORIGINS.*is not an origin/,
    );
  });

  test('CSRF prevention: a simple cross-site POST (text/plain, no preflight) is refused', async () => {
    const skein = await start({});
    const res = await fetch(skein.graphqlUrl, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: JSON.stringify({
        query: 'mutation { createWorkspace(input: { name: "csrf-should-not-exist" }) { name } }',
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Cross-Site Request Forgery/);
    // A GET operation without a preflight-forcing header is refused the same way.
    const get = await fetch(`${skein.graphqlUrl}?query=${encodeURIComponent('{ serverInfo { version } }')}`);
    expect(get.status).toBe(400);
    expect(await get.text()).toMatch(/Cross-Site Request Forgery/);
  });
});
