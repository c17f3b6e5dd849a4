import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, decodeProtectedHeader, generateKeyPair } from 'jose';
import { createOidcVerifier, createSsoVerifier, groupsIn } from '../../src/auth/oidc';
import type { SsoVerifier } from '../../src/auth/sso';
import { loadConfig } from '../../src/config';
import { ErrorCode, SkeinError } from '../../src/errors';
import { grantRepository } from '../../src/graph/grant.repository';
import { IdentityService } from '../../src/services/identity.service';
import { startOidcProvider, type TestOidcProvider } from '../../tools/oidc-provider';
import { startTestSkein, uniqueName, type GraphQLResponse } from '../helpers/skein';
import type { SkeinHandle } from '../../src/app';

/**
 * SSO against a real OpenID provider (oidc-provider, on loopback in a child process): its JWT
 * access tokens are verified against the keys it publishes, found through its discovery
 * document. Everything the tests refuse is a token a real provider signed (or a real token
 * altered), not only hand-made ones.
 */

let provider: TestOidcProvider;
/** A second provider that names the first one's issuer in its tokens, signed with its own key. */
let forger: TestOidcProvider;
let verifier: SsoVerifier;

beforeAll(async () => {
  provider = await startOidcProvider();
  forger = await startOidcProvider({ claimIssuer: provider.issuer });
  verifier = createSsoVerifier(
    loadConfig({
      SKEIN_OIDC_ISSUER: provider.issuer,
      SKEIN_OIDC_AUDIENCE: 'skein',
      SKEIN_OIDC_ADMIN_GROUPS: 'skein-admins, ops',
    }),
  )!;
});

afterAll(async () => {
  await provider?.stop();
  await forger?.stop();
});

/** The refusal verifying `jwt` ends in (fails the test when it is accepted). */
async function refusalOf(v: SsoVerifier, jwt: string): Promise<SkeinError> {
  const err = await v.verify(jwt).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SkeinError)) throw new Error(`expected a refusal, got ${String(err)}`);
  // Nothing of the token comes back: not the whole, not its signature, not its payload.
  const [header, payload, signature] = jwt.split('.');
  for (const part of [jwt, header, payload, signature].filter((p) => p && p.length > 8))
    expect(err.message).not.toContain(part);
  return err;
}

