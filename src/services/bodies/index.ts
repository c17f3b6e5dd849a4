import { type BodyStoreRules, type BodySummaryRecord } from '../../domain/body';
import type { ArtifactService } from '../artifact.service';
import type { ServiceDeps } from '../deps';
import { abortUpload, cleanupExpired, type ExpiredCleanup } from './abort-upload';
import { IssuedUrlRecorder } from './authorize';
import { BodyDeps } from './body-deps';
import { completeUpload } from './complete-upload';
import { createUpload, type CreateUpload } from './create-upload';
import { download, downloadUrl, type DownloadableArtifact, type DownloadSpec } from './download';
import { bodySummaries, manifests } from './manifest';
import { renewUpload } from './renew-upload';
import { pathTemplate, setPathTemplate } from './set-path-template';
import { sweepOrphanBodies } from './sweep';

/**
 * Bodies: an artifact's bytes in the body store (README.md "Bodies"). Clients move them through
 * signed URLs; Skein never carries them. One file per use case:
 *
 *   create-upload     createUpload: the artifact PENDING, and URLs for the bodies not yet stored
 *   renew-upload      renewUpload: fresh URLs for a PENDING upload (ticket.ts signs them for both)
 *   complete-upload   completeUpload: every body checked in the store, then AVAILABLE
 *   abort-upload      abortUpload and the TTL clean-up: ABORTED, and what only it held deleted
 *   download          artifactDownload and Artifact.downloadUrl: signed GETs
 *   manifest          the path, single body or files of artifacts, for field resolvers
 *   set-path-template artifactPathTemplate, setArtifactPathTemplate: a workspace's or run's template
 *   path-template     the template language: checking a template, rendering a path
 *   plan              the pure checks of what a client declares, and the object keys
 *   sweep             deletes stored objects no Body names (services/cleanup.ts runs it on a timer)
 *
 * and what they share: body-deps (what they need), authorize (who may: each use case asks once),
 * links (an artifact's body links), url-expiry (URL lifetimes). This facade binds them to an executor and a store: one per request as
 * `services.bodies`, and one for the process's timed clean-ups (services/cleanup.ts).
 */

export type { UploadTarget, UploadTicket } from './ticket';
export type { DownloadTicket } from './download';

export class BodyService {
  private readonly deps: BodyDeps;
  /** Records the download URLs of Artifact.downloadUrl, batched per request (authorize.ts). */
  private readonly downloadUrls: IssuedUrlRecorder;

  constructor(deps: ServiceDeps, artifacts: ArtifactService) {
    this.deps = new BodyDeps(deps.graph, artifacts, deps.bodies, deps.access, deps.audit, deps.idempotencyTtlSeconds);
    this.downloadUrls = new IssuedUrlRecorder(deps.audit, 'downloadUrl');
  }

  /**
   * The store and its rules, for clients to plan uploads (part size, limits). Public (anyone may
   * ask): it names the kind of store and its limits, never a bucket, a directory or a body.
   */
  info(): BodyStoreRules {
    const { store, settings } = this.deps.bodies;
    return {
      kind: store.kind,
      multipartThreshold: settings.multipartThreshold,
      partSize: settings.partSize,
      maxUploadBytes: settings.maxUploadBytes,
      uploadUrlExpiresIn: settings.uploadUrlExpiresIn,
      downloadUrlExpiresIn: settings.downloadUrlExpiresIn,
      uploadTtlSeconds: settings.uploadTtlSeconds,
      artifactPath: settings.artifactPath,
    };
  }

  create(input: CreateUpload) {
    return createUpload(this.deps, input);
  }

  renew(ref: string, expiresIn?: number | null) {
    return renewUpload(this.deps, ref, expiresIn);
  }

  complete(ref: string) {
    return completeUpload(this.deps, ref);
  }

  abort(ref: string) {
    return abortUpload(this.deps, ref);
  }

  cleanupExpired(options: ExpiredCleanup) {
    return cleanupExpired(this.deps, options);
  }

  sweepOrphans(options: { olderThanMs: number }) {
    return sweepOrphanBodies(this.deps.graph, this.deps.bodies, options);
  }

  download(ref: string, options: DownloadSpec) {
    return download(this.deps, ref, options);
  }

  downloadUrl(artifact: DownloadableArtifact, summary: BodySummaryRecord | null, expiresIn?: number | null) {
    return downloadUrl(this.deps, this.downloadUrls, artifact, summary, expiresIn);
  }

  /** The path and single body of each artifact; null for one the caller may not read (as for a missing one). */
  summaries(uids: readonly string[]): Promise<Array<BodySummaryRecord | null>> {
    return bodySummaries(this.deps.graph, uids, this.deps.access.readScope());
  }

  /** Each directory's files; none for one the caller may not read (as for a missing one). */
  manifests(uids: readonly string[]) {
    return manifests(this.deps.graph, uids, this.deps.access.readScope());
  }

  pathTemplate(workspace: string, run?: string | null) {
    return pathTemplate(this.deps, workspace, run);
  }

  setPathTemplate(workspace: string, run: string | null | undefined, template: string | null) {
    return setPathTemplate(this.deps, workspace, run, template);
  }
}
