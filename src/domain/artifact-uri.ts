import { badInput, quoted } from '../errors';
import { isUid } from './uid';

/**
 * MLRun-style artifact URIs:
 * `store://<artifacts|models|datasets>/<workspace>/<key>[#<iteration>][:<name>][@<uid>]`.
 * Keys may contain "/", so the workspace is the first segment and the rest is the key. `models`
 * and `datasets` name artifacts of kind MODEL / DATASET; `#<iteration>` a version logged by the run
 * of that iteration (0: a top-level run); `:<name>` a tag or a version name (`latest`: the newest
 * AVAILABLE version); `@<uid>` one version. Accepted wherever an artifact is named; every artifact
 * returns its own as `store://artifacts/<workspace>/<key>@<uid>` (it names one version).
 */
export interface ArtifactUri {
  workspace: string;
  key: string;
  /** The kind the URI's collection requires (`models`: MODEL, `datasets`: DATASET); null for `artifacts`. */
  kind: string | null;
  iteration: number | null;
  /** A tag, a version name, or `latest`. */
  tag: string | null;
  uid: string | null;
}

const PREFIX = 'store://artifacts/';
/** The URI's collection and the kind it stands for. */
const COLLECTIONS: Readonly<Record<string, string | null>> = { artifacts: null, models: 'MODEL', datasets: 'DATASET' };
const SHAPE = 'store://<artifacts|models|datasets>/<workspace>/<key>[#<iteration>][:<tag-or-version-name>][@<uid>]';
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const URI = /^store:\/\/([^/]+)\/([^/#:@]+)\/([^#:@]+)(?:#([^:@]*))?(?::([^@]*))?(?:@(.*))?$/;
const ITERATION = /^\d{1,9}$/;

export function isStoreUri(ref: string): boolean {
  return ref.startsWith('store://');
}

/** Parses a store:// URI; anything malformed is BAD_USER_INPUT on `field`, naming the part at fault. */
export function parseStoreUri(uri: string, field = 'uri'): ArtifactUri {
  const match = URI.exec(uri);
  const collection = match?.[1];
  if (!match || collection === undefined || !(collection in COLLECTIONS)) {
    throw badInput(`${quoted(uri)} is not an artifact URI; expected ${SHAPE}.`, { field });
  }
  const [, , workspace, key, iteration, tag, uid] = match;
  if (iteration !== undefined && !ITERATION.test(iteration)) {
    throw badInput(`${quoted(uri)} has iteration ${quoted(iteration)}; after "#" give a whole number, e.g. #0.`, {
      field,
    });
  }
  if (tag !== undefined && !NAME.test(tag)) {
    throw badInput(`${quoted(uri)} has ${quoted(tag)} after ":"; give a tag or version name (${NAME_RULE}).`, {
      field,
    });
  }
  if (uid !== undefined && !isUid(uid)) {
    throw badInput(`${quoted(uri)} has ${quoted(uid)} after "@"; give an artifact's uid (a UUID).`, { field });
  }
  return {
    workspace: workspace!,
    key: key!,
    kind: COLLECTIONS[collection] ?? null,
    iteration: iteration === undefined ? null : Number(iteration),
    tag: tag ?? null,
    uid: uid ? uid.toLowerCase() : null,
  };
}

export function formatStoreUri(
  a: { workspace: string; key: string; uid?: string | null },
  tag?: string | null,
): string {
  return `${PREFIX}${a.workspace}/${a.key}${tag ? `:${tag}` : ''}${a.uid ? `@${a.uid}` : ''}`;
}

const NAME_RULE = 'up to 63 letters, digits, "_", "." or "-", starting with a letter or digit';

/** Tag names: like keys but without "/", so they read well after ":" in a URI. */
export function checkTag(tag: string): string {
  if (!NAME.test(tag)) {
    throw badInput(`Tag ${quoted(tag)} is not valid: use ${NAME_RULE}.`, { field: 'tag' });
  }
  return tag;
}

/**
 * Version names (KF's `version: "v1.0.0"`) share the `:<name>` slot of a URI with tags, so they
 * follow the tag rule; `latest` is reserved for the newest AVAILABLE version.
 */
export function checkVersionName(name: string, field = 'versionName'): string {
  if (!NAME.test(name)) {
    throw badInput(`Version name ${quoted(name)} is not valid: use ${NAME_RULE}, e.g. "v1.0.0".`, { field });
  }
  if (name === 'latest') {
    throw badInput('"latest" always names the newest available version; choose another version name.', { field });
  }
  return name;
}
