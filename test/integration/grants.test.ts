import { makePrincipal, ANONYMOUS, type Principal, type Role } from '../../src/auth/principal';
import type { SsoIdentity, SsoVerifier } from '../../src/auth/sso';
import { SkeinError } from '../../src/errors';
import { createServices } from '../../src/services';
import { highestRoles, IdentityService } from '../../src/services/identity.service';
import { useTestSkein, createWorkspace, gqlOk, uniqueName } from '../helpers/skein';

/**
 * Grants (roles of SSO users and groups in a workspace) as the services enforce them, with
 * principals made directly (SSO over HTTP is tested with a real OpenID provider elsewhere), and
 * how the authenticator turns a verified SSO identity and its grants into roles.
 */

const t = useTestSkein({ workspace: 'grants' });

const user = (sub: string, roles: Array<[string, Role]> = [], admin = false): Principal =>
  makePrincipal({ kind: 'sso', id: `user:${sub}`, roles, admin });

const as = (caller: Principal) => createServices({ graph: t.skein.graph, caller });

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'OK';
  } catch (err) {
    if (err instanceof SkeinError) return err.code;
    throw err;
  }
}

describe('grants', () => {
  it('an owner gives, changes, lists and takes roles in their workspace; the grant names who gave it', async () => {
    const owner = as(user('olga', [[t.ws, 'OWNER']]));
    const given = await owner.grants.grant(t.ws, 'group:data-science', 'VIEWER');
    expect(given).toMatchObject({
      workspace: t.ws,
      subject: 'group:data-science',
      role: 'VIEWER',
      grantedBy: 'user:olga',
    });
    const changed = await owner.grants.grant(t.ws, 'group:data-science', 'EDITOR');
    expect(changed.role).toBe('EDITOR');
    await owner.grants.grant(t.ws, 'user:pat', 'OWNER');

    const first = await owner.grants.list(t.ws, { first: 1 });
    expect(first.items.map((g) => g.subject)).toEqual(['group:data-science']);
    expect(first.hasNextPage).toBe(true);
    const rest = await owner.grants.list(t.ws, { first: 10, after: first.endCursor });
    expect(rest.items.map((g) => [g.subject, g.role])).toEqual([['user:pat', 'OWNER']]);

    const removed = await owner.grants.revoke(t.ws, 'user:pat');
    expect(removed.role).toBe('OWNER');
    expect(await codeOf(owner.grants.revoke(t.ws, 'user:pat'))).toBe('NOT_FOUND');
    expect((await owner.grants.list(t.ws, {})).items.map((g) => g.subject)).toEqual(['group:data-science']);
  });

  it('viewers and editors may not grant (FORBIDDEN); callers without a role there see NOT_FOUND; anonymous callers UNAUTHENTICATED', async () => {
    for (const role of ['VIEWER', 'EDITOR'] as const) {
      const caller = as(user(`u-${role}`, [[t.ws, role]]));
      expect(await codeOf(caller.grants.grant(t.ws, 'user:someone', 'OWNER'))).toBe('FORBIDDEN');
      expect(await codeOf(caller.grants.revoke(t.ws, 'group:data-science'))).toBe('FORBIDDEN');
      expect(await codeOf(caller.grants.list(t.ws, {}))).toBe('FORBIDDEN');
    }
    const stranger = as(user('stranger', [['elsewhere', 'OWNER']]));
    expect(await codeOf(stranger.grants.grant(t.ws, 'user:stranger', 'OWNER'))).toBe('NOT_FOUND');
    expect(await codeOf(stranger.grants.list(t.ws, {}))).toBe('NOT_FOUND');
    expect(await codeOf(as(ANONYMOUS).grants.grant(t.ws, 'user:x', 'VIEWER'))).toBe('UNAUTHENTICATED');
  });

  it('an admin may grant in any workspace that exists; subjects and roles are checked', async () => {
    const admin = as(user('root', [], true));
    const other = await createWorkspace(t.url, 'grants-other');
    expect((await admin.grants.grant(other, 'user:amy', 'VIEWER')).role).toBe('VIEWER');
    expect(await codeOf(admin.grants.grant(uniqueName('none'), 'user:amy', 'VIEWER'))).toBe('NOT_FOUND');
    for (const subject of ['amy', 'team:x', 'user:', 'user:has space', 'group:']) {
      expect(await codeOf(admin.grants.grant(other, subject, 'VIEWER'))).toBe('BAD_USER_INPUT');
    }
    expect(await codeOf(admin.grants.grant(other, 'user:amy', 'SUPERUSER' as Role))).toBe('BAD_USER_INPUT');
  });
});

