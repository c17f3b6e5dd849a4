import { badInput, notFound, preconditionFailed, quoted } from '../../errors';
import { type ArtifactRecord } from '../../domain/artifact';
import { formatStoreUri } from '../../domain/artifact-uri';
import { type BodyLink, type BodySummaryRecord, type DownloadFileRecord } from '../../domain/body';
import type { BodyStore } from '../../storage';
import { artifactTarget, authorizedArtifact, type IssuedUrlRecorder } from './authorize';
import { type BodyDeps } from './body-deps';
import { loadLinks, mustBeInThisStore } from './links';
import { baseName, checkFilePath } from './plan';
import { expiresAtAfter, expiry } from './url-expiry';

/** Downloads: signed GETs for an artifact's body, or for the files of a directory. */

export interface DownloadTicket {
  artifact: ArtifactRecord;
  expiresAt: string | null;
  files: DownloadFileRecord[];
}

/** What downloadUrl needs of an artifact (a GraphQL view has it). */
export type DownloadableArtifact = Pick<
  ArtifactRecord,
  'uid' | 'workspace' | 'state' | 'kind' | 'key' | 'location' | 'contentType'
>;

/** The read refusals and the audit records of downloads name this use case. */
const DOWNLOAD = { action: 'downloadUrl' } as const;

export interface DownloadSpec {
  /** DIRECTORY only: one file or subdirectory. */
  path?: string | null;
  expiresIn?: number | null;
}

/**
 * Signed download URLs for the body, or for every file of a directory (or one subtree of it):
 * only for a caller who may read the artifact, and recorded in the audit trail before they are
 * handed out (one event per call).
 */
export async function download(deps: BodyDeps, ref: string, options: DownloadSpec): Promise<DownloadTicket> {
  const { store, settings } = deps.bodies;
  const artifact = await authorizedArtifact(deps, ref, 'read', DOWNLOAD);
  const uri = formatStoreUri(artifact);
  if (artifact.state !== 'AVAILABLE') {
    throw preconditionFailed(`${quoted(uri)} is ${artifact.state}: its body is not ready to download.`);
  }
  const expiresIn = expiry(options.expiresIn, settings.downloadUrlExpiresIn, 'expiresIn');
  const loaded = await loadLinks(deps.graph, artifact.uid);
  if (loaded.links.length === 0) {
    if (artifact.location) return referenceDownload({ ...artifact, location: artifact.location }); // logged
    if (artifact.kind !== 'DIRECTORY') throw preconditionFailed(`${quoted(uri)} has no body.`);
  }
  mustBeInThisStore(deps.bodies, uri, loaded.links);
  const links = options.path != null ? underPath(artifact, uri, loaded.links, options.path) : loaded.links;
  const expiresAt = expiresAtAfter(expiresIn);
  const singleName = baseName(loaded.path ?? artifact.key);
  const files = await Promise.all(links.map((l) => signedFile(store, l, singleName, expiresIn)));
  await deps.audit.recordNow(DOWNLOAD.action, downloadTarget(artifact));
  files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  return { artifact, expiresAt, files };
}

/** The files of a directory at `path` or under it (NOT_FOUND when none is). */
function underPath(artifact: ArtifactRecord, uri: string, links: BodyLink[], path: string): BodyLink[] {
  if (artifact.kind !== 'DIRECTORY') throw badInput('"path" picks files of a DIRECTORY artifact.', { field: 'path' });
  const prefix = checkFilePath(path.replace(/\/+$/, ''), 'path');
  const picked = links.filter((l) => l.path === prefix || l.path!.startsWith(`${prefix}/`));
  if (picked.length === 0) throw notFound(`File or directory in ${quoted(uri)}`, prefix);
  return picked;
}

/** One file and its signed GET; a single body (no path) is named by the artifact's path or key. */
async function signedFile(
  store: BodyStore,
  l: BodyLink,
  singleName: string,
  expiresIn: number,
): Promise<DownloadFileRecord> {
  const path = l.path ?? singleName;
  const url = await store.signGet(l.body.key, { fileName: baseName(path), contentType: l.contentType }, expiresIn);
  return {
    path,
    size: l.body.size,
    sha256: l.sha256,
    contentType: l.contentType,
    url,
    location: store.locationOf(l.body.key),
  };
}

/** A logged reference: its own URL when it is https, nothing signed. */
function referenceDownload(artifact: ArtifactRecord & { location: string }): DownloadTicket {
  const http = isHttpUrl(artifact.location);
  const path = baseName(http ? new URL(artifact.location).pathname : artifact.location.replace(/^[a-z0-9]+:\/\//, ''));
  return {
    artifact,
    expiresAt: null,
    files: [
      {
        path,
        size: artifact.size,
        sha256: artifact.digest,
        contentType: artifact.contentType,
        // Skein signs only bodies it stored: signing a reference with its own credentials would
        // hand out objects the caller may have no right to.
        url: http ? artifact.location : null,
        location: artifact.location,
      },
    ],
  };
}

const downloadTarget = (a: Pick<ArtifactRecord, 'uid' | 'workspace'>) => ({
  workspace: a.workspace,
  objectType: 'Artifact',
  objectId: a.uid,
});

/**
 * A download URL for one artifact (null for directories, references Skein cannot sign, and unready
 * bodies): signed only for a caller who may read it, and recorded (batched) before it is handed out.
 */
export async function downloadUrl(
  deps: BodyDeps,
  recorder: IssuedUrlRecorder,
  artifact: DownloadableArtifact,
  summary: BodySummaryRecord | null,
  expiresIn?: number | null,
): Promise<string | null> {
  if (artifact.state !== 'AVAILABLE') return null;
  await deps.access.require('read', artifactTarget(artifact.workspace, artifact.uid), DOWNLOAD);
  const { store, settings } = deps.bodies;
  if (summary?.body) {
    if (summary.body.store !== store.id) return null; // uploaded to another store than this server's
    const url = await store.signGet(
      summary.body.key,
      {
        fileName: baseName(summary.path ?? artifact.key),
        contentType: summary.body.contentType ?? artifact.contentType,
      },
      expiry(expiresIn, settings.downloadUrlExpiresIn, 'expiresIn'),
    );
    await recorder.record(downloadTarget(artifact));
    return url;
  }
  return artifact.kind !== 'DIRECTORY' && isHttpUrl(artifact.location) ? artifact.location : null;
}

function isHttpUrl(location: string | null): location is string {
  return location != null && /^https?:\/\//.test(location);
}
