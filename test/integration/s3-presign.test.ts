import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createHash, randomUUID } from 'node:crypto';

/**
 * Presigned PUTs against the S3 that global setup started (S3Proxy unless S3_ENDPOINT was given):
 * the upload flow relies on the checksum staying a *signed header*, so a client holding the URL
 * can only upload the exact bytes it was issued for.
 */
function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through jest (global setup starts S3Proxy)`);
  return value;
}

describe('S3 presigned PUT with a signed SHA-256 checksum', () => {
  let client: S3Client;
  let bucket: string;

  beforeAll(() => {
    bucket = env('S3_BUCKET');
    client = new S3Client({
      endpoint: env('S3_ENDPOINT'),
      region: process.env.S3_REGION ?? 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: env('S3_ACCESS_KEY_ID'), secretAccessKey: env('S3_SECRET_ACCESS_KEY') },
      // Otherwise the SDK adds its own CRC32 checksum to every PutObject, which a presigned URL cannot carry.
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
  });

  afterAll(() => client?.destroy());

  /** A unique key (tests run in parallel against one bucket) and a body with its base64 SHA-256. */
  function upload(label: string) {
    const key = `presign-test/${label}/${randomUUID()}`;
    const body = Buffer.from(`skein presign test ${label} ${key}\n`);
    const sha256 = createHash('sha256').update(body).digest('base64');
    return { key, body, sha256 };
  }

  function presignPut(key: string, body: Buffer, sha256: string, expiresIn = 300): Promise<string> {
    const command = new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      ChecksumSHA256: sha256,
      ContentLength: body.length,
    });
    return getSignedUrl(client, command, {
      expiresIn,
      // Kept as headers (not hoisted into the query string) so the uploader must send them, signed.
      unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
      signableHeaders: new Set(['content-length']),
    });
  }

  function put(url: string, body: Buffer, sha256: string): Promise<Response> {
    return fetch(url, { method: 'PUT', body, headers: { 'x-amz-checksum-sha256': sha256 } });
  }

  async function getObject(key: string): Promise<string> {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await res.Body?.transformToString()) ?? '';
  }

  it('signs x-amz-checksum-sha256 as a header, not a query parameter', async () => {
    const { key, body, sha256 } = upload('shape');
    const url = new URL(await presignPut(key, body, sha256));
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['host', 'content-length', 'x-amz-checksum-sha256']),
    );
    expect(url.searchParams.has('x-amz-checksum-sha256')).toBe(false);
  });

  it('accepts the right body, which GetObject then returns', async () => {
    const { key, body, sha256 } = upload('ok');
    const res = await put(await presignPut(key, body, sha256), body, sha256);
    expect(res.status).toBe(200);
    expect(await getObject(key)).toBe(body.toString());
  });

  it('refuses a tampered URL (query parameter or path)', async () => {
    const { key, body, sha256 } = upload('tampered');
    const url = await presignPut(key, body, sha256);

    const longerExpiry = new URL(url);
    longerExpiry.searchParams.set('X-Amz-Expires', '604800');
    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace(/[^/]+$/, 'someone-elses-object');

    for (const tampered of [longerExpiry, otherKey]) {
      const res = await put(tampered.toString(), body, sha256);
      expect({ url: tampered.toString(), status: res.status }).toEqual({ url: tampered.toString(), status: 403 });
      expect(await res.text()).toMatch(/SignatureDoesNotMatch|AccessDenied/);
    }
    await expect(getObject(key)).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('refuses an expired URL', async () => {
    const { key, body, sha256 } = upload('expired');
    const url = await presignPut(key, body, sha256, 1);
    // Expiry is wall-clock time, so waiting for the clock is the test: X-Amz-Date + 1 s, plus 1 s
    // because S3 compares at one-second granularity.
    const amzDate = new URL(url).searchParams.get('X-Amz-Date') ?? '';
    const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    expect(signedAt).not.toBeNaN();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, signedAt + 2_000 - Date.now())));

    const res = await put(url, body, sha256);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/AccessDenied|expired/i);
    await expect(getObject(key)).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('refuses a different body of the same length under the signed checksum (400 BadDigest)', async () => {
    const { key, body, sha256 } = upload('bad-digest');
    const url = await presignPut(key, body, sha256);
    const forged = Buffer.from(body.toString().toUpperCase()); // same length: content-length still matches

    const res = await put(url, forged, sha256);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('BadDigest');
    await expect(getObject(key)).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});
