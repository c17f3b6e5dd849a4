import { preconditionFailed } from '../../errors';
import { formatStoreUri } from '../../domain/artifact-uri';
import { bodyRepository } from '../../graph/body.repository';
import { nowIso } from '../validate';
import { type BodyDeps } from './body-deps';
import { expiry } from './url-expiry';
import { uploadTicket, type UploadTicket } from './ticket';

/** renewUpload: fresh URLs for a PENDING upload (the first ones expired, or a client restarted). */
export async function renewUpload(deps: BodyDeps, ref: string, expiresIn?: number | null): Promise<UploadTicket> {
  const artifact = await deps.artifacts.resolveRef(ref);
  if (artifact.state !== 'PENDING') {
    throw preconditionFailed(`"${formatStoreUri(artifact)}" is ${artifact.state}; only a PENDING upload has URLs.`);
  }
  const seconds = expiry(expiresIn, deps.bodies.settings.uploadUrlExpiresIn, 'expiresIn');
  await deps.graph.write((tx) => bodyRepository.touchUpload(tx, artifact.uid, nowIso())); // restarts the TTL
  return uploadTicket(deps, artifact, seconds);
}
