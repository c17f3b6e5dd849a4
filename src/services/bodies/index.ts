import type { BodySummary } from '../../graph/body.repository';
import type { ArtifactService } from '../artifact.service';
import type { ServiceDeps } from '../deps';
import { abortUpload, cleanupExpired, type ExpiredCleanup } from './abort-upload';
import { completeUpload } from './complete-upload';
import { createUpload, type CreateUpload } from './create-upload';
import { download, downloadUrl, type DownloadableArtifact, type DownloadSpec } from './download';
import { bodySummaries, manifests } from './manifest';
import { renewUpload } from './renew-upload';
import { BodyDeps } from './shared';
import { pathTemplate, setPathTemplate } from './template-settings';

/**
 * Bodies: an artifact's bytes in the body store (DESIGN.md "Bodies"). Clients move them through
 * signed URLs; Skein never carries them. One file per use case:
 *
 *   create-upload     createUpload: the artifact PENDING, and URLs for the bodies not yet stored
 *   renew-upload      renewUpload: fresh URLs for a PENDING upload (ticket.ts signs them for both)
 *   complete-upload   completeUpload: every body checked in the store, then AVAILABLE
 *   abort-upload      abortUpload and the TTL clean-up: ABORTED, and what only it held deleted
 *   download          artifactDownload and Artifact.downloadUrl: signed GETs
 *   manifest          the path, single body or files of artifacts, for field resolvers
 *   template-settings the artifact path template of a workspace or run (path-template.ts renders them)
 *   plan              the pure checks of what a client declares, and the object keys
 *   sweep             the clean-ups every instance runs on timers
 *
 * This facade binds them to one request, as `services.bodies`.
 */

export type { CreateUpload } from './create-upload';
export type { SignedPart, UploadTarget, UploadTicket } from './ticket';
export type { DownloadableArtifact, DownloadSpec, DownloadTicket } from './download';
export type { CleanupResult, ExpiredCleanup } from './abort-upload';
export type { EffectiveTemplate } from './template-settings';

export class BodyService {
  private readonly deps: BodyDeps;

  constructor(deps: ServiceDeps, artifacts: ArtifactService) {
    this.deps = new BodyDeps(deps.graph, artifacts, deps.bodies, deps.idempotencyTtlSeconds);
  }

  /** The store and its rules, for clients to plan uploads (part size, limits). */
  info() {
    const { store, settings } = this.deps.bodies;
    return { kind: store.kind, ...settings };
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

  download(ref: string, options: DownloadSpec) {
    return download(this.deps, ref, options);
  }

  downloadUrl(artifact: DownloadableArtifact, summary: BodySummary | null, expiresIn?: number | null) {
    return downloadUrl(this.deps, artifact, summary, expiresIn);
  }

  summaries(uids: readonly string[]): Promise<Array<BodySummary | null>> {
    return bodySummaries(this.deps.graph, uids);
  }

  manifests(uids: readonly string[]) {
    return manifests(this.deps.graph, uids);
  }

  pathTemplate(workspace: string, run?: string | null) {
    return pathTemplate(this.deps, workspace, run);
  }

  setPathTemplate(workspace: string, run: string | null | undefined, template: string | null) {
    return setPathTemplate(this.deps, workspace, run, template);
  }
}
