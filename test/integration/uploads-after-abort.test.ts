import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SkeinHandle } from '../../src/app';
import { sweepOrphanBodies } from '../../src/services/bodies/sweep';
import {
  createUpload,
  httpError,
  put,
  sha256,
  startLocalSkein,
  startS3Skein,
  uniqueBody,
  type UploadView,
} from '../helpers/bodies';
import { createWorkspace, gqlOk } from '../helpers/skein';

/**
 * A PUT to a signed URL after abortUpload (finding 9: it was stored, and nothing ever referred to
 * it). The local store refuses it; S3 cannot refuse a presigned PUT, so the orphan sweep deletes
 * what no Body names.
 */

const abort = (url: string, ref: string) =>
  gqlOk(url, 'mutation($r: String!) { abortUpload(ref: $r) { state } }', { r: ref });

async function abortedUpload(skein: SkeinHandle, body: Buffer, key: string): Promise<UploadView> {
  const ws = await createWorkspace(skein.graphqlUrl, 'late-put');
  const up = await createUpload(skein.graphqlUrl, {
    artifact: { workspace: ws, key, kind: 'FILE' },
    body: { size: body.length, sha256: sha256(body) },
  });
  await abort(skein.graphqlUrl, up.artifact.id);
  return up;
}

describe('a PUT after abortUpload, local store', () => {
  let skein: SkeinHandle & { dir: string };
  beforeAll(async () => (skein = await startLocalSkein()));
  afterAll(() => skein.stop());

  it('is refused, and nothing is stored', async () => {
    const body = uniqueBody('late local');
    const up = await abortedUpload(skein, body, 'late.txt');
    const res = await put(up.bodies[0]!.url!, body);
    expect(res.status).toBe(404);
    expect(await httpError(res)).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/aborted/) });
    expect(existsSync(path.join(skein.dir, 'store', 'bodies', 'sha256', sha256(body)))).toBe(false);
  });

  it('still takes the body when another live upload holds it', async () => {
    const body = uniqueBody('shared local');
    const ws = await createWorkspace(skein.graphqlUrl, 'late-put-shared');
    const input = (key: string) => ({
      artifact: { workspace: ws, key, kind: 'FILE' },
      body: { size: body.length, sha256: sha256(body) },
    });
    const first = await createUpload(skein.graphqlUrl, input('a.txt'));
    const second = await createUpload(skein.graphqlUrl, input('b.txt'));
    await abort(skein.graphqlUrl, first.artifact.id);
    expect((await put(second.bodies[0]!.url!, body)).status).toBe(200);
  });
});

describe('a PUT after abortUpload, S3', () => {
  let skein: SkeinHandle;
  beforeAll(async () => (skein = await startS3Skein()));
  afterAll(() => skein.stop());

  it("is swept: the object no Body names is deleted, a live upload's object is kept", async () => {
    const late = uniqueBody('late s3');
    const up = await abortedUpload(skein, late, 'late.bin');
    expect((await put(up.bodies[0]!.url!, late, headers(up))).status).toBe(200); // S3 cannot refuse it
    const lateKey = `bodies/sha256/${sha256(late)}`;
    expect(await skein.bodies.store.head(lateKey)).not.toBeNull();

    const live = uniqueBody('live s3');
    const ws = await createWorkspace(skein.graphqlUrl, 'live-put');
    const liveUp = await createUpload(skein.graphqlUrl, {
      artifact: { workspace: ws, key: 'live.bin', kind: 'FILE' },
      body: { size: live.length, sha256: sha256(live) },
    });
    expect((await put(liveUp.bodies[0]!.url!, live, headers(liveUp))).status).toBe(200);
    const liveKey = `bodies/sha256/${sha256(live)}`;

    // Narrowed to these two keys: the bucket is shared with suites running in parallel.
    const sweep = (prefix: string) => sweepOrphanBodies(skein.graph, skein.bodies, { olderThanMs: 0, prefix });
    expect(await sweep(liveKey)).toEqual([]);
    expect(await sweep(lateKey)).toEqual([lateKey]);
    expect(await skein.bodies.store.head(lateKey)).toBeNull();
    expect(await skein.bodies.store.head(liveKey)).not.toBeNull();
    await skein.bodies.store.delete(liveKey);
  });

  it('keeps objects younger than the URL lifetime (a createUpload may still be committing)', async () => {
    const late = uniqueBody('young s3');
    const up = await abortedUpload(skein, late, 'young.bin');
    expect((await put(up.bodies[0]!.url!, late, headers(up))).status).toBe(200);
    const key = `bodies/sha256/${sha256(late)}`;
    expect(await sweepOrphanBodies(skein.graph, skein.bodies, { olderThanMs: 3600_000, prefix: key })).toEqual([]);
    await skein.bodies.store.delete(key);
  });
});

function headers(up: UploadView): Record<string, string> {
  return Object.fromEntries(up.bodies[0]!.headers.map((h) => [h.name, h.value]));
}
