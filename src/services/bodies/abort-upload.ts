import pMap from 'p-map';
import { notFound, preconditionFailed, quoted } from '../../errors';
import { type ArtifactRecord } from '../../domain/artifact';
import { formatStoreUri } from '../../domain/artifact-uri';
import { type BodyLink } from '../../domain/body';
import { artifactRepository } from '../../graph/artifact.repository';
import { bodyRepository as repo } from '../../graph/body.repository';
import type { BodyStore } from '../../storage';
import { authorizedArtifact } from './authorize';
import { type BodyDeps, STORE_CONCURRENCY } from './body-deps';
import { distinctBy } from './links';

/**
 * abortUpload and the TTL sweep: the artifact ABORTED, its open multipart uploads aborted, and
 * the bodies nobody else holds deleted.
 */

export interface ExpiredCleanup {
  olderThan: Date;
  /** Only the uploads of this workspace. */
  workspace?: string | null;
  batch?: number;
}

export interface CleanupResult {
  aborted: string[];
  failed: Array<{ uid: string; error: unknown }>;
}

/**
 * Gives up an upload (for a caller who may write its workspace): ABORTED, open multipart uploads
 * aborted, bodies no one else holds deleted. The TTL sweep below runs as the system.
 */
export async function abortUpload(deps: BodyDeps, ref: string): Promise<ArtifactRecord> {
  const artifact = await authorizedArtifact(deps, ref, 'write');
  const uri = quoted(formatStoreUri(artifact));
  if (artifact.state === 'AVAILABLE') {
    throw preconditionFailed(
      `${uri} is AVAILABLE (its upload was completed, or it was logged without one); there is no upload to abort.`,
    );
  }
  if ((await abortByUid(deps, artifact.uid)) === 'COMPLETED') {
    throw preconditionFailed(`The upload of ${uri} was completed meanwhile; there is no upload to abort.`);
  }
  return deps.graph.read((tx) => deps.artifacts.mustGet(tx, artifact.uid));
}

/**
 * Aborts PENDING uploads started before `olderThan` (the TTL sweep; `workspace` narrows it).
 * Each abort stands alone: one failure is reported and the rest go on.
 */
export async function cleanupExpired(deps: BodyDeps, options: ExpiredCleanup): Promise<CleanupResult> {
  const batch = options.batch ?? 100;
  const result: CleanupResult = { aborted: [], failed: [] };
  const tried = new Set<string>();
  for (;;) {
    const uids = await deps.graph.read((tx) =>
      repo.expiredUploads(tx, deps.bodies.store.id, options.olderThan.toISOString(), options.workspace ?? null, batch),
    );
    const fresh = uids.filter((u) => !tried.has(u));
    for (const uid of fresh) {
      tried.add(uid);
      try {
        // Completed or aborted since the read: no longer expired, so neither aborted here nor failed.
        if ((await abortByUid(deps, uid)) === 'ABORTED') result.aborted.push(uid);
      } catch (error) {
        result.failed.push({ uid, error });
      }
    }
    if (uids.length < batch || fresh.length === 0) break;
  }
  return result;
}

/**
 * What an abort found: a PENDING upload (now ABORTED), one ABORTED before (its clean-up is finished
 * again), or a COMPLETED one (AVAILABLE meanwhile: left as it is).
 */
type AbortOutcome = 'ABORTED' | 'WAS_ABORTED' | 'COMPLETED';

async function abortByUid(deps: BodyDeps, uid: string): Promise<AbortOutcome> {
  const { store } = deps.bodies;
  const marked = await markAborted(deps, uid);
  if (!marked) return 'COMPLETED';
  // ABORTED first, so a concurrent completeUpload cannot succeed; then the store (a failure here
  // leaves the artifact ABORTED, and calling abortUpload again finishes the clean-up).
  const open = openMultiparts(store, marked.links);
  await pMap(open, (o) => store.abortMultipart(o.key, o.uploadId), { concurrency: STORE_CONCURRENCY });
  await pMap(marked.orphans, (key) => store.delete(key), { concurrency: STORE_CONCURRENCY });
  await deps.graph.write(async (tx) => {
    await repo.clearUploadIds(tx, uid);
    await repo.deleteBodies(tx, store.id, marked.orphans);
  });
  return marked.changed ? 'ABORTED' : 'WAS_ABORTED';
}

/** ABORTED unless AVAILABLE (then null), with its links and the bodies only it holds. */
function markAborted(deps: BodyDeps, uid: string) {
  const { store } = deps.bodies;
  return deps.graph.write(async (tx) => {
    const state = await repo.lock(tx, uid);
    if (state === null) throw notFound('Artifact', uid);
    if (state === 'AVAILABLE') return null;
    const loaded = await repo.load(tx, uid);
    const orphans = await repo.orphanedBodies(tx, store.id, uid);
    if (state === 'PENDING') await artifactRepository.updateBody(tx, uid, { state: 'ABORTED' });
    return { changed: state === 'PENDING', links: loaded?.links ?? [], orphans };
  });
}

/** The multipart uploads still open in this store, each once. */
function openMultiparts(store: BodyStore, links: BodyLink[]): Array<{ key: string; uploadId: string }> {
  return distinctBy(
    links
      .filter((l) => l.uploadId && l.body.store === store.id)
      .map((l) => ({ key: l.body.key, uploadId: l.uploadId! })),
    (o) => `${o.key} ${o.uploadId}`,
  );
}
