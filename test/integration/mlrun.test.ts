import { completeUpload, createUpload, sha256, uniqueBody, uploadAll } from '../helpers/bodies';
import { gql, gqlOk, useTestSkein } from '../helpers/skein';
import { expectCode } from '../helpers/bodies';

/**
 * The MLRun flow of the seeds (MLClientCtx and "Artifacts and Versioning"): a run context with
 * params, labels and annotations; a dataset logged with a body under the project's artifact path
 * template; a hyperparameter search as child iterations, each logging results and a model; the
 * best child chosen by a selector; store://models/…#<iteration> and :tag URIs; the run committed
 * with its results, and an annotation added after the fact, recorded in its history.
 */
describe('mlrun: run context, iterations, best child by selector, store:// URIs', () => {
  const t = useTestSkein({ workspace: 'mlrun' });

  const startRun = async (input: Record<string, unknown>) =>
    (
      await gqlOk<{ startRun: { id: string; uid: string; iteration: number } }>(
        t.url,
        'mutation($i: StartRunInput!) { startRun(input: $i) { id uid iteration } }',
        { i: { workspace: t.ws, ...input } },
      )
    ).startRun;

  const logModel = (run: string, accuracy: number) =>
    gqlOk<{ logArtifact: { uid: string; version: number } }>(
      t.url,
      'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { uid version } }',
      {
        i: {
          workspace: t.ws,
          key: 'model',
          kind: 'MODEL',
          run,
          model: { framework: 'sklearn', metrics: [{ key: 'accuracy', value: accuracy }] },
        },
      },
    );

  it('records the run context, picks the best iteration and names artifacts as MLRun does', async () => {
    await gqlOk(
      t.url,
      'mutation($w: String!, $t: String) { setArtifactPathTemplate(workspace: $w, template: $t) { template } }',
      {
        w: t.ws,
        t: '{{workspace}}/{{run.uid}}/{{key}}',
      },
    );
    const parent = await startRun({
      name: 'training',
      params: [
        { key: 'p1', value: 5 },
        { key: 'grid', value: { max_depth: [2, 4, 8] } },
      ],
      labels: [{ key: 'framework', value: 'sklearn' }],
      annotations: [{ key: 'owner', value: 'data-team' }],
    });

    // log_dataset with a body: the path comes from the workspace's template, with the run's uid.
    const body = uniqueBody('iris');
    const upload = await createUpload(t.url, {
      artifact: { workspace: t.ws, key: 'iris', kind: 'DATASET', run: parent.uid, dataset: { format: 'csv' } },
      body: { sha256: sha256(body), size: body.length },
    });
    expect(upload.artifact.path).toBe(`${t.ws}/${parent.uid}/iris`);
    await uploadAll(upload, () => body);
    await completeUpload(t.url, upload.artifact.id);

    // Three iterations, each with its results and a model version.
    const accuracies = [0.81, 0.93, 0.88];
    const children = [];
    for (const [i, accuracy] of accuracies.entries()) {
      const child = await startRun({
        name: `training-${i + 1}`,
        parent: parent.uid,
        params: [{ key: 'max_depth', value: 2 ** (i + 1) }],
      });
      await logModel(child.uid, accuracy);
      await gqlOk(
        t.url,
        'mutation($id: ID!, $r: [EntryInput!]!) { finishRun(id: $id, state: COMPLETED, results: $r) { state } }',
        {
          id: child.uid,
          r: [
            { key: 'accuracy', value: accuracy },
            { key: 'loss', value: 1 - accuracy },
          ],
        },
      );
      children.push(child);
    }
    expect(children.map((c) => c.iteration)).toEqual([1, 2, 3]);

    // The best child by a selector, in one call; then by the other direction.
    const best = await gqlOk<{ selectBestChild: { bestChild: { iteration: number } } }>(
      t.url,
      'mutation($p: ID!, $s: String!) { selectBestChild(parent: $p, selector: $s) { bestChild { iteration } } }',
      { p: parent.uid, s: 'max.accuracy' },
    );
    expect(best.selectBestChild.bestChild.iteration).toBe(2);
    const byLoss = await gqlOk<{ selectBestChild: { bestChild: { iteration: number } } }>(
      t.url,
      'mutation($p: ID!, $s: String!) { selectBestChild(parent: $p, selector: $s) { bestChild { iteration } } }',
      { p: parent.uid, s: 'min.loss' },
    );
    expect(byLoss.selectBestChild.bestChild.iteration).toBe(2);
    expectCode(
      await gql(t.url, 'mutation($p: ID!) { selectBestChild(parent: $p, selector: "accuracy") { uid } }', {
        p: parent.uid,
      }),
      'BAD_USER_INPUT',
    );

    // store://models/<ws>/<key>#<iteration> picks that iteration's version; no iteration: the latest.
    const named = await gqlOk<{ a: { version: number }; b: { version: number }; latest: { version: number } }>(
      t.url,
      `query($a: String!, $b: String!, $l: String!) {
        a: artifact(ref: $a) { version } b: artifact(ref: $b) { version } latest: artifact(ref: $l) { version }
      }`,
      {
        a: `store://models/${t.ws}/model#2`,
        b: `store://artifacts/${t.ws}/model#3`,
        l: `store://models/${t.ws}/model`,
      },
    );
    expect(named).toEqual({ a: { version: 2 }, b: { version: 3 }, latest: { version: 3 } });

    // Tag the best one for production; a URI whose selectors disagree is refused, not guessed.
    await gqlOk(t.url, 'mutation($r: String!) { tagArtifact(ref: $r, tag: "prod") { tags } }', {
      r: `store://models/${t.ws}/model#2`,
    });
    const prod = await gqlOk<{ artifact: { version: number; uid: string } }>(
      t.url,
      'query($r: String!) { artifact(ref: $r) { version uid } }',
      { r: `store://models/${t.ws}/model:prod` },
    );
    expect(prod.artifact.version).toBe(2);
    expectCode(
      await gql(t.url, 'query($r: String!) { artifact(ref: $r) { uid } }', {
        r: `store://models/${t.ws}/model#3:prod`,
      }),
      'BAD_USER_INPUT',
    );
    expectCode(
      await gql(t.url, 'query($r: String!) { artifact(ref: $r) { uid } }', { r: `store://datasets/${t.ws}/model` }),
      'NOT_FOUND',
    );

    // Commit the parent with its results; annotate it afterwards: the change is kept with its old value.
    await gqlOk(
      t.url,
      'mutation($id: ID!) { finishRun(id: $id, state: COMPLETED, results: [{ key: "best_accuracy", value: 0.93 }]) { state } }',
      {
        id: parent.uid,
      },
    );
    const annotated = await gqlOk<{
      updateRun: {
        annotations: Array<{ key: string; value: unknown }>;
        history: { edges: Array<{ node: { field: string; key: string; oldValue: unknown; newValue: unknown } }> };
      };
    }>(
      t.url,
      `mutation($id: ID!) { updateRun(id: $id, changes: { setAnnotations: [{ key: "owner", value: "ml-platform" }] }) {
        annotations { key value } history { edges { node { field key oldValue newValue } } }
      } }`,
      { id: parent.uid },
    );
    expect(annotated.updateRun.annotations).toEqual([{ key: 'owner', value: 'ml-platform' }]);
    // The commit's results are the run's results, not a change; the annotation changed after it.
    expect(annotated.updateRun.history.edges.map((e) => e.node)).toEqual([
      { field: 'ANNOTATION', key: 'owner', oldValue: 'data-team', newValue: 'ml-platform' },
    ]);

    const read = await gqlOk<{
      run: { params: Array<{ key: string; value: unknown }>; children: { edges: unknown[] } };
    }>(t.url, 'query($id: ID!) { run(id: $id) { params { key value } children { edges { cursor } } } }', {
      id: parent.uid,
    });
    expect(read.run.params).toEqual([
      { key: 'grid', value: { max_depth: [2, 4, 8] } },
      { key: 'p1', value: 5 },
    ]);
    expect(read.run.children.edges).toHaveLength(3);
  });
});
