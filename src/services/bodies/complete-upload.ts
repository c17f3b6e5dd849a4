import pMap from 'p-map';
import { preconditionFailed, quoted } from '../../errors';
import { type ArtifactRecord } from '../../domain/artifact';
import { formatStoreUri } from '../../domain/artifact-uri';
import { type BodyLink } from '../../domain/body';
import { bodyRepository as repo } from '../../graph/body.repository';
import type { BodyStore } from '../../storage';
import { compositeOfKey, partSizes, type StoredObject, type StoredPart } from '../../storage/body-store';
import { refuseDeleted, refuseDeletedRecord } from '../lifecycle-guard';
import { nowIso } from '../validate';
import { authorizedArtifact } from './authorize';
import { type BodyDeps, STORE_CONCURRENCY } from './body-deps';
import { groupLinks, loadLinks, mustBeInThisStore } from './links';

/**
 * completeUpload: checks every body in the store (exists, size, checksum where the store reports
 * one), joins multipart uploads, and only then marks the artifact AVAILABLE (PRECONDITION_FAILED
 * until they are all there). The store is asked before the one write, never inside it. Only for a
 * caller who may write the workspace.
 *
 * Each key checked here was signed for this upload alone (create-upload.ts: a content address
 * another upload's Body has goes to a key of this upload's own), so what is found there was put
 * with this upload's URLs: completing an upload of someone else's digest finds nothing.
 */

/** How a body check in the store came out. */
type Confirmation = { key: string; sha256: string | null } | Problem;
type Problem = { key: string; problem: string; label: string };

export async function completeUpload(deps: BodyDeps, ref: string): Promise<ArtifactRecord> {
  const { store } = deps.bodies;
  const artifact = await authorizedArtifact(deps, ref, 'write');
  const uri = formatStoreUri(artifact);
  // Before the links: an abort forgets the bodies only it held, so an aborted upload can have none
  // left and would otherwise read as an artifact that was logged without an upload.
  if (artifact.state === 'ABORTED') throw aborted(uri);
  const loaded = await loadLinks(deps.graph, artifact.uid);
  if (loaded.links.length === 0 && artifact.kind !== 'DIRECTORY') {
    throw preconditionFailed(`${quoted(uri)} was logged, not uploaded; there is nothing to complete.`);
  }
  if (artifact.state === 'AVAILABLE') return artifact;
  refuseDeletedRecord('Artifact', artifact); // early, before joining parts; the write checks again
  mustBeInThisStore(deps.bodies, uri, loaded.links);

  const pending = groupLinks(loaded.links.filter((l) => !l.body.verified));
  const results = await pMap(pending, (group) => confirm(store, group), { concurrency: STORE_CONCURRENCY });
  refuseIncomplete(uri, results);
  return markAvailable(deps, artifact, uri, results, loaded.links[0]?.body.key);
}

const aborted = (uri: string) =>
  preconditionFailed(
    `The upload of ${quoted(uri)} was aborted, so it cannot be completed; start a new upload with createUpload.`,
  );

/** PRECONDITION_FAILED naming (up to five of) the bodies the store does not hold as declared. */
function refuseIncomplete(uri: string, results: Confirmation[]): void {
  const problems = results.filter((r): r is Problem => 'problem' in r);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 5).map((p) => `${p.label}: ${p.problem}`);
  throw preconditionFailed(
    `The upload of ${quoted(uri)} is not complete in the store (${shown.join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}). ` +
      'Upload with the URLs from createUpload (renewUpload gives fresh ones), then call completeUpload again.',
    { missing: problems.map((p) => p.label) },
  );
}

/** The one write: bodies verified, the artifact AVAILABLE (unless completed or aborted meanwhile). */
function markAvailable(
  deps: BodyDeps,
  artifact: ArtifactRecord,
  uri: string,
  results: Confirmation[],
  firstKey: string | undefined,
): Promise<ArtifactRecord> {
  const { store } = deps.bodies;
  return deps.graph.write(async (tx) => {
    const state = await repo.lock(tx, artifact.uid);
    if (state === 'AVAILABLE') return deps.artifacts.mustGet(tx, artifact.uid);
    if (state !== 'PENDING') throw aborted(uri);
    // Under the lock: a deleted upload (or one in a deleted workspace) is not completed, which
    // would also move its waiting tags off the live versions.
    await refuseDeleted(tx, { artifactUid: artifact.uid });
    await repo.markVerified(
      tx,
      store.id,
      results.map((r) => ({ key: r.key, sha256: 'sha256' in r ? r.sha256 : null })),
      nowIso(),
    );
    await repo.clearUploadIds(tx, artifact.uid);
    const location = artifact.kind === 'DIRECTORY' ? null : store.locationOf(firstKey!);
    return deps.artifacts.completeInTx(tx, artifact.uid, location);
  });
}

