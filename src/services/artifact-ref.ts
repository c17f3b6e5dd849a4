import { badInput, clip, ErrorCode, notFound, quoted, SkeinError } from '../errors';
import { artifactRepository as repo } from '../graph/artifact.repository';
import type { Tx } from '../graph/executor';
import type { ArtifactRecord } from '../domain/artifact';
import { formatStoreUri, isStoreUri, parseStoreUri, type ArtifactUri } from '../domain/artifact-uri';
import { isUid } from '../domain/uid';
import { fromGlobalId } from '../domain/global-id';

/**
 * The one resolver of artifact references (`ref`, `of`, `inputs`, `trainingDataset`…): a global
 * id, a bare artifact uid, or a URI
 * `store://<artifacts|models|datasets>/<workspace>/<key>[#<iteration>][:<name>][@<uid>]`.
 *
 * In a URI every selector given must name the same version: `:prod@<uid>` while prod is on
 * another version, or `#0:prod` when prod's version was not logged by iteration 0, is refused
 * (BAD_USER_INPUT) rather than one of them silently winning. Without `:name` or `@uid`, `#n` is the
 * newest live version of iteration n; without any selector the URI names the key's latest (the
 * newest AVAILABLE version). Unfinished and aborted versions stay reachable by uid and global id.
 */
export async function resolveArtifactRef(
  tx: Tx,
  ref: string,
  field = 'ref',
  authorize: RefAuthorizer = allowAll,
): Promise<ArtifactRecord> {
  if (isStoreUri(ref)) {
    const uri = parseStoreUri(ref, field);
    await authorize(uri.workspace); // before any lookup: nothing is told of a workspace the caller may not read
    return resolveUri(tx, ref, uri);
  }
  const uid = isUid(ref) ? ref.toLowerCase() : artifactUidOf(ref, field);
  const [found] = await repo.getMany(tx, [uid]);
  if (!found) throw notFound('Artifact', ref);
  await authorize(found.workspace);
  return found;
}

/**
 * Authorizes the use case in the workspace a reference names (a URI's, before anything is looked
 * up) or in the one the named version is in (an id's or a uid's, once it is read). It refuses a
 * workspace the caller may not read with the NOT_FOUND of a missing artifact (`Access.require`).
 */
export type RefAuthorizer = (workspace: string) => Promise<void>;

const allowAll: RefAuthorizer = () => Promise.resolve();

/** The uid inside an artifact's global id; another node's id is BAD_USER_INPUT on `field`. */
function artifactUidOf(id: string, field: string): string {
  const { type, key } = fromGlobalId(id);
  if (type !== 'Artifact') throw badInput(`${quoted(id)} is the id of a ${type}, not of an artifact.`, { field });
  return key;
}

async function resolveUri(tx: Tx, ref: string, uri: ArtifactUri): Promise<ArtifactRecord> {
  const byUid = uri.uid
    ? await orMissing(tx, ref, uri, await repo.find(tx, { ...uri, tag: null }), `no version @${uri.uid}`)
    : null;
  const byName = uri.tag ? await findByName(tx, ref, uri, uri.tag) : null;
  if (byUid && byName && byUid.uid !== byName.uid) {
    throw badInput(
      `${quoted(ref)} names two versions: ":${uri.tag}" is version ${byName.version} and "@${uri.uid}" is version ${byUid.version}. ` +
        'Give one of them, or move the tag first.',
      { field: 'ref' },
    );
  }
  const chosen = byUid ?? byName;
  const found = chosen
    ? await mustBeIteration(tx, ref, uri, chosen)
    : uri.iteration !== null
      ? await orMissing(
          tx,
          ref,
          uri,
          await repo.findByIteration(tx, uri.workspace, uri.key, uri.iteration),
          `no available version logged by a run of iteration ${uri.iteration}`,
        )
      : await orMissing(tx, ref, uri, await repo.find(tx, uri), NO_AVAILABLE);
  return mustBeKind(ref, uri, found);
}

const NO_AVAILABLE = 'no available version yet (its uploads are pending or were aborted)';

/** `:name`: `latest`, a tag, or a version name (they share the slot; the service keeps them apart). */
async function findByName(tx: Tx, ref: string, uri: ArtifactUri, name: string): Promise<ArtifactRecord> {
  if (name === 'latest')
    return orMissing(tx, ref, uri, await repo.find(tx, { ...uri, uid: null, tag: null }), NO_AVAILABLE);
  const tagged = await repo.findTagHolder(tx, uri.workspace, uri.key, name);
  if (tagged?.deletedAt) throw tagOnDeleted(ref, name, tagged);
  const found = tagged ?? (await repo.findByVersionName(tx, uri.workspace, uri.key, name));
  return orMissing(tx, ref, uri, found, `no tag or version name "${name}" on key "${uri.key}"`);
}

/**
 * A tag names whichever version holds it, and a deleted version is no current answer; a version
 * name (like a uid) is an identity and does resolve to its deleted version.
 */
function tagOnDeleted(ref: string, tag: string, holder: ArtifactRecord): SkeinError {
  return new SkeinError(
    ErrorCode.NOT_FOUND,
    `Artifact ${quoted(ref)} does not exist: tag ${quoted(tag)} is on version ${holder.version}, which was deleted at ${holder.deletedAt}. ` +
      `Restore it with restoreArtifact(ref: "${holder.uid}"), or move the tag to a live version with tagArtifact.`,
    { id: clip(ref), deletedAt: holder.deletedAt },
  );
}

/** `#n` beside `:name` or `@uid`: the version they name must have been logged by iteration n. */
async function mustBeIteration(tx: Tx, ref: string, uri: ArtifactUri, a: ArtifactRecord): Promise<ArtifactRecord> {
  if (uri.iteration === null) return a;
  const iteration = a.runUid ? await repo.runIteration(tx, a.runUid) : null;
  if (iteration !== uri.iteration) {
    const by = iteration === null ? 'no run' : `a run of iteration ${iteration}`;
    throw badInput(
      `${quoted(ref)} asks for iteration ${uri.iteration}, but the version it names (${a.version}) was logged by ${by}. ` +
        `Leave out "#${uri.iteration}" or name a version of that iteration.`,
      { field: 'ref' },
    );
  }
  return a;
}

/** `store://models/…` and `store://datasets/…` name artifacts of that kind only. */
function mustBeKind(ref: string, uri: ArtifactUri, a: ArtifactRecord): ArtifactRecord {
  if (uri.kind === null || a.kind === uri.kind) return a;
  throw new SkeinError(
    ErrorCode.NOT_FOUND,
    `${quoted(ref)} does not exist: ${formatStoreUri(a)} is a ${a.kind} artifact, not a ${uri.kind}; ` +
      `name it as store://artifacts/${uri.workspace}/${uri.key}.`,
    { id: clip(ref) },
  );
}

/**
 * `found`, or NOT_FOUND: plain when the key itself does not exist, else saying why none of its
 * versions matched (the lookup of the key is paid only on this path).
 */
async function orMissing(
  tx: Tx,
  ref: string,
  uri: ArtifactUri,
  found: ArtifactRecord | null,
  why: string,
): Promise<ArtifactRecord> {
  if (found) return found;
  if (!(await repo.keyExists(tx, uri.workspace, uri.key))) throw notFound('Artifact', ref);
  throw new SkeinError(ErrorCode.NOT_FOUND, `Artifact ${quoted(ref)} does not exist: ${why}.`, { id: clip(ref) });
}
