import { windowParams, type Tx } from './executor';
import * as Q from './token.cypher';
import type { GrantRole } from '../domain/grant';
import type { ApiTokenRecord, StoredToken, TokenCriteria } from '../domain/token';

function parse(t: Record<string, unknown>): ApiTokenRecord {
  const text = (k: string) => (t[k] as string | undefined) ?? null;
  return {
    id: t.id as string,
    name: t.name as string,
    workspace: text('workspace'),
    role: t.role as GrantRole,
    admin: t.admin === true,
    owner: t.owner as string,
    createdAt: t.createdAt as string,
    expiresAt: text('expiresAt'),
    lastUsedAt: text('lastUsedAt'),
    revokedAt: text('revokedAt'),
  };
}

export const tokenRepository = {
  async create(tx: Tx, token: Omit<StoredToken, 'lastUsedAt' | 'revokedAt'>): Promise<ApiTokenRecord> {
    const rows = await tx.run<{ t: Record<string, unknown> }>(Q.CREATE_TOKEN, { token });
    return parse(rows[0]!.t);
  },

  async byId(tx: Tx, id: string): Promise<StoredToken | null> {
    const rows = await tx.run<{ t: Record<string, unknown> }>(Q.TOKEN_BY_ID, { id });
    const t = rows[0]?.t;
    return t ? { ...parse(t), hash: t.hash as string } : null;
  },

  async revoke(tx: Tx, id: string, now: string): Promise<ApiTokenRecord | null> {
    const rows = await tx.run<{ t: Record<string, unknown> }>(Q.REVOKE_TOKEN, { id, now });
    return rows[0] ? parse(rows[0].t) : null;
  },

  /** Records a use, unless one was recorded after `staleBefore`. */
  async touch(tx: Tx, id: string, now: string, staleBefore: string): Promise<void> {
    await tx.run(Q.TOUCH_TOKEN, { id, now, staleBefore });
  },

  async list(tx: Tx, q: TokenCriteria): Promise<ApiTokenRecord[]> {
    const rows = await tx.run<{ t: Record<string, unknown> }>(Q.LIST_TOKENS, {
      workspace: q.workspace,
      includeRevoked: q.includeRevoked,
      ...windowParams(q),
    });
    return rows.map((r) => parse(r.t));
  },

  /** Locks the bootstrap for this transaction and counts the usable admin tokens. */
  async lockAndCountAdminTokens(tx: Tx, now: string): Promise<number> {
    const rows = await tx.run<{ live: unknown }>(Q.LOCK_AND_COUNT_ADMIN_TOKENS, { now });
    return Number(rows[0]?.live ?? 0);
  },
};
