import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import {
  BODY_KEY,
  MULTIPART,
  type BodyStore,
  type DownloadOptions,
  type PartSpec,
  type SignedRequest,
  type StoredObject,
  type StoredPart,
  wholeSha256OfKey,
} from './body-store';
import { escapePath } from './sigv4';
import { UrlSigner, type Verdict } from './url-signer';
import { BodyStoreKind } from '../domain/body';
import { ErrorCode } from '../errors';

/**
 * Bodies on the local filesystem (the default when no S3 bucket is configured). Skein answers the
 * signed URLs itself (src/http/body-endpoints.ts): a PUT streams to a temporary file while its
 * size and SHA-256 are counted, and the file is renamed into place only when both match what the
 * URL was signed for. A rename within one filesystem is atomic, so a reader never sees half a body.
 *
 * Layout under the root:
 *   bodies/…                 the objects, by key
 *   .tmp/<uuid>              bodies being received
 *   .multipart/<id>/         a multipart upload: `key` (its object key) and parts `<n>.<sha256>`
 */

export const LOCAL_PARAMS = {
  size: 'X-Skein-Size',
  sha256: 'X-Skein-Sha256',
  upload: 'X-Skein-Upload',
  part: 'X-Skein-Part',
  /** The artifact whose upload a whole-body PUT URL was signed for. */
  forUpload: 'X-Skein-For',
  fileName: 'X-Skein-Filename',
  contentType: 'X-Skein-Type',
} as const;

/** Why a received body was refused; the endpoint turns it into an HTTP status. */
export class BodyRejected extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BodyRejected';
  }
}

const STALE_TEMP_MS = 24 * 3600 * 1000;
const UPLOAD_ID = /^[0-9a-f-]{36}$/;

export class LocalBodyStore implements BodyStore {
  readonly kind = BodyStoreKind.LOCAL;
  readonly id: string;
  private publicUrl: string | undefined;

  private constructor(
    readonly root: string,
    private readonly signer: UrlSigner,
    publicUrl: string | undefined,
  ) {
    this.publicUrl = publicUrl;
    this.id = pathToFileURL(root).href;
  }

  /** Creates the directories and clears temporary files a crash may have left behind. */
  static async open(root: string, secret: Buffer, publicUrl?: string): Promise<LocalBodyStore> {
    await fsp.mkdir(path.join(root, 'bodies'), { recursive: true });
    await fsp.mkdir(path.join(root, '.tmp'), { recursive: true });
    await fsp.mkdir(path.join(root, '.multipart'), { recursive: true });
    const store = new LocalBodyStore(root, new UrlSigner(secret), publicUrl);
    await store.removeStaleTemps();
    return store;
  }

  /** Where clients reach Skein; set once the server listens, when SKEIN_PUBLIC_URL is not given. */
  setPublicUrl(url: string): void {
    this.publicUrl ??= url.replace(/\/+$/, '');
  }

  locationOf(key: string): string {
    return pathToFileURL(this.fileOf(key)).href;
  }

  async signPut(
    key: string,
    body: { size: number; sha256: string; upload?: string },
    expiresIn: number,
  ): Promise<SignedRequest> {
    const params: Record<string, string> = {
      [LOCAL_PARAMS.size]: String(body.size),
      [LOCAL_PARAMS.sha256]: body.sha256,
    };
    if (body.upload) params[LOCAL_PARAMS.forUpload] = body.upload;
    return { method: 'PUT', url: this.url('PUT', key, params, expiresIn), headers: {} };
  }

  async createMultipart(key: string): Promise<string> {
    const id = randomUUID();
    const dir = path.join(this.root, '.multipart', id);
    await fsp.mkdir(dir);
    await fsp.writeFile(path.join(dir, 'key'), key);
    return id;
  }

  async signPart(key: string, uploadId: string, part: PartSpec, expiresIn: number): Promise<SignedRequest> {
    const params = {
      [LOCAL_PARAMS.size]: String(part.size),
      [LOCAL_PARAMS.sha256]: part.sha256,
      [LOCAL_PARAMS.upload]: uploadId,
      [LOCAL_PARAMS.part]: String(part.partNumber),
    };
    return { method: 'PUT', url: this.url('PUT', key, params, expiresIn), headers: {} };
  }

