import { preconditionFailed, quoted } from '../../errors';
import { type ArtifactState } from '../../domain/artifact';
import { formatStoreUri } from '../../domain/artifact-uri';
import { bodyRepository } from '../../graph/body.repository';
import { refuseDeleted } from '../lifecycle-guard';
import { nowIso } from '../validate';
import { authorizedArtifact } from './authorize';
import { type BodyDeps } from './body-deps';
import { expiry } from './url-expiry';
import { uploadTicket, type UploadTicket } from './ticket';

/**
 * renewUpload: fresh URLs for a PENDING upload (the first ones expired, or a client restarted), for
 * a caller who may write its workspace; the mutation's audit entry records them.
 */
export async function renewUpload(deps: BodyDeps, ref: string, expiresIn?: number | null): Promise<UploadTicket> {
  const artifact = await authorizedArtifact(deps, ref, 'write');
  if (artifact.state !== 'PENDING') throw notRenewable(artifact.state, quoted(formatStoreUri(artifact)));
  const seconds = expiry(expiresIn, deps.bodies.settings.uploadUrlExpiresIn, 'expiresIn');
  await deps.graph.write(async (tx) => {
    await refuseDeleted(tx, { artifactUid: artifact.uid }); // a deleted upload gets no fresh URLs
    await bodyRepository.touchUpload(tx, artifact.uid, nowIso()); // restarts the TTL
  });
  return uploadTicket(deps, artifact, seconds);
}

/** Only a PENDING upload has URLs; what to do instead depends on why this one has none. */
function notRenewable(state: ArtifactState, uri: string) {
  if (state === 'ABORTED') {
    return preconditionFailed(
      `The upload of ${uri} was aborted, so it has no URLs to renew; start a new upload with createUpload.`,
    );
  }
  return preconditionFailed(
    `${uri} is ${state} (its upload was completed, or it was logged without one), so it has no upload URLs to renew; ` +
      'fetch its bytes with artifactDownload.',
  );
}
