import { int, windowParams, type GraphExecutor, type Tx } from './executor';
import * as Q from './webhook.cypher';
import type { ClaimedWebhook, WebhookRecord } from '../domain/webhook';

const parse = (w: Record<string, unknown>): WebhookRecord => ({
  uid: w.uid as string,
  workspace: w.workspace as string,
  url: w.url as string,
  description: (w.description as string | null) ?? null,
  createdAt: w.createdAt as string,
  createdBy: w.createdBy as string,
  cursor: Number(w.cursor),
  failures: Number(w.failures),
  nextAttemptAt: w.nextAttemptAt as string,
  lastError: (w.lastError as string | null) ?? null,
  lastDeliveredAt: (w.lastDeliveredAt as string | null) ?? null,
});

type Row = { w: Record<string, unknown> };

/** A new webhook as written: the record's fields and the secret it is signed with. */
export type NewWebhook = Omit<WebhookRecord, 'lastError' | 'lastDeliveredAt'> & {
  secret: string;
  /** When its workspace was made: a workspace made again under the name is another one (DUE_WEBHOOKS). */
  workspaceCreatedAt: string;
};

/** A due webhook as the dispatcher first sees it (unleased: only a claim may deliver it). */
export interface DueWebhook {
  uid: string;
  workspace: string;
  cursor: number;
}

export const webhookRepository = {
  async create(tx: Tx, hook: NewWebhook): Promise<WebhookRecord> {
    const webhook = { ...hook, cursor: int(hook.cursor), failures: int(hook.failures) };
    const rows = await tx.run<Row>(Q.CREATE_WEBHOOK, { webhook });
    return parse(rows[0]!.w);
  },

  /** Where a new webhook starts: the feed position of the workspace's latest change. */
  async feedHead(tx: Tx, workspace: string): Promise<number> {
    const rows = await tx.run<{ head: number }>(Q.FEED_HEAD, { workspace });
    return Number(rows[0]?.head ?? 0);
  },

  async byUid(tx: Tx, uid: string): Promise<WebhookRecord | null> {
    const rows = await tx.run<Row>(Q.WEBHOOK_BY_UID, { uid });
    return rows[0] ? parse(rows[0].w) : null;
  },

  /** Deletes a webhook; the record it was, or null when there was none. */
  async remove(tx: Tx, uid: string): Promise<WebhookRecord | null> {
    const rows = await tx.run<Row>(Q.DELETE_WEBHOOK, { uid });
    return rows[0] ? parse(rows[0].w) : null;
  },

  async list(tx: Tx, q: { workspace: string; after: string | null; limit: number }): Promise<WebhookRecord[]> {
    const rows = await tx.run<Row>(Q.LIST_WEBHOOKS, { workspace: q.workspace, ...windowParams(q) });
    return rows.map((r) => parse(r.w));
  },

  /** Up to `limit` webhooks due at `now` with changes waiting that no instance holds, longest waiting first. */
  due(graph: GraphExecutor, now: string, limit: number): Promise<DueWebhook[]> {
    return graph.read((tx) => tx.run<DueWebhook>(Q.DUE_WEBHOOKS, { now, limit: int(limit) }));
  },

  /** Leases those of `uids` still due and free to the claim `lease`, until `leaseUntil`; answers them. */
  async claim(
    graph: GraphExecutor,
    q: { uids: string[]; now: string; lease: string; leaseUntil: string },
  ): Promise<ClaimedWebhook[]> {
    const rows = await graph.write((tx) => tx.run<Row>(Q.CLAIM_WEBHOOKS, q), { oneStatement: true });
    return rows.map((r) => ({ ...parse(r.w), secret: r.w.secret as string, lease: r.w.lease as string }));
  },

  /**
   * Records an acknowledged delivery (cursor `from` -> `to`, failures cleared), keeping the lease
   * until `leaseUntil` or giving it back (null). False when the claim no longer holds the hook
   * (deleted, or its lease lapsed and another instance took it).
   */
  async delivered(
    graph: GraphExecutor,
    q: { uid: string; lease: string; from: number; to: number; now: string; leaseUntil: string | null },
  ): Promise<boolean> {
    const params = { ...q, from: int(q.from), to: int(q.to) };
    const rows = await graph.write((tx) => tx.run(Q.DELIVERED, params), { oneStatement: true });
    return rows.length > 0;
  },

  /** Records a failed delivery and gives the lease back; false when the claim no longer holds the hook. */
  async failed(
    graph: GraphExecutor,
    q: { uid: string; lease: string; error: string; nextAttemptAt: string },
  ): Promise<boolean> {
    const rows = await graph.write((tx) => tx.run(Q.FAILED, q), { oneStatement: true });
    return rows.length > 0;
  },

  /** Gives the leases of `uids` held by `lease` back. */
  async release(graph: GraphExecutor, uids: string[], lease: string): Promise<void> {
    if (uids.length > 0) await graph.write((tx) => tx.run(Q.RELEASE, { uids, lease }), { oneStatement: true });
  },
};
