import { mintToken } from '../src/auth/token-secret';
import { startOidcProvider } from '../tools/oidc-provider';

/**
 * `npm run bench -- --auth`: the benches with access control on, as a team would run Skein. The
 * reader is an SSO user (a real OpenID provider on loopback, tools/oidc-provider.ts) whose group
 * holds VIEWER on every lineage bench workspace and who creates (so owns) the tracking bench's
 * own. Every request then pays what a signed-in caller pays: the JWT checked against the issuer's
 * keys, the caller's grants read, and every lineage and search query filtered by the workspaces
 * the caller may read. The floors stay the raw queries without any of that.
 */
export interface AuthOnBench {
  /** Settings for the Skein process (auth on, the issuer, no rate limit in the way). */
  readonly env: Record<string, string>;
  /** The reader's `Authorization` header, refreshed before the provider's 5-minute tokens expire. */
  authorization(): string;
  /** Gives the reader's group VIEWER on every workspace whose name starts with `prefix`. */
  grantReaders(graphqlUrl: string, prefix: string): Promise<void>;
  stop(): Promise<void>;
}

const READER = 'ml-user';
const READER_GROUP = 'group:ml-team';
const REFRESH_MS = 60_000;

export async function startAuthOn(): Promise<AuthOnBench> {
  const provider = await startOidcProvider();
  const admin = mintToken().text;
  let token = await provider.token(READER);
  const refresh = setInterval(() => {
    provider.token(READER).then(
      (t) => (token = t),
      () => undefined, // the current token has minutes left; the next tick tries again
    );
  }, REFRESH_MS);
  refresh.unref();
  return {
    env: {
      SKEIN_AUTH: 'on',
      SKEIN_ADMIN_TOKEN: admin,
      SKEIN_OIDC_ISSUER: provider.issuer,
      SKEIN_OIDC_AUDIENCE: 'skein',
      SKEIN_RATE_LIMIT: '0',
    },
    authorization: () => `Bearer ${token}`,
    grantReaders: (url, prefix) => grantReaders(url, admin, prefix),
    stop: async () => {
      clearInterval(refresh);
      await provider.stop();
    },
  };
}

async function grantReaders(url: string, admin: string, prefix: string): Promise<void> {
  const call = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    if (body.errors?.length || !body.data) throw new Error(`bench auth: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  const { workspaces } = await call<{ workspaces: { edges: Array<{ node: { name: string } }> } }>(
    'query($p: String) { workspaces(namePrefix: $p, first: 1000) { edges { node { name } } } }',
    { p: prefix },
  );
  for (const { node } of workspaces.edges) {
    await call('mutation($i: GrantRoleInput!) { grantRole(input: $i) { subject } }', {
      i: { workspace: node.name, subject: READER_GROUP, role: 'VIEWER' },
    });
  }
}
