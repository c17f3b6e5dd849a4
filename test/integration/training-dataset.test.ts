import { createUpload, expectCode, sha256, startLocalSkein, uniqueBody } from '../helpers/bodies';
import { gql, gqlOk, useTestSkein } from '../helpers/skein';

/**
 * A model's training dataset is taken by the input rule: a live, AVAILABLE version. An upload not
 * yet completed, or given up, is no dataset anything was trained on.
 */
describe('a model names its training dataset', () => {
  const t = useTestSkein({ start: startLocalSkein, workspace: 'training-dataset' });

  const pending = async (key: string) => {
    const body = uniqueBody(key);
    return createUpload(t.url, {
      artifact: { workspace: t.ws, key, kind: 'DATASET' },
      body: { size: body.length, sha256: sha256(body) },
    });
  };
  const logModel = (key: string, trainingDataset: string) =>
    gql(t.url, 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { id } }', {
      i: { workspace: t.ws, key, kind: 'MODEL', trainingDataset },
    });

  it('refuses a PENDING or ABORTED upload as the training dataset, saying what to do', async () => {
    const open = await pending('open-set');
    const notYet = await logModel('m-open', open.artifact.uri);
    expectCode(notYet, 'PRECONDITION_FAILED');
    expect(notYet.errors![0]!.message).toContain('complete its upload first');
    expect(notYet.errors![0]!.extensions).toMatchObject({ field: 'trainingDataset' });

    const given = await pending('aborted-set');
    await gqlOk(t.url, 'mutation($r: String!) { abortUpload(ref: $r) { __typename } }', { r: given.artifact.id });
    const aborted = await logModel('m-aborted', given.artifact.id);
    expectCode(aborted, 'PRECONDITION_FAILED');
    expect(aborted.errors![0]!.message).toContain('ABORTED');
  });
});
