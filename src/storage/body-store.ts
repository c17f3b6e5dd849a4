import { createHash } from 'node:crypto';
import { type BodyStoreKind } from '../domain/body';

/**
 * One body-store API over the local filesystem and S3 (seed 002: one store API, several
 * backends). Skein hands out signed URLs and checks what landed; in the S3 mode it never
 * carries body bytes itself.
 *
 * Object keys are chosen by the server and are content addresses, so a key can only ever hold
 * the bytes its name promises (the store enforces the signed checksum on every PUT):
 *   bodies/sha256/<hex>             a body uploaded whole: <hex> is its SHA-256
 *   bodies/sha256-parts/<hex>-<n>   a body uploaded in n parts of a fixed size: <hex> is the
 *                                   SHA-256 of the parts' SHA-256 digests (S3's composite checksum)
 *   <either of those>.<16 hex>      the same, for one upload alone (`ownKey`): every upload of a
 *                                   caller who may not read every workspace, and any upload whose
 *                                   content address another upload's Body has (create-upload.ts)
 *
 * Knowing a digest must not be a way to the bytes: an upload is complete only when bytes sent
 * with ITS OWN URLs reached its key. A key is therefore only ever signed for the upload whose
 * Body node created it (or for readers of an artifact holding it), and the key in a URL never
 * tells a caller whether someone else stored that content.
 */

/** A request the client must make exactly as described. */
export interface SignedRequest {
  method: 'PUT' | 'GET';
  url: string;
  /** Headers to send verbatim (they are part of the signature). */
  headers: Record<string, string>;
}

export interface PartSpec {
  partNumber: number;
  size: number;
  /** SHA-256 of the part, lower-case hex. */
  sha256: string;
}

/** A part the store holds for a multipart upload. */
export interface StoredPart {
  partNumber: number;
  size: number;
  etag?: string;
  /** Lower-case hex when the store reports the part's SHA-256; null when it does not. */
  sha256: string | null;
}

/** What the store says about an object. */
export interface StoredObject {
  size: number;
  /** SHA-256 (lower-case hex) of the whole object when the store reports or enforced it; else null. */
  sha256: string | null;
  /** For a multipart object, the composite checksum ("<hex>-<parts>") when the store reports it. */
  composite?: string | null;
}

export interface DownloadOptions {
  /** The file name a browser saves it as. */
  fileName: string;
  contentType?: string | null;
}

export interface BodyStore {
  readonly kind: BodyStoreKind;
  /**
   * Names this store (its bucket or directory, as a location prefix). Bodies in the graph are
   * per store: a body verified in one store says nothing about another sharing the database.
   */
  readonly id: string;

  /** Where an object lives, as recorded on the artifact: s3://bucket/key or file:///path. */
  locationOf(key: string): string;

  /**
   * A PUT of the whole body, with its size and SHA-256 bound into the signature; `body.upload` (the
   * artifact uid) binds it to that upload where the store answers PUTs itself (the local store
   * refuses it once that upload no longer holds the key). S3 cannot refuse a presigned PUT.
   */
  signPut(
    key: string,
    body: { size: number; sha256: string; upload?: string },
    expiresIn: number,
  ): Promise<SignedRequest>;

  /** Starts a multipart upload; returns its id. */
  createMultipart(key: string): Promise<string>;
  /** A PUT for one part, with the part's size and SHA-256 bound into the signature. */
  signPart(key: string, uploadId: string, part: PartSpec, expiresIn: number): Promise<SignedRequest>;
  /** The parts uploaded so far; null when the multipart upload does not exist (completed or aborted). */
  listParts(key: string, uploadId: string): Promise<StoredPart[] | null>;
  /**
   * Joins the parts into the object (the caller has checked them with listParts). Returns the
   * whole body's SHA-256 when the store computed it (the local store does; S3 cannot).
   */
  completeMultipart(
    key: string,
    uploadId: string,
    parts: Array<StoredPart & { sha256: string }>,
  ): Promise<{ sha256: string | null }>;
  /** Gives up a multipart upload and frees its parts; a missing upload is not an error. */
  abortMultipart(key: string, uploadId: string): Promise<void>;

