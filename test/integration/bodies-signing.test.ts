import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { performance } from 'node:perf_hooks';
import {
  completeUpload,
  createUpload,
  downloadVerified,
  sha256,
  startS3Skein,
  uniqueBody,
  uploadAll,
} from '../helpers/bodies';
import { gqlOk, useTestSkein } from '../helpers/skein';

/**
 * Skein signs S3 URLs with its own SigV4 presigner (a cached signing key), not the SDK's
 * getSignedUrl: the unit test shows the URLs are byte for byte the SDK's; here the S3 server
 * accepts them, refuses them tampered, and a list of 1,000 artifacts gets its download URLs in
 * well under a third of a second of signing.
 */
describe('signing S3 URLs fast', () => {
  const t = useTestSkein({ start: startS3Skein, workspace: 'bodies-sign' });
  let body: Buffer;
  let key: string;

  beforeAll(async () => {
    body = uniqueBody('signing');
    key = `bodies/sha256/${sha256(body)}`;
    const up = await createUpload(t.url, {
      artifact: { workspace: t.ws, key: 'artifact-0000', kind: 'FILE' },
      body: { size: body.length, sha256: sha256(body), contentType: 'text/plain' },
    });
    await uploadAll(up, () => body);
    await completeUpload(t.url, up.artifact.id);
  });

  it('makes URLs the S3 server accepts exactly as it accepts the SDK ones, and refuses tampered', async () => {
    const ours = await t.skein.bodies.store.signGet(
      key,
      { fileName: 'report (final).txt', contentType: 'text/plain' },
      60,
    );
    const client = new S3Client({
      endpoint: process.env.S3_ENDPOINT,
      region: process.env.S3_REGION ?? 'us-east-1',
      forcePathStyle: true,
      credentials: {
        accessKeyId: process.env.S3_ACCESS_KEY_ID!,
        secretAccessKey: process.env.S3_SECRET_ACCESS_KEY!,
      },
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const sdk = await getSignedUrl(
      client,
      new GetObjectCommand({
        Bucket: process.env.S3_BUCKET,
        Key: key,
        ResponseContentDisposition: 'attachment; filename="report (final).txt"',
        ResponseContentType: 'text/plain',
      }),
      { expiresIn: 60 },
    );
    client.destroy();
    for (const signed of [ours, sdk]) {
      const res = await fetch(signed);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="report (final).txt"');
      expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
    }
    const tampered = new URL(ours);
    tampered.searchParams.set('response-content-type', 'text/html');
    const res = await fetch(tampered);
    expect(res.status).toBe(403);
    await res.arrayBuffer();
  });

  it('signs download URLs for a list of 1,000 artifacts in well under a third of a second', async () => {
    // 999 more artifacts with the same body: "already stored", AVAILABLE at once.
    const keys = Array.from({ length: 999 }, (_, i) => `artifact-${String(i + 1).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 100) {
      await Promise.all(
        keys.slice(i, i + 100).map((k) =>
          createUpload(t.url, {
            artifact: { workspace: t.ws, key: k, kind: 'FILE' },
            body: { size: body.length, sha256: sha256(body), contentType: 'text/plain' },
          }),
        ),
      );
    }

    // The signing alone: 1,000 download URLs.
    const store = t.skein.bodies.store;
    await store.signGet(key, { fileName: 'warm-up' }, 900);
    const started = performance.now();
    for (let i = 0; i < 1000; i++)
      await store.signGet(key, { fileName: `artifact-${i}.txt`, contentType: 'text/plain' }, 900);
    const signingMs = performance.now() - started;
    console.log(`signing 1,000 download URLs took ${signingMs.toFixed(1)} ms`);
    expect(signingMs).toBeLessThan(1000 / 3);

    // End to end: the list with a download URL per artifact.
    const t0 = performance.now();
    const data = await gqlOk<{ artifacts: { edges: Array<{ node: { key: string; downloadUrl: string } }> } }>(
      t.url,
      'query($w: String!) { artifacts(workspace: $w, first: 1000) { edges { node { key downloadUrl } } } }',
      { w: t.ws },
    );
    console.log(`listing 1,000 artifacts with download URLs took ${(performance.now() - t0).toFixed(0)} ms end to end`);
    const urls = data.artifacts.edges.map((e) => e.node.downloadUrl);
    expect(urls).toHaveLength(1000);
    expect(new Set(urls).size).toBe(1000); // each names its own file
    await downloadVerified(urls[500]!, sha256(body));
  }, 120_000);
});