  async listParts(key: string, uploadId: string): Promise<StoredPart[] | null> {
    const dir = await this.uploadDir(key, uploadId);
    if (!dir) return null;
    const parts: StoredPart[] = [];
    for (const name of await fsp.readdir(dir)) {
      const m = /^(\d+)\.([0-9a-f]{64})$/.exec(name);
      if (!m) continue;
      const { size } = await fsp.stat(path.join(dir, name));
      parts.push({ partNumber: Number(m[1]), size, sha256: m[2]! });
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  /** Joins the parts in order, hashing the whole as it goes, and renames the result into place. */
  async completeMultipart(key: string, uploadId: string, parts: Array<StoredPart & { sha256: string }>) {
    const dir = await this.uploadDir(key, uploadId);
    if (!dir) throw new Error(`no multipart upload ${uploadId} for ${key}`);
    const tmp = this.tempFile();
    const hash = createHash('sha256');
    try {
      const out = createWriteStream(tmp, { flags: 'wx' });
      for (const p of parts) {
        await pipeline(createReadStream(path.join(dir, `${p.partNumber}.${p.sha256}`)), tap(hash), out, { end: false });
      }
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      await this.moveIntoPlace(tmp, key);
    } finally {
      await fsp.rm(tmp, { force: true });
    }
    await fsp.rm(dir, { recursive: true, force: true });
    return { sha256: hash.digest('hex') };
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    const dir = await this.uploadDir(key, uploadId);
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  }

  async head(key: string): Promise<StoredObject | null> {
    try {
      const stat = await fsp.stat(this.fileOf(key));
      // A whole-body key is renamed into place only after its SHA-256 matched the name.
      return { size: stat.size, sha256: wholeSha256OfKey(key) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async signGet(key: string, options: DownloadOptions, expiresIn: number): Promise<string> {
    const params: Record<string, string> = { [LOCAL_PARAMS.fileName]: options.fileName };
    if (options.contentType) params[LOCAL_PARAMS.contentType] = options.contentType;
    return this.url('GET', key, params, expiresIn);
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.fileOf(key), { force: true });
  }

  async close(): Promise<void> {}

  // -------------------------------------------------------------------------------------------
  // What the HTTP endpoints call

  /** Checks a request's signature; the object key comes from the path. */
  verify(method: string, pathname: string, search: URLSearchParams): Verdict & { key?: string } {
    const verdict = this.signer.verify(method, pathname, search);
    if (!verdict.ok) return verdict;
    const key = decodeURIComponent(pathname.slice(1));
    if (!BODY_KEY.test(key)) return { ok: false, reason: 'signature', message: `No body is served at ${pathname}.` };
    return { ...verdict, key };
  }

  /**
   * Streams a body into a temporary file, refusing it as soon as it runs past `size` bytes, and
   * renames it to the object (or part) only when its size and SHA-256 are what was signed.
   */
  async receive(key: string, params: Record<string, string>, body: Readable): Promise<{ sha256: string }> {
    const size = Number(params[LOCAL_PARAMS.size]);
    const sha256 = params[LOCAL_PARAMS.sha256] ?? '';
    const uploadId = params[LOCAL_PARAMS.upload];
    const partNumber = Number(params[LOCAL_PARAMS.part] ?? 0);
    if (!Number.isSafeInteger(size) || size < 0 || !/^[0-9a-f]{64}$/.test(sha256)) {
      throw new BodyRejected(400, ErrorCode.BAD_USER_INPUT, 'This URL is not an upload URL.');
    }
    let target = key;
    if (uploadId !== undefined) {
      const dir = await this.uploadDir(key, uploadId);
      if (!dir) {
        throw new BodyRejected(
          404,
          ErrorCode.NOT_FOUND,
          `The multipart upload ${uploadId} is over (completed or aborted).`,
        );
      }
      if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MULTIPART.maxParts) {
        throw new BodyRejected(400, ErrorCode.BAD_USER_INPUT, 'This URL is not a part upload URL.');
      }
      target = path.relative(this.root, path.join(dir, `${partNumber}.${sha256}`));
    }
    const tmp = this.tempFile();
    const hash = createHash('sha256');
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        if (received > size) {
          done(
            new BodyRejected(
              413,
              ErrorCode.PAYLOAD_TOO_LARGE,
              `The body is longer than the ${size} bytes this URL was signed for; it was cut off.`,
            ),
          );
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, counter, createWriteStream(tmp, { flags: 'wx' }));
      if (received !== size) {
        throw new BodyRejected(
          400,
          ErrorCode.BAD_USER_INPUT,
          `The body has ${received} bytes; this URL was signed for ${size}.`,
        );
      }
      const digest = hash.digest('hex');
      if (digest !== sha256) {
        throw new BodyRejected(
          400,
          ErrorCode.BAD_USER_INPUT,
          `BadDigest: the body's SHA-256 is ${digest}, not the ${sha256} this URL was signed for.`,
        );
      }
      await this.moveIntoPlace(tmp, target);
      return { sha256: digest };
    } finally {
      await fsp.rm(tmp, { force: true });
    }
  }

  /** The file behind a key, and its size; null when absent. */
  async open(key: string): Promise<{ file: string; size: number } | null> {
    const file = this.fileOf(key);
    try {
      const stat = await fsp.stat(file);
      return stat.isFile() ? { file, size: stat.size } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  // -------------------------------------------------------------------------------------------

  private url(method: string, key: string, params: Record<string, string>, expiresIn: number): string {
    if (!this.publicUrl) throw new Error('the local body store has no public URL yet (the server is not listening)');
    const urlPath = `/${escapePath(key)}`;
    const expiresAt = Math.floor(Date.now() / 1000) + expiresIn;
    return `${this.publicUrl}${urlPath}?${this.signer.sign(method, urlPath, params, expiresAt)}`;
  }

  /** Keys are server-made (BODY_KEY or a part path) and never leave the root. */
  private fileOf(key: string): string {
    const file = path.resolve(this.root, key);
    if (!file.startsWith(this.root + path.sep)) throw new Error(`key outside the store: ${key}`);
    return file;
  }

  private tempFile(): string {
    return path.join(this.root, '.tmp', randomUUID());
  }

  private async moveIntoPlace(tmp: string, key: string): Promise<void> {
    const file = this.fileOf(key);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.rename(tmp, file);
  }

  /** The directory of a multipart upload of this key, or null when it is gone (or belongs to another key). */
  private async uploadDir(key: string, uploadId: string): Promise<string | null> {
    if (!UPLOAD_ID.test(uploadId)) return null;
    const dir = path.join(this.root, '.multipart', uploadId);
    try {
      return (await fsp.readFile(path.join(dir, 'key'), 'utf8')) === key ? dir : null;
    } catch {
      return null;
    }
  }

  private async removeStaleTemps(): Promise<void> {
    const dir = path.join(this.root, '.tmp');
    const cutoff = Date.now() - STALE_TEMP_MS;
    for (const name of await fsp.readdir(dir)) {
      const file = path.join(dir, name);
      const stat = await fsp.stat(file).catch(() => null);
      if (stat && stat.mtimeMs < cutoff) await fsp.rm(file, { force: true });
    }
  }
}

function tap(hash: ReturnType<typeof createHash>): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
}
