import { gql, gqlOk, useTestSkein } from '../helpers/skein';

/**
 * Structured values (Kubeflow's `{"layers": [10, 3, 1]}`, MLflow's list params): stored and
 * returned as JSON everywhere a map is read, while the scalar search keeps working on scalars.
 */

type Entries = Array<{ key: string; value: unknown }>;
interface RunView {
  id: string;
  uid: string;
  params: Entries;
  results: Entries;
  labels: Entries;
}

const RUN = 'id uid params { key value } results { key value } labels { key value }';
const HIDDEN = { layers: [10, 3, 1], optimizer: { name: 'adam', betas: [0.9, 0.999] } };

describe('structured values', () => {
  const t = useTestSkein({ workspace: 'structured' });

  const start = async (name: string, params: Entries, labels: Entries = []) =>
    (
      await gqlOk<{ startRun: RunView }>(t.url, `mutation($i: StartRunInput!) { startRun(input: $i) { ${RUN} } }`, {
        i: { workspace: t.ws, name, params, labels },
      })
    ).startRun;
  const search = async (filter: Record<string, unknown>) =>
    (
      await gqlOk<{ runs: { edges: Array<{ node: RunView }> } }>(
        t.url,
        `query($w: String!, $f: RunFilter) { runs(workspace: $w, filter: $f) { edges { node { ${RUN} } } } }`,
        { w: t.ws, f: filter },
      )
    ).runs.edges.map((e) => e.node);

  it('round-trips list and object params through run, runs, compareRuns and lineage', async () => {
    const run = await start(
      'train-structured',
      [
        { key: 'hidden', value: HIDDEN },
        { key: 'lr', value: 0.01 },
      ],
      [{ key: 'dims', value: [3, 4] }],
    );
    const expected = [
      { key: 'hidden', value: { layers: [10, 3, 1], optimizer: { betas: [0.9, 0.999], name: 'adam' } } },
      { key: 'lr', value: 0.01 },
    ];
    expect(run.params).toEqual(expected);
    expect(run.labels).toEqual([{ key: 'dims', value: [3, 4] }]);

    const again = await gqlOk<{ run: RunView }>(t.url, `query($id: ID!) { run(id: $id) { ${RUN} } }`, { id: run.uid });
    expect(again.run.params).toEqual(expected);

    // The scalar search finds it by its scalar param, and returns the structured one with it.
    const found = await search({ param: { key: 'lr', eq: 0.01 } });
    expect(found.map((r) => r.uid)).toEqual([run.uid]);
    expect(found[0]!.params).toEqual(expected);

    // A scalar filter on a structured key matches nothing, whatever it compares with.
    expect(await search({ param: { key: 'hidden', eq: '{"layers":[10,3,1]}' } })).toEqual([]);
    expect(await search({ param: { key: 'hidden', exists: true } })).toEqual([]);

    const other = await start('train-other', [
      { key: 'hidden', value: { layers: [10, 3, 1], optimizer: { name: 'adam', betas: [0.9, 0.999] } } },
      { key: 'lr', value: 0.1 },
    ]);
    const { compareRuns } = await gqlOk<{
      compareRuns: { params: Array<{ key: string; values: unknown[]; differs: boolean }> };
    }>(t.url, 'query($ids: [ID!]!) { compareRuns(ids: $ids) { params { key values differs } } }', {
      ids: [run.id, other.uid],
    });
    expect(compareRuns.params).toEqual([
      { key: 'hidden', values: [expected[0]!.value, expected[0]!.value], differs: false },
      { key: 'lr', values: [0.01, 0.1], differs: true },
    ]);
  });

  it("returns an execution's structured params in lineage", async () => {
    const run = await start('pipeline', []);
    const made = await gqlOk<{
      recordExecution: { outputs: { edges: Array<{ node: { artifact: { id: string } } }> } };
    }>(
      t.url,
      `mutation($i: RecordExecutionInput!) {
        recordExecution(input: $i) { outputs { edges { node { artifact { id } } } } } }`,
      {
        i: {
          run: run.id,
          name: 'train',
          kind: 'TRAINER',
          params: [{ key: 'hidden', value: HIDDEN }],
          outputs: [{ artifact: { key: 'model-structured', kind: 'MODEL' }, path: 'model' }],
        },
      },
    );
    const model = made.recordExecution.outputs.edges[0]!.node.artifact.id;
    const { lineage } = await gqlOk<{ lineage: { nodes: Array<Record<string, unknown>> } }>(
      t.url,
      'query($of: String!) { lineage(of: $of, depth: 1) { nodes { ... on Execution { name params { key value } } } } }',
      { of: model },
    );
    expect(lineage.nodes).toContainEqual({
      name: 'train',
      params: [{ key: 'hidden', value: { layers: [10, 3, 1], optimizer: { betas: [0.9, 0.999], name: 'adam' } } }],
    });
  });

  it('replaces a structured result with a scalar one (and back) without keeping both', async () => {
    const run = await start('results', []);
    const log = (value: unknown) =>
      gqlOk<{ logResults: RunView }>(
        t.url,
        `mutation($id: ID!, $r: [EntryInput!]!) { logResults(id: $id, results: $r) { ${RUN} } }`,
        {
          id: run.id,
          r: [{ key: 'confusion', value }],
        },
      );
    expect(
      (
        await log([
          [1, 0],
          [0, 1],
        ])
      ).logResults.results,
    ).toEqual([
      {
        key: 'confusion',
        value: [
          [1, 0],
          [0, 1],
        ],
      },
    ]);
    expect((await log(0.5)).logResults.results).toEqual([{ key: 'confusion', value: 0.5 }]);
    expect((await search({ result: { key: 'confusion', eq: 0.5 } })).map((r) => r.uid)).toEqual([run.uid]);
    expect((await log({ tp: 1 })).logResults.results).toEqual([{ key: 'confusion', value: { tp: 1 } }]);
    expect(await search({ result: { key: 'confusion', eq: 0.5 } })).toEqual([]);
  });

  it('refuses a value over the size limit with BAD_USER_INPUT', async () => {
    const res = await gql(t.url, 'mutation($i: StartRunInput!) { startRun(input: $i) { id } }', {
      i: { workspace: t.ws, name: 'too-big', params: [{ key: 'big', value: { text: 'x'.repeat(70_000) } }] },
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toMatch(/"params" value for "big" is \d+ characters as JSON; the limit is 65536/);
  });

  it('keeps structured labels and properties on workspaces and artifacts, and replaces them whole', async () => {
    const name = `${t.ws}-labels`;
    await gqlOk(t.url, 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }', {
      i: {
        name,
        labels: [
          { key: 'owners', value: ['ana', 'bo'] },
          { key: 'team', value: 'nlp' },
        ],
      },
    });
    const replaced = await gqlOk<{ updateWorkspace: { labels: Entries } }>(
      t.url,
      'mutation($n: String!, $i: UpdateWorkspaceInput!) { updateWorkspace(name: $n, input: $i) { labels { key value } } }',
      { n: name, i: { labels: [{ key: 'team', value: { name: 'nlp', size: 4 } }] } },
    );
    // The list-valued "owners" went with the replaced labels; "team" changed form.
    expect(replaced.updateWorkspace.labels).toEqual([{ key: 'team', value: { name: 'nlp', size: 4 } }]);

    const logged = await gqlOk<{ logArtifact: { labels: Entries; properties: Entries } }>(
      t.url,
      'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { labels { key value } properties { key value } } }',
      {
        i: {
          workspace: t.ws,
          key: 'features',
          kind: 'DATASET',
          labels: [{ key: 'splits', value: { train: 0.8, test: 0.2 } }],
          properties: [{ key: 'columns', value: ['age', 'income'] }],
        },
      },
    );
    expect(logged.logArtifact).toEqual({
      labels: [{ key: 'splits', value: { test: 0.2, train: 0.8 } }],
      properties: [{ key: 'columns', value: ['age', 'income'] }],
    });
    // An artifact label filter matches a structured label by value, whatever its key order.
    const found = await gqlOk<{ artifacts: { edges: Array<{ node: { key: string } }> } }>(
      t.url,
      'query($w: String!, $f: ArtifactFilter) { artifacts(workspace: $w, filter: $f) { edges { node { key } } } }',
      { w: t.ws, f: { labels: [{ key: 'splits', value: { train: 0.8, test: 0.2 } }] } },
    );
    expect(found.artifacts.edges.map((e) => e.node.key)).toEqual(['features']);
  });

  it('removes a structured annotation by its key', async () => {
    const run = await start('notes', []);
    const set = (annotations: Entries | null, remove: string[] | null) =>
      gqlOk<{ setRunAnnotations: { annotations: Entries } }>(
        t.url,
        `mutation($id: ID!, $a: [EntryInput!], $r: [String!]) {
          setRunAnnotations(id: $id, annotations: $a, remove: $r) { annotations { key value } } }`,
        { id: run.id, a: annotations, r: remove },
      );
    const added = await set(
      [
        { key: 'review', value: { by: 'ana', ok: true } },
        { key: 'note', value: 'x' },
      ],
      null,
    );
    expect(added.setRunAnnotations.annotations).toEqual([
      { key: 'note', value: 'x' },
      { key: 'review', value: { by: 'ana', ok: true } },
    ]);
    expect((await set(null, ['review'])).setRunAnnotations.annotations).toEqual([{ key: 'note', value: 'x' }]);
  });
});