/** Checks one body (all the links holding it) in the store; for a multipart one, checks its parts and joins them. */
async function confirm(store: BodyStore, links: BodyLink[]): Promise<Confirmation> {
  const [first] = links as [BodyLink, ...BodyLink[]];
  const b = first.body;
  const existing = await store.head(b.key);
  if (existing) return checkStored(first, existing);
  if (b.kind === 'WHOLE') return problemWith(first, 'not uploaded yet');
  return joinParts(store, first);
}

function problemWith(link: BodyLink, problem: string): Problem {
  return { key: link.body.key, problem, label: link.path ?? `sha256 ${link.sha256}` };
}

/**
 * A body the store already holds: its size, and its checksum where the store reports one. The
 * problems never quote what the store holds (its size or checksum): say only that it is not what
 * was declared.
 */
function checkStored(link: BodyLink, existing: StoredObject): Confirmation {
  const b = link.body;
  if (existing.size !== b.size) return problemWith(link, `the stored object is not the declared ${b.size} bytes`);
  if (b.kind === 'WHOLE' && existing.sha256 && existing.sha256 !== link.sha256) {
    return problemWith(link, 'the stored object does not have the declared SHA-256');
  }
  if (b.kind === 'PARTS' && existing.composite && existing.composite !== compositeOfKey(b.key)) {
    return problemWith(link, "the stored object does not have the declared parts' checksum");
  }
  // A whole-body key can only hold bytes with that SHA-256: the store enforced the signed checksum.
  return { key: b.key, sha256: b.kind === 'WHOLE' ? link.sha256 : null };
}

/** A multipart body not joined yet: every part uploaded as declared, then joined and checked. */
async function joinParts(store: BodyStore, link: BodyLink): Promise<Confirmation> {
  const { body: b, uploadId } = link;
  const stored = uploadId ? await store.listParts(b.key, uploadId) : null;
  if (!uploadId || !stored || !b.parts) return problemWith(link, 'not uploaded yet (no open multipart upload)');
  const sizes = partSizes(b.size, b.partSize!);
  const { joined, missing } = matchParts(sizes, b.parts, stored);
  if (missing.length > 0) return problemWith(link, `parts ${ranges(missing)} of ${sizes.length} not uploaded yet`);
  const { sha256 } = await store.completeMultipart(b.key, uploadId, joined);
  const done = await store.head(b.key);
  if (!done || done.size !== b.size) {
    return problemWith(link, `the joined object has ${done?.size ?? 0} bytes, not ${b.size}`);
  }
  if (sha256 && sha256 !== link.sha256) {
    return problemWith(link, `the parts join into a body with SHA-256 ${sha256}, not the declared ${link.sha256}`);
  }
  return { key: b.key, sha256 };
}

/** The uploaded parts that match the declared sizes and digests, and the numbers of those that do not. */
function matchParts(sizes: number[], digests: string[], stored: StoredPart[]) {
  const byNumber = new Map(stored.map((p) => [p.partNumber, p]));
  const missing: number[] = [];
  const joined: Array<StoredPart & { sha256: string }> = [];
  for (let n = 1; n <= sizes.length; n++) {
    const part = byNumber.get(n);
    const sha256 = digests[n - 1]!;
    if (!part || part.size !== sizes[n - 1] || (part.sha256 && part.sha256 !== sha256)) missing.push(n);
    else joined.push({ ...part, sha256 });
  }
  return { joined, missing };
}

/** [1,2,3,7] -> "1-3, 7" */
function ranges(numbers: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < numbers.length; i++) {
    const start = numbers[i]!;
    while (i + 1 < numbers.length && numbers[i + 1] === numbers[i]! + 1) i++;
    out.push(start === numbers[i] ? `${start}` : `${start}-${numbers[i]}`);
  }
  return out.join(', ');
}
