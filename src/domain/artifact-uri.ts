import { badInput, quoted } from '../errors';

/**
 * MLRun-style artifact URIs: `store://artifacts/<workspace>/<key>[:<tag>][@<uid>]`. Keys may
 * contain "/", so the workspace is the first segment and the rest is the key. Accepted wherever
 * an artifact is named; every artifact returns its own (with its uid, so it names one version).
 */
export interface ArtifactUri {
  workspace: string;
  key: string;
  tag: string | null;
  uid: string | null;
}

const PREFIX = 'store://artifacts/';
const TAG = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const URI = /^([^/]+)\/([^:@]+)(?::([^@]+))?(?:@(.+))?$/;

export function isStoreUri(ref: string): boolean {
  return ref.startsWith('store://');
}

export function parseStoreUri(uri: string): ArtifactUri {
  const match = uri.startsWith(PREFIX) ? URI.exec(uri.slice(PREFIX.length)) : null;
  if (!match) {
    throw badInput(
      `${quoted(uri)} is not an artifact URI; expected store://artifacts/<workspace>/<key>[:<tag>][@<uid>].`,
      {
        field: 'uri',
      },
    );
  }
  return { workspace: match[1]!, key: match[2]!, tag: match[3] ?? null, uid: match[4] ?? null };
}

export function formatStoreUri(
  a: { workspace: string; key: string; uid?: string | null },
  tag?: string | null,
): string {
  return `${PREFIX}${a.workspace}/${a.key}${tag ? `:${tag}` : ''}${a.uid ? `@${a.uid}` : ''}`;
}

/** Tag names: like keys but without "/", so they read well after ":" in a URI. */
export function checkTag(tag: string): string {
  if (!TAG.test(tag)) {
    throw badInput(`Tag ${quoted(tag)} is not valid: use up to 63 letters, digits, "_", "." or "-".`, { field: 'tag' });
  }
  return tag;
}
