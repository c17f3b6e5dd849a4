import { createHash } from 'node:crypto';
import { badInput, ErrorCode, SkeinError } from '../errors';
import type { BodiesConfig } from '../config';
import type { BodyKind } from '../graph/body.repository';
import { compositeSha256, MULTIPART, partSizes, partsKey, wholeKey } from '../storage/body-store';

/**
 * The pure part of an upload: checking what the client declared and choosing the object keys.
 * The server picks every key from the declared digests; a client never names an object.
 */

export interface BodyRequest {
  size: number;
  sha256: string;
  contentType?: string | null;
  /** SHA-256 (hex) of each part, for bodies over the multipart threshold. */
  partSha256?: string[] | null;
}

export interface FileRequest extends BodyRequest {
  path: string;
}

/** One body to hold: where it goes and how it is uploaded. */
export interface PlannedBody {
  key: string;
  kind: BodyKind;
  size: number;
  sha256: string;
  partSize: number | null;
  parts: string[] | null;
}

/** A file (or the single body) of the artifact and the body it is. */
export interface PlannedFile {
  path: string | null;
  sha256: string;
  contentType: string | null;
  body: PlannedBody;
}

const SHA256 = /^[0-9a-f]{64}$/;
const CONTENT_TYPE = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;
export const MAX_DIRECTORY_FILES = 10_000;
const MAX_FILE_PATH = 1024;

type Limits = Pick<BodiesConfig, 'maxUploadBytes' | 'multipartThreshold' | 'partSize'>;

/** Checks one declared body and picks its key: whole up to the threshold, in fixed-size parts above it. */
export function planBody(req: BodyRequest, limits: Limits, field: string): PlannedBody {
  if (!Number.isSafeInteger(req.size) || req.size < 0) {
    throw badInput(`"${field}.size" must be a whole number of bytes; got ${req.size}.`, { field: `${field}.size` });
  }
  if (req.size > limits.maxUploadBytes) {
    throw new SkeinError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `The body is ${req.size} bytes; the largest this server accepts is ${limits.maxUploadBytes} (SKEIN_MAX_UPLOAD_BYTES).`,
      { field: `${field}.size` },
    );
  }
  const sha256 = checkSha256(req.sha256, `${field}.sha256`);
  if (req.contentType != null && !CONTENT_TYPE.test(req.contentType)) {
    throw badInput(`"${field}.contentType" must be a media type such as "text/csv".`, {
      field: `${field}.contentType`,
    });
  }
  const parts = req.partSha256 ?? null;
  if (req.size <= limits.multipartThreshold) {
    if (parts) {
      throw badInput(`Bodies up to ${limits.multipartThreshold} bytes upload whole; leave "${field}.partSha256" out.`, {
        field: `${field}.partSha256`,
      });
    }
    return { key: wholeKey(sha256), kind: 'WHOLE', size: req.size, sha256, partSize: null, parts: null };
  }
  const expected = partSizes(req.size, limits.partSize).length;
  if (!parts || parts.length !== expected) {
    throw badInput(
      `Bodies over ${limits.multipartThreshold} bytes upload in parts of ${limits.partSize} bytes: ` +
        `"${field}.partSha256" must list the SHA-256 of each of the ${expected} parts, in order` +
        (parts ? ` (got ${parts.length}).` : '.'),
      { field: `${field}.partSha256`, partSize: limits.partSize, parts: expected },
    );
  }
  if (expected > MULTIPART.maxParts) {
    throw badInput(`A body may have at most ${MULTIPART.maxParts} parts.`, { field: `${field}.size` });
  }
  const partHexes = parts.map((p, i) => checkSha256(p, `${field}.partSha256[${i}]`));
  return {
    key: partsKey(compositeSha256(partHexes), partHexes.length),
    kind: 'PARTS',
    size: req.size,
    sha256,
    partSize: limits.partSize,
    parts: partHexes,
  };
}

/** A directory's files: relative paths inside the root, each once, none both a file and a directory. */
export function planDirectory(files: FileRequest[], limits: Limits): PlannedFile[] {
  if (files.length > MAX_DIRECTORY_FILES) {
    throw badInput(`A directory may hold at most ${MAX_DIRECTORY_FILES} files; got ${files.length}.`, {
      field: 'files',
    });
  }
  const planned = files.map((f, i): PlannedFile & { path: string } => {
    const path = checkFilePath(f.path, `files[${i}].path`);
    const body = planBody(f, limits, `files[${i}]`);
    return { path, sha256: body.sha256, contentType: f.contentType ?? null, body };
  });
  planned.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 1; i < planned.length; i++) {
    const prev = planned[i - 1]!.path;
    const cur = planned[i]!.path;
    if (prev === cur) throw badInput(`The directory lists "${cur}" twice.`, { field: 'files' });
  }
  const paths = new Set(planned.map((p) => p.path));
  for (const { path } of planned) {
    const segments = path.split('/');
    for (let n = 1; n < segments.length; n++) {
      const dir = segments.slice(0, n).join('/');
      if (paths.has(dir)) {
        throw badInput(`"${dir}" cannot be both a file and the directory holding "${path}".`, { field: 'files' });
      }
    }
  }
  return planned;
}

/**
 * A path inside a directory artifact: relative, "/"-separated, no "." or ".." segments, no empty
 * segments, no backslashes or control characters. A download that writes files by these paths
 * therefore stays inside the directory it writes to.
 */
export function checkFilePath(path: string, field: string): string {
  const refuse = (why: string) =>
    badInput(`"${field}" ${JSON.stringify(path)} ${why}; use a relative path such as "data/train.csv".`, { field });
  if (path.length === 0 || path.length > MAX_FILE_PATH) throw refuse(`must be 1–${MAX_FILE_PATH} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f\\]/.test(path)) throw refuse('holds a backslash or a control character');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) throw refuse('is absolute');
  const segments = path.split('/');
  if (segments.some((s) => s === '..')) throw refuse('escapes its directory ("..")');
  if (segments.some((s) => s === '' || s === '.')) throw refuse('has an empty or "." segment');
  return path;
}

export function checkSha256(value: string, field: string): string {
  if (!SHA256.test(value)) throw badInput(`"${field}" must be a SHA-256 as 64 lower-case hex digits.`, { field });
  return value;
}

/**
 * A directory's digest: the SHA-256 of its manifest, one line per file in path order,
 * "<sha256> <size> <path>\n" — the same tree always has the same digest.
 */
export function manifestDigest(files: ReadonlyArray<{ path: string; size: number; sha256: string }>): string {
  const hash = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${f.sha256} ${f.size} ${f.path}\n`);
  }
  return hash.digest('hex');
}

/** The file name a download is saved as: the last segment of the path (or key). */
export function baseName(path: string): string {
  const segments = path.split('/').filter(Boolean);
  return segments[segments.length - 1] ?? 'download';
}