  /** Size (and checksum where known) of a stored object; null when there is none. */
  head(key: string): Promise<StoredObject | null>;
  /** A GET that downloads the object under a file name. */
  signGet(key: string, options: DownloadOptions, expiresIn: number): Promise<string>;
  /** Removes an object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Objects under a prefix, page by page. Only stores that cannot refuse a PUT themselves (S3: a
   * presigned URL works until it expires) list, so the orphan sweep can find what nothing holds.
   */
  listObjects?(prefix: string): AsyncIterable<ListedObject[]>;

  close(): Promise<void>;
}

export interface ListedObject {
  key: string;
  lastModified: Date;
}

/** S3's limits on multipart uploads, which Skein keeps in both stores so one protocol fits both. */
export const MULTIPART = {
  minPartSize: 5 * 1024 * 1024,
  maxPartSize: 5 * 1024 * 1024 * 1024,
  maxParts: 10_000,
} as const;

const HEX64 = /^[0-9a-f]{64}$/;
export const BODY_KEY = /^bodies\/(sha256\/[0-9a-f]{64}|sha256-parts\/[0-9a-f]{64}-[1-9][0-9]{0,4})(\.[0-9a-f]{16})?$/;
const WHOLE_KEY = /^bodies\/sha256\/([0-9a-f]{64})(?:\.[0-9a-f]{16})?$/;
const PARTS_KEY = /^bodies\/sha256-parts\/([0-9a-f]{64}-[1-9][0-9]{0,4})(?:\.[0-9a-f]{16})?$/;

/** The SHA-256 a whole-body key names (its own or an upload's own key), or null for any other key. */
export const wholeSha256OfKey = (key: string): string | null => WHOLE_KEY.exec(key)?.[1] ?? null;

/** The composite checksum ("<hex>-<n>") a multipart body's key names, or null for any other key. */
export const compositeOfKey = (key: string): string | null => PARTS_KEY.exec(key)?.[1] ?? null;

/** One upload's own key for a content address (`nonce`: 16 hex digits, one per upload). */
export const ownKey = (contentKey: string, nonce: string): string => {
  if (!/^[0-9a-f]{16}$/.test(nonce) || !BODY_KEY.test(contentKey) || /\.[0-9a-f]{16}$/.test(contentKey)) {
    throw new Error(`not a content key and nonce: ${contentKey} ${nonce}`);
  }
  return `${contentKey}.${nonce}`;
};

export const wholeKey = (sha256: string): string => {
  if (!HEX64.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return `bodies/sha256/${sha256}`;
};

export const partsKey = (composite: string, parts: number): string => `bodies/sha256-parts/${composite}-${parts}`;

/** The SHA-256 of the parts' SHA-256 digests (raw bytes, in order): S3's composite checksum, in hex. */
export function compositeSha256(partSha256: readonly string[]): string {
  const hash = createHash('sha256');
  for (const hex of partSha256) hash.update(Buffer.from(hex, 'hex'));
  return hash.digest('hex');
}

/** SHA-256 hex <-> the base64 S3 uses in x-amz-checksum-sha256. */
export const hexToBase64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
export const base64ToHex = (b64: string): string => Buffer.from(b64, 'base64').toString('hex');

/** The sizes of the parts of a body of `size` bytes cut every `partSize` bytes. */
export function partSizes(size: number, partSize: number): number[] {
  const count = Math.max(1, Math.ceil(size / partSize));
  return Array.from({ length: count }, (_, i) => (i < count - 1 ? partSize : size - partSize * (count - 1)));
}

/** A file name safe inside a Content-Disposition header, with the UTF-8 name alongside. */
export function contentDisposition(fileName: string): string {
  const name = fileName.replace(/[\r\n"\\]/g, '_') || 'download';
  const ascii = name.replace(/[^\x20-\x7e]/g, '_');
  const encoded = encodeURIComponent(name).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return ascii === name
    ? `attachment; filename="${name}"`
    : `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
