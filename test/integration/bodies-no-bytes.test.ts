import { createHash } from 'node:crypto';
import { completeUpload, createUpload, headersOf, startS3Skein } from '../helpers/bodies';
import { gqlOk, useTestSkein } from '../helpers/skein';

/**
 * In the S3 mode the service carries no body bytes: clients PUT and GET straight to S3. Proof: the
 * bytes Skein's HTTP server receives do not move while a 100 MB body is uploaded and downloaded.
 * The body is generated part by part (never held whole), once to hash and once to send.
 */
describe('S3 mode: the service handles none of the body bytes', () => {
  // startS3Skein with the default threshold (64 MiB) and part size (16 MiB): 6 parts.
  const t = useTestSkein({ start: startS3Skein, workspace: 'bodies-bytes' });
  const SIZE = 100 * 1000 * 1000;

  it('uploads and downloads 100 MB while Skein receives only the GraphQL calls', async () => {
    const { partSize } = (await gqlOk<{ bodyStore: { partSize: number } }>(t.url, '{ bodyStore { partSize } }'))
      .bodyStore;
    const seed = `${Date.now()}-${Math.random()}`;
    const count = Math.ceil(SIZE / partSize);
    /** Part i of the body, made on demand. */
    const part = (i: number) => Buffer.alloc(Math.min(partSize, SIZE - i * partSize), `skein ${seed} part ${i} `);

    const whole = createHash('sha256');
    const partSha256: string[] = [];
    for (let i = 0; i < count; i++) {
      const bytes = part(i);
      whole.update(bytes);
      partSha256.push(createHash('sha256').update(bytes).digest('hex'));
    }
    const digest = whole.digest('hex');

    const before = t.skein.bytesReceived();
    const up = await createUpload(t.url, {
      artifact: { workspace: t.ws, key: 'big/model.bin', kind: 'MODEL' },
      body: { size: SIZE, sha256: digest, partSha256 },
    });
    expect(up.bodies[0]!.parts).toHaveLength(count);

    const beforeBody = t.skein.bytesReceived();
    for (const p of up.bodies[0]!.parts) {
      const res = await fetch(p.url, { method: 'PUT', body: part(p.partNumber - 1), headers: headersOf(p.headers) });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    expect(t.skein.bytesReceived()).toBe(beforeBody); // 100 MB went to S3, not a byte to Skein

    expect((await completeUpload(t.url, up.artifact.id)).data!.completeUpload.state).toBe('AVAILABLE');
    const { artifact } = await gqlOk<{ artifact: { downloadUrl: string; location: string } }>(
      t.url,
      'query($r: String!) { artifact(ref: $r) { downloadUrl location } }',
      { r: up.artifact.id },
    );
    const beforeDownload = t.skein.bytesReceived();
    const res = await fetch(artifact.downloadUrl);
    expect(res.status).toBe(200);
    const check = createHash('sha256');
    let received = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      check.update(chunk);
      received += chunk.length;
    }
    expect(received).toBe(SIZE);
    expect(check.digest('hex')).toBe(digest);
    expect(t.skein.bytesReceived()).toBe(beforeDownload);

    // The whole exchange cost Skein a few kilobytes of GraphQL.
    expect(t.skein.bytesReceived() - before).toBeLessThan(64 * 1024);

    // S3Proxy in the harness keeps objects in memory: free the 100 MB (a unique body, no one else holds it).
    await t.skein.bodies.store.delete(artifact.location.replace(`s3://${process.env.S3_BUCKET}/`, ''));
  }, 180_000);
});