/** An SsoVerifier that accepts one fixed JWT text: the identity service's side of SSO, without an issuer. */
class FixedVerifier implements SsoVerifier {
  constructor(private readonly identities: Record<string, SsoIdentity>) {}
  verify(jwt: string): Promise<SsoIdentity> {
    const found = this.identities[jwt];
    return found ? Promise.resolve(found) : Promise.reject(new Error('not signed by the issuer'));
  }
}

describe('SSO principals', () => {
  it("take the highest role per workspace among the user's own grants and their groups' grants", async () => {
    const admin = as(user('root', [], true));
    const second = await createWorkspace(t.url, 'grants-sso');
    const sub = uniqueName('sub');
    const group = uniqueName('grp');
    await admin.grants.grant(t.ws, `user:${sub}`, 'VIEWER');
    await admin.grants.grant(t.ws, `group:${group}`, 'EDITOR');
    await admin.grants.grant(second, `group:${group}`, 'VIEWER');
    const jwt = 'aaa.bbb.ccc';
    const identity = new IdentityService(
      t.skein.graph,
      new FixedVerifier({ [jwt]: { subject: sub, groups: [group, 'unrelated'], admin: false } }),
    );
    const p = await identity.authenticate(`Bearer ${jwt}`, { ip: null, requestId: null });
    expect(p).toMatchObject({ kind: 'sso', id: `user:${sub}`, admin: false, groups: [group, 'unrelated'] });
    expect([...p.roles].sort()).toEqual(
      [
        [second, 'VIEWER'],
        [t.ws, 'EDITOR'],
      ].sort(),
    );
    // A JWT the verifier does not accept is UNAUTHENTICATED, whatever the verifier threw.
    await expect(identity.authenticate('Bearer xxx.yyy.zzz', { ip: null, requestId: null })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('highestRoles keeps the strongest role for each workspace', () => {
    expect(
      highestRoles([
        { workspace: 'a', role: 'OWNER' },
        { workspace: 'a', role: 'VIEWER' },
        { workspace: 'b', role: 'VIEWER' },
        { workspace: 'b', role: 'EDITOR' },
      ]),
    ).toEqual(
      new Map([
        ['a', 'OWNER'],
        ['b', 'EDITOR'],
      ]),
    );
  });
});

describe('a purged workspace', () => {
  it('takes its API tokens and grants with it, so a new workspace of the same name inherits no access', async () => {
    const name = await createWorkspace(t.url, 'grants-purged');
    const admin = as(user('root', [], true));
    await admin.tokens.create({ workspace: name, role: 'OWNER', name: 'old' });
    await admin.grants.grant(name, 'group:old-team', 'OWNER');
    await gqlOk(t.url, 'mutation($n: String!) { deleteWorkspace(name: $n) { name } }', { n: name });
    const purged = await gqlOk<{ purgeDeleted: { workspaces: number } }>(
      t.url,
      'mutation($w: String, $t: DateTime) { purgeDeleted(workspace: $w, olderThan: $t) { workspaces } }',
      {
        w: name,
        t: new Date().toISOString(),
      },
    );
    expect(purged.purgeDeleted.workspaces).toBe(1);
    await gqlOk(t.url, 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', { i: { name } });
    expect((await admin.tokens.list({ workspace: name, includeRevoked: true })).items).toEqual([]);
    expect((await admin.grants.list(name, {})).items).toEqual([]);
  });
});
