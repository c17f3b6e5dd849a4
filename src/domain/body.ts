export const PathTemplateSource = { CALL: 'CALL', RUN: 'RUN', WORKSPACE: 'WORKSPACE', SERVER: 'SERVER' } as const;
export type PathTemplateSource = (typeof PathTemplateSource)[keyof typeof PathTemplateSource];

/** Where bodies are kept: an S3-compatible object store, or the Skein server's filesystem. */
export const BodyStoreKind = { S3: 'S3', LOCAL: 'LOCAL' } as const;
export type BodyStoreKind = (typeof BodyStoreKind)[keyof typeof BodyStoreKind];

/** How a body is stored: whole (keyed by its SHA-256) or in parts (keyed by the parts' composite). */
export const BodyKind = { WHOLE: 'WHOLE', PARTS: 'PARTS' } as const;
export type BodyKind = (typeof BodyKind)[keyof typeof BodyKind];

/** A stored object, as the graph knows it. */
export interface BodyRecord {
  /** The store it is in (BodyStore.id). */
  store: string;
  key: string;
  kind: BodyKind;
  size: number;
  /** The whole-body SHA-256, only once the store verified it (null for a multipart body on S3). */
  sha256: string | null;
  /** The part size a PARTS body was cut with. */
  partSize: number | null;
  /** The parts' SHA-256 digests, kept until the body is verified (to sign part URLs again). */
  parts: string[] | null;
  verified: boolean;
  createdAt: string;
  verifiedAt: string | null;
}

/** One artifact's hold on a body: a directory has one per file, a single body has one with no path. */
export interface BodyLink {
  path: string | null;
  /** The whole-body SHA-256 the uploader declared. */
  sha256: string;
  contentType: string | null;
  /** The open multipart upload, until the body is complete. */
  uploadId: string | null;
  body: BodyRecord;
}

/** The store and the rules uploads follow, as clients may see them (no secrets, no paths). */
export interface BodyStoreRules {
  kind: BodyStoreKind;
  multipartThreshold: number;
  partSize: number;
  maxUploadBytes: number;
  uploadUrlExpiresIn: number;
  downloadUrlExpiresIn: number;
  uploadTtlSeconds: number;
  artifactPath: string;
}

/** What an artifact's field resolvers need of its body: its path and its single body, if any. */
export interface BodySummaryRecord {
  /** The path from the artifact path template; null when not uploaded through Skein. */
  path: string | null;
  /** True when the store verified the single body's whole SHA-256 itself. */
  digestVerified: boolean;
  /** The single body (null for references and directories): where to sign a download. */
  body: { store: string; key: string; contentType: string | null } | null;
}

export interface ManifestEntryRecord {
  path: string;
  size: number;
  sha256: string;
  contentType: string | null;
  /** True when the store verified this file's whole SHA-256 itself. */
  digestVerified: boolean;
}

export interface DownloadFileRecord {
  path: string;
  size: number | null;
  sha256: string | null;
  contentType: string | null;
  /** A signed GET (or a reference's own https URL); null when Skein cannot sign it. */
  url: string | null;
  location: string | null;
}
