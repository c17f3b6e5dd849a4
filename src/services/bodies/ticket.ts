import { notFound } from '../../errors';
import { type ArtifactRecord } from '../../domain/artifact';
import { formatStoreUri } from '../../domain/artifact-uri';
import { type BodyLink } from '../../domain/body';
import { bodyRepository } from '../../graph/body.repository';
import type { BodyStore } from '../../storage';
import { partSizes, type PartSpec, type SignedRequest } from '../../storage/body-store';
import { type BodyDeps } from './body-deps';
import { groupLinks, mustBeInThisStore } from './links';
import { expiresAtAfter } from './url-expiry';

/** The answer to createUpload and renewUpload: signed URLs for every body not yet verified. */

export interface SignedPart extends PartSpec, SignedRequest {}

/** One distinct body of an upload, with what to do about it. */
export interface UploadTarget {
  sha256: string;
  size: number;
  /** The directory paths that hold this body (empty for a single-body artifact). */
  paths: string[];
  alreadyStored: boolean;
  /** The signed PUT of a body uploaded whole; null when in parts or already stored. */
  request: SignedRequest | null;
  /** The signed PUT of each part, for a body over the multipart threshold. */
  parts: SignedPart[];
}

export interface UploadTicket {
  artifact: ArtifactRecord;
  /** Nothing to upload: every body was already stored, and the artifact is AVAILABLE. */
  alreadyStored: boolean;
  expiresAt: string | null;
  bodies: UploadTarget[];
}

/**
 * The ticket of an artifact (after a create, only its uid is known): URLs valid for `expiresIn`
 * seconds (at least 1, as `expiry` checked).
 */
export async function uploadTicket(
  deps: BodyDeps,
  artifactOrUid: ArtifactRecord | string,
  expiresIn: number,
): Promise<UploadTicket> {
  const { bodies } = deps;
  const uid = typeof artifactOrUid === 'string' ? artifactOrUid : artifactOrUid.uid;
  // One read, not two: one round trip, and a just-created artifact and its links seen at one moment.
  const { artifact, loaded } = await deps.graph.read(async (tx) => ({
    artifact: typeof artifactOrUid === 'string' ? await deps.artifacts.mustGet(tx, uid) : artifactOrUid,
    loaded: await bodyRepository.load(tx, uid),
  }));
  if (!loaded) throw notFound('Artifact', artifact.uid);
  const signing = artifact.state === 'PENDING';
  if (signing) mustBeInThisStore(bodies, formatStoreUri(artifact), loaded.links);
  const targets = await Promise.all(
    groupLinks(loaded.links).map((links) =>
      uploadTarget(bodies.store, artifact.uid, links, signing ? expiresIn : null),
    ),
  );
  const anyUrl = targets.some((t) => t.request || t.parts.length > 0);
  return {
    artifact,
    alreadyStored: artifact.state === 'AVAILABLE' && targets.every((t) => t.alreadyStored),
    expiresAt: anyUrl ? expiresAtAfter(expiresIn) : null,
    bodies: targets,
  };
}

/** One body (all the links holding it) and its URLs; `expiresIn` null signs none. */
async function uploadTarget(
  store: BodyStore,
  artifactUid: string,
  links: BodyLink[],
  expiresIn: number | null,
): Promise<UploadTarget> {
  const [first] = links as [BodyLink, ...BodyLink[]];
  const b = first.body;
  const target: UploadTarget = {
    sha256: first.sha256,
    size: b.size,
    paths: links.flatMap((l) => (l.path ? [l.path] : [])).sort(),
    alreadyStored: b.verified,
    request: null,
    parts: [],
  };
  if (b.verified || expiresIn === null) return target;
  if (b.kind === 'WHOLE') {
    const body = { size: b.size, sha256: first.sha256, upload: artifactUid };
    target.request = await store.signPut(b.key, body, expiresIn);
  } else {
    target.parts = await signParts(store, artifactUid, first, expiresIn);
  }
  return target;
}

async function signParts(
  store: BodyStore,
  artifactUid: string,
  link: BodyLink,
  expiresIn: number,
): Promise<SignedPart[]> {
  const { body: b, uploadId } = link;
  if (!uploadId || !b.parts) throw new Error(`no open multipart upload for ${b.key} of ${artifactUid}`);
  const parts = b.parts;
  return Promise.all(
    partSizes(b.size, b.partSize!).map(async (size, i) => {
      const part = { partNumber: i + 1, size, sha256: parts[i]! };
      return { ...part, ...(await store.signPart(b.key, uploadId, part, expiresIn)) };
    }),
  );
}
