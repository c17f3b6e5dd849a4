import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  paginateListObjectsV2,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Config } from '../config';
import {
  base64ToHex,
  contentDisposition,
  hexToBase64,
  type BodyStore,
  type DownloadOptions,
  type ListedObject,
  type PartSpec,
  type SignedRequest,
  type StoredObject,
  type StoredPart,
} from './body-store';
import { escapePath, SigV4Presigner, type AwsCredentials } from './sigv4';
import { BodyStoreKind } from '../domain/body';

type S3Config = NonNullable<Config['s3']>;

/**
 * Bodies in S3 (or any S3-compatible server). Skein signs; clients move the bytes.
 *
 * Every PUT URL signs `content-length` and `x-amz-checksum-sha256` as headers. Left to its
 * defaults the SDK hoists the checksum into the query string and signs only `host`, and a store
 * then accepted a wrong body sent without the header; signed as headers, a wrong body with the
 * header gets 400 BadDigest and one without it (or of another length) gets 403.
 *
 * URLs are signed with SigV4Presigner (a cached signing key): the same URLs as `getSignedUrl`,
 * some 40 times faster (bench/signing.ts). The endpoint, path style and signing region are taken
 * once from one SDK-signed URL, so every S3 addressing rule the SDK knows still applies.
 */
export class S3BodyStore implements BodyStore {
  readonly kind = BodyStoreKind.S3;
  readonly id: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private base: Promise<{ signer: SigV4Presigner; pathPrefix: string }> | undefined;
  private resolved: { signer: SigV4Presigner; pathPrefix: string } | undefined;

  constructor(config: S3Config) {
    this.bucket = config.bucket;
    // AWS bucket names are global; an S3-compatible server's are its own, so its host is part of the name.
    this.id = config.endpoint ? `s3://${config.bucket}@${new URL(config.endpoint).host}` : `s3://${config.bucket}`;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: config.credentials,
      // Otherwise the SDK adds its own CRC32 to requests and a checksum mode to GETs; neither
      // belongs in a URL someone else will use.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  locationOf(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  async signPut(key: string, body: { size: number; sha256: string }, expiresIn: number): Promise<SignedRequest> {
    const checksum = hexToBase64(body.sha256);
    const url = await this.sign(
      'PUT',
      key,
      {},
      { 'content-length': String(body.size), 'x-amz-checksum-sha256': checksum },
      expiresIn,
    );
    return { method: 'PUT', url, headers: { 'x-amz-checksum-sha256': checksum } };
  }

  async createMultipart(key: string): Promise<string> {
    const out = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ChecksumAlgorithm: 'SHA256' }),
    );
    if (!out.UploadId) throw new Error(`S3 returned no UploadId for ${key}`);
    return out.UploadId;
  }

  async signPart(key: string, uploadId: string, part: PartSpec, expiresIn: number): Promise<SignedRequest> {
    const checksum = hexToBase64(part.sha256);
    const url = await this.sign(
      'PUT',
      key,
      { partNumber: String(part.partNumber), uploadId },
      { 'content-length': String(part.size), 'x-amz-checksum-sha256': checksum },
      expiresIn,
    );
    return { method: 'PUT', url, headers: { 'x-amz-checksum-sha256': checksum } };
  }

  async listParts(key: string, uploadId: string): Promise<StoredPart[] | null> {
    const parts: StoredPart[] = [];
    let marker: string | undefined;
    try {
      for (;;) {
        const out = await this.client.send(
          new ListPartsCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }),
        );
        for (const p of out.Parts ?? []) {
          parts.push({
            partNumber: p.PartNumber ?? 0,
            size: p.Size ?? -1,
            etag: p.ETag,
            sha256: p.ChecksumSHA256 ? base64ToHex(p.ChecksumSHA256) : null,
          });
        }
        if (!out.IsTruncated || !out.NextPartNumberMarker) break;
        marker = out.NextPartNumberMarker;
      }
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeMultipart(key: string, uploadId: string, parts: Array<StoredPart & { sha256: string }>) {
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag, ChecksumSHA256: hexToBase64(p.sha256) })),
        },
      }),
    );
    // S3 keeps no SHA-256 of a multipart object as a whole, only the composite of its parts'.
    return { sha256: null };
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }

  async head(key: string): Promise<StoredObject | null> {
    try {
      const out = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key, ChecksumMode: 'ENABLED' }),
      );
      // AWS reports the checksum it enforced; S3Proxy reports none. A composite ("…-N") is not a whole-body SHA-256.
      const checksum = out.ChecksumSHA256;
      return {
        size: out.ContentLength ?? -1,
        sha256: checksum && !checksum.includes('-') ? base64ToHex(checksum) : null,
        composite: checksum?.includes('-') ? compositeToHex(checksum) : null,
      };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async signGet(key: string, options: DownloadOptions, expiresIn: number): Promise<string> {
    const query: Record<string, string> = { 'response-content-disposition': contentDisposition(options.fileName) };
    if (options.contentType) query['response-content-type'] = options.contentType;
    return this.sign('GET', key, query, {}, expiresIn);
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Objects under a prefix, a page (up to 1,000) at a time, for the orphan sweep. */
  async *listObjects(prefix: string): AsyncIterable<ListedObject[]> {
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix })) {
      yield (page.Contents ?? []).map((o) => ({ key: o.Key ?? '', lastModified: o.LastModified ?? new Date(0) }));
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async sign(
    method: 'GET' | 'PUT',
    key: string,
    query: Record<string, string>,
    headers: Record<string, string>,
    expiresIn: number,
  ): Promise<string> {
    const { signer, pathPrefix } = this.resolved ?? (this.resolved = await this.endpoint());
    const credentials = await this.credentials();
    return signer.presign(credentials, { method, path: `${pathPrefix}${escapePath(key)}`, query, headers, expiresIn });
  }

  /** The SDK's memoised provider: static keys, or the default chain (refreshed before expiry). */
  private async credentials(): Promise<AwsCredentials> {
    return this.client.config.credentials();
  }

  /** Where URLs point and which region signs them, read once off one SDK-signed URL. */
  private endpoint(): Promise<{ signer: SigV4Presigner; pathPrefix: string }> {
    this.base ??= (async () => {
      const probe = 'skein-endpoint-probe';
      const url = new URL(
        await getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: probe }), { expiresIn: 60 }),
      );
      const region = url.searchParams.get('X-Amz-Credential')?.split('/')[2];
      if (!url.pathname.endsWith(`/${probe}`) || !region)
        throw new Error(`cannot read the S3 endpoint from ${url.origin}`);
      const pathPrefix = url.pathname.slice(0, url.pathname.length - probe.length);
      return { signer: new SigV4Presigner({ origin: url.origin, region }), pathPrefix };
    })();
    this.base.catch(() => (this.base = undefined)); // retry next time (e.g. credentials not yet available)
    return this.base;
  }
}

function isMissing(err: unknown): boolean {
  if (!(err instanceof S3ServiceException)) return false;
  return ['NoSuchUpload', 'NoSuchKey', 'NotFound'].includes(err.name) || err.$metadata.httpStatusCode === 404;
}

/** "base64-N" -> "hex-N" */
function compositeToHex(checksum: string): string {
  const [b64, n] = checksum.split('-');
  return `${base64ToHex(b64 ?? '')}-${n}`;
}
