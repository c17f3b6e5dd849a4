import { windowParams, type Tx } from './executor';
import * as Q from './grant.cypher';
import type { GrantRecord, GrantRole } from '../domain/grant';

const parse = (g: Record<string, unknown>): GrantRecord => ({
  workspace: g.workspace as string,
  subject: g.subject as string,
  role: g.role as GrantRole,
  grantedBy: g.grantedBy as string,
  grantedAt: g.grantedAt as string,
});

export const grantRepository = {
  /** Gives (or changes) a subject's role in a workspace. */
  async put(tx: Tx, g: Omit<GrantRecord, 'grantedAt'>, now: string): Promise<GrantRecord> {
    const rows = await tx.run<{ g: Record<string, unknown> }>(Q.PUT_GRANT, { ...g, now });
    return parse(rows[0]!.g);
  },

  /** Takes a subject's role away; the grant it was, or null when there was none. */
  async remove(tx: Tx, workspace: string, subject: string): Promise<GrantRecord | null> {
    const rows = await tx.run<{ g: Record<string, unknown> }>(Q.REMOVE_GRANT, { workspace, subject });
    return rows[0] ? parse(rows[0].g) : null;
  },

  /** The role each workspace gives any of these subjects (several rows per workspace possible). */
  async grantsOf(tx: Tx, subjects: readonly string[]): Promise<Array<{ workspace: string; role: GrantRole }>> {
    return tx.run(Q.GRANTS_OF, { subjects });
  },

  async list(tx: Tx, q: { workspace: string; after: string | null; limit: number }): Promise<GrantRecord[]> {
    const rows = await tx.run<{ g: Record<string, unknown> }>(Q.LIST_GRANTS, {
      workspace: q.workspace,
      ...windowParams(q),
    });
    return rows.map((r) => parse(r.g));
  },
};
