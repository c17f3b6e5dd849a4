import {
  artifactDownload,
  completeUpload,
  createUpload,
  downloadVerified,
  sha256,
  startLocalSkein,
  uniqueBody,
  uploadAll,
} from '../helpers/bodies';
import { gqlOk, useTestSkein } from '../helpers/skein';

/**
 * The MLflow flow of the seed (download_artifacts): a run logs params (one of them structured,
 * one added while it runs), metrics as MLflow stores them (NaN, ±Infinity, 64-bit steps) and a
 * directory of outputs; then, by the run's id alone, its artifacts are found and one subdirectory
 * or the whole tree is fetched with its relative paths, every file SHA-256-verified. After the run
 * finished, results and metrics may still be added (MLflow allows it); deleting the run hides it
 * from search until it is restored.
 */
describe('mlflow-download-artifacts: run by id, artifact path, recursive verified download', () => {
  const t = useTestSkein({ workspace: 'mlflow', start: startLocalSkein });

  it('logs a run as MLflow does and downloads its artifacts by run id and path', async () => {
    const run = await gqlOk<{ startRun: { id: string; uid: string } }>(
      t.url,
      'mutation($i: StartRunInput!) { startRun(input: $i) { id uid } }',
      { i: { workspace: t.ws, name: 'sklearn-rf', params: [{ key: 'layers', value: [64, 32] }] } },
    );
    const uid = run.startRun.uid;
    await gqlOk(t.url, 'mutation($r: ID!) { logParams(run: $r, params: [{ key: "max_depth", value: 8 }]) { id } }', {
      r: uid,
    });
    const bigStep = 2 ** 40;
    await gqlOk(t.url, 'mutation($r: ID!, $p: [MetricPointInput!]!) { logMetrics(run: $r, points: $p) { id } }', {
      r: uid,
      p: [
        { key: 'loss', step: 0, value: 'NaN' },
        { key: 'loss', step: 1, value: 0.5 },
        { key: 'loss', step: bigStep, value: 0.25 },
        { key: 'grad_norm', step: 0, value: 'Infinity' },
      ],
    });

    // A directory of outputs, logged against the run by its uid.
    const files = {
      'model/model.pkl': uniqueBody('model'),
      'model/MLmodel': uniqueBody('mlmodel'),
      'plots/roc.png': uniqueBody('roc'),
    };
    const upload = await createUpload(t.url, {
      artifact: { workspace: t.ws, key: 'outputs', kind: 'DIRECTORY', run: uid },
      files: Object.entries(files).map(([path, bytes]) => ({ path, sha256: sha256(bytes), size: bytes.length })),
    });
    const bySha = new Map(Object.values(files).map((b) => [sha256(b), b]));
    await uploadAll(upload, (sha) => bySha.get(sha)!);
    expect((await completeUpload(t.url, upload.artifact.id)).errors).toBeUndefined();
    await gqlOk(t.url, 'mutation($id: ID!) { finishRun(id: $id, state: COMPLETED) { state } }', { id: uid });

    // After the fact, as MLflow allows: a result and one more metric point on the finished run.
    await gqlOk(t.url, 'mutation($id: ID!) { logResults(id: $id, results: [{ key: "auc", value: 0.91 }]) { id } }', {
      id: uid,
    });
    await gqlOk(
      t.url,
      'mutation($r: ID!) { logMetrics(run: $r, points: [{ key: "loss", step: 1099511627777, value: "-Infinity" }]) { id } }',
      {
        r: uid,
      },
    );

    // By run id: its artifacts, then one subdirectory with paths relative to it, then the whole tree.
    const found = await gqlOk<{ artifacts: { edges: Array<{ node: { uri: string } }> } }>(
      t.url,
      'query($w: String!, $r: ID!) { artifacts(workspace: $w, filter: { run: $r }) { edges { node { uri } } } }',
      { w: t.ws, r: uid },
    );
    const [outputs] = found.artifacts.edges.map((e) => e.node.uri);
    expect(outputs).toBe(upload.artifact.uri);
    const model = await artifactDownload(t.url, outputs!, 'model');
    expect(model.files.map((f) => f.path).sort()).toEqual(['model/MLmodel', 'model/model.pkl']);
    const tree = await artifactDownload(t.url, outputs!);
    expect(tree.files.map((f) => f.path).sort()).toEqual(Object.keys(files).sort());
    for (const file of tree.files) {
      const expected = files[file.path as keyof typeof files];
      expect((await downloadVerified(file.url!, sha256(expected))).equals(expected)).toBe(true);
    }

    // What the run holds now, in one read: params, results, every metric's latest value.
    const read = await gqlOk<{
      run: {
        params: Array<{ key: string; value: unknown }>;
        results: Array<{ key: string; value: unknown }>;
        latestMetrics: Array<{ key: string; step: number; value: unknown }>;
        loss: { points: Array<{ step: number; value: unknown }> };
      };
    }>(
      t.url,
      `query($id: ID!) { run(id: $id) {
        params { key value } results { key value } latestMetrics { key step value }
        loss: metric(key: "loss") { points { step value } }
      } }`,
      { id: uid },
    );
    expect(read.run.params).toEqual([
      { key: 'layers', value: [64, 32] },
      { key: 'max_depth', value: 8 },
    ]);
    expect(read.run.results).toEqual([{ key: 'auc', value: 0.91 }]);
    expect(read.run.latestMetrics).toEqual([
      { key: 'grad_norm', step: 0, value: 'Infinity' },
      { key: 'loss', step: 1099511627777, value: '-Infinity' },
    ]);
    expect(read.run.loss.points).toEqual([
      { step: 0, value: 'NaN' },
      { step: 1, value: 0.5 },
      { step: bigStep, value: 0.25 },
      { step: 1099511627777, value: '-Infinity' },
    ]);

    // Deleted runs leave search until restored (MLflow's lifecycle).
    const search = async (includeDeleted: boolean) =>
      (
        await gqlOk<{ runs: { edges: Array<{ node: { uid: string; deletedAt: string | null } }> } }>(
          t.url,
          'query($w: String!, $d: Boolean) { runs(workspace: $w, includeDeleted: $d) { edges { node { uid deletedAt } } } }',
          { w: t.ws, d: includeDeleted },
        )
      ).runs.edges.map((e) => e.node);
    await gqlOk(t.url, 'mutation($id: ID!) { deleteRun(id: $id) { deletedAt } }', { id: uid });
    expect(await search(false)).toEqual([]);
    expect((await search(true)).map((r) => r.uid)).toEqual([uid]);
    await gqlOk(t.url, 'mutation($id: ID!) { restoreRun(id: $id) { deletedAt } }', { id: uid });
    expect(await search(false)).toEqual([{ uid, deletedAt: null }]);
  });
});
