import { windowParams, type Prelude, type Tx } from './executor';
import * as Q from './audit.cypher';
import type { AuditCriteria, AuditOutcome, AuditRecord } from '../domain/audit';

function parse(a: Record<string, unknown>): AuditRecord {
  const text = (k: string) => (a[k] as string | undefined) ?? null;
  return {
    id: a.id as string,
    at: a.at as string,
    actor: a.actor as string,
    action: a.action as string,
    outcome: a.outcome as AuditOutcome,
    workspace: text('workspace'),
    objectType: text('objectType'),
    objectId: text('objectId'),
    reason: text('reason'),
    ip: text('ip'),
    requestId: text('requestId'),
  };
}

export const auditRepository = {
  async append(tx: Tx, events: readonly AuditRecord[]): Promise<void> {
    if (events.length > 0) await tx.run(Q.APPEND_AUDIT, { events });
  },

  /** `append` as a prelude to a one-statement write (one statement instead of two). */
  prelude(events: readonly AuditRecord[]): Prelude {
    return { cypher: Q.AUDIT_PRELUDE, params: { skeinAuditEvents: events } };
  },

  /**
   * `append` for the entries of a mutation, in its write transaction: each with a workspace is also
   * numbered in that workspace's change feed (`seq`, src/graph/change-feed.repository.ts).
   */
  async appendChanges(tx: Tx, events: readonly AuditRecord[]): Promise<void> {
    if (events.length > 0) await tx.run(Q.APPEND_FEED_AUDIT, { events });
  },

  /** `appendChanges` as a prelude to a one-statement write. */
  changesPrelude(events: readonly AuditRecord[]): Prelude {
    return { cypher: Q.FEED_AUDIT_PRELUDE, params: { skeinAuditEvents: events } };
  },

  async list(tx: Tx, q: AuditCriteria): Promise<AuditRecord[]> {
    const query = q.workspace === null ? Q.LIST_ALL_AUDIT : Q.LIST_WORKSPACE_AUDIT;
    const rows = await tx.run<{ a: Record<string, unknown> }>(query, {
      workspace: q.workspace,
      ...windowParams(q),
    });
    return rows.map((r) => parse(r.a));
  },
};
