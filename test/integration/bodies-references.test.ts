import {
  ARTIFACT_BODY_FIELDS,
  artifactDownload,
  completeUpload,
  createUpload,
  expectCode,
  sha256,
  startS3Skein,
  uniqueBody,
  uploadAll,
} from '../helpers/bodies';
import { gql, gqlOk, useTestSkein } from '../helpers/skein';

/**
 * Reference artifacts: an object that already lives elsewhere (s3://…, https://…) recorded with
 * its digest and size through logArtifact. Nothing is copied, and Skein signs nothing for it.
 */
describe('reference artifacts', () => {
  const t = useTestSkein({ start: startS3Skein, workspace: 'bodies-ref' });

  const logReference = async (key: string, location: string, digest: string, size: number) =>
    (
      await gqlOk<{ logArtifact: Record<string, unknown> & { id: string } }>(
        t.url,
        `mutation($i: LogArtifactInput!) { logArtifact(input: $i) { id ${ARTIFACT_BODY_FIELDS} } }`,
        { i: { workspace: t.ws, key, kind: 'MODEL', location, digest, size, contentType: 'application/octet-stream' } },
      )
    ).logArtifact;

  it('records an s3:// object elsewhere with its digest and size, copying nothing', async () => {
    const digest = sha256(`an object in another bucket ${Date.now()} ${Math.random()}`);
    const a = await logReference('models/external', 's3://other-team-bucket/models/churn/model.pkl', digest, 123_456);
    expect(a).toMatchObject({
      state: 'AVAILABLE',
      location: 's3://other-team-bucket/models/churn/model.pkl',
      digest,
      size: 123_456,
      path: null, // not uploaded through Skein: no artifact path
      digestVerified: false, // as declared
      downloadUrl: null, // Skein signs only bodies it stored
    });
    // Nothing landed in Skein's store under that digest.
    expect(await t.skein.bodies.store.head(`bodies/sha256/${digest}`)).toBeNull();

    const dl = await artifactDownload(t.url, a.id);
    expect(dl.files).toEqual([
      {
        path: 'model.pkl',
        size: 123_456,
        sha256: digest,
        url: null,
        location: 's3://other-team-bucket/models/churn/model.pkl',
      },
    ]);
    const complete = await completeUpload(t.url, a.id);
    expectCode(complete, 'PRECONDITION_FAILED');
    expect(complete.errors![0]!.message).toMatch(/logged, not uploaded/);
  });

  it('hands out an https:// reference as its own URL', async () => {
    const digest = sha256('iris');
    const a = await logReference('data/iris', 'https://data.example.org/iris/iris.csv', digest, 4_551);
    expect(a.downloadUrl).toBe('https://data.example.org/iris/iris.csv');
    const dl = await artifactDownload(t.url, a.id);
    expect(dl.files[0]).toMatchObject({
      path: 'iris.csv',
      url: 'https://data.example.org/iris/iris.csv',
      sha256: digest,
    });
  });

  it("never signs a reference into Skein's own bucket (it could name someone else's body)", async () => {
    const body = uniqueBody('owned body');
    const up = await createUpload(t.url, {
      artifact: { workspace: t.ws, key: 'owned', kind: 'FILE' },
      body: { size: body.length, sha256: sha256(body) },
    });
    await uploadAll(up, () => body);
    await completeUpload(t.url, up.artifact.id);
    const location = `s3://${process.env.S3_BUCKET}/bodies/sha256/${sha256(body)}`;
    const ref = await logReference('pointing-at-it', location, sha256(body), body.length);
    expect(ref.downloadUrl).toBeNull();
    expect((await artifactDownload(t.url, ref.id)).files[0]!.url).toBeNull();
    await t.skein.bodies.store.delete(location.slice(`s3://${process.env.S3_BUCKET}/`.length));
  });

  it('refuses a location that is not a URL, and a digest that is not a SHA-256', async () => {
    const bad = await gql(t.url, 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { id } }', {
      i: { workspace: t.ws, key: 'bad', kind: 'FILE', location: '/mnt/data/x.csv' },
    });
    expectCode(bad, 'BAD_USER_INPUT');
    const digest = await gql(t.url, 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { id } }', {
      i: { workspace: t.ws, key: 'bad', kind: 'FILE', location: 's3://b/x', digest: 'md5:abc' },
    });
    expectCode(digest, 'BAD_USER_INPUT');
  });
});
