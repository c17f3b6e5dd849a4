import type { SkeinHandle } from '../../src/app';
import { createWorkspace } from '../helpers/pipeline';
import {
  ARTIFACT_BODY_FIELDS,
  MiB,
  artifactDownload,
  artifactState,
  completeUpload,
  createUpload,
  deleteWorkspaceBodies,
  downloadVerified,
  expectCode,
  headersOf,
  partDigests,
  put,
  putStatus,
  sha256,
  startS3Skein,
  uniqueBody,
  uploadAll,
  type UploadView,
} from '../helpers/bodies';
import { gqlOk } from '../helpers/skein';

/**
 * The S3 store against a real S3 server (S3Proxy in the harness): clients PUT and GET straight to
 * it with URLs Skein signed; the size and SHA-256 are signed headers, so the store itself refuses
 * any other body. After every refusal the artifact is still PENDING.
 */
describe('bodies in S3', () => {
  let skein: SkeinHandle;
  let url: string;
  let ws: string;
  const bucket = process.env.S3_BUCKET;

  beforeAll(async () => {
    skein = await startS3Skein({
      SKEIN_MULTIPART_THRESHOLD: String(5 * MiB),
      SKEIN_MULTIPART_PART_SIZE: String(5 * MiB),
    });
    url = skein.graphqlUrl;
    ws = await createWorkspace(url, 'bodies-s3');
  });
  afterAll(async () => {
    await deleteWorkspaceBodies(skein, ws);
    await skein.stop();
  });

  const file = (key: string, body: Buffer, extra: Record<string, unknown> = {}) => ({
    artifact: { workspace: ws, key, kind: 'FILE' },
    body: { size: body.length, sha256: sha256(body), contentType: 'application/octet-stream' },
    ...extra,
  });
  const artifactView = async (ref: string) =>
    (
      await gqlOk<{ artifact: Record<string, unknown> }>(
        url,
        `query($r: String!) { artifact(ref: $r) { ${ARTIFACT_BODY_FIELDS} } }`,
        { r: ref },
      )
    ).artifact;
  const stillPending = async (up: UploadView) => {
    expectCode(await completeUpload(url, up.artifact.id), 'PRECONDITION_FAILED');
    expect(await artifactState(url, up.artifact.id)).toBe('PENDING');
  };

  it('round-trips a body: signed PUT to S3, completeUpload, signed GET verified', async () => {
    const body = uniqueBody('s3 round trip');
    const up = await createUpload(url, file('models/model.pkl', body));
    const target = up.bodies[0]!;
    const signed = new URL(target.url!);
    expect(signed.pathname).toBe(`/${bucket}/bodies/sha256/${sha256(body)}`);
    // Size and checksum are signed headers, never hoisted into the query string.
    expect(signed.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;host;x-amz-checksum-sha256');
    expect(signed.searchParams.has('x-amz-checksum-sha256')).toBe(false);
    expect(headersOf(target.headers)).toEqual({
      'x-amz-checksum-sha256': Buffer.from(sha256(body), 'hex').toString('base64'),
    });

    await stillPending(up); // nothing uploaded yet
    await uploadAll(up, () => body);
    expect((await completeUpload(url, up.artifact.id)).data!.completeUpload.state).toBe('AVAILABLE');

    const a = await artifactView(up.artifact.id);
    expect(a).toMatchObject({
      state: 'AVAILABLE',
      location: `s3://${bucket}/bodies/sha256/${sha256(body)}`,
      digestVerified: true,
      path: `${ws}/models/model.pkl`,
    });
    const res = await fetch(a.downloadUrl as string);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="model.pkl"');
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
    const dl = await artifactDownload(url, up.artifact.id);
    await downloadVerified(dl.files[0]!.url!, sha256(body));
  });

  it('refuses a tampered URL: longer expiry, another object (403)', async () => {
    const body = uniqueBody('s3 tampered');
    const up = await createUpload(url, file('tampered.bin', body));
    const { url: signed, headers } = up.bodies[0]!;
    const longer = new URL(signed!);
    longer.searchParams.set('X-Amz-Expires', '604800');
    const other = new URL(signed!);
    other.pathname = other.pathname.replace(/[0-9a-f]{64}$/, sha256('someone else'));
    for (const tampered of [longer, other]) {
      const res = await put(tampered.toString(), body, headersOf(headers));
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/SignatureDoesNotMatch|AccessDenied/);
    }
    await stillPending(up);
  });

  it('refuses an expired URL (403)', async () => {
    const body = uniqueBody('s3 expired');
    const up = await createUpload(url, file('expired.bin', body, { expiresIn: 1 }));
    // Expiry is X-Amz-Date + 1 s, compared at one-second granularity: wait past it.
    const amzDate = new URL(up.bodies[0]!.url!).searchParams.get('X-Amz-Date')!;
    const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, signedAt + 2_100 - Date.now())));
    const res = await put(up.bodies[0]!.url!, body, headersOf(up.bodies[0]!.headers));
    expect(res.status).toBe(403);
    await stillPending(up);
  });

  it('refuses a body with the wrong checksum: with the signed header (400 BadDigest), without it (403)', async () => {
    const body = uniqueBody('s3 checksum');
    const up = await createUpload(url, file('checksum.bin', body));
    const { url: signed, headers } = up.bodies[0]!;
    const forged = Buffer.from(body.toString().toUpperCase()); // same length

    const withHeader = await put(signed!, forged, headersOf(headers));
    expect(withHeader.status).toBe(400);
    expect(await withHeader.text()).toContain('BadDigest');

    const withoutHeader = await put(signed!, forged);
    expect(withoutHeader.status).toBe(403);
    await withoutHeader.arrayBuffer();

    const otherChecksum = await put(signed!, forged, {
      'x-amz-checksum-sha256': Buffer.from(sha256(forged), 'hex').toString('base64'),
    });
    expect(otherChecksum.status).toBe(403);
    await otherChecksum.arrayBuffer();
    await stillPending(up);
  });

  it('refuses a body of the wrong length (403: Content-Length is signed)', async () => {
    const body = uniqueBody('s3 length');
    const up = await createUpload(url, file('length.bin', body));
    const { url: signed, headers } = up.bodies[0]!;
    for (const wrong of [body.subarray(0, body.length - 1), Buffer.concat([body, Buffer.from('!')])]) {
      const res = await put(signed!, wrong, headersOf(headers));
      expect(res.status).toBe(403);
      await res.arrayBuffer();
    }
    await stillPending(up);
  });

  it('uploads in parts: each part checked by S3, joined on completeUpload, downloaded verified', async () => {
    const body = uniqueBody('s3 multipart', 11 * MiB);
    const parts = partDigests(body, 5 * MiB);
    const up = await createUpload(url, {
      artifact: { workspace: ws, key: 'big.bin', kind: 'FILE' },
      body: { size: body.length, sha256: sha256(body), partSha256: parts },
    });
    const target = up.bodies[0]!;
    expect(target.url).toBeNull();
    expect(target.parts.map((p) => p.size)).toEqual([5 * MiB, 5 * MiB, MiB]);
    for (const p of target.parts) {
      const q = new URL(p.url).searchParams;
      expect(q.get('partNumber')).toBe(String(p.partNumber));
      expect(q.get('X-Amz-SignedHeaders')).toBe('content-length;host;x-amz-checksum-sha256');
    }
    const slice = (n: number) => body.subarray((n - 1) * 5 * MiB, n * 5 * MiB);

    // A part with other bytes under its signed checksum: 400 BadDigest; without the header: 403.
    const p2 = target.parts[1]!;
    expect((await put(p2.url, slice(1), headersOf(p2.headers))).status).toBe(400);
    expect([403, 'closed']).toContain(await putStatus(p2.url, slice(1)));

    for (const p of target.parts.slice(0, 2))
      expect((await put(p.url, slice(p.partNumber), headersOf(p.headers))).status).toBe(200);
    const early = await completeUpload(url, up.artifact.id);
    expectCode(early, 'PRECONDITION_FAILED');
    expect(early.errors![0]!.message).toMatch(/parts 3 of 3 not uploaded yet/);
    expect(await artifactState(url, up.artifact.id)).toBe('PENDING');

    const p3 = target.parts[2]!;
    expect((await put(p3.url, slice(3), headersOf(p3.headers))).status).toBe(200);
    expect((await completeUpload(url, up.artifact.id)).data!.completeUpload.state).toBe('AVAILABLE');
    const a = await artifactView(up.artifact.id);
    expect(a.location).toMatch(new RegExp(`^s3://${bucket}/bodies/sha256-parts/[0-9a-f]{64}-3$`));
    // S3 checked every part, but keeps no SHA-256 of the whole: the digest is as declared.
    expect(a.digestVerified).toBe(false);
    await downloadVerified(a.downloadUrl as string, sha256(body));
  });

  it('deduplicates: the same body again is "already stored", uploaded once', async () => {
    const body = uniqueBody('s3 dedup');
    const first = await createUpload(url, file('dedup-1.bin', body));
    await uploadAll(first, () => body);
    await completeUpload(url, first.artifact.id);

    const again = await createUpload(url, file('dedup-2.bin', body));
    expect(again).toMatchObject({ alreadyStored: true, expiresAt: null });
    expect(again.artifact.state).toBe('AVAILABLE');
    expect(again.bodies[0]).toMatchObject({ alreadyStored: true, url: null, parts: [] });
    await downloadVerified((await artifactView(again.artifact.id)).downloadUrl as string, sha256(body));
  });

  it('deduplicates multipart bodies on their verified composite digest', async () => {
    const body = uniqueBody('s3 dedup parts', 6 * MiB);
    const input = (key: string) => ({
      artifact: { workspace: ws, key, kind: 'FILE' },
      body: { size: body.length, sha256: sha256(body), partSha256: partDigests(body, 5 * MiB) },
    });
    const first = await createUpload(url, input('dedup-parts-1.bin'));
    await uploadAll(first, () => body);
    await completeUpload(url, first.artifact.id);
    const again = await createUpload(url, input('dedup-parts-2.bin'));
    expect(again.alreadyStored).toBe(true);
    expect(again.bodies[0]!.parts).toEqual([]);
  });

  it('aborts a multipart upload: ABORTED, and completeUpload is refused', async () => {
    const body = uniqueBody('s3 abort', 6 * MiB);
    const up = await createUpload(url, {
      artifact: { workspace: ws, key: 'aborted.bin', kind: 'FILE' },
      body: { size: body.length, sha256: sha256(body), partSha256: partDigests(body, 5 * MiB) },
    });
    const p1 = up.bodies[0]!.parts[0]!;
    expect((await put(p1.url, body.subarray(0, 5 * MiB), headersOf(p1.headers))).status).toBe(200);
    const aborted = await gqlOk<{ abortUpload: { state: string } }>(
      url,
      'mutation($r: String!) { abortUpload(ref: $r) { state } }',
      { r: up.artifact.id },
    );
    expect(aborted.abortUpload.state).toBe('ABORTED');
    expectCode(await completeUpload(url, up.artifact.id), 'PRECONDITION_FAILED');
    expect(await artifactState(url, up.artifact.id)).toBe('ABORTED');
  });
});
