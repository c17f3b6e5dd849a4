import pMap from 'p-map';
import type { GraphExecutor } from '../../graph/executor';
import { lifecycleRepository as repo } from '../../graph/lifecycle.repository';
import type { Bodies } from '../../storage';
import { STORE_CONCURRENCY } from './body-deps';

/**
 * Body garbage collection, reference-counted by the graph itself: a Body is collected once no
 * artifact holds it (no HAS_BODY left, from any workspace). The purge marks such bodies (`gcAt`,
 * in the transaction that removed their last artifact); this deletes their objects from the store
 * and only then forgets the Body node. A crash in between leaves the node marked, so the next round
 * deletes again (a delete of a missing object succeeds) and forgets it: never an object nobody can
 * find. A body an upload linked again meanwhile has its mark cleared and survives.
 */

export interface BodyCollection {
  /** Objects deleted from the store (and their Body nodes forgotten). */
  deleted: string[];
  /** Marked bodies an artifact holds again: kept, mark cleared. */
  kept: number;
  failed: Array<{ key: string; error: unknown }>;
}

export async function collectBodies(
  graph: GraphExecutor,
  bodies: Bodies,
  options: { batch?: number } = {},
): Promise<BodyCollection> {
  const { store } = bodies;
  const batch = options.batch ?? 100;
  const result: BodyCollection = { deleted: [], kept: 0, failed: [] };
  const tried = new Set<string>();
  for (;;) {
    // A write: the read clears the marks of bodies taken up again.
    const marked = await graph.write((tx) => repo.bodiesToCollect(tx, store.id, batch));
    const fresh = marked.filter((m) => !tried.has(m.key));
    for (const m of fresh) tried.add(m.key);
    result.kept += fresh.filter((m) => !m.collect).length;
    const doomed = fresh.filter((m) => m.collect);
    const gone: string[] = [];
    await pMap(
      doomed,
      async (m) => {
        try {
          // Multipart uploads the purged artifacts left open (their parts are not the object).
          for (const uploadId of m.uploadIds) await store.abortMultipart(m.key, uploadId);
          await store.delete(m.key);
          gone.push(m.key);
        } catch (error) {
          result.failed.push({ key: m.key, error });
        }
      },
      { concurrency: STORE_CONCURRENCY },
    );
    await graph.write((tx) => repo.forgetBodies(tx, store.id, gone));
    result.deleted.push(...gone);
    if (marked.length < batch || fresh.length === 0) break;
  }
  return result;
}
