import { MODEL_CARD_QUERY } from '../../src/playground/examples';
import { logArtifact } from '../helpers/pipeline';
import { gqlOk, useTestSkein } from '../helpers/skein';

/**
 * "A model's metrics, params and training data in one query" (issue 14): the README's query and
 * the playground's ModelCard tab are this one text, MODEL_CARD_QUERY, run here against a
 * Kubeflow-style pipeline (raw data -> prepare -> training data -> train -> model + metrics) in
 * an MLflow-style run (params, results, a logged metric).
 */
describe("a model's metrics, params and training data in one query", () => {
  const t = useTestSkein({ workspace: 'model-card' });

  const RECORD = `mutation($i: RecordExecutionInput!) {
    recordExecution(input: $i) { outputs { edges { node { artifact { uri key } } } } }
  }`;
  const record = async (input: Record<string, unknown>) => {
    const data = await gqlOk<{
      recordExecution: { outputs: { edges: Array<{ node: { artifact: { uri: string; key: string } } }> } };
    }>(t.url, RECORD, { i: input });
    return new Map(data.recordExecution.outputs.edges.map((e) => [e.node.artifact.key, e.node.artifact.uri]));
  };

  it('answers the model, the step and run that made it, its training data and its lineage', async () => {
    const started = await gqlOk<{ startRun: { id: string } }>(
      t.url,
      'mutation($i: StartRunInput!) { startRun(input: $i) { id } }',
      { i: { workspace: t.ws, name: 'train-rf', params: [{ key: 'lr', value: 0.01 }] } },
    );
    const runId = started.startRun.id;
    await gqlOk(t.url, 'mutation($i: StartRunInput!) { startRun(input: $i) { id } }', {
      i: { workspace: t.ws, name: 'unrelated' },
    });
    await gqlOk(t.url, 'mutation($r: ID!, $p: [EntryInput!]!) { logResults(id: $r, results: $p) { id } }', {
      r: runId,
      p: [{ key: 'rows_seen', value: 120000 }],
    });
    const raw = await logArtifact(t.url, { workspace: t.ws, key: 'customers-raw', kind: 'DATASET', run: runId });
    const prepared = await record({
      run: runId,
      name: 'prepare',
      codeVersion: 'git:prep1',
      inputs: [{ artifact: raw.uri }],
      outputs: [
        { artifact: { key: 'customers-train', kind: 'DATASET', dataset: { format: 'parquet', rowCount: 96000 } } },
      ],
    });
    const trainingData = prepared.get('customers-train')!;
    const trained = await record({
      run: runId,
      name: 'train',
      kind: 'TRAINER',
      codeVersion: 'git:1a2b3c',
      params: [{ key: 'n_estimators', value: 200 }],
      inputs: [{ artifact: trainingData, path: 'data/train.parquet' }],
      outputs: [
        {
          artifact: {
            key: 'churn-model',
            kind: 'MODEL',
            tags: ['production'],
            trainingDataset: trainingData,
            model: {
              framework: 'sklearn',
              algorithm: 'RandomForestClassifier',
              metrics: [{ key: 'accuracy', value: 0.93 }],
              parameters: [{ key: 'max_depth', value: 8 }],
            },
          },
        },
        { artifact: { key: 'churn-eval', kind: 'METRICS', metrics: { values: [{ key: 'f1', value: 0.88 }] } } },
      ],
    });
    await gqlOk(t.url, 'mutation($r: ID!, $p: [MetricPointInput!]!) { logMetrics(run: $r, points: $p) { id } }', {
      r: runId,
      p: [
        { key: 'loss', value: 0.7, step: 0 },
        { key: 'loss', value: 0.2, step: 1 },
      ],
    });
    await gqlOk(
      t.url,
      'mutation($r: ID!) { finishRun(id: $r, state: COMPLETED, results: [{ key: "accuracy", value: 0.93 }]) { id } }',
      {
        r: runId,
      },
    );

    // The query exactly as documented, by the model's tag.
    const answer = await gqlOk<Record<string, unknown>>(t.url, MODEL_CARD_QUERY, {
      model: `store://artifacts/${t.ws}/churn-model:production`,
    });
    const runUid = Buffer.from(runId, 'base64url').toString().split(':')[1];
    expect(answer.model).toEqual({
      uri: trained.get('churn-model'),
      version: 1,
      tags: ['production'],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      framework: 'sklearn',
      algorithm: 'RandomForestClassifier',
      metrics: [{ key: 'accuracy', value: 0.93 }],
      parameters: [{ key: 'max_depth', value: 8 }],
      trainingDataset: {
        uri: trainingData,
        format: 'parquet',
        rowCount: 96000,
        producer: {
          name: 'prepare',
          codeVersion: 'git:prep1',
          inputs: { edges: [{ node: { artifact: { uri: raw.uri } } }] },
        },
      },
      producer: {
        name: 'train',
        codeVersion: 'git:1a2b3c',
        params: [{ key: 'n_estimators', value: 200 }],
        results: [],
        inputs: { edges: [{ node: { path: 'data/train.parquet', artifact: { uri: trainingData, kind: 'DATASET' } } }] },
        outputs: {
          edges: expect.arrayContaining([
            { node: { artifact: { uri: trained.get('churn-model'), kind: 'MODEL' } } },
            {
              node: {
                artifact: { uri: trained.get('churn-eval'), kind: 'METRICS', values: [{ key: 'f1', value: 0.88 }] },
              },
            },
          ]),
        },
      },
      run: {
        uid: runUid,
        name: 'train-rf',
        state: 'COMPLETED',
        params: [{ key: 'lr', value: 0.01 }],
        results: [
          { key: 'accuracy', value: 0.93 },
          { key: 'rows_seen', value: 120000 },
        ],
        latestMetrics: [{ key: 'loss', step: 1, value: 0.2 }],
      },
    });
    // The whole upstream lineage, a level per step: model <- train (and what it read) <- prepare (and what it read).
    const levels = (answer.upstream as { levels: Array<{ depth: number; nodes: Array<Record<string, string>> }> })
      .levels;
    expect(levels.map((l) => [l.depth, l.nodes.map((n) => n.uri ?? n.name)])).toEqual([
      [0, [trained.get('churn-model')]],
      [1, ['train', trainingData]],
      [2, ['prepare', raw.uri]],
    ]);
  });
});
