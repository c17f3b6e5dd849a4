import type { FeedChange } from '../domain/feed';
import { int, type GraphExecutor } from './executor';

/**
 * STAND-IN until helper feed's branch is merged (it owns this file): numbers a workspace's OK
 * audit entries by id order on every read, which is the contract's shape but not its durability.
 */
const AFTER = /* cypher */ `
MATCH (a:AuditEvent {workspace: $workspace})
WHERE a.outcome = 'OK'
WITH a ORDER BY a.id
WITH collect(a) AS events
UNWIND range(1, size(events)) AS seq
WITH seq, events[seq - 1] AS a
WHERE seq > $afterSeq
RETURN seq, a.workspace AS workspace, a.at AS at, a.actor AS actor, a.action AS action,
       a.objectType AS objectType, a.objectId AS objectId
ORDER BY seq
LIMIT $limit
`;

export const changeFeedRepository = {
  async after(graph: GraphExecutor, q: { workspace: string; afterSeq: number; limit: number }): Promise<FeedChange[]> {
    const rows = await graph.read((tx) =>
      tx.run<FeedChange>(AFTER, { workspace: q.workspace, afterSeq: q.afterSeq, limit: int(q.limit) }),
    );
    return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
  },
};
