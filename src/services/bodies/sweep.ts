import { bodyRepository } from '../../graph/body.repository';
import type { GraphExecutor } from '../../graph/executor';
import type { Bodies } from '../../storage';
import { BODY_KEY } from '../../storage/body-store';

/**
 * Deletes objects under `prefix` that no Body node of this store names and that were last written
 * more than `olderThanMs` ago (a body whose createUpload is still committing is younger than
 * that). Stores that refuse such uploads themselves (the local store) list nothing. Answers the
 * deleted keys.
 */
export async function sweepOrphanBodies(
  graph: GraphExecutor,
  bodies: Bodies,
  options: { olderThanMs: number; prefix?: string },
): Promise<string[]> {
  const { store } = bodies;
  if (!store.listObjects) return [];
  const cutoff = Date.now() - options.olderThanMs;
  const deleted: string[] = [];
  for await (const page of store.listObjects(options.prefix ?? 'bodies/')) {
    const candidates = page.filter((o) => BODY_KEY.test(o.key) && o.lastModified.getTime() <= cutoff).map((o) => o.key);
    if (candidates.length === 0) continue; // no read for a page of young objects
    const unknown = await graph.read((tx) => bodyRepository.unknownKeys(tx, store.id, candidates));
    for (const key of unknown) {
      await store.delete(key);
      deleted.push(key);
    }
  }
  return deleted;
}