describe('the OpenID verifier', () => {
  test('accepts the issuer’s tokens: the subject, its groups, admin from SKEIN_OIDC_ADMIN_GROUPS', async () => {
    expect(await verifier.verify(await provider.token('ml-user'))).toEqual({
      subject: 'ml-user',
      groups: ['ml-team'],
      admin: false,
    });
    expect(await verifier.verify(await provider.token('admin-user'))).toEqual({
      subject: 'admin-user',
      groups: ['skein-admins', 'ml-team'],
      admin: true,
    });
    expect(await verifier.verify(await provider.token('plain-user'))).toEqual({
      subject: 'plain-user',
      groups: [],
      admin: false,
    });
  });

  test('refuses a token for another audience', async () => {
    const err = await refusalOf(verifier, await provider.token('ml-user', 'urn:other'));
    expect(err.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(err.details.reason).toBe('audience');
    expect(err.message).toMatch(/not meant for Skein.*"skein"/);
  });

  test('refuses an expired token (one the provider signed with exp an hour ago)', async () => {
    const err = await refusalOf(verifier, await provider.token('expired-user'));
    expect(err.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(err.details.reason).toBe('expired');
    expect(err.message).toMatch(/expired/);
  });

  test('tolerates small clock differences, not large ones', async () => {
    // The provider's "expired" tokens ended 59 minutes ago: a 2-hour tolerance accepts them.
    const lenient = createOidcVerifier({
      issuer: provider.issuer,
      audience: 'skein',
      groupsClaim: 'groups',
      adminGroups: [],
      clockToleranceSeconds: 7200,
    });
    expect((await lenient.verify(await provider.token('expired-user'))).subject).toBe('expired-user');
  });

  test('refuses a token signed by another key, even one naming the right issuer and audience', async () => {
    const forged = await forger.token('admin-user');
    expect(decodeProtectedHeader(forged).alg).toBe('RS256');
    const err = await refusalOf(verifier, forged);
    expect(err.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(err.details.reason).toBe('unknown_key');
    expect(err.message).toMatch(/not signed by the issuer/);
  });

  test('refuses a real token whose payload was changed (the signature no longer verifies)', async () => {
    const [header, payload, signature] = (await provider.token('ml-user')).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const promoted = Buffer.from(JSON.stringify({ ...claims, groups: ['skein-admins'] })).toString('base64url');
    const err = await refusalOf(verifier, `${header}.${promoted}.${signature}`);
    expect(err.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(err.details.reason).toBe('signature');
  });

  test('refuses an unsigned token (alg "none") carrying a real token’s claims', async () => {
    const [, payload] = (await provider.token('admin-user')).split('.') as [string, string];
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    const err = await refusalOf(verifier, `${none}.${payload}.`);
    expect(err.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(err.details.reason).toBe('algorithm');
  });

  test('refuses a shared-secret (HS256) token even when it names one of the issuer’s key ids', async () => {
    const kid = decodeProtectedHeader(await provider.token('ml-user')).kid!;
    const hs = await new SignJWT({ groups: ['skein-admins'] })
      .setProtectedHeader({ alg: 'HS256', kid })
      .setSubject('mallory')
      .setIssuer(provider.issuer)
      .setAudience('skein')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a shared secret nobody should trust'));
    const err = await refusalOf(verifier, hs);
    expect(err.details.reason).toBe('algorithm');
  });

  test('refuses a token from another issuer', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const other = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('ml-user')
      .setIssuer('https://issuer.invalid')
      .setAudience('skein')
      .setExpirationTime('5m')
      .sign(privateKey);
    const err = await refusalOf(verifier, other);
    expect(err.code).toBe(ErrorCode.UNAUTHENTICATED);
  });

  test('refuses what is not a JWT', async () => {
    const err = await refusalOf(verifier, 'not-a-jwt-at-all');
    expect(err.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(err.details.reason).toBe('malformed');
  });

  test('an issuer that cannot be reached is a 503 for the caller, and is asked again next time', async () => {
    // A loopback port with a server that answers 500 to everything (then stops answering).
    let calls = 0;
    const down: Server = createServer((_req, res) => {
      calls++;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    try {
      const issuer = `http://127.0.0.1:${(down.address() as AddressInfo).port}`;
      const v = createOidcVerifier({ issuer, audience: 'skein', groupsClaim: 'groups', adminGroups: [] });
      const token = await provider.token('ml-user');
      for (const attempt of [1, 2]) {
        const err = await refusalOf(v, token);
        expect(err.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
        expect(err.message).toMatch(/Single sign-on is unavailable/);
        expect(calls).toBe(attempt);
      }
    } finally {
      down.close();
    }
  });

  test('a discovery document naming another issuer is not trusted', async () => {
    // The forger's discovery document names the real provider as issuer, but it is served at the
    // forger's own address: configured with that address, Skein refuses to use it.
    const v = createOidcVerifier({ issuer: forger.url, audience: 'skein', groupsClaim: 'groups', adminGroups: [] });
    const err = await refusalOf(v, await forger.token('ml-user'));
    expect(err.code).toBe(ErrorCode.SERVICE_UNAVAILABLE);
    expect(err.message).toContain(`names the issuer "${provider.issuer}"`);
  });
});

describe('the groups claim', () => {
  test('reads a top-level list, a dotted path, a claim named with dots, and ignores what is not strings', () => {
    expect(groupsIn({ groups: ['a', 'b'] }, 'groups')).toEqual(['a', 'b']);
    expect(groupsIn({ realm_access: { roles: ['x', 3, 'y'] } }, 'realm_access.roles')).toEqual(['x', 'y']);
    expect(groupsIn({ 'https://example.com/groups': ['g'] }, 'https://example.com/groups')).toEqual(['g']);
    expect(groupsIn({ groups: 'solo' }, 'groups')).toEqual(['solo']);
    expect(groupsIn({ groups: { not: 'a list' } }, 'groups')).toEqual([]);
    expect(groupsIn({}, 'realm_access.roles')).toEqual([]);
    expect(groupsIn({ realm_access: null } as never, 'realm_access.roles')).toEqual([]);
  });
});

describe('SSO settings', () => {
  test('an issuer needs an audience; the groups claim defaults to "groups"', () => {
    expect(() => loadConfig({ SKEIN_OIDC_ISSUER: 'https://id.example.com' })).toThrow(
      /SKEIN_OIDC_AUDIENCE: is required with SKEIN_OIDC_ISSUER/,
    );
    expect(() => loadConfig({ SKEIN_OIDC_ISSUER: 'id.example.com', SKEIN_OIDC_AUDIENCE: 'skein' })).toThrow(
      /SKEIN_OIDC_ISSUER="id.example.com": expected a URL/,
    );
    const config = loadConfig({
      SKEIN_OIDC_ISSUER: 'https://id.example.com/realms/x',
      SKEIN_OIDC_AUDIENCE: 'skein',
      SKEIN_OIDC_ADMIN_GROUPS: ' admins , ,ops',
    });
    expect(config.oidc).toEqual({
      issuer: 'https://id.example.com/realms/x',
      audience: 'skein',
      groupsClaim: 'groups',
      adminGroups: ['admins', 'ops'],
    });
    expect(createSsoVerifier(loadConfig({}))).toBeNull();
  });
});

describe('a server with SSO', () => {
  let skein: SkeinHandle;

  beforeAll(async () => {
    skein = await startTestSkein({
      SKEIN_AUTH: 'on',
      SKEIN_OIDC_ISSUER: provider.issuer,
      SKEIN_OIDC_AUDIENCE: 'skein',
      SKEIN_OIDC_ADMIN_GROUPS: 'skein-admins',
    });
  });
  afterAll(() => skein?.stop());

  async function post(token: string | undefined, query: string): Promise<{ status: number; res: Response }> {
    const res = await fetch(skein.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, res };
  }

  test('a valid access token is accepted', async () => {
    const { status, res } = await post(await provider.token('ml-user'), '{ serverInfo { version } }');
    expect(status).toBe(200);
    const body = (await res.json()) as GraphQLResponse<{ serverInfo: { version: string } }>;
    expect(body.errors).toBeUndefined();
    expect(body.data?.serverInfo.version).toEqual(expect.any(String));
  });

  test.each([
    ['an expired token', () => provider.token('expired-user'), /expired/],
    ['a token for another audience', () => provider.token('ml-user', 'urn:other'), /not meant for Skein/],
    ['a token signed by another key', () => forger.token('admin-user'), /not signed by the issuer/],
    ['an unsigned token', async () => unsigned(await provider.token('admin-user')), /algorithm Skein accepts/],
  ])('%s is refused with 401 before anything runs', async (_what, token, message) => {
    const { status, res } = await post(await token(), '{ serverInfo { version } }');
    expect(status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="skein"');
    const body = (await res.json()) as GraphQLResponse;
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.errors?.[0]?.message).toMatch(message);
  });

  test('roles come from the grants of the user and of their groups; admin from the admin groups', async () => {
    const shared = uniqueName('sso-shared');
    const own = uniqueName('sso-own');
    await skein.graph.write(async (tx) => {
      const now = new Date().toISOString();
      await grantRepository.put(
        tx,
        { workspace: shared, subject: 'group:ml-team', role: 'VIEWER', grantedBy: 'test' },
        now,
      );
      await grantRepository.put(
        tx,
        { workspace: shared, subject: 'user:ml-user', role: 'EDITOR', grantedBy: 'test' },
        now,
      );
      await grantRepository.put(
        tx,
        { workspace: own, subject: 'group:ml-team', role: 'OWNER', grantedBy: 'test' },
        now,
      );
    });
    const identities = new IdentityService(skein.graph, verifier);
    const authenticate = identities.authenticate.bind(identities);

    const user = await authenticate(`Bearer ${await provider.token('ml-user')}`, { ip: '127.0.0.1', requestId: null });
    expect(user).toMatchObject({ kind: 'sso', id: 'user:ml-user', admin: false, groups: ['ml-team'] });
    // Of the user's EDITOR and the group's VIEWER, the better one; the group's OWNER elsewhere.
    expect(user.roles.get(shared)).toBe('EDITOR');
    expect(user.roles.get(own)).toBe('OWNER');

    const plain = await authenticate(`Bearer ${await provider.token('plain-user')}`, { ip: null, requestId: null });
    expect(plain).toMatchObject({ kind: 'sso', id: 'user:plain-user', admin: false });
    expect(plain.roles.get(shared)).toBeUndefined();
    expect(plain.roles.get(own)).toBeUndefined();

    const admin = await authenticate(`Bearer ${await provider.token('admin-user')}`, { ip: null, requestId: null });
    expect(admin).toMatchObject({ kind: 'sso', id: 'user:admin-user', admin: true, readableWorkspaces: 'ALL' });
  });
});

/** A real token's claims under an `alg: none` header, with no signature. */
function unsigned(jwt: string): string {
  const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
  return `${none}.${jwt.split('.')[1]}.`;
}
