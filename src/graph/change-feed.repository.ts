import { int, type GraphExecutor } from './executor';
import * as Q from './change-feed.cypher';
import type { FeedChange, FeedWindow } from '../domain/feed';

/** A row of CHANGES_AFTER (the driver hands integers back as JS numbers: driver.ts). */
interface ChangeRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
}

/** Reads of the change feed (domain/feed.ts). Its entries are written by the audit trail's write hook. */
export const changeFeedRepository = {
  /** A workspace's changes after `afterSeq`, oldest first, at most `limit`. */
  async after(graph: GraphExecutor, w: FeedWindow): Promise<FeedChange[]> {
    const rows = await graph.read((tx) =>
      tx.run<ChangeRow>(Q.CHANGES_AFTER, { workspace: w.workspace, afterSeq: int(w.afterSeq), limit: int(w.limit) }),
    );
    return rows.map((r) => ({
      seq: r.seq,
      workspace: w.workspace,
      at: r.at,
      actor: r.actor,
      action: r.action,
      objectType: r.objectType ?? null,
      objectId: r.objectId ?? null,
    }));
  },

  /** The seq of the workspace's newest change; 0 when it has none. */
  async lastSeq(graph: GraphExecutor, workspace: string): Promise<number> {
    const rows = await graph.read((tx) => tx.run<{ seq: number }>(Q.LAST_SEQ, { workspace }));
    return rows[0]?.seq ?? 0;
  },
};
