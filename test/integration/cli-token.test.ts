import { run } from '../../src/cli';
import { memoryIo } from '../../src/cli/io';
import { mintToken, parseToken } from '../../src/auth/token-secret';
import { uniqueName, useTestSkein } from '../helpers/skein';
import { gqlAsOk } from '../helpers/tokens';

/**
 * `skein token …`, `skein grant`, `skein grants` and `skein whoami` against a Skein with auth on:
 * the CLI carries SKEIN_TOKEN as a Bearer token on every request.
 */

const admin = mintToken();
const t = useTestSkein({ env: { SKEIN_AUTH: 'on', SKEIN_ADMIN_TOKEN: admin.text } });
let ws: string;

beforeAll(async () => {
  ws = uniqueName('cli-tok').toLowerCase();
  await gqlAsOk(t.url, admin.text, 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', {
    i: { name: ws },
  });
});

async function skein(token: string | null, ...args: string[]) {
  const io = memoryIo({ env: token ? { SKEIN_TOKEN: token } : {} });
  const code = await run(['node', 'skein', '--url', t.url, ...args], io);
  return { code, stdout: io.out(), stderr: io.err() };
}

describe('skein token', () => {
  it('creates a token (printed once on stdout), which the CLI then carries from SKEIN_TOKEN', async () => {
    const created = await skein(
      admin.text,
      'token',
      'create',
      '-w',
      ws,
      '--role',
      'editor',
      '--expires',
      '7d',
      '-n',
      'ci',
    );
    expect(created).toMatchObject({ code: 0 });
    const text = created.stdout.trim();
    const parsed = parseToken(text);
    expect(parsed).not.toBeNull();
    expect(created.stderr).toContain(`Created token ${parsed!.id} (editor of workspace "${ws}")`);
    expect(created.stderr).toContain('only time it is shown');

    const me = await skein(text, 'whoami');
    expect(me.code).toBe(0);
    expect(me.stdout).toBe(`token:${parsed!.id} (token)\n  editor of ${ws}\n`);

    const anonymous = await skein(null, 'whoami');
    expect(anonymous.stdout).toContain('anonymous (anonymous)');
  });

  it('lists tokens (id, role, owner, last used) and revokes one; the revoked token then fails with UNAUTHENTICATED', async () => {
    const created = await skein(admin.text, 'token', 'create', '-w', ws, '-r', 'viewer', '-n', 'notebook');
    const text = created.stdout.trim();
    const id = parseToken(text)!.id;
    expect((await skein(text, 'whoami')).code).toBe(0);

    const listed = await skein(admin.text, 'token', 'list', '-w', ws, '--json');
    expect(listed.code).toBe(0);
    const row = (JSON.parse(listed.stdout) as Array<Record<string, unknown>>).find((r) => r.tokenId === id);
    expect(row).toMatchObject({ name: 'notebook', role: 'VIEWER', owner: `token:${admin.id}`, workspace: ws });
    expect(row!.lastUsedAt).not.toBeNull();
    const table = await skein(admin.text, 'token', 'list', '-w', ws);
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+notebook\\s+${ws}\\s+viewer\\s+token:${admin.id}`));
    expect(table.stdout).not.toContain(text);

    const revoked = await skein(admin.text, 'token', 'revoke', id);
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toContain(`Revoked token ${id}`);
    const refused = await skein(text, 'whoami');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('UNAUTHENTICATED');
    expect(refused.stderr).toContain('revoked');
  });

  it('an editor cannot create tokens: the refusal says which role it takes', async () => {
    const editor = (await skein(admin.text, 'token', 'create', '-w', ws)).stdout.trim();
    const refused = await skein(editor, 'token', 'create', '-w', ws, '-r', 'viewer');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/FORBIDDEN/);
    expect(refused.stderr).toContain('OWNER');
  });

  it('checks its own usage: roles, lifetimes, --admin with --workspace', async () => {
    expect((await skein(admin.text, 'token', 'create', '-w', ws, '-r', 'boss')).code).toBe(2);
    expect((await skein(admin.text, 'token', 'create', '-w', ws, '--expires', 'soon')).code).toBe(2);
    expect((await skein(admin.text, 'token', 'create', '--admin', '-w', ws)).code).toBe(2);
    expect((await skein(admin.text, 'token', 'create')).code).toBe(2);
  });

  it('generates a token text for SKEIN_ADMIN_TOKEN offline', async () => {
    const generated = await skein(null, 'token', 'generate');
    expect(generated.code).toBe(0);
    expect(parseToken(generated.stdout.trim())).not.toBeNull();
  });
});

describe('skein grant / grants', () => {
  it('gives, lists and takes roles', async () => {
    const given = await skein(admin.text, 'grant', ws, 'group:analysts', 'viewer');
    expect(given).toMatchObject({ code: 0 });
    expect(given.stderr).toContain(`group:analysts is now viewer of "${ws}"`);
    const listed = await skein(admin.text, 'grants', ws);
    expect(listed.stdout).toMatch(new RegExp(`group:analysts\\s+viewer\\s+token:${admin.id}`));
    const taken = await skein(admin.text, 'grant', '--revoke', ws, 'group:analysts');
    expect(taken.code).toBe(0);
    expect(taken.stderr).toContain('no longer has a role');
    expect((await skein(admin.text, 'grants', ws)).stderr).toContain('No roles given');
    expect((await skein(admin.text, 'grant', ws, 'analysts', 'viewer')).code).toBe(2); // BAD_USER_INPUT
    expect((await skein(admin.text, 'grant', ws, 'group:analysts')).code).toBe(2); // no role
  });
});
