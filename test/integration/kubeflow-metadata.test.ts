import { gqlOk, uniqueName, useTestSkein } from '../helpers/skein';

/**
 * The Kubeflow Metadata flow of the seed ("Kubeflow for ML", examples 6-2 to 6-4), as its user
 * would write it against Skein: a workspace with a description and labels, a run and an execution
 * with descriptions, a DataSet logged as an input (with its own version name, owner and query), a
 * Model output with structured hyperparameters and a version name, and Metrics about both; then
 * listing by type, naming each by its version name, and lineage through the events.
 */
describe('kubeflow-metadata: workspace, run, execution, DataSet -> Model + Metrics', () => {
  const t = useTestSkein();

  it('records the seed example and answers its questions', async () => {
    const ws = uniqueName('kf').toLowerCase();
    await gqlOk(t.url, 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', {
      i: { name: ws, description: 'a workspace for testing', labels: [{ key: 'n1', value: 'v1' }] },
    });
    const run = await gqlOk<{ startRun: { id: string; uid: string } }>(
      t.url,
      'mutation($i: StartRunInput!) { startRun(input: $i) { id uid } }',
      { i: { workspace: ws, name: 'run-2026-12-07T14:00:00', description: 'a run in ws_1' } },
    );
    // The run named by its uid, as a Kubeflow user copies it from a listing.
    const exec = await gqlOk<{ startExecution: { id: string } }>(
      t.url,
      'mutation($i: StartExecutionInput!) { startExecution(input: $i) { id } }',
      { i: { run: run.startRun.uid, name: 'execution-1', description: 'execution example' } },
    );
    const execId = exec.startExecution.id;

    const dataSet = await gqlOk<{ logArtifact: { id: string; uri: string } }>(
      t.url,
      'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { id uri } }',
      {
        i: {
          workspace: ws,
          key: 'mytable-dump',
          kind: 'DATASET',
          description: 'an example data',
          location: 'file://path/to/dataset',
          versionName: 'v1.0.0',
          properties: [
            { key: 'owner', value: 'owner@my-company.org' },
            { key: 'query', value: 'SELECT * FROM mytable' },
          ],
        },
      },
    );
    await gqlOk(t.url, 'mutation($id: ID!, $in: [EventInput!]!) { addExecutionInputs(id: $id, inputs: $in) { id } }', {
      id: execId,
      in: [{ artifact: `store://datasets/${ws}/mytable-dump:v1.0.0` }],
    });

    const hyperparameters = [
      { key: 'learning_rate', value: 0.5 },
      { key: 'layers', value: [10, 3, 1] },
      { key: 'early_stop', value: true },
    ];
    // exec.log_output(...): each logged (against the run), then recorded as the execution's output.
    const logOutput = async (artifact: Record<string, unknown>) => {
      const logged = await gqlOk<{ logArtifact: { id: string } }>(
        t.url,
        'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { id } }',
        { i: { workspace: ws, run: run.startRun.uid, ...artifact } },
      );
      const done = await gqlOk<{
        addExecutionOutputs: { outputs: { edges: Array<{ node: { artifact: { key: string } } }> } };
      }>(
        t.url,
        `mutation($id: ID!, $out: [EventInput!]!) {
          addExecutionOutputs(id: $id, outputs: $out) { outputs { edges { node { artifact { key } } } } }
        }`,
        { id: execId, out: [{ artifact: logged.logArtifact.id }] },
      );
      return done.addExecutionOutputs.outputs.edges.map((e) => e.node.artifact.key);
    };
    await logOutput({
      key: 'MNIST',
      kind: 'MODEL',
      description: 'model to recognize handwritten digits',
      location: 'gcs://my-bucket/mnist',
      versionName: 'v0.0.1',
      labels: [{ key: 'mylabel', value: 'l1' }],
      properties: [
        { key: 'owner', value: 'someone@kubeflow.org' },
        { key: 'model_type', value: 'neural network' },
        { key: 'training_framework', value: { name: 'tensorflow', version: 'v1.0' } },
      ],
      model: { framework: 'tensorflow', parameters: hyperparameters },
      trainingDataset: dataSet.logArtifact.id,
    });
    const outputKeys = await logOutput({
      key: 'MNIST-evaluation',
      kind: 'METRICS',
      description: 'validating the MNIST model to recognize handwritten digits',
      location: 'gcs://my-bucket/mnist-eval.csv',
      labels: [{ key: 'mylabel', value: 'l1' }],
      properties: [
        { key: 'metrics_type', value: 'validation' },
        { key: 'data_set_id', value: dataSet.logArtifact.id },
      ],
      metrics: { values: [{ key: 'accuracy', value: 0.95 }] },
    });
    expect(outputKeys.sort()).toEqual(['MNIST', 'MNIST-evaluation']);

    // Named by its version name, through the models view of the store.
    const model = await gqlOk<{ artifact: Record<string, unknown> }>(
      t.url,
      `query($r: String!) { artifact(ref: $r) {
        key kind versionName description location labels { key value } properties { key value }
        ... on ModelArtifact { framework parameters { key value } trainingDataset { key versionName } }
      } }`,
      { r: `store://models/${ws}/MNIST:v0.0.1` },
    );
    expect(model.artifact).toMatchObject({
      key: 'MNIST',
      kind: 'MODEL',
      versionName: 'v0.0.1',
      location: 'gcs://my-bucket/mnist',
      framework: 'tensorflow',
      labels: [{ key: 'mylabel', value: 'l1' }],
      trainingDataset: { key: 'mytable-dump', versionName: 'v1.0.0' },
    });
    expect(model.artifact.parameters).toEqual(
      expect.arrayContaining([
        { key: 'layers', value: [10, 3, 1] },
        { key: 'early_stop', value: true },
      ]),
    );
    expect(model.artifact.properties).toContainEqual({
      key: 'training_framework',
      value: { name: 'tensorflow', version: 'v1.0' },
    });

    // Listing by type (Kubeflow's list(type)): the one model, and the same answer for "Model".
    const models = await gqlOk<{ artifacts: { edges: Array<{ node: { key: string } }> } }>(
      t.url,
      'query($w: String!) { artifacts(workspace: $w, filter: { kind: "MODEL" }) { edges { node { key } } } }',
      { w: ws },
    );
    expect(models.artifacts.edges.map((e) => e.node.key)).toEqual(['MNIST']);

    // Lineage: downstream of the dataset are the execution and both outputs.
    const down = await gqlOk<{ lineage: { nodes: Array<{ __typename: string; key?: string }> } }>(
      t.url,
      `query($of: String!) { lineage(of: $of, direction: DOWNSTREAM) {
        nodes { __typename ... on Artifact { key } }
      } }`,
      { of: `store://artifacts/${ws}/mytable-dump:v1.0.0` },
    );
    const keys = down.lineage.nodes.map((n) => n.key).filter(Boolean);
    expect(keys.sort()).toEqual(['MNIST', 'MNIST-evaluation', 'mytable-dump']);

    // The descriptions each level was given, read back.
    const read = await gqlOk<{
      workspace: { description: string; labels: Array<{ key: string; value: unknown }> };
      run: { description: string; executions: { edges: Array<{ node: { description: string } }> } };
    }>(
      t.url,
      `query($w: String!, $r: ID!) {
        workspace(name: $w) { description labels { key value } }
        run(id: $r) { description executions { edges { node { description } } } }
      }`,
      { w: ws, r: run.startRun.id },
    );
    expect(read.workspace).toEqual({ description: 'a workspace for testing', labels: [{ key: 'n1', value: 'v1' }] });
    expect(read.run.description).toBe('a run in ws_1');
    expect(read.run.executions.edges[0]!.node.description).toBe('execution example');
  });
});
