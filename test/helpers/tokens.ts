import type { GraphQLResponse } from './skein';

/** An operation posted with `Authorization: Bearer <token>` (no header when token is null); status included. */
export async function gqlAs<T = Record<string, unknown>>(
  url: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
  authorization = token === null ? undefined : `Bearer ${token}`,
): Promise<GraphQLResponse<T> & { status: number }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { ...((await res.json()) as GraphQLResponse<T>), status: res.status };
}

/** Like gqlAs, but fails the test on any error and returns the data. */
export async function gqlAsOk<T = Record<string, unknown>>(
  url: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await gqlAs<T>(url, token, query, variables);
  if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors, null, 2)}`);
  return res.data as T;
}

/** The first error's code, or undefined when there was none. */
export const codeOf = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.code as string | undefined;

export const CREATE_TOKEN = `mutation($i: CreateTokenInput!) {
  createToken(input: $i) { token info { tokenId name workspace role admin owner createdAt expiresAt lastUsedAt revokedAt } }
}`;

export interface CreatedToken {
  createToken: {
    token: string;
    info: {
      tokenId: string;
      name: string;
      workspace: string | null;
      role: string;
      admin: boolean;
      owner: string;
      expiresAt: string | null;
      lastUsedAt: string | null;
      revokedAt: string | null;
    };
  };
}

/** Creates a token as `as`; answers its text and id. */
export async function createToken(
  url: string,
  as: string,
  input: { workspace?: string; role?: string; admin?: boolean; name?: string; expiresIn?: number },
): Promise<{ text: string; id: string }> {
  const { createToken: c } = await gqlAsOk<CreatedToken>(url, as, CREATE_TOKEN, { i: { name: 'test', ...input } });
  return { text: c.token, id: c.info.tokenId };
}
