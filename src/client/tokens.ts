import type { GrantRecord, GrantRole } from '../domain/grant';
import type { SkeinClient } from './graphql';

/** API tokens, grants and "who am I" over the API. */

/** A role as the API names it (the domain's). */
export type RoleName = GrantRole;

export interface TokenView {
  tokenId: string;
  name: string;
  workspace: string | null;
  role: RoleName;
  admin: boolean;
  owner: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A grant as the API answers it: the domain's record, field for field. */
export type GrantView = GrantRecord;

export interface WhoAmI {
  id: string;
  kind: string;
  admin: boolean;
  roles: Array<{ workspace: string; role: RoleName }>;
  groups: string[];
  tokenId: string | null;
}

const TOKEN = 'tokenId name workspace role admin owner createdAt expiresAt lastUsedAt revokedAt';
const GRANT = 'workspace subject role grantedBy grantedAt';
/** Tokens and grants fetched per request while listing them all. */
const PAGE = 200;

interface Page<T> {
  edges: Array<{ node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Follows a connection's cursor to its last page. */
async function all<T>(fetchPage: (after: string | null) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let after: string | null = null; ;) {
    const page: Page<T> = await fetchPage(after);
    out.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return out;
    after = page.pageInfo.endCursor;
  }
}

export async function createToken(
  client: SkeinClient,
  input: { workspace: string | null; role: RoleName | null; admin: boolean; name: string; expiresIn: number | null },
): Promise<{ token: string; info: TokenView }> {
  const { createToken: created } = await client.request<{ createToken: { token: string; info: TokenView } }>(
    `mutation($i: CreateTokenInput!) { createToken(input: $i) { token info { ${TOKEN} } } }`,
    { i: input },
  );
  return created;
}

export function listTokens(
  client: SkeinClient,
  options: { workspace: string | null; includeRevoked: boolean },
): Promise<TokenView[]> {
  return all(async (after) => {
    const { tokens } = await client.request<{ tokens: Page<TokenView> }>(
      `query($w: String, $r: Boolean, $n: Int, $a: String) {
        tokens(workspace: $w, includeRevoked: $r, first: $n, after: $a) {
          edges { node { ${TOKEN} } } pageInfo { hasNextPage endCursor }
        }
      }`,
      { w: options.workspace, r: options.includeRevoked, n: PAGE, a: after },
    );
    return tokens;
  });
}

export async function revokeToken(client: SkeinClient, tokenId: string): Promise<TokenView> {
  const { revokeToken: revoked } = await client.request<{ revokeToken: TokenView }>(
    `mutation($id: String!) { revokeToken(tokenId: $id) { ${TOKEN} } }`,
    { id: tokenId },
  );
  return revoked;
}

export async function grantRole(
  client: SkeinClient,
  input: { workspace: string; subject: string; role: RoleName },
): Promise<GrantView> {
  const { grantRole: granted } = await client.request<{ grantRole: GrantView }>(
    `mutation($i: GrantRoleInput!) { grantRole(input: $i) { ${GRANT} } }`,
    { i: input },
  );
  return granted;
}

export async function revokeRole(client: SkeinClient, workspace: string, subject: string): Promise<GrantView> {
  const { revokeRole: removed } = await client.request<{ revokeRole: GrantView }>(
    `mutation($w: String!, $s: String!) { revokeRole(workspace: $w, subject: $s) { ${GRANT} } }`,
    { w: workspace, s: subject },
  );
  return removed;
}

export function listGrants(client: SkeinClient, workspace: string): Promise<GrantView[]> {
  return all(async (after) => {
    const { workspaceGrants } = await client.request<{ workspaceGrants: Page<GrantView> }>(
      `query($w: String!, $n: Int, $a: String) {
        workspaceGrants(workspace: $w, first: $n, after: $a) {
          edges { node { ${GRANT} } } pageInfo { hasNextPage endCursor }
        }
      }`,
      { w: workspace, n: PAGE, a: after },
    );
    return workspaceGrants;
  });
}

export async function whoAmI(client: SkeinClient): Promise<WhoAmI> {
  const { viewer } = await client.request<{ viewer: WhoAmI }>(
    'query { viewer { id kind admin roles { workspace role } groups tokenId } }',
  );
  return viewer;
}
