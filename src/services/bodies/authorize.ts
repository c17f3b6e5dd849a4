import DataLoader from 'dataloader';
import { type ArtifactRecord } from '../../domain/artifact';
import { isStoreUri, parseStoreUri } from '../../domain/artifact-uri';
import type { AuditTarget } from '../../domain/audit';
import type { Need } from '../../auth/principal';
import type { AccessOptions, AccessTarget } from '../access';
import type { AuditTrail } from '../audit';
import { type BodyDeps } from './body-deps';

/**
 * Who may do what with bodies. Each body use case asks `deps.access` once, before it reads or
 * writes anything of the artifact's (src/services/access.ts):
 *
 *   read   artifactDownload, Artifact.downloadUrl, manifests and paths (field resolvers),
 *          artifactPathTemplate
 *   write  createUpload, renewUpload, completeUpload, abortUpload, setArtifactPathTemplate
 *
 * A caller who may not read the artifact gets what a missing artifact gets (NOT_FOUND naming the
 * ref as they gave it), and the refusal is in the audit trail.
 */

export const artifactTarget = (workspace: string, ref: string): AccessTarget => ({
  workspace,
  objectType: 'Artifact',
  objectId: ref,
});

/** A workspace as the object: what createUpload and the path templates name (NOT_FOUND is "Workspace <name>"). */
export const workspaceTarget = (workspace: string): AccessTarget => ({
  workspace,
  objectType: 'Workspace',
  objectId: workspace,
});

/**
 * The artifact `ref` names, once the caller may do `need` with it. A store:// URI names its
 * workspace, so it is checked before the lookup: the lookup's own NOT_FOUND messages say which
 * versions and tags exist, which a caller who may not read the workspace must not learn.
 */
export async function authorizedArtifact(
  deps: BodyDeps,
  ref: string,
  need: Need,
  options: AccessOptions = {},
): Promise<ArtifactRecord> {
  if (isStoreUri(ref)) {
    await deps.access.require(need, artifactTarget(parseStoreUri(ref, 'ref').workspace, ref), options);
    return deps.artifacts.resolveRef(ref);
  }
  const artifact = await deps.artifacts.resolveRef(ref);
  await deps.access.require(need, artifactTarget(artifact.workspace, ref), options);
  return artifact;
}

/**
 * Records the download URLs a read hands out (`downloadUrl`), one audit event per artifact,
 * batched: a list of 1,000 artifacts with their `downloadUrl` is one write, not 1,000. A URL is
 * handed out only once its record is written.
 */
export class IssuedUrlRecorder {
  private readonly loader: DataLoader<AuditTarget, true>;

  constructor(audit: AuditTrail, action: string) {
    this.loader = new DataLoader(
      async (targets) => {
        await audit.recordAllNow(action, targets);
        return targets.map(() => true as const);
      },
      { cache: false, maxBatchSize: 1000 },
    );
  }

  async record(target: AuditTarget): Promise<void> {
    await this.loader.load(target);
  }
}
