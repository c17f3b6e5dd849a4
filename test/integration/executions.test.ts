import { aPipeline, ARTIFACT_FIELDS, logArtifact, type Pipeline } from '../helpers/pipeline';
import { gql, gqlOk, useTestSkein } from '../helpers/skein';

const RECORD = `mutation($i: RecordExecutionInput!) {
  recordExecution(input: $i) {
    id uid name kind state codeVersion runId params { key value }
    inputs { edges { node { type path artifact { key version } } } }
    outputs { edges { node { type path artifact { ${ARTIFACT_FIELDS} } } } }
  }
}`;

interface Recorded {
  id: string;
  uid: string;
  state: string;
  runId: string;
  inputs: { edges: Array<{ node: { type: string; path: string | null; artifact: { key: string; version: number } } }> };
  outputs: {
    edges: Array<{
      node: { type: string; artifact: { uid: string; uri: string; key: string; kind: string; producerId: string } };
    }>;
  };
}

describe('executions and their input/output events', () => {
  const t = useTestSkein();

  const record = async (input: Record<string, unknown>) =>
    (await gqlOk<{ recordExecution: Recorded }>(t.url, RECORD, { i: input })).recordExecution;
  const countArtifacts = async (p: Pipeline) =>
    (
      await gqlOk<{ artifacts: { edges: unknown[] } }>(
        t.url,
        'query($w: String!) { artifacts(workspace: $w, first: 1000) { edges { cursor } } }',
        { w: p.workspace },
      )
    ).artifacts.edges.length;

  it("reproduces Kubeflow Metadata's example: a dataset in, a model and metrics out, models listed by type, events in order", async () => {
    const p = await aPipeline(t.url, 'kf');
    const data = await logArtifact(t.url, {
      workspace: p.workspace,
      key: 'mytable-dump',
      kind: 'DATASET',
      description: 'an example data',
      dataset: { format: 'csv' },
    });
    const exec = await record({
      run: p.runId,
      name: 'training',
      kind: 'TRAINER',
      codeVersion: 'git:1a2b3c',
      params: [{ key: 'learning_rate', value: 0.5 }],
      inputs: [{ artifact: data.uri, path: 'data/train.csv' }],
      outputs: [
        {
          artifact: {
            key: 'MNIST',
            kind: 'MODEL',
            model: { framework: 'tensorflow', parameters: [{ key: 'layers', value: 3 }] },
          },
          path: 'model.h5',
        },
        {
          artifact: {
            key: 'mytable-metrics',
            kind: 'METRICS',
            metrics: { values: [{ key: 'accuracy', value: 0.91 }] },
          },
        },
      ],
    });
    expect(exec).toMatchObject({ state: 'COMPLETED', runId: p.runId });
    expect(exec.inputs.edges.map((e) => [e.node.type, e.node.path, e.node.artifact.key])).toEqual([
      ['INPUT', 'data/train.csv', 'mytable-dump'],
    ]);
    expect(exec.outputs.edges.map((e) => e.node.artifact.kind).sort()).toEqual(['METRICS', 'MODEL']);
    expect(exec.outputs.edges.every((e) => e.node.artifact.producerId === exec.id)).toBe(true);

    const models = await gqlOk<{ artifacts: { edges: Array<{ node: { key: string; producer: { name: string } } }> } }>(
      t.url,
      'query($w: String!) { artifacts(workspace: $w, filter: { kind: "MODEL" }) { edges { node { key producer { name } } } } }',
      { w: p.workspace },
    );
    expect(models.artifacts.edges.map((e) => [e.node.key, e.node.producer.name])).toEqual([['MNIST', 'training']]);

    const events = await gqlOk<{
      execution: { events: { edges: Array<{ node: { type: string; artifact: { key: string } } }> } };
    }>(t.url, 'query($id: ID!) { execution(id: $id) { events { edges { node { type at artifact { key } } } } } }', {
      id: exec.id,
    });
    const order = events.execution.events.edges.map((e) => `${e.node.type}:${e.node.artifact.key}`);
    expect(order[0]).toBe('INPUT:mytable-dump');
    expect(order.slice(1).sort()).toEqual(['OUTPUT:MNIST', 'OUTPUT:mytable-metrics']);
  });

  it('records nothing at all when one part of recordExecution is bad', async () => {
    const p = await aPipeline(t.url, 'atomic');
    const before = await countArtifacts(p);
    const res = await gql(t.url, RECORD, {
      i: {
        run: p.runId,
        name: 'train',
        inputs: [{ artifact: `store://artifacts/${p.workspace}/does-not-exist` }],
        outputs: [{ artifact: { key: 'model', kind: 'MODEL' } }],
      },
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(res.errors?.[0]?.message).toContain('does-not-exist');
    expect(await countArtifacts(p)).toBe(before);

    const badOutput = await gql(t.url, RECORD, {
      i: {
        run: p.runId,
        name: 'train',
        outputs: [{ artifact: { key: 'ok', kind: 'MODEL' } }, { artifact: { key: 'bad key!', kind: 'MODEL' } }],
      },
    });
    expect(badOutput.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await countArtifacts(p)).toBe(before);
  });

  it('refuses an artifact that is both input and output of one execution, and a second producer', async () => {
    const p = await aPipeline(t.url, 'rules');
    const a = await logArtifact(t.url, { workspace: p.workspace, key: 'x', kind: 'FILE' });
    const exec = await record({ run: p.runId, name: 'step', inputs: [{ artifact: a.uri }] });
    const clash = await gql(
      t.url,
      'mutation($id: ID!, $o: [EventInput!]!) { addExecutionOutputs(id: $id, outputs: $o) { uid } }',
      {
        id: exec.id,
        o: [{ artifact: a.uri }],
      },
    );
    expect(clash.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(clash.errors?.[0]?.message).toContain('both an input and an output');

    const writer = await record({ run: p.runId, name: 'writer', outputs: [{ artifact: { key: 'y', kind: 'FILE' } }] });
    const y = writer.outputs.edges[0]!.node.artifact;
    const other = await record({ run: p.runId, name: 'other' });
    const second = await gql(
      t.url,
      'mutation($id: ID!, $o: [EventInput!]!) { addExecutionOutputs(id: $id, outputs: $o) { uid } }',
      {
        id: other.id,
        o: [{ artifact: y.uri }],
      },
    );
    expect(second.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('moves an execution from RUNNING to a final state once, and refuses an unknown run', async () => {
    const p = await aPipeline(t.url, 'state');
    const started = await gqlOk<{ startExecution: { id: string; state: string; finishedAt: string | null } }>(
      t.url,
      'mutation($i: StartExecutionInput!) { startExecution(input: $i) { id state finishedAt } }',
      { i: { run: p.runId, name: 'eval' } },
    );
    expect(started.startExecution).toMatchObject({ state: 'RUNNING', finishedAt: null });
    const finish = (state: string) =>
      gql<{ finishExecution: { state: string; results: Array<{ key: string; value: number }> } }>(
        t.url,
        'mutation($id: ID!, $s: ExecutionState!) { finishExecution(id: $id, state: $s, results: [{ key: "auc", value: 0.8 }]) { state results { key value } } }',
        { id: started.startExecution.id, s: state },
      );
    const done = await finish('COMPLETED');
    expect(done.data?.finishExecution).toEqual({ state: 'COMPLETED', results: [{ key: 'auc', value: 0.8 }] });
    const again = await finish('FAILED');
    expect(again.errors?.[0]?.extensions?.code).toBe('PRECONDITION_FAILED');
    expect(again.errors?.[0]?.message).toContain('already COMPLETED');

    const noRun = await gql(t.url, 'mutation($i: StartExecutionInput!) { startExecution(input: $i) { id } }', {
      i: { run: Buffer.from('Run:0190-nope').toString('base64url'), name: 'x' },
    });
    expect(noRun.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
