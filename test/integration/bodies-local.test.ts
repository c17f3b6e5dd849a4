import { existsSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { createServices } from '../../src/services';
import { OPEN } from '../../src/auth/principal';
import { createWorkspace, startRun } from '../helpers/pipeline';
import {
  ARTIFACT_BODY_FIELDS,
  MiB,
  artifactDownload,
  artifactState,
  completeUpload,
  createUpload,
  downloadVerified,
  expectCode,
  headersOf,
  httpError,
  partDigests,
  put,
  sha256,
  startLocalSkein,
  tryCreateUpload,
  uniqueBody,
  uploadAll,
} from '../helpers/bodies';
import { gql, gqlOk, useTestSkein } from '../helpers/skein';

/**
 * The local store: Skein answers the signed URLs itself, streams each body to a temporary file,
 * and keeps it only when its size and SHA-256 are what the URL was signed for.
 */
describe('bodies in the local store', () => {
  const maxUpload = 40 * MiB;
  const t = useTestSkein({
    start: startLocalSkein,
    env: {
      SKEIN_MULTIPART_THRESHOLD: String(5 * MiB),
      SKEIN_MULTIPART_PART_SIZE: String(5 * MiB),
      SKEIN_MAX_UPLOAD_BYTES: String(maxUpload),
    },
    workspace: 'bodies-local',
  });

  const file = (key: string, body: Buffer, extra: Record<string, unknown> = {}) => ({
    artifact: { workspace: t.ws, key, kind: 'FILE', ...extra },
    body: { size: body.length, sha256: sha256(body), contentType: 'text/plain' },
  });

  const artifactView = async (ref: string) =>
    (
      await gqlOk<{ artifact: Record<string, unknown> }>(
        t.url,
        `query($r: String!) { artifact(ref: $r) { ${ARTIFACT_BODY_FIELDS} } }`,
        { r: ref },
      )
    ).artifact;

  it('round-trips a body: signed PUT, completeUpload, signed GET verified', async () => {
    const body = uniqueBody('round trip');
    const up = await createUpload(t.url, file('reports/summary.txt', body));
    expect(up.artifact.state).toBe('PENDING');
    expect(up.alreadyStored).toBe(false);
    const [target] = up.bodies;
    expect(target).toMatchObject({ sha256: sha256(body), size: body.length, method: 'PUT', parts: [] });
    expect(new URL(target!.url!).pathname).toBe(`/bodies/sha256/${sha256(body)}`); // the server's key, by content
    expect(Date.parse(up.expiresAt!)).toBeGreaterThan(Date.now());

    await uploadAll(up, () => body);
    const done = await completeUpload(t.url, up.artifact.id);
    expect(done.errors).toBeUndefined();
    expect(done.data!.completeUpload.state).toBe('AVAILABLE');

    const a = await artifactView(up.artifact.id);
    expect(a).toMatchObject({ state: 'AVAILABLE', digest: sha256(body), size: body.length, digestVerified: true });
    expect(a.location).toMatch(/^file:\/\/.*\/bodies\/sha256\/[0-9a-f]{64}$/);
    expect(a.path).toBe(`${t.ws}/reports/summary.txt`);
    expect((await downloadVerified(a.downloadUrl as string, sha256(body))).equals(body)).toBe(true);

    const dl = await artifactDownload(t.url, up.artifact.uri);
    expect(dl.files).toEqual([
      expect.objectContaining({ path: 'summary.txt', size: body.length, sha256: sha256(body) }),
    ]);
    const res = await fetch(dl.files[0]!.url!);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="summary.txt"');
    expect(res.headers.get('content-type')).toBe('text/plain');
    await res.arrayBuffer();

    // completeUpload again is a no-op.
    expect((await completeUpload(t.url, up.artifact.id)).data!.completeUpload.state).toBe('AVAILABLE');
  });

  it('serves a byte range and HEAD', async () => {
    const body = uniqueBody('ranges', 1000);
    const up = await createUpload(t.url, file('ranges.bin', body));
    await uploadAll(up, () => body);
    await completeUpload(t.url, up.artifact.id);
    const { files } = await artifactDownload(t.url, up.artifact.id);
    const part = await fetch(files[0]!.url!, { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(body.subarray(10, 20))).toBe(true);
    const head = await fetch(files[0]!.url!, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('1000');
  });

  it('refuses completeUpload before the body is there (PRECONDITION_FAILED, still PENDING)', async () => {
    const body = uniqueBody('early');
    const up = await createUpload(t.url, file('early.txt', body));
    const early = await completeUpload(t.url, up.artifact.id);
    expectCode(early, 'PRECONDITION_FAILED');
    expect(early.errors![0]!.message).toMatch(/not uploaded yet/);
    expect(await artifactState(t.url, up.artifact.id)).toBe('PENDING');
  });

  it('refuses a tampered URL (size, expiry, another object) with 403', async () => {
    const body = uniqueBody('tampered');
    const up = await createUpload(t.url, file('tampered.txt', body));
    const signed = new URL(up.bodies[0]!.url!);

    const longer = new URL(signed);
    longer.searchParams.set('X-Skein-Expires', String(Number(signed.searchParams.get('X-Skein-Expires')) + 86_400));
    const bigger = new URL(signed);
    bigger.searchParams.set('X-Skein-Size', String(body.length + 1));
    const other = new URL(signed);
    other.pathname = `/bodies/sha256/${sha256('someone else')}`;
    const unsigned = new URL(signed);
    unsigned.searchParams.delete('X-Skein-Signature');

    for (const tampered of [longer, bigger, other, unsigned]) {
      const res = await put(tampered.toString(), body);
      expect({ url: tampered.toString(), status: res.status }).toEqual({ url: tampered.toString(), status: 403 });
      expect((await httpError(res)).code).toBe('FORBIDDEN');
    }
    expectCode(await completeUpload(t.url, up.artifact.id), 'PRECONDITION_FAILED');
    expect(await artifactState(t.url, up.artifact.id)).toBe('PENDING');
  });

  it('refuses an expired URL with 403', async () => {
    const body = uniqueBody('expired');
    const up = await createUpload(t.url, { ...file('expired.txt', body), expiresIn: 1 });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const res = await put(up.bodies[0]!.url!, body);
    expect(res.status).toBe(403);
    expect((await httpError(res)).message).toMatch(/expired/);
    expect(await artifactState(t.url, up.artifact.id)).toBe('PENDING');
  });

  it('refuses a body with another SHA-256 (400 BadDigest) and keeps nothing', async () => {
    const body = uniqueBody('checksum');
    const up = await createUpload(t.url, file('checksum.txt', body));
    const forged = Buffer.from(body.toString().toUpperCase()); // same length
    const res = await put(up.bodies[0]!.url!, forged);
    expect(res.status).toBe(400);
    expect((await httpError(res)).message).toMatch(/BadDigest/);
    expect(existsSync(path.join(t.skein.dir, 'store', 'bodies', 'sha256', sha256(body)))).toBe(false);
    expectCode(await completeUpload(t.url, up.artifact.id), 'PRECONDITION_FAILED');
    expect(await artifactState(t.url, up.artifact.id)).toBe('PENDING');
  });

  it('refuses a body of the wrong length: shorter (400), declared longer (413 before reading)', async () => {
    const body = uniqueBody('length');
    const up = await createUpload(t.url, file('length.txt', body));
    const short = await put(up.bodies[0]!.url!, body.subarray(0, body.length - 1));
    expect(short.status).toBe(400);
    expect((await httpError(short)).message).toMatch(/signed for exactly/);
    const long = await put(up.bodies[0]!.url!, Buffer.concat([body, Buffer.from('!')]));
    expect(long.status).toBe(413);
    expect(await artifactState(t.url, up.artifact.id)).toBe('PENDING');
  });

  it('cuts off a streamed body that runs past its signed size, with a clear error', async () => {
    const body = uniqueBody('cut off', 64 * 1024);
    const up = await createUpload(t.url, file('cut-off.bin', body));
    // Chunked (no Content-Length): the store only finds out while reading.
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(up.bodies[0]!.url!, { method: 'PUT', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body);
      req.write(Buffer.alloc(1024 * 1024)); // a megabyte too many
      req.end();
    });
    expect(answer.status).toBe(413);
    expect(answer.text).toMatch(/longer than the 65536 bytes this URL was signed for; it was cut off/);
    expectCode(await completeUpload(t.url, up.artifact.id), 'PRECONDITION_FAILED');
  });

  it('refuses a body over SKEIN_MAX_UPLOAD_BYTES at createUpload', async () => {
    const res = await tryCreateUpload(t.url, {
      artifact: { workspace: t.ws, key: 'huge.bin', kind: 'FILE' },
      body: { size: maxUpload + 1, sha256: sha256('x'), partSha256: Array(9).fill(sha256('x')) },
    });
    expectCode(res, 'PAYLOAD_TOO_LARGE');
    expect(res.errors![0]!.message).toMatch(/SKEIN_MAX_UPLOAD_BYTES/);
  });

  it('uploads a large body in parts, each checked, joined on completeUpload', async () => {
    const body = uniqueBody('multipart', 11 * MiB);
    const parts = partDigests(body, 5 * MiB);
    expect(parts).toHaveLength(3);

    const missing = await tryCreateUpload(t.url, {
      artifact: { workspace: t.ws, key: 'big.bin', kind: 'FILE' },
      body: { size: body.length, sha256: sha256(body) },
    });
    expectCode(missing, 'BAD_USER_INPUT');
    expect(missing.errors![0]!.message).toMatch(/in parts of 5242880 bytes/);

    const up = await createUpload(t.url, {
      artifact: { workspace: t.ws, key: 'big.bin', kind: 'FILE' },
      body: { size: body.length, sha256: sha256(body), partSha256: parts },
    });
    const [target] = up.bodies;
    expect(target!.url).toBeNull();
    expect(target!.parts.map((p) => [p.partNumber, p.size, p.sha256])).toEqual([
      [1, 5 * MiB, parts[0]],
      [2, 5 * MiB, parts[1]],
      [3, MiB, parts[2]],
    ]);
    // A part with other bytes is refused.
    const bad = await put(target!.parts[1]!.url, body.subarray(0, 5 * MiB), headersOf(target!.parts[1]!.headers));
    expect(bad.status).toBe(400);
    // Two of three parts: not complete.
    for (const p of target!.parts.slice(0, 2)) {
      const res = await put(p.url, body.subarray((p.partNumber - 1) * 5 * MiB, p.partNumber * 5 * MiB));
      expect(res.status).toBe(200);
    }
    const early = await completeUpload(t.url, up.artifact.id);
    expectCode(early, 'PRECONDITION_FAILED');
    expect(early.errors![0]!.message).toMatch(/parts 3 of 3 not uploaded yet/);

    await put(target!.parts[2]!.url, body.subarray(10 * MiB));
    expect((await completeUpload(t.url, up.artifact.id)).data!.completeUpload.state).toBe('AVAILABLE');
    const a = await artifactView(up.artifact.id);
    // The local store hashed the joined body, so its whole SHA-256 is verified too.
    expect(a).toMatchObject({ digestVerified: true, size: body.length });
    expect(a.location).toMatch(/\/bodies\/sha256-parts\/[0-9a-f]{64}-3$/);
    expect((await downloadVerified(a.downloadUrl as string, sha256(body))).length).toBe(body.length);
  });

  it('stores identical bodies once: a second upload is "already stored", with no URL', async () => {
    const body = uniqueBody('dedup');
    const first = await createUpload(t.url, file('dedup-a.txt', body));
    await uploadAll(first, () => body);
    await completeUpload(t.url, first.artifact.id);

    const second = await createUpload(t.url, file('dedup-b.txt', body));
    expect(second.alreadyStored).toBe(true);
    expect(second.expiresAt).toBeNull();
    expect(second.bodies).toEqual([expect.objectContaining({ alreadyStored: true, url: null, parts: [] })]);
    expect(second.artifact.state).toBe('AVAILABLE');
    expect(second.artifact.location).toBe(first.artifact.location ?? (await artifactView(first.artifact.id)).location);
    await downloadVerified((await artifactView(second.artifact.id)).downloadUrl as string, sha256(body));
  });

  it('never deduplicates on a digest nobody verified', async () => {
    const body = uniqueBody('unverified');
    const first = await createUpload(t.url, file('unverified-a.txt', body)); // never uploaded
    const second = await createUpload(t.url, file('unverified-b.txt', body));
    expect(second.alreadyStored).toBe(false);
    expect(second.bodies[0]!.url).not.toBeNull();
    expect(first.artifact.state).toBe('PENDING');
  });

  it('aborts an upload: ABORTED, the body it alone held deleted, completeUpload refused', async () => {
    const body = uniqueBody('abort');
    const up = await createUpload(t.url, file('abort.txt', body));
    await uploadAll(up, () => body);
    const stored = path.join(t.skein.dir, 'store', 'bodies', 'sha256', sha256(body));
    expect(existsSync(stored)).toBe(true);

    const aborted = await gqlOk<{ abortUpload: { state: string } }>(
      t.url,
      'mutation($r: String!) { abortUpload(ref: $r) { state } }',
      { r: up.artifact.id },
    );
    expect(aborted.abortUpload.state).toBe('ABORTED');
    expect(existsSync(stored)).toBe(false);
    expectCode(await completeUpload(t.url, up.artifact.id), 'PRECONDITION_FAILED');
  });

  it('aborts a multipart upload and frees its parts', async () => {
    const body = uniqueBody('abort parts', 6 * MiB);
    const up = await createUpload(t.url, {
      artifact: { workspace: t.ws, key: 'abort-parts.bin', kind: 'FILE' },
      body: { size: body.length, sha256: sha256(body), partSha256: partDigests(body, 5 * MiB) },
    });
    const first = up.bodies[0]!.parts[0]!;
    expect((await put(first.url, body.subarray(0, 5 * MiB))).status).toBe(200);
    await gqlOk(t.url, 'mutation($r: String!) { abortUpload(ref: $r) { state } }', { r: up.artifact.id });
    const late = await put(up.bodies[0]!.parts[1]!.url, body.subarray(5 * MiB));
    expect(late.status).toBe(404); // the multipart upload is gone
  });

  it('cleans up PENDING uploads older than the TTL', async () => {
    const own = await createWorkspace(t.url, 'bodies-ttl');
    const body = uniqueBody('ttl');
    const up = await createUpload(t.url, {
      artifact: { workspace: own, key: 'stale.txt', kind: 'FILE' },
      body: { size: body.length, sha256: sha256(body) },
    });
    const bodyService = createServices({ graph: t.skein.graph, caller: OPEN, bodies: t.skein.bodies }).bodies;
    // Not older than the TTL yet: untouched.
    const none = await bodyService.cleanupExpired({ olderThan: new Date(Date.now() - 3600_000), workspace: own });
    expect(none.aborted).toEqual([]);
    // Renewing its URLs restarts its TTL.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const beforeRenew = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await gqlOk(t.url, 'mutation($r: String!) { renewUpload(ref: $r) { expiresAt } }', { r: up.artifact.id });
    const renewed = await bodyService.cleanupExpired({ olderThan: beforeRenew, workspace: own });
    expect(renewed.aborted).toEqual([]);
    // As seen a TTL later (scoped to this test's workspace: other tests share the database).
    const swept = await bodyService.cleanupExpired({ olderThan: new Date(Date.now() + 1000), workspace: own });
    expect(swept).toEqual({ aborted: [up.artifact.uid], failed: [] });
    expect(await artifactState(t.url, up.artifact.id)).toBe('ABORTED');
  });

  it('names artifacts by path template: call > run > workspace > server', async () => {
    const own = await createWorkspace(t.url, 'bodies-paths');
    const runId = await startRun(t.url, own, 'train');
    const runUid = Buffer.from(runId, 'base64url').toString().split(':')[1];
    const pathOf = async (key: string, extra: Record<string, unknown> = {}, input: Record<string, unknown> = {}) => {
      const body = uniqueBody(key);
      const up = await createUpload(t.url, {
        artifact: { workspace: own, key, kind: 'MODEL', ...extra },
        body: { size: body.length, sha256: sha256(body) },
        ...input,
      });
      return up.artifact.path;
    };
    const template = async (workspace: string, template: string | null, run?: string) =>
      (
        await gqlOk<{ setArtifactPathTemplate: { template: string; source: string } }>(
          t.url,
          'mutation($w: String!, $t: String, $r: ID) { setArtifactPathTemplate(workspace: $w, template: $t, run: $r) { template source } }',
          { w: workspace, t: template, r: run ?? null },
        )
      ).setArtifactPathTemplate;

    expect(await pathOf('models/a', { run: runId })).toBe(`${own}/${runUid}/models/a`); // server default
    expect(await template(own, 'projects/{{workspace}}/artifacts')).toEqual({
      template: 'projects/{{workspace}}/artifacts',
      source: 'WORKSPACE',
    });
    expect(await pathOf('models/b', { run: runId })).toBe(`projects/${own}/artifacts/models/b`); // a directory: key appended
    expect(await template(own, 'runs/{{run.name}}-{{run.uid}}/{{key}}/v{{version}}', runId)).toMatchObject({
      source: 'RUN',
    });
    expect(await pathOf('models/c', { run: runId })).toBe(`runs/train-${runUid}/models/c/v1`);
    expect(await pathOf('models/d')).toBe(`projects/${own}/artifacts/models/d`); // no run: the workspace's
    expect(await pathOf('models/e', { run: runId }, { artifactPath: 'adhoc/{{key}}' })).toBe('adhoc/models/e');

    const query = await gqlOk<{ artifactPathTemplate: { source: string } }>(
      t.url,
      'query($w: String!, $r: ID) { artifactPathTemplate(workspace: $w, run: $r) { template source } }',
      { w: own, r: runId },
    );
    expect(query.artifactPathTemplate.source).toBe('RUN');
    expect(await template(own, null, runId)).toMatchObject({ source: 'WORKSPACE' });
    expect(await template(own, null)).toMatchObject({
      source: 'SERVER',
      template: '{{workspace}}/{{run.uid}}/{{key}}',
    });

    const bad = await gql(
      t.url,
      'mutation($w: String!) { setArtifactPathTemplate(workspace: $w, template: "../{{key}}") { source } }',
      {
        w: own,
      },
    );
    expectCode(bad, 'BAD_USER_INPUT');
    const unknown = await tryCreateUpload(t.url, {
      artifact: { workspace: own, key: 'x', kind: 'FILE' },
      body: { size: 1, sha256: sha256('x') },
      artifactPath: '{{project}}/{{key}}',
    });
    expectCode(unknown, 'BAD_USER_INPUT');
    expect(unknown.errors![0]!.message).toMatch(/unknown variable \{\{project\}\}/i);
  });

  it('refuses what the server chooses: a location, a digest or a size on the artifact', async () => {
    const res = await tryCreateUpload(t.url, {
      artifact: { workspace: t.ws, key: 'chosen.txt', kind: 'FILE', location: 's3://elsewhere/x' },
      body: { size: 1, sha256: sha256('x') },
    });
    expectCode(res, 'BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe('artifact.location');
  });

  it('describes the store, and renews the URLs of a PENDING upload', async () => {
    const info = await gqlOk<{ bodyStore: Record<string, unknown> }>(
      t.url,
      '{ bodyStore { kind multipartThreshold partSize maxUploadBytes uploadUrlExpiresIn downloadUrlExpiresIn uploadTtl artifactPath } }',
    );
    expect(info.bodyStore).toEqual({
      kind: 'LOCAL',
      multipartThreshold: 5 * MiB,
      partSize: 5 * MiB,
      maxUploadBytes: maxUpload,
      uploadUrlExpiresIn: 3600,
      downloadUrlExpiresIn: 900,
      uploadTtl: 86400,
      artifactPath: '{{workspace}}/{{run.uid}}/{{key}}',
    });

    const body = uniqueBody('renew');
    const up = await createUpload(t.url, { ...file('renew.txt', body), expiresIn: 1 });
    expect((await artifactView(up.artifact.id)).downloadUrl).toBeNull(); // PENDING: nothing to download
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const renewed = await gqlOk<{ renewUpload: { bodies: Array<{ url: string }> } }>(
      t.url,
      'mutation($r: String!) { renewUpload(ref: $r, expiresIn: 60) { bodies { url } } }',
      { r: up.artifact.id },
    );
    expect((await put(renewed.renewUpload.bodies[0]!.url, body)).status).toBe(200);
    expect((await completeUpload(t.url, up.artifact.id)).data!.completeUpload.state).toBe('AVAILABLE');
  });

  it('retries createUpload safely with an idempotency key (same artifact, fresh URLs)', async () => {
    const body = uniqueBody('idempotent');
    const input = file('idempotent.txt', body, { idempotencyKey: `idem-${Date.now()}-${Math.random()}` });
    const a = await createUpload(t.url, input);
    const b = await createUpload(t.url, input);
    expect(b.artifact.uid).toBe(a.artifact.uid);
    expect(b.bodies[0]!.url).toBeTruthy();
  });
});
