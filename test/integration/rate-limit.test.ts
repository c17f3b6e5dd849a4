import type { SkeinHandle } from '../../src/app';
import { makePrincipal, OPEN } from '../../src/auth/principal';
import { ErrorCode, SkeinError } from '../../src/errors';
import { createRateLimiter, rateKey } from '../../src/http/rate-limit';
import { startOidcProvider, type TestOidcProvider } from '../../tools/oidc-provider';
import { startTestSkein, type GraphQLResponse } from '../helpers/skein';

/**
 * Rate limits (SKEIN_RATE_LIMIT requests a minute, SKEIN_RATE_LIMIT_BURST a second): counted per
 * token, else per SSO user, else per address, on an auth-on server; the request over the limit is
 * a 429 with Retry-After, and other callers are not affected.
 */

const LIMIT = 3;
let provider: TestOidcProvider;
let skein: SkeinHandle;

beforeAll(async () => {
  provider = await startOidcProvider();
  skein = await startTestSkein({
    SKEIN_AUTH: 'on',
    SKEIN_OIDC_ISSUER: provider.issuer,
    SKEIN_OIDC_AUDIENCE: 'skein',
    SKEIN_RATE_LIMIT: String(LIMIT),
    // The local store, so its /bodies/ endpoints are Skein's own.
    S3_BUCKET: '',
  });
});

afterAll(async () => {
  await skein?.stop();
  await provider?.stop();
});

async function ask(token?: string): Promise<Response> {
  return fetch(skein.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: '{ serverInfo { version } }' }),
  });
}

test('the request over the limit is a 429 with Retry-After; another user is not affected', async () => {
  const [hammer, calm] = await Promise.all([provider.token('ml-user'), provider.token('plain-user')]);
  for (let i = 1; i <= LIMIT; i++) expect((await ask(hammer)).status).toBe(200);

  const refused = await ask(hammer);
  expect(refused.status).toBe(429);
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const body = (await refused.json()) as GraphQLResponse;
  expect(body.errors?.[0]?.extensions?.code).toBe(ErrorCode.RATE_LIMITED);
  expect(body.errors?.[0]?.message).toMatch(/at most 3 a minute/);

  // A new token of the same user is the same user: still refused.
  expect((await ask(await provider.token('ml-user'))).status).toBe(429);
  // Another user, and anonymous callers (counted by address), have their own allowance.
  expect((await ask(calm)).status).toBe(200);
  expect((await ask()).status).toBe(200);
});

test("the local store's /bodies/ endpoints are limited per address", async () => {
  const statuses: number[] = [];
  for (let i = 0; i <= LIMIT; i++) statuses.push((await fetch(`${skein.url}/bodies/nothing?sig=x`)).status);
  // Refused for a bad signature while under the limit, then for the rate.
  expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(403));
  expect(statuses[LIMIT]).toBe(429);
  const refused = await fetch(`${skein.url}/bodies/nothing?sig=x`);
  expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  // The API's allowance is counted apart from the bodies' (this address made no API request yet
  // in this test, and the anonymous request above left it two).
  expect((await ask()).status).toBe(200);
});

test('refused sign-ins count against the address: guessing tokens ends in 429s', async () => {
  // A server of its own: this address's anonymous allowance is untouched there.
  const fresh = await startTestSkein({
    SKEIN_AUTH: 'on',
    SKEIN_OIDC_ISSUER: provider.issuer,
    SKEIN_OIDC_AUDIENCE: 'skein',
    SKEIN_RATE_LIMIT: String(LIMIT),
  });
  try {
    const guess = (token: string) =>
      fetch(fresh.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ serverInfo { version } }' }),
      });
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) statuses.push((await guess(`guess-${i}`)).status);
    expect(statuses).toEqual([...Array(LIMIT).fill(401), 429]);
    // A real user's token is their own allowance, not the address's.
    expect((await guess(await provider.token('ml-user'))).status).toBe(200);
  } finally {
    await fresh.stop();
  }
});

describe('the limiter', () => {
  const refusal = async (work: Promise<void>) => {
    const err = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof SkeinError)) throw new Error('expected a refusal');
    return err;
  };

  test('keys: token id, else SSO user, else address', () => {
    const token = makePrincipal({ kind: 'token', id: 'token:abc', tokenId: 'abc' });
    const user = makePrincipal({ kind: 'sso', id: 'user:ann' });
    expect(rateKey(token, '10.0.0.1')).toBe('token:abc');
    expect(rateKey(user, '10.0.0.1')).toBe('user:ann');
    expect(rateKey(OPEN, '10.0.0.1')).toBe('ip:10.0.0.1');
  });

  test('the burst bound refuses within a second, with a Retry-After of one second', async () => {
    const limiter = createRateLimiter({ perMinute: 1000, burstPerSecond: 2 });
    const caller = makePrincipal({ kind: 'token', id: 'token:burst', tokenId: 'burst' });
    await limiter.limitRate(caller, null);
    await limiter.limitRate(caller, null);
    const err = await refusal(limiter.limitRate(caller, null));
    expect(err.code).toBe(ErrorCode.RATE_LIMITED);
    expect(err.details.retryAfterSeconds).toBe(1);
    expect(err.message).toMatch(/at most 2 a second/);
  });

  test('0 turns limiting off', async () => {
    const limiter = createRateLimiter({ perMinute: 0, burstPerSecond: 1 });
    for (let i = 0; i < 50; i++) await limiter.limitRate(OPEN, '127.0.0.1');
  });
});
