import { ARTIFACT_FIELDS, createWorkspace, logArtifact, type ArtifactView } from '../helpers/pipeline';
import { gql, gqlOk, useTestSkein } from '../helpers/skein';

const rows = (n: number) => Array.from({ length: n }, (_, i) => [i, `name-${i}`, i % 2]);

describe('artifacts: typed, versioned, tagged, named by URI', () => {
  const t = useTestSkein({ workspace: 'art' });

  const countIn = async (workspace: string) => {
    const data = await gqlOk<{ artifacts: { edges: unknown[] } }>(
      t.url,
      'query($w: String!) { artifacts(workspace: $w, first: 1000) { edges { cursor } } }',
      { w: workspace },
    );
    return data.artifacts.edges.length;
  };

  it("logs a dataset with schema, preview (20 rows by default) and stats, like MLRun's log_dataset", async () => {
    const a = await logArtifact(t.url, {
      workspace: t.ws,
      key: 'iris',
      kind: 'DATASET',
      labels: [{ key: 'source', value: 'uci' }],
      dataset: {
        format: 'csv',
        rowCount: 150,
        schema: [
          { name: 'id', type: 'int' },
          { name: 'name', type: 'string' },
          { name: 'label', type: 'int' },
        ],
        preview: rows(25),
        stats: [{ column: 'id', mean: 12, min: 0, max: 24 }],
        labelColumn: 'label',
      },
    });
    expect(a).toMatchObject({
      key: 'iris',
      version: 1,
      kind: 'DATASET',
      state: 'AVAILABLE',
      isLatest: true,
      format: 'csv',
    });
    expect(a.uri).toBe(`store://artifacts/${t.ws}/iris@${a.uid}`);
    expect(a.preview).toHaveLength(20);
    expect((a.preview as unknown[][])[19]).toEqual([19, 'name-19', 1]);
    expect(a.stats).toEqual([{ column: 'id', mean: 12, min: 0, max: 24 }]);
    expect(a.labelColumn).toBe('label');

    const short = await logArtifact(t.url, {
      workspace: t.ws,
      key: 'iris',
      kind: 'DATASET',
      dataset: { preview: rows(25), previewRows: 5 },
    });
    expect(short.preview).toHaveLength(5);
    expect(short.version).toBe(2);
  });

  it("logs a model with metrics, parameters and its training dataset, like MLRun's log_model", async () => {
    const data = await logArtifact(t.url, { workspace: t.ws, key: 'train-set', kind: 'DATASET' });
    const model = await logArtifact(t.url, {
      workspace: t.ws,
      key: 'models/churn',
      kind: 'MODEL',
      trainingDataset: `store://artifacts/${t.ws}/train-set`,
      model: {
        framework: 'sklearn',
        algorithm: 'RandomForestClassifier',
        metrics: [
          { key: 'accuracy', value: 0.93 },
          { key: 'f1', value: 0.88 },
        ],
        parameters: [{ key: 'n_estimators', value: 100 }],
        inputFeatures: [{ name: 'age', type: 'int' }],
      },
    });
    expect(model).toMatchObject({
      framework: 'sklearn',
      algorithm: 'RandomForestClassifier',
      trainingDatasetId: data.id,
    });
    expect(model.metrics).toEqual([
      { key: 'accuracy', value: 0.93 },
      { key: 'f1', value: 0.88 },
    ]);
    const read = await gqlOk<{ artifact: { trainingDataset: { uid: string } } }>(
      t.url,
      'query($r: String!) { artifact(ref: $r) { ... on ModelArtifact { trainingDataset { uid } } } }',
      { r: model.uri },
    );
    expect(read.artifact.trainingDataset.uid).toBe(data.uid);
  });

  it('resolves store:// URIs by latest, by tag and by uid, and moves tags atomically', async () => {
    const v1 = await logArtifact(t.url, { workspace: t.ws, key: 'features', kind: 'FILE', tags: ['production'] });
    const v2 = await logArtifact(t.url, { workspace: t.ws, key: 'features', kind: 'FILE' });
    const byRef = async (ref: string) =>
      (
        await gqlOk<{ artifact: ArtifactView }>(
          t.url,
          `query($r: String!) { artifact(ref: $r) { ${ARTIFACT_FIELDS} } }`,
          { r: ref },
        )
      ).artifact;

    expect((await byRef(`store://artifacts/${t.ws}/features`)).uid).toBe(v2.uid);
    expect((await byRef(`store://artifacts/${t.ws}/features:latest`)).uid).toBe(v2.uid);
    expect((await byRef(`store://artifacts/${t.ws}/features:production`)).uid).toBe(v1.uid);
    expect((await byRef(`store://artifacts/${t.ws}/features@${v1.uid}`)).version).toBe(1);
    expect((await byRef(v1.id)).uid).toBe(v1.uid);

    const moved = await gqlOk<{ tagArtifact: ArtifactView }>(
      t.url,
      'mutation($r: String!) { tagArtifact(ref: $r, tag: "production") { uid tags } }',
      { r: v2.uri },
    );
    expect(moved.tagArtifact.tags).toEqual(['production']);
    expect((await byRef(v1.uri)).tags).toEqual([]);
    expect((await byRef(`store://artifacts/${t.ws}/features:production`)).uid).toBe(v2.uid);
    expect((await byRef(v1.uri)).isLatest).toBe(false);
  });

  it('gives 20 concurrent writers of one key versions 1..20, no gap, no duplicate', async () => {
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        logArtifact(t.url, {
          workspace: t.ws,
          key: 'race',
          kind: 'METRICS',
          metrics: { values: [{ key: 'i', value: i }] },
        }),
      ),
    );
    expect(created.map((a) => a.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const versions = await gqlOk<{ artifact: { versions: { edges: Array<{ node: { version: number } }> } } }>(
      t.url,
      'query($r: String!) { artifact(ref: $r) { versions(first: 100) { edges { node { version } } } } }',
      { r: `store://artifacts/${t.ws}/race` },
    );
    expect(versions.artifact.versions.edges.map((e) => e.node.version)).toEqual(
      Array.from({ length: 20 }, (_, i) => 20 - i),
    );
  });

  it('creates one artifact for 20 concurrent retries with one idempotency key', async () => {
    const input = { workspace: t.ws, key: 'once', kind: 'FILE', idempotencyKey: `k-${t.ws}` };
    const results = await Promise.all(Array.from({ length: 20 }, () => logArtifact(t.url, input)));
    expect(new Set(results.map((a) => a.uid)).size).toBe(1);
    expect(results[0]!.version).toBe(1);
    const reuse = await gql(t.url, 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { uid } }', {
      i: { ...input, kind: 'MODEL' },
    });
    expect(reuse.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('lists artifacts by kind, key prefix, label and tag, a page at a time', async () => {
    const lw = await createWorkspace(t.url, 'list');
    await logArtifact(t.url, {
      workspace: lw,
      key: 'data/a',
      kind: 'DATASET',
      labels: [{ key: 'team', value: 'nlp' }],
    });
    await logArtifact(t.url, { workspace: lw, key: 'data/b', kind: 'DATASET', tags: ['gold'] });
    await logArtifact(t.url, { workspace: lw, key: 'model', kind: 'MODEL', labels: [{ key: 'team', value: 'nlp' }] });
    const list = async (filter: Record<string, unknown>, first = 10, after?: string) =>
      (
        await gqlOk<{
          artifacts: { edges: Array<{ node: { key: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
        }>(
          t.url,
          'query($w: String!, $f: ArtifactFilter, $n: Int, $a: String) { artifacts(workspace: $w, filter: $f, first: $n, after: $a) { edges { node { key } } pageInfo { hasNextPage endCursor } } }',
          { w: lw, f: filter, n: first, a: after },
        )
      ).artifacts;
    const keys = async (filter: Record<string, unknown>) => (await list(filter)).edges.map((e) => e.node.key);
    expect(await keys({ kind: 'DATASET' })).toEqual(['data/b', 'data/a']);
    expect(await keys({ keyPrefix: 'data/' })).toEqual(['data/b', 'data/a']);
    expect(await keys({ labels: [{ key: 'team', value: 'nlp' }] })).toEqual(['model', 'data/a']);
    expect(await keys({ tag: 'gold' })).toEqual(['data/b']);
    expect(await keys({ kind: 'MODEL', labels: [{ key: 'team', value: 'nlp' }] })).toEqual(['model']);
    const page1 = await list({}, 2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await list({}, 2, page1.pageInfo.endCursor);
    expect(page2.edges.map((e) => e.node.key)).toEqual(['data/a']);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  // The README's `skein runs --json | jq -r '.[].uid'` feeds `skein upload --run`: a uid must do.
  it("takes a run's uid wherever it takes the run's id, and names the field for another node's id", async () => {
    const rw = await createWorkspace(t.url, 'run-ref');
    const { startRun: run } = await gqlOk<{ startRun: { id: string; uid: string } }>(
      t.url,
      'mutation($i: StartRunInput!) { startRun(input: $i) { id uid } }',
      { i: { workspace: rw, name: 'train' } },
    );
    const byUid = await logArtifact(t.url, { workspace: rw, key: 'by-uid', kind: 'FILE', run: run.uid });
    const byId = await logArtifact(t.url, { workspace: rw, key: 'by-id', kind: 'FILE', run: run.id });
    expect([byUid.runId, byId.runId]).toEqual([run.id, run.id]);

    const record = (runRef: string) =>
      gql<{ recordExecution: { runId: string } }>(
        t.url,
        'mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { runId } }',
        { i: { run: runRef, name: 'train', outputs: [{ artifact: { key: 'model', kind: 'MODEL' } }] } },
      );
    const recorded = await record(run.uid);
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data!.recordExecution.runId).toBe(run.id);

    const listed = (runRef: string) =>
      gql<{ artifacts: { edges: Array<{ node: { key: string } }> } }>(
        t.url,
        'query($w: String!, $r: ID) { artifacts(workspace: $w, filter: {run: $r}) { edges { node { key } } } }',
        { w: rw, r: runRef },
      );
    const keysOf = async (runRef: string) => (await listed(runRef)).data?.artifacts.edges.map((e) => e.node.key);
    expect(await keysOf(run.uid)).toEqual(['model', 'by-id', 'by-uid']);
    expect(await keysOf(run.id)).toEqual(await keysOf(run.uid));

    const wsId = Buffer.from(`Workspace:${rw}`).toString('base64url');
    const fieldOf = (res: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => res.errors?.[0]?.extensions;
    const logged = await gql(t.url, 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { uid } }', {
      i: { workspace: rw, key: 'nope', kind: 'FILE', run: wsId },
    });
    expect(fieldOf(logged)).toEqual({ code: 'BAD_USER_INPUT', field: 'run' });
    expect(fieldOf(await listed(wsId))).toEqual({ code: 'BAD_USER_INPUT', field: 'filter.run' });
    expect(fieldOf(await record(wsId))).toEqual({ code: 'BAD_USER_INPUT', field: 'run' });
  });

  it('keeps a version name beside the number, wherever an artifact is answered (as KF logs version: "v1.0.0")', async () => {
    const named = async (uri: string) =>
      (
        await gqlOk<{ artifact: { version: number; versionName: string | null } }>(
          t.url,
          'query($r: String!) { artifact(ref: $r) { version versionName } }',
          { r: uri },
        )
      ).artifact;
    const data = await logArtifact(t.url, { workspace: t.ws, key: 'named', kind: 'DATASET', versionName: 'v1.0.0' });
    expect(await named(data.uri)).toEqual({ version: 1, versionName: 'v1.0.0' });
    const unnamed = await logArtifact(t.url, { workspace: t.ws, key: 'named', kind: 'DATASET' });
    expect(await named(unnamed.uri)).toEqual({ version: 2, versionName: null });

    const { startRun } = await gqlOk<{ startRun: { id: string } }>(
      t.url,
      'mutation($i: StartRunInput!) { startRun(input: $i) { id } }',
      { i: { workspace: t.ws, name: 'train' } },
    );
    const { recordExecution } = await gqlOk<{
      recordExecution: { outputs: { edges: Array<{ node: { artifact: { id: string; versionName: string } } }> } };
    }>(
      t.url,
      `mutation($i: RecordExecutionInput!) { recordExecution(input: $i) {
        outputs { edges { node { artifact { id versionName } } } } } }`,
      {
        i: {
          run: startRun.id,
          name: 'train',
          inputs: [{ artifact: data.uri }],
          outputs: [{ artifact: { key: 'model', kind: 'MODEL', versionName: 'release-candidate-2' } }],
        },
      },
    );
    const model = recordExecution.outputs.edges[0]!.node.artifact;
    expect(model.versionName).toBe('release-candidate-2');

    // Lineage answers it as node(id:) does: both ends carry their own name.
    const { lineage } = await gqlOk<{ lineage: { nodes: Array<{ key?: string; versionName?: string | null }> } }>(
      t.url,
      'query($of: String!) { lineage(of: $of, depth: 1) { nodes { ... on Artifact { key versionName } } } }',
      { of: model.id },
    );
    expect(lineage.nodes.filter((n) => n.key)).toEqual([
      { key: 'model', versionName: 'release-candidate-2' },
      { key: 'named', versionName: 'v1.0.0' },
    ]);
  });

  it('refuses bad input with a clear code and leaves the graph unchanged', async () => {
    const bw = await createWorkspace(t.url, 'bad');
    const before = await countIn(bw);
    const attempt = async (input: Record<string, unknown>) =>
      (
        await gql(t.url, 'mutation($i: LogArtifactInput!) { logArtifact(input: $i) { uid } }', {
          i: { workspace: bw, key: 'k', kind: 'FILE', ...input },
        })
      ).errors?.[0];

    expect((await attempt({ workspace: 'no-such-workspace' }))?.extensions?.code).toBe('NOT_FOUND');
    expect(await attempt({ kind: 'DATASET', model: { framework: 'x' } })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
      message: expect.stringContaining('MODEL artifacts, not to DATASET'),
    });
    expect((await attempt({ key: '../etc/passwd' }))?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await attempt({ kind: 'lower' }))?.message).toContain('UPPER_CASE');
    expect((await attempt({ digest: 'abc' }))?.message).toContain('SHA-256');
    expect((await attempt({ tags: ['latest'] }))?.message).toContain('"latest" always points');
    expect(await attempt({ versionName: 'v'.repeat(64) })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'versionName' },
      message: '"versionName" is 64 characters long; the limit is 63.',
    });
    // A version name is named in URIs after ":", like a tag, so it follows the tag rule.
    expect(await attempt({ versionName: 'v 1/2' })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'versionName' },
      message: expect.stringContaining('e.g. "v1.0.0"'),
    });
    expect((await attempt({ versionName: 'latest' }))?.message).toContain('"latest" always names');
    expect(
      (
        await attempt({
          kind: 'DATASET',
          dataset: { preview: [['x'.repeat(600_000)], ['y'.repeat(600_000)]], previewRows: 2 },
        })
      )?.message,
    ).toContain('larger than');
    expect(
      (await attempt({ trainingDataset: `store://artifacts/${bw}/missing`, kind: 'MODEL' }))?.extensions?.code,
    ).toBe('NOT_FOUND');
    const badUri = await gql(t.url, '{ artifact(ref: "s3://nope") { uid } }');
    expect(badUri.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await countIn(bw)).toBe(before);
  });
});
