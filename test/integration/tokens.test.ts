import type { Driver } from 'neo4j-driver';
import { IDENTITY_TTL_MS } from '../../src/services/identity-cache';
import { waitFor } from '../helpers/wait';
import { startSkein, type SkeinHandle } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { mintToken } from '../../src/auth/token-secret';
import { testGraph, uniqueName } from '../helpers/skein';
import { codeOf, createToken, CREATE_TOKEN, gqlAs, gqlAsOk } from '../helpers/tokens';

/**
 * API tokens over HTTP with auth on: the first admin (bootstrap token printed once, or
 * SKEIN_ADMIN_TOKEN), creating, using, listing and revoking tokens, and what each role may do
 * with them. Tokens are stored hashed; refusals are 401 UNAUTHENTICATED and land in the audit trail.
 */

const VIEWER = 'query { viewer { id kind admin roles { workspace role } tokenId } }';
const REVOKE = 'mutation($id: String!) { revokeToken(tokenId: $id) { tokenId revokedAt } }';
const TOKENS = `query($w: String, $r: Boolean, $n: Int, $a: String) {
  tokens(workspace: $w, includeRevoked: $r, first: $n, after: $a) {
    edges { node { tokenId name workspace role admin owner lastUsedAt revokedAt expiresAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Viewer {
  viewer: {
    id: string;
    kind: string;
    admin: boolean;
    roles: Array<{ workspace: string; role: string }>;
    tokenId: string | null;
  };
}

let driver: Driver;
beforeAll(() => {
  driver = testGraph().driver;
});
afterAll(() => driver.close());

async function cypher<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const { records } = await driver.executeQuery(query, params);
  return records.map((r) => r.toObject() as T);
}

async function startWithAuth(env: Record<string, string>, progress: (m: string) => void): Promise<SkeinHandle> {
  const config = loadConfig({ ...process.env, SKEIN_PORT: '0', SKEIN_WARMUP: 'false', SKEIN_AUTH: 'on', ...env });
  return startSkein(config, { logger: createLogger(process.env.SKEIN_TEST_LOG_LEVEL ?? 'error'), progress });
}

describe('the first admin', () => {
  it('prints a bootstrap token once when no admin token exists (two instances starting together mint one), and never again', async () => {
    // Tests share one database: another suite may have provisioned an admin token already.
    const [counted] = await cypher<{ live: number }>(
      `MATCH (t:ApiToken {admin: true}) WHERE t.revokedAt IS NULL AND (t.expiresAt IS NULL OR t.expiresAt > $now)
       RETURN count(t) AS live`,
      { now: new Date().toISOString() },
    );
    const live = counted!.live;
    const lines: string[] = [];
    const started = await Promise.all([
      startWithAuth({}, (m) => lines.push(m)),
      startWithAuth({}, (m) => lines.push(m)),
    ]);
    try {
      const printed = lines.flatMap((l) => l.match(/skn_[a-z2-7]{12}_[A-Za-z0-9_-]{43}/g) ?? []);
      expect(printed).toHaveLength(live > 0 ? 0 : 1);
      if (printed.length === 1) {
        const me = await gqlAsOk<Viewer>(started[0]!.graphqlUrl, printed[0]!, VIEWER);
        expect(me.viewer).toMatchObject({ kind: 'TOKEN', admin: true });
      }
      const again: string[] = [];
      const third = await startWithAuth({}, (m) => again.push(m));
      await third.stop();
      expect(again.join('\n')).not.toMatch(/skn_/);
    } finally {
      await Promise.all(started.map((s) => s.stop()));
    }
  });
});

describe('API tokens over HTTP', () => {
  const admin = mintToken();
  let skein: SkeinHandle;
  let url: string;
  let ws: string;
  let other: string;

  beforeAll(async () => {
    skein = await startWithAuth({ SKEIN_ADMIN_TOKEN: admin.text }, () => undefined);
    url = skein.graphqlUrl;
    const create = 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }';
    ws = uniqueName('tok').toLowerCase();
    other = uniqueName('tok-other').toLowerCase();
    await gqlAsOk(url, admin.text, create, { i: { name: ws } });
    await gqlAsOk(url, admin.text, create, { i: { name: other } });
  });
  afterAll(() => skein?.stop());

  it('SKEIN_ADMIN_TOKEN is an admin token, stored hashed', async () => {
    const me = await gqlAsOk<Viewer>(url, admin.text, VIEWER);
    expect(me.viewer).toEqual({ id: `token:${admin.id}`, kind: 'TOKEN', admin: true, roles: [], tokenId: admin.id });
    const [node] = await cypher<{ t: Record<string, unknown> }>('MATCH (t:ApiToken {id: $id}) RETURN t {.*} AS t', {
      id: admin.id,
    });
    expect(node!.t.hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(JSON.stringify(node!.t)).not.toContain(admin.secret);
  });

  it('an admin creates an editor token; it works with Bearer, is stored as a hash, and is listed without its secret', async () => {
    const { createToken: created } = await gqlAsOk<{
      createToken: { token: string; info: { tokenId: string; owner: string; role: string; expiresAt: string } };
    }>(url, admin.text, CREATE_TOKEN, { i: { workspace: ws, role: 'EDITOR', name: 'ci-upload' } });
    expect(created.token).toMatch(new RegExp(`^skn_${created.info.tokenId}_[A-Za-z0-9_-]{43}$`));
    expect(created.info).toMatchObject({ owner: `token:${admin.id}`, role: 'EDITOR' });
    // 90 days by default.
    const days = (Date.parse(created.info.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);

    const me = await gqlAsOk<Viewer>(url, created.token, VIEWER);
    expect(me.viewer).toEqual({
      id: `token:${created.info.tokenId}`,
      kind: 'TOKEN',
      admin: false,
      roles: [{ workspace: ws, role: 'EDITOR' }],
      tokenId: created.info.tokenId,
    });

    const [node] = await cypher<{ t: Record<string, unknown> }>('MATCH (t:ApiToken {id: $id}) RETURN t {.*} AS t', {
      id: created.info.tokenId,
    });
    const secret = created.token.split('_').slice(2).join('_');
    expect(JSON.stringify(node!.t)).not.toContain(secret);
    expect(node!.t.hash).toMatch(/^scrypt\$/);

    const { tokens } = await gqlAsOk<{ tokens: { edges: Array<{ node: Record<string, unknown> }> } }>(
      url,
      admin.text,
      TOKENS,
      { w: ws },
    );
    const listed = tokens.edges.map((e) => e.node).find((t) => t.tokenId === created.info.tokenId);
    expect(listed).toMatchObject({ name: 'ci-upload', workspace: ws, role: 'EDITOR', owner: `token:${admin.id}` });
    expect(typeof listed!.lastUsedAt).toBe('string'); // it was used above
    expect(JSON.stringify(tokens)).not.toContain(secret);
  });

  it('pages the list newest first', async () => {
    const pageWs = uniqueName('tok-page').toLowerCase();
    await gqlAsOk(url, admin.text, 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', {
      i: { name: pageWs },
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1)
      ids.push((await createToken(url, admin.text, { workspace: pageWs, name: `t${i}` })).id);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: {
        tokens: { edges: Array<{ node: { tokenId: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
      } = await gqlAsOk(url, admin.text, TOKENS, { w: pageWs, n: 2, a: after });
      seen.push(...res.tokens.edges.map((e) => e.node.tokenId));
      if (!res.tokens.pageInfo.hasNextPage) break;
      after = res.tokens.pageInfo.endCursor;
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it('a revoked token is refused on the next request: 401 UNAUTHENTICATED, recorded in the audit trail', async () => {
    const t = await createToken(url, admin.text, { workspace: ws, role: 'VIEWER' });
    expect((await gqlAs(url, t.text, VIEWER)).status).toBe(200);
    const { revokeToken } = await gqlAsOk<{ revokeToken: { revokedAt: string | null } }>(url, admin.text, REVOKE, {
      id: t.id,
    });
    expect(revokeToken.revokedAt).not.toBeNull();
    const refused = await gqlAs(url, t.text, VIEWER);
    expect(refused.status).toBe(401);
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect(refused.errors![0]!.message).toContain('revoked');

    const events = await cypher<{ a: Record<string, unknown> }>(
      `MATCH (a:AuditEvent {objectId: $id}) RETURN a {.*} AS a ORDER BY a.id`,
      { id: t.id },
    );
    expect(events.map((e) => [e.a.action, e.a.outcome])).toEqual([
      ['createToken', 'OK'],
      ['revokeToken', 'OK'],
      ['authenticate', 'DENIED'],
    ]);
    expect(events[2]!.a).toMatchObject({ actor: `token:${t.id}`, reason: 'UNAUTHENTICATED' });
    expect(JSON.stringify(events)).not.toContain(t.text.slice(17));
    // Revoked tokens are left out of lists unless asked for.
    const list = async (r: boolean) =>
      (
        await gqlAsOk<{ tokens: { edges: Array<{ node: { tokenId: string } }> } }>(url, admin.text, TOKENS, {
          w: ws,
          r,
        })
      ).tokens.edges.map((e) => e.node.tokenId);
    expect(await list(false)).not.toContain(t.id);
    expect(await list(true)).toContain(t.id);
  });

  it('an expired token is refused with 401', async () => {
    const t = await createToken(url, admin.text, { workspace: ws, role: 'VIEWER', expiresIn: 60 });
    expect((await gqlAs(url, t.text, VIEWER)).status).toBe(200);
    await cypher('MATCH (t:ApiToken {id: $id}) SET t.expiresAt = $past', {
      id: t.id,
      past: new Date(Date.now() - 1000).toISOString(),
    });
    // Changed behind this server's back (as another instance would): it holds within the
    // identity cache's moment (IDENTITY_TTL_MS), not only after the token's old expiry.
    const changedAt = Date.now();
    const refused = await waitFor('the expiry to hold', 10_000, async () => {
      const res = await gqlAs(url, t.text, VIEWER);
      return res.status === 401 && res;
    });
    expect(Date.now() - changedAt).toBeLessThan(IDENTITY_TTL_MS + 4_000); // far below the old expiry (60 s)
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect(refused.errors![0]!.message).toContain('expired');
  });

  it.each([
    ['a garbage bearer', 'Bearer not-a-token'],
    ['a damaged skn_ token', 'Bearer skn_short_x'],
    ['a well-formed token that was never issued', `Bearer ${mintToken().text}`],
    ['a known id with the wrong secret', `Bearer skn_${admin.id}_${mintToken().secret}`],
    ['another scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['a JWT while SSO is not configured', 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
  ])('%s is refused with 401 UNAUTHENTICATED', async (_what, authorization) => {
    const refused = await gqlAs(url, null, VIEWER, {}, authorization);
    expect(refused.status).toBe(401);
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect(refused.data).toBeUndefined();
  });

  it('says SSO is not configured when a JWT comes and no issuer is set', async () => {
    const refused = await gqlAs(url, null, VIEWER, {}, 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln');
    expect(refused.errors![0]!.message).toContain('SSO is not configured');
  });

  it('no credentials: the caller is anonymous and may not create tokens (UNAUTHENTICATED)', async () => {
    const me = await gqlAsOk<Viewer>(url, null, VIEWER);
    expect(me.viewer).toMatchObject({ kind: 'ANONYMOUS', admin: false, roles: [] });
    const refused = await gqlAs(url, null, CREATE_TOKEN, { i: { workspace: ws, name: 'x' } });
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
  });

  it('viewers and editors may not create tokens (FORBIDDEN); owners may, in their workspace only', async () => {
    const viewer = await createToken(url, admin.text, { workspace: ws, role: 'VIEWER' });
    const editor = await createToken(url, admin.text, { workspace: ws, role: 'EDITOR' });
    const owner = await createToken(url, admin.text, { workspace: ws, role: 'OWNER' });
    for (const t of [viewer, editor]) {
      const refused = await gqlAs(url, t.text, CREATE_TOKEN, { i: { workspace: ws, name: 'x' } });
      expect(codeOf(refused)).toBe('FORBIDDEN');
      expect(refused.errors![0]!.message).toContain('OWNER');
    }
    const made = await createToken(url, owner.text, { workspace: ws, role: 'VIEWER', name: 'by-owner' });
    const me = await gqlAsOk<Viewer>(url, made.text, VIEWER);
    expect(me.viewer.roles).toEqual([{ workspace: ws, role: 'VIEWER' }]);
    // The owner's own workspace's tokens are theirs to list and revoke.
    expect(codeOf(await gqlAs(url, owner.text, TOKENS, { w: ws }))).toBeUndefined();
    expect(codeOf(await gqlAs(url, owner.text, REVOKE, { id: made.id }))).toBeUndefined();
    // An editor may not list or revoke them.
    expect(codeOf(await gqlAs(url, editor.text, TOKENS, { w: ws }))).toBe('FORBIDDEN');
    expect(codeOf(await gqlAs(url, editor.text, REVOKE, { id: viewer.id }))).toBe('FORBIDDEN');
    // Only admins make admin tokens or list every token.
    expect(codeOf(await gqlAs(url, owner.text, CREATE_TOKEN, { i: { admin: true, name: 'x' } }))).toBe('FORBIDDEN');
    expect(codeOf(await gqlAs(url, owner.text, TOKENS, {}))).toBe('FORBIDDEN');
    const adminMade = await createToken(url, admin.text, { admin: true, name: 'second admin' });
    expect((await gqlAsOk<Viewer>(url, adminMade.text, VIEWER)).viewer.admin).toBe(true);
  });

  it("an owner's token of one workspace cannot touch another's tokens (NOT_FOUND, as if absent)", async () => {
    const owner = await createToken(url, admin.text, { workspace: ws, role: 'OWNER' });
    const theirs = await createToken(url, admin.text, { workspace: other, role: 'EDITOR' });
    const create = await gqlAs(url, owner.text, CREATE_TOKEN, { i: { workspace: other, name: 'x' } });
    expect(codeOf(create)).toBe('NOT_FOUND');
    expect(codeOf(await gqlAs(url, owner.text, TOKENS, { w: other }))).toBe('NOT_FOUND');
    const revoke = await gqlAs(url, owner.text, REVOKE, { id: theirs.id });
    const missing = await gqlAs(url, owner.text, REVOKE, { id: mintToken().id });
    expect(codeOf(revoke)).toBe('NOT_FOUND');
    expect(revoke.errors![0]!.message).toBe(missing.errors![0]!.message.replace(/"[a-z2-7]{12}"/, `"${theirs.id}"`));
    // An admin token's id is as unknown to them as a missing one.
    expect(codeOf(await gqlAs(url, owner.text, REVOKE, { id: admin.id }))).toBe('NOT_FOUND');
    // Still working: the refused revocation changed nothing.
    expect((await gqlAs(url, theirs.text, VIEWER)).status).toBe(200);
  });

  it('refuses lifetimes outside the bounds, and workspaces that do not exist', async () => {
    const tooLong = await gqlAs(url, admin.text, CREATE_TOKEN, {
      i: { workspace: ws, name: 'x', expiresIn: 10 * 365 * 86_400 },
    });
    expect(codeOf(tooLong)).toBe('BAD_USER_INPUT');
    expect(tooLong.errors![0]!.message).toContain('SKEIN_TOKEN_MAX_TTL');
    const missing = await gqlAs(url, admin.text, CREATE_TOKEN, { i: { workspace: uniqueName('none'), name: 'x' } });
    expect(codeOf(missing)).toBe('NOT_FOUND');
  });
});
