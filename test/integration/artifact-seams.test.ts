import {
  completeUpload,
  createUpload,
  expectCode,
  sha256,
  startLocalSkein,
  uniqueBody,
  uploadAll,
  type UploadView,
} from '../helpers/bodies';
import { logArtifact } from '../helpers/pipeline';
import { gql, gqlOk, useTestSkein, type GraphQLResponse } from '../helpers/skein';

/**
 * Where uploads, tags, version names, delete/restore and history meet (issue 14 review): a deleted
 * upload is not completed or renewed, a tag and a version name never share a name (deleted holders
 * and waiting upload tags count), `:tag` on a deleted holder says so, and every tag move (at
 * create and at completion too) is in both versions' history. Each test uses its own keys.
 */
describe('artifact seams: uploads, tags, version names, deletion and history', () => {
  const t = useTestSkein({ start: startLocalSkein, workspace: 'artifact-seams' });

  const uri = (key: string, sel = '') => `store://artifacts/${t.ws}/${key}${sel}`;
  const log = (key: string, extra: Record<string, unknown> = {}) =>
    logArtifact(t.url, { workspace: t.ws, key, kind: 'FILE', ...extra });
  const tryLog = (key: string, extra: Record<string, unknown> = {}) =>
    gql(t.url, 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { uid } }', {
      i: { workspace: t.ws, key, kind: 'FILE', ...extra },
    });
  const upload = async (key: string, tags: string[] = []): Promise<{ up: UploadView; body: Buffer }> => {
    const body = uniqueBody(key);
    const up = await createUpload(t.url, {
      artifact: { workspace: t.ws, key, kind: 'FILE', tags },
      body: { size: body.length, sha256: sha256(body) },
    });
    await uploadAll(up, () => body);
    return { up, body };
  };
  const mutate = (op: string, ref: string) =>
    gql(t.url, `mutation($r: String!) { ${op}(ref: $r) { __typename } }`, { r: ref });
  const ok = async (res: Promise<GraphQLResponse>) => {
    const r = await res;
    expect(r.errors).toBeUndefined();
    return r;
  };
  const tagsOf = async (ref: string) =>
    (
      await gqlOk<{ artifact: { tags: string[] } }>(t.url, 'query($r: String!) { artifact(ref: $r) { tags } }', {
        r: ref,
      })
    ).artifact.tags;
  const resolve = (ref: string) =>
    gql<{ artifact: { uid: string; version: number; deletedAt: string | null } }>(
      t.url,
      'query($r: String!) { artifact(ref: $r) { uid version deletedAt } }',
      { r: ref },
    );
  const history = async (ref: string) =>
    (
      await gqlOk<{ artifact: { history: { edges: Array<{ node: Record<string, unknown> }> } } }>(
        t.url,
        'query($r: String!) { artifact(ref: $r) { history { edges { node { field key oldValue newValue } } } } }',
        { r: ref },
      )
    ).artifact.history.edges.map((e) => e.node);

  it('refuses to complete or renew a deleted upload, which would move its tags off the live version', async () => {
    const v1 = await log('deleted-upload.txt', { tags: ['prod'] });
    const { up } = await upload('deleted-upload.txt', ['prod']);
    await ok(mutate('deleteArtifact', up.artifact.id));

    const complete = await completeUpload(t.url, up.artifact.id);
    expectCode(complete, 'PRECONDITION_FAILED');
    expect(complete.errors![0]!.message).toMatch(/was deleted at .*restore it first with restoreArtifact/);
    expectCode(await mutate('renewUpload', up.artifact.id), 'PRECONDITION_FAILED');
    expect(await tagsOf(v1.id)).toEqual(['prod']);
    expect((await resolve(uri('deleted-upload.txt', ':prod'))).data?.artifact.uid).toBe(v1.uid);
  });

  it('refuses to complete an upload in a deleted workspace', async () => {
    const ws = `${t.ws}-gone`;
    await ok(gql(t.url, 'mutation($n: String!) { createWorkspace(input: { name: $n }) { name } }', { n: ws }));
    const body = uniqueBody('in-deleted-ws');
    const up = await createUpload(t.url, {
      artifact: { workspace: ws, key: 'f.txt', kind: 'FILE' },
      body: { size: body.length, sha256: sha256(body) },
    });
    await uploadAll(up, () => body);
    await ok(gql(t.url, 'mutation($n: String!) { deleteWorkspace(name: $n) { name } }', { n: ws }));

    const complete = await completeUpload(t.url, up.artifact.id);
    expectCode(complete, 'PRECONDITION_FAILED');
    expect(complete.errors![0]!.message).toMatch(/^Workspace ".*-gone" was deleted at /);
  });

  it('refuses a version name that is the tag of a deleted version, so restoring it is never ambiguous', async () => {
    const v1 = await log('deleted-tag.txt', { tags: ['prod'] });
    await ok(mutate('deleteArtifact', v1.id));

    const clash = await tryLog('deleted-tag.txt', { versionName: 'prod' });
    expectCode(clash, 'CONFLICT');
    expect(clash.errors![0]!.message).toMatch(/"prod" is a tag of "deleted-tag.txt" \(on version 1, deleted at /);

    await ok(mutate('restoreArtifact', v1.id));
    expect((await resolve(uri('deleted-tag.txt', ':prod'))).data?.artifact.uid).toBe(v1.uid);
  });

  it('refuses a version name that an unfinished upload waits to take as a tag', async () => {
    const { up } = await upload('pending-tag.txt', ['rc']);
    const clash = await tryLog('pending-tag.txt', { versionName: 'rc' });
    expectCode(clash, 'CONFLICT');
    expect(clash.errors![0]!.message).toMatch(
      /"rc" is a tag of "pending-tag.txt" \(waiting for the upload of version 1/,
    );

    await ok(completeUpload(t.url, up.artifact.id));
    expect((await resolve(uri('pending-tag.txt', ':rc'))).data?.artifact.uid).toBe(up.artifact.uid);
  });

  it("refuses an upload's tag that is a version name, before anything is uploaded", async () => {
    await log('named-first.txt', { versionName: 'rc' });
    const body = uniqueBody('named-first');
    const res = await gql(t.url, 'mutation($i: CreateUploadInput!) { createUpload(input: $i) { expiresAt } }', {
      i: {
        artifact: { workspace: t.ws, key: 'named-first.txt', kind: 'FILE', tags: ['rc'] },
        body: { size: body.length, sha256: sha256(body) },
      },
    });
    expectCode(res, 'CONFLICT');
  });

  it('says a tag is on a deleted version (a version name still names its deleted version)', async () => {
    const v1 = await log('deleted-holder.txt', { tags: ['prod'], versionName: 'v1.0.0' });
    await log('deleted-holder.txt'); // v2 stays: latest is unchanged by the rule
    const deleted = await gqlOk<{ deleteArtifact: { deletedAt: string } }>(
      t.url,
      'mutation($r: String!) { deleteArtifact(ref: $r) { deletedAt } }',
      { r: v1.id },
    );

    const byName = await resolve(uri('deleted-holder.txt', ':v1.0.0'));
    expect(byName.data?.artifact).toEqual({ uid: v1.uid, version: 1, deletedAt: deleted.deleteArtifact.deletedAt });

    const byTag = await resolve(uri('deleted-holder.txt', ':prod'));
    expectCode(byTag, 'NOT_FOUND');
    expect(byTag.errors![0]!.message).toBe(
      `Artifact "${uri('deleted-holder.txt', ':prod')}" does not exist: tag "prod" is on version 1, which was deleted at ` +
        `${deleted.deleteArtifact.deletedAt}. Restore it with restoreArtifact(ref: "${v1.uid}"), or move the tag to a live version with tagArtifact.`,
    );
    expect((await resolve(uri('deleted-holder.txt', ':latest'))).data?.artifact.version).toBe(2);
    expectCode(await resolve(uri('deleted-holder.txt', ':nothing')), 'NOT_FOUND');
  });

  it('records a tag moved by logArtifact in the history of both versions', async () => {
    const v1 = await log('moved-at-create.txt', { tags: ['prod'] });
    const v2 = await log('moved-at-create.txt', { tags: ['prod'] });
    const move = { field: 'TAG', key: 'prod', oldValue: v1.uid, newValue: v2.uid };
    expect(await history(v2.id)).toEqual([move]);
    expect(await history(v1.id)).toEqual([move]); // creating is not a change: v1's own tagging is not recorded
  });

  it('records a tag moved by completeUpload in the history of both versions', async () => {
    const v1 = await log('moved-at-completion.txt', { tags: ['prod'] });
    const { up } = await upload('moved-at-completion.txt', ['prod']);
    expect(await history(v1.id)).toEqual([]); // nothing moves before the upload completes
    await ok(completeUpload(t.url, up.artifact.id));

    const move = { field: 'TAG', key: 'prod', oldValue: v1.uid, newValue: up.artifact.uid };
    expect(await history(up.artifact.id)).toEqual([move]);
    expect(await history(v1.id)).toEqual([move]);

    // A tag nobody held is still a change of the completed version (it arrives after its creation).
    const { up: other } = await upload('fresh-at-completion.txt', ['rc']);
    await ok(completeUpload(t.url, other.artifact.id));
    expect(await history(other.artifact.id)).toEqual([
      { field: 'TAG', key: 'rc', oldValue: null, newValue: other.artifact.uid },
    ]);
  });
});
