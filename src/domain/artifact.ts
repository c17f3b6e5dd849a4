import { type EntryValue } from './scalar';

export const ArtifactState = { PENDING: 'PENDING', AVAILABLE: 'AVAILABLE', ABORTED: 'ABORTED' } as const;
export type ArtifactState = (typeof ArtifactState)[keyof typeof ArtifactState];

/** How the service checks one of the artifact's descriptive texts. */
export interface ArtifactTextRule {
  /** The longest value accepted, in characters; absent: the service's general text limit (64 KiB). */
  readonly maxLength?: number;
}

/**
 * The artifact's optional descriptive texts: what a client may say about a version when logging
 * it. Each is stored as the node property and answered as the GraphQL field of the same name; the
 * service checks them, the repositories write and read them, and lineage carries them (as detail)
 * from this list alone, so a new one is this entry plus its GraphQL field and input field (see
 * CONTRIBUTING.md). Not here: the body facts (location, digest, size, contentType), which an
 * upload takes from the body and refuses in its artifact input.
 */
export const ARTIFACT_TEXT_FIELDS = {
  description: {},
  /** A user's name for the version ("v1.0.0"), unique per key; the service checks it as a tag. */
  versionName: { maxLength: 63 },
} as const satisfies Record<string, ArtifactTextRule>;

export type ArtifactTextField = keyof typeof ARTIFACT_TEXT_FIELDS;
/** The names in list order, the order lineage rows carry the values in. */
export const ARTIFACT_TEXT_FIELD_NAMES = Object.keys(ARTIFACT_TEXT_FIELDS) as readonly ArtifactTextField[];
/** The descriptive texts of one artifact; null when not given. */
export type ArtifactTexts = { [F in ArtifactTextField]: string | null };

/** The descriptive texts of `from` and nothing else (the repository stores this map as it is); absent: null. */
export function pickArtifactTexts(from: Partial<ArtifactTexts>): ArtifactTexts {
  const texts = {} as ArtifactTexts;
  for (const name of ARTIFACT_TEXT_FIELD_NAMES) texts[name] = from[name] ?? null;
  return texts;
}

export interface ArtifactRecord extends ArtifactTexts {
  uid: string;
  workspace: string;
  key: string;
  version: number;
  kind: string;
  state: ArtifactState;
  location: string | null;
  digest: string | null;
  size: number | null;
  contentType: string | null;
  createdAt: string;
  producerUid: string | null;
  runUid: string | null;
  /** Kind-specific fields (a dataset's schema, a model's framework…), as validated by the service. */
  spec: Record<string, unknown>;
  labels: Record<string, EntryValue>;
  properties: Record<string, EntryValue>;
  tags: string[];
  /** The key's newest AVAILABLE version (0 while it has none): this one is "latest" when they are equal. */
  latestVersion: number;
  /** When it was soft-deleted (deleteArtifact, or with its run); null while live. */
  deletedAt: string | null;
}

/** What creating a version writes; the graph assigns its number and time, an output event its producer. */
export type NewArtifact = Omit<ArtifactRecord, 'version' | 'createdAt' | 'producerUid' | 'latestVersion' | 'deletedAt'>;

export interface ArtifactCriteria {
  workspace: string;
  kind?: string | null;
  state?: ArtifactState | null;
  keyPrefix?: string | null;
  runUid?: string | null;
  createdAfter?: string | null;
  createdBefore?: string | null;
  labels?: Record<string, EntryValue>;
  tag?: string | null;
  /** True: soft-deleted versions too (they are left out otherwise). */
  includeDeleted?: boolean;
}
