import { createHash } from 'node:crypto';

/**
 * The id a node the caller may not read gets in lineage answers: the same in every answer (so a
 * client can tell that two answers, or two paths, pass through the same hidden node, and can
 * quote it to an admin), and opaque: a one-way digest of the node's uid, so neither the uid nor
 * its creation time (uids are UUIDv7) can be read back from it.
 */
export function restrictedId(uid: string): string {
  const digest = createHash('sha256').update(`skein:restricted:${uid}`).digest('base64url');
  return `restricted:${digest.slice(0, 22)}`;
}
