import {
  completeUpload,
  createUpload,
  expectCode,
  sha256,
  startLocalSkein,
  uniqueBody,
  uploadAll,
} from '../helpers/bodies';
import { gql, useTestSkein, type GraphQLResponse } from '../helpers/skein';

/**
 * What completeUpload, abortUpload and renewUpload say about an upload in the wrong state
 * (issue 14: an aborted upload was reported as "logged, not uploaded"). Each message names the
 * artifact, says what state it is in, and what to do instead.
 */
describe('upload calls on an upload in the wrong state', () => {
  const t = useTestSkein({ start: startLocalSkein, workspace: 'upload-states' });

  const upload = async (key: string) => {
    const body = uniqueBody(key);
    const up = await createUpload(t.url, {
      artifact: { workspace: t.ws, key, kind: 'FILE' },
      body: { size: body.length, sha256: sha256(body) },
    });
    return { up, body };
  };
  const call = (mutation: 'abortUpload' | 'renewUpload', ref: string) =>
    gql(t.url, `mutation($r: String!) { ${mutation}(ref: $r) { __typename } }`, { r: ref });
  const refusal = (res: GraphQLResponse, code: string) => {
    expectCode(res, code);
    return res.errors![0]!.message;
  };

  it('says an aborted upload was aborted and a new one is needed (completeUpload, renewUpload, abortUpload)', async () => {
    const { up, body } = await upload('aborted.txt');
    await uploadAll(up, () => body); // bytes in the store, then given up: abort deletes them
    expect((await call('abortUpload', up.artifact.id)).errors).toBeUndefined();

    const complete = refusal(await completeUpload(t.url, up.artifact.id), 'PRECONDITION_FAILED');
    expect(complete).toBe(
      `The upload of "${up.artifact.uri}" was aborted, so it cannot be completed; start a new upload with createUpload.`,
    );
    expect(complete).not.toMatch(/logged/);

    const renew = refusal(await call('renewUpload', up.artifact.id), 'PRECONDITION_FAILED');
    expect(renew).toMatch(/^The upload of "store:\/\/\S+" was aborted, so it has no URLs to renew; start a new upload/);
    // Aborting again finishes any clean-up a failure left: still allowed.
    expect((await call('abortUpload', up.artifact.id)).errors).toBeUndefined();
  });

  it('says a completed upload is AVAILABLE when asked to abort or renew it', async () => {
    const { up, body } = await upload('done.txt');
    await uploadAll(up, () => body);
    expect((await completeUpload(t.url, up.artifact.id)).errors).toBeUndefined();

    const abort = refusal(await call('abortUpload', up.artifact.id), 'PRECONDITION_FAILED');
    expect(abort).toBe(
      `"${up.artifact.uri}" is AVAILABLE (its upload was completed, or it was logged without one); there is no upload to abort.`,
    );
    const renew = refusal(await call('renewUpload', up.artifact.id), 'PRECONDITION_FAILED');
    expect(renew).toMatch(/is AVAILABLE .* no upload URLs to renew; fetch its bytes with artifactDownload\.$/);
    // completeUpload again is a no-op answer, not an error.
    expect((await completeUpload(t.url, up.artifact.id)).data?.completeUpload.state).toBe('AVAILABLE');
  });
});
