import { GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { escapePath, SigV4Presigner, toAmzDate } from '../../src/storage/sigv4';

/**
 * The cached-key signer must produce exactly the SDK's URLs (same canonical request, same
 * signature) for the requests Skein signs; the integration test then has a real S3 server accept them.
 */
describe('SigV4Presigner matches @aws-sdk/s3-request-presigner', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
  const signingDate = new Date('2026-11-23T16:36:07.123Z');
  const bucket = 'skein-bodies';
  const key = 'bodies/sha256/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

  const sdk = (endpoint: string | undefined, forcePathStyle: boolean, sessionToken?: string) =>
    new S3Client({
      endpoint,
      forcePathStyle,
      region: 'eu-west-1',
      credentials: { ...credentials, sessionToken },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });

  /**
   * Same URL: origin, path and every query parameter (the SDK orders them differently). The SDK
   * adds (and signs) an `x-id` routing hint S3 does not need; the comparisons pass the same one.
   */
  const normalised = (url: string) => {
    const u = new URL(url);
    return { origin: u.origin, path: u.pathname, query: [...u.searchParams.entries()].sort() };
  };

  const cases = [
    { name: 'a custom endpoint, path style', endpoint: 'http://127.0.0.1:19000', pathStyle: true },
    { name: 'AWS, virtual-hosted', endpoint: undefined, pathStyle: false },
    {
      name: 'an https endpoint on port 443 (dropped from Host)',
      endpoint: 'https://s3.example.com:443',
      pathStyle: true,
    },
  ];

  it.each(cases)('GET with a download file name and type: $name', async ({ endpoint, pathStyle }) => {
    const client = sdk(endpoint, pathStyle);
    const disposition = `attachment; filename="model (v2).pkl"; filename*=UTF-8''model%20%28v2%29.pkl`;
    const expected = await getSignedUrl(
      client,
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentDisposition: disposition,
        ResponseContentType: 'application/octet-stream',
      }),
      { expiresIn: 900, signingDate },
    );
    const base = new URL(expected);
    const prefix = base.pathname.slice(0, base.pathname.length - escapePath(key).length);
    const ours = new SigV4Presigner({ origin: base.origin, region: 'eu-west-1' }).presign(
      credentials,
      {
        method: 'GET',
        path: `${prefix}${escapePath(key)}`,
        query: {
          'response-content-disposition': disposition,
          'response-content-type': 'application/octet-stream',
          'x-id': 'GetObject',
        },
        expiresIn: 900,
      },
      signingDate,
    );
    expect(normalised(ours)).toEqual(normalised(expected));
    client.destroy();
  });

  it('PUT with the size and SHA-256 as signed headers, and a session token', async () => {
    const client = sdk('http://127.0.0.1:19000', true, 'FwoGZXIvYXdzEXAMPLETOKEN');
    const sha256 = 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=';
    const expected = await getSignedUrl(
      client,
      new PutObjectCommand({ Bucket: bucket, Key: key, ChecksumSHA256: sha256, ContentLength: 4 }),
      {
        expiresIn: 3600,
        signingDate,
        unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
        signableHeaders: new Set(['content-length']),
      },
    );
    const ours = new SigV4Presigner({ origin: 'http://127.0.0.1:19000', region: 'eu-west-1' }).presign(
      { ...credentials, sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' },
      {
        method: 'PUT',
        path: `/${bucket}/${escapePath(key)}`,
        query: { 'x-id': 'PutObject' },
        headers: { 'content-length': '4', 'x-amz-checksum-sha256': sha256 },
        expiresIn: 3600,
      },
      signingDate,
    );
    expect(normalised(ours)).toEqual(normalised(expected));
    expect(new URL(ours).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;host;x-amz-checksum-sha256');
    client.destroy();
  });

  it('an UploadPart URL (uploadId and partNumber in the query)', async () => {
    const client = sdk('http://127.0.0.1:19000', true);
    const sha256 = 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=';
    const uploadId = 'a/b+c=d'; // S3 upload ids may hold characters that need escaping
    const expected = await getSignedUrl(
      client,
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: 3,
        ChecksumSHA256: sha256,
        ContentLength: 5,
      }),
      {
        expiresIn: 60,
        signingDate,
        unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
        signableHeaders: new Set(['content-length']),
      },
    );
    const ours = new SigV4Presigner({ origin: 'http://127.0.0.1:19000', region: 'eu-west-1' }).presign(
      credentials,
      {
        method: 'PUT',
        path: `/${bucket}/${escapePath(key)}`,
        query: { partNumber: '3', uploadId, 'x-id': 'UploadPart' },
        headers: { 'content-length': '5', 'x-amz-checksum-sha256': sha256 },
        expiresIn: 60,
      },
      signingDate,
    );
    expect(normalised(ours)).toEqual(normalised(expected));
    client.destroy();
  });

  it('formats X-Amz-Date as the SDK does', () => {
    expect(toAmzDate(signingDate)).toBe('20261123T163607Z');
  });
});
