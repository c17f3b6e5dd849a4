import { toGlobalId } from '../../src/domain/global-id';
import { aPipeline, logArtifact, startRun, type ArtifactView, type Pipeline } from '../helpers/pipeline';
import { auditOf, inProcessApi, OPEN, tokenIn, type Answer, type InProcessApi } from '../helpers/callers';
import { gqlOk, uniqueName, useTestSkein } from '../helpers/skein';

/**
 * The cross-workspace leak suite: a caller who may read (or write) one workspace tries every way
 * to learn something of another: node(id) with its ids, direct reads, URIs, searches, compareRuns,
 * nested fields, lineage through it, and writes naming its things. Each answer must be exactly
 * what a missing thing answers (the same code and message, the id aside), carry none of its names,
 * and leave a DENIED event in the audit trail.
 */

const t = useTestSkein();
let api: InProcessApi;
let pub: Pipeline;
let priv: Pipeline;
let raw: ArtifactView;
let secret: { id: string; uid: string; uri: string };
let model: { id: string; uri: string };
let privExecId: string;
let pubExecId: string;
let trainedOnSecret: ArtifactView;
let producedInPrivate: ArtifactView;
let privChildId: string;

const MISSING_UID = '01900000-0000-7000-8000-00000000dead';
const SECRET_KEY = 'secret-features';

async function record(run: string, inputs: string[], outputs: Array<Record<string, unknown>>) {
  const data = await gqlOk<{
    recordExecution: {
      id: string;
      outputs: { edges: Array<{ node: { artifact: { id: string; uid: string; uri: string } } }> };
    };
  }>(
    t.url,
    `mutation($i: RecordExecutionInput!) {
      recordExecution(input: $i) { id outputs { edges { node { artifact { id uid uri } } } } }
    }`,
    {
      i: {
        run,
        name: 'step',
        inputs: inputs.map((artifact) => ({ artifact })),
        outputs: outputs.map((artifact) => ({ artifact })),
      },
    },
  );
  return { id: data.recordExecution.id, outputs: data.recordExecution.outputs.edges.map((e) => e.node.artifact) };
}

beforeAll(async () => {
  api = await inProcessApi(() => t.skein.graph);
  pub = await aPipeline(t.url, 'leak-pub');
  priv = await aPipeline(t.url, 'leak-priv');
  raw = await logArtifact(t.url, { workspace: pub.workspace, key: 'raw', kind: 'DATASET', run: pub.runId });
  // raw (pub) -> private step -> secret (priv) -> public train -> model (pub)
  const prep = await record(
    priv.runId,
    [raw.uri],
    [{ key: SECRET_KEY, kind: 'DATASET', versionName: 'v-secret', tags: ['prod'] }],
  );
  privExecId = prep.id;
  secret = prep.outputs[0]!;
  const train = await record(pub.runId, [secret.uri], [{ key: 'model', kind: 'MODEL' }]);
  pubExecId = train.id;
  model = train.outputs[0]!;
  trainedOnSecret = await logArtifact(t.url, {
    workspace: pub.workspace,
    key: 'm2',
    kind: 'MODEL',
    trainingDataset: secret.uri,
  });
  producedInPrivate = await logArtifact(t.url, { workspace: pub.workspace, key: 'handed-over', kind: 'DATASET' });
  await gqlOk(
    t.url,
    'mutation($id: ID!, $a: String!) { addExecutionOutputs(id: $id, outputs: [{artifact: $a}]) { id } }',
    {
      id: privExecId,
      a: producedInPrivate.uri,
    },
  );
  const child = await gqlOk<{ startRun: { id: string } }>(
    t.url,
    'mutation($w: String!, $p: ID!) { startRun(input: {workspace: $w, name: "child", parent: $p, iteration: 1}) { id } }',
    { w: priv.workspace, p: priv.runId },
  );
  privChildId = child.startRun.id;
});
afterAll(() => api.stop());

/**
 * The callers also hold a role in a workspace that does not exist, so "missing" answers below come
 * from the real missing paths, not from a refusal.
 */
const NONE = 'leak-none-x';
const viewer = () => tokenIn({ [pub.workspace]: 'VIEWER', [NONE]: 'VIEWER' });
const editor = () => tokenIn({ [pub.workspace]: 'EDITOR', [NONE]: 'EDITOR' });
const uidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':').slice(1).join(':');

/** Nothing of the private workspace in an answer: neither its name nor its keys nor its version names. */
function expectNoPrivateNames(a: unknown) {
  const text = JSON.stringify(a);
  for (const name of [priv.workspace, SECRET_KEY, 'v-secret']) expect(text).not.toContain(name);
}

async function expectDeniedIn(a: Answer<unknown>, workspace: string) {
  const events = await auditOf(t.skein.graph, a.requestId);
  expect(events).toContainEqual(expect.objectContaining({ outcome: 'DENIED', workspace }));
}

/** The refusal is exactly a missing thing's answer: same code, same message once the ids are swapped. */
function expectSameAsMissing(hidden: Answer<unknown>, hiddenId: string, missing: Answer<unknown>, missingId: string) {
  expect(hidden.errors).toHaveLength(1);
  expect(hidden.errors[0]!.extensions?.code).toBe('NOT_FOUND');
  expect(hidden.errors[0]!.extensions?.code).toBe(missing.errors[0]!.extensions?.code);
  expect(withoutId(hidden.errors[0]!.message, hiddenId)).toBe(withoutId(missing.errors[0]!.message, missingId));
  expect(hidden.data).toEqual(missing.data);
}

/** A message with the id (as given, or as the uid inside a global id) swapped for a placeholder. */
function withoutId(message: string, id: string): string {
  const uid = uidOf(id);
  const swapped = message.split(id).join('<id>');
  const bare = /^[0-9a-f-]{36}$/.test(uid) ? swapped.split(uid).join('<id>') : swapped;
  return bare.replace(/"[^"]*…"/g, '"<id>"'); // a long id is clipped in messages
}

describe('node(id) with another workspace’s ids', () => {
  const ids = () => [
    ['Workspace', toGlobalId('Workspace', priv.workspace), toGlobalId('Workspace', uniqueName('leak-none'))],
    ['Run', priv.runId, toGlobalId('Run', MISSING_UID)],
    ['run uid', uidOf(priv.runId), MISSING_UID],
    ['Execution', privExecId, toGlobalId('Execution', MISSING_UID)],
    ['execution uid', uidOf(privExecId), MISSING_UID],
    ['Artifact', secret.id, toGlobalId('Artifact', MISSING_UID)],
    ['artifact uid', secret.uid, MISSING_UID],
    ['URI', secret.uri, `store://artifacts/${uniqueName('leak-none')}/${SECRET_KEY}`],
    [
      'URI by tag',
      `store://datasets/${priv.workspace}/${SECRET_KEY}:prod`,
      `store://datasets/${priv.workspace}/none:prod`,
    ],
    [
      'URI by version name',
      `store://artifacts/${priv.workspace}/${SECRET_KEY}:v-secret`,
      `store://artifacts/${priv.workspace}/none:x`,
    ],
  ];

  it('answers null for every node type, as for a missing id, and audits each refusal', async () => {
    for (const [, hidden, missing] of ids()) {
      const query = 'query($id: ID!) { node(id: $id) { id } }';
      const a = await api.as(viewer(), query, { id: hidden });
      const b = await api.as(viewer(), query, { id: missing });
      expect({ hidden, answer: a.data, errors: a.errors }).toEqual({ hidden, answer: { node: null }, errors: [] });
      expect(b.data).toEqual({ node: null });
      await expectDeniedIn(a, priv.workspace);
    }
  });
});

describe('reads of one object', () => {
  const cases = () =>
    [
      ['run', 'query($x: ID!) { run(id: $x) { id } }', priv.runId, toGlobalId('Run', MISSING_UID)],
      ['execution', 'query($x: ID!) { execution(id: $x) { id } }', privExecId, toGlobalId('Execution', MISSING_UID)],
      [
        'artifact by id',
        'query($x: String!) { artifact(ref: $x) { id } }',
        secret.id,
        toGlobalId('Artifact', MISSING_UID),
      ],
      ['artifact by uid', 'query($x: String!) { artifact(ref: $x) { id } }', secret.uid, MISSING_UID],
      [
        'artifact by tag URI',
        'query($x: String!) { artifact(ref: $x) { id } }',
        `store://datasets/${priv.workspace}/${SECRET_KEY}:prod`,
        `store://datasets/${pub.workspace}/${SECRET_KEY}:prod`,
      ],
      // Two selectors naming different versions are BAD_USER_INPUT for a reader; here, a missing artifact.
      [
        'artifact by clashing URI',
        'query($x: String!) { artifact(ref: $x) { id } }',
        `store://artifacts/${priv.workspace}/${SECRET_KEY}:prod@${raw.uid}`,
        `store://artifacts/${pub.workspace}/${SECRET_KEY}:prod@${raw.uid}`,
      ],
      ['workspace', 'query($x: String!) { workspace(name: $x) { name } }', priv.workspace, NONE],
      ['lineage', 'query($x: String!) { lineage(of: $x) { depth } }', secret.id, toGlobalId('Artifact', MISSING_UID)],
      [
        'lineage by URI',
        'query($x: String!) { lineage(of: $x) { depth } }',
        secret.uri,
        `store://artifacts/${pub.workspace}/${SECRET_KEY}`,
      ],
      [
        'impact',
        'query($x: String!) { impact(of: $x) { executions } }',
        secret.id,
        toGlobalId('Artifact', MISSING_UID),
      ],
      [
        'provenance',
        'query($x: String!) { provenance(of: $x) { restricted } }',
        privExecId,
        toGlobalId('Execution', MISSING_UID),
      ],
    ] as const;

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])('case %i answers as a missing one and is audited', async (i) => {
    const [, query, hidden, missing] = cases()[i]!;
    const a = await api.as(viewer(), query, { x: hidden });
    const b = await api.as(viewer(), query, { x: missing });
    expectSameAsMissing(a, hidden, b, missing);
    expectNoPrivateNames(a.data);
    await expectDeniedIn(a, priv.workspace);
  });

  it('lineagePath to or from a hidden node answers as a missing one, whichever end it is', async () => {
    const path = 'query($a: String!, $b: String!) { lineagePath(from: $a, to: $b) { length } }';
    const missing = toGlobalId('Artifact', MISSING_UID);
    expectSameAsMissing(
      await api.as(viewer(), path, { a: raw.id, b: secret.id }),
      secret.id,
      await api.as(viewer(), path, { a: raw.id, b: missing }),
      missing,
    );
    expectSameAsMissing(
      await api.as(viewer(), path, { a: secret.id, b: raw.id }),
      secret.id,
      await api.as(viewer(), path, { a: missing, b: raw.id }),
      missing,
    );
  });
});

describe('searches', () => {
  it('workspaces lists only readable workspaces, in one query', async () => {
    const all = await api.as<{ workspaces: { edges: Array<{ node: { name: string } }> } }>(
      viewer(),
      'query { workspaces(first: 1000, namePrefix: "leak-") { edges { node { name } } } }',
    );
    expect(all.data!.workspaces.edges.map((e) => e.node.name)).toEqual([pub.workspace]);
    expect(all.queries).toBe(1);
    const named = await api.as(
      viewer(),
      'query($p: String!) { workspaces(namePrefix: $p) { edges { node { name } } } }',
      {
        p: priv.workspace,
      },
    );
    expect(named.data).toEqual({ workspaces: { edges: [] } });
  });

  it('runs of an unreadable workspace answer as those of a missing one (NOT_FOUND), audited', async () => {
    const query = 'query($w: String!) { runs(workspace: $w) { edges { node { id name } } } }';
    const a = await api.as(viewer(), query, { w: priv.workspace });
    expectSameAsMissing(a, priv.workspace, await api.as(viewer(), query, { w: NONE }), NONE);
    await expectDeniedIn(a, priv.workspace);
  });

  it('artifacts of an unreadable workspace answer as those of a missing one (an empty page), audited', async () => {
    const query = 'query($w: String!) { artifacts(workspace: $w) { edges { node { id } } pageInfo { hasNextPage } } }';
    const a = await api.as(viewer(), query, { w: priv.workspace });
    const b = await api.as(viewer(), query, { w: NONE });
    expect(a.data).toEqual(b.data);
    expect(a.errors).toEqual([]);
    await expectDeniedIn(a, priv.workspace);
  });

  it('compareRuns mixing workspaces refuses as if the hidden run were missing, naming nothing of it', async () => {
    const query = 'query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { id name } params { key } } }';
    const missing = toGlobalId('Run', MISSING_UID);
    const a = await api.as(viewer(), query, { ids: [pub.runId, priv.runId] });
    expectSameAsMissing(a, priv.runId, await api.as(viewer(), query, { ids: [pub.runId, missing] }), missing);
    await expectDeniedIn(a, priv.workspace);
  });
});

describe('nested fields', () => {
  it('an execution’s inputs and events leave out what the caller may not read; its outputs stay', async () => {
    const { execution } = await api.ok<{
      execution: { inputs: { edges: unknown[] }; outputs: { edges: unknown[] }; events: { edges: unknown[] } };
    }>(
      viewer(),
      `query($id: ID!) { execution(id: $id) {
        inputs { edges { node { artifact { id key workspace } } } }
        outputs { edges { node { artifact { id key } } } }
        events { edges { node { type artifact { key } } } }
      } }`,
      { id: pubExecId },
    );
    expect(execution.inputs.edges).toEqual([]);
    expect(execution.outputs.edges).toHaveLength(1);
    expect(execution.events.edges).toEqual([{ node: { type: 'OUTPUT', artifact: { key: 'model' } } }]);
  });

  it('a single reference into another workspace is null: a producer, a training dataset', async () => {
    const data = await api.ok<{ a: { producer: unknown }; m: { trainingDataset: unknown } }>(
      viewer(),
      `query($a: String!, $m: String!) {
        a: artifact(ref: $a) { producer { id name } }
        m: artifact(ref: $m) { ... on ModelArtifact { trainingDataset { id key } } }
      }`,
      { a: producedInPrivate.uri, m: trainedOnSecret.uri },
    );
    expect(data).toEqual({ a: { producer: null }, m: { trainingDataset: null } });
  });

  it('the same fields resolve for a caller who may read both workspaces', async () => {
    const both = tokenIn({ [pub.workspace]: 'VIEWER', [priv.workspace]: 'VIEWER' });
    const data = await api.ok<{ a: { producer: { id: string } | null } }>(
      both,
      'query($a: String!) { a: artifact(ref: $a) { producer { id } } }',
      { a: producedInPrivate.uri },
    );
    expect(data.a.producer).toEqual({ id: privExecId });
  });
});

describe('ids pointing into a private workspace', () => {
  const IDS = 'id producerId runId ... on ModelArtifact { trainingDatasetId }';
  type Ids = { id: string; producerId: string | null; runId: string | null; trainingDatasetId?: string | null };

  const privRunUid = () => uidOf(priv.runId);
  const idsOf = (caller: ReturnType<typeof viewer>) =>
    api.ok<{ a: Ids; m: Ids; list: { edges: Array<{ node: Ids }> }; execution: { inputs: { edges: unknown[] } } }>(
      caller,
      `query($a: String!, $m: String!, $w: String!) {
        a: artifact(ref: $a) { ${IDS} }
        m: artifact(ref: $m) { ${IDS} }
        list: artifacts(workspace: $w, first: 1000) { edges { node { ${IDS} } } }
      }`,
      { a: producedInPrivate.uri, m: trainedOnSecret.uri, w: pub.workspace },
    );

  it('are null for a caller who may not read it, on every path (one artifact, a list), naming nothing', async () => {
    const data = await idsOf(viewer());
    // Output into pub by a private execution: its producer and (taken from it) its run are private.
    expect(data.a).toEqual({ id: producedInPrivate.id, producerId: null, runId: null });
    expect(data.m).toEqual({ id: trainedOnSecret.id, producerId: null, runId: null, trainingDatasetId: null });
    const listed = data.list.edges.map((e) => e.node);
    expect(listed.find((n) => n.id === producedInPrivate.id)).toEqual(data.a);
    expect(listed.find((n) => n.id === trainedOnSecret.id)).toEqual(data.m);
    // The public model's producer (a public execution) and run stay.
    expect(listed.find((n) => n.id === model.id)).toEqual({
      id: model.id,
      producerId: pubExecId,
      runId: pub.runId,
      trainingDatasetId: null,
    });
    const text = JSON.stringify(data);
    for (const hidden of [privExecId, priv.runId, secret.id, uidOf(privExecId), privRunUid(), secret.uid]) {
      expect(text).not.toContain(hidden);
    }
  });

  it('are null inside lineage and an execution’s events too', async () => {
    const { lineage, execution } = await api.ok<{
      lineage: { nodes: Array<{ __typename: string; id?: string; producerId?: string | null; runId?: string | null }> };
      execution: { outputs: { edges: Array<{ node: { artifact: Ids } }> } };
    }>(
      viewer(),
      `query($of: String!, $e: ID!) {
        lineage(of: $of, depth: 1) { nodes { __typename ... on Artifact { id producerId runId } } }
        execution(id: $e) { outputs { edges { node { artifact { ${IDS} } } } } }
      }`,
      { of: producedInPrivate.id, e: pubExecId },
    );
    expect(lineage.nodes.find((n) => n.id === producedInPrivate.id)).toMatchObject({ producerId: null, runId: null });
    expect(execution.outputs.edges[0]!.node.artifact).toMatchObject({ producerId: pubExecId, runId: pub.runId });
  });

  it('provenance lists no run of it, though a readable artifact’s run is there', async () => {
    const { provenance } = await api.ok<{ provenance: { runs: Array<{ id: string; workspace: string }> } }>(
      viewer(),
      'query($of: String!) { provenance(of: $of) { runs { id name workspace } } }',
      { of: producedInPrivate.id },
    );
    // Runs of readable upstream artifacts may be listed (other tests of this file add some); the
    // private run stamped on the readable artifact never is.
    expect(provenance.runs.filter((r) => r.workspace !== pub.workspace)).toEqual([]);
    expect(provenance.runs.map((r) => r.id)).not.toContain(priv.runId);
    expectNoPrivateNames(provenance);
  });

  it('are set for a caller who may read both workspaces, and for an admin (with no extra query)', async () => {
    const expected = {
      a: { id: producedInPrivate.id, producerId: privExecId, runId: priv.runId },
      m: { id: trainedOnSecret.id, producerId: null, runId: null, trainingDatasetId: secret.id },
    };
    const both = await idsOf(tokenIn({ [pub.workspace]: 'VIEWER', [priv.workspace]: 'VIEWER' }));
    expect({ a: both.a, m: both.m }).toEqual(expected);
    const admin = await api.as<{ a: Ids; m: Ids }>(
      OPEN,
      `query($a: String!, $m: String!) { a: artifact(ref: $a) { ${IDS} } m: artifact(ref: $m) { ${IDS} } }`,
      { a: producedInPrivate.uri, m: trainedOnSecret.uri },
    );
    expect(admin.data).toEqual(expected);
    const bare = await api.as(
      OPEN,
      'query($a: String!, $m: String!) { a: artifact(ref: $a) { id } m: artifact(ref: $m) { id } }',
      { a: producedInPrivate.uri, m: trainedOnSecret.uri },
    );
    expect(admin.queries).toBe(bare.queries);
  });
});

describe('deleting a run whose executions output into another workspace', () => {
  it('deletes (and restores) only the run’s own workspace’s artifacts, leaving the other’s live', async () => {
    const home = await aPipeline(t.url, 'leak-home');
    const other = await aPipeline(t.url, 'leak-other');
    const theirs = await logArtifact(t.url, { workspace: other.workspace, key: 'theirs', kind: 'DATASET' });
    const step = await record(home.runId, [], [{ key: 'ours', kind: 'DATASET' }]);
    await gqlOk(
      t.url,
      'mutation($id: ID!, $a: String!) { addExecutionOutputs(id: $id, outputs: [{artifact: $a}]) { id } }',
      {
        id: step.id,
        a: theirs.uri,
      },
    );
    const ours = step.outputs[0]!;
    const deletedAt = async () => {
      const data = await gqlOk<{ o: { deletedAt: string | null }; t: { deletedAt: string | null } }>(
        t.url,
        'query($o: String!, $t: String!) { o: artifact(ref: $o) { deletedAt } t: artifact(ref: $t) { deletedAt } }',
        { o: ours.id, t: theirs.id },
      );
      return { ours: data.o.deletedAt !== null, theirs: data.t.deletedAt !== null };
    };
    const homeEditor = tokenIn({ [home.workspace]: 'EDITOR', [other.workspace]: 'VIEWER' });
    await api.ok(homeEditor, 'mutation($id: ID!) { deleteRun(id: $id, artifacts: true) { id } }', { id: home.runId });
    expect(await deletedAt()).toEqual({ ours: true, theirs: false });
    await api.ok(homeEditor, 'mutation($id: ID!) { restoreRun(id: $id) { id } }', { id: home.runId });
    expect(await deletedAt()).toEqual({ ours: false, theirs: false });
  });
});

describe('lineage through a private workspace', () => {
  const NODE = `__typename ... on RestrictedNode { id nodeType kind } ... on Artifact { key workspace } ... on Execution { name workspace }`;

  it('upstream shows its nodes as RestrictedNode, keeps walking to the public source, names nothing', async () => {
    const { lineage } = await api.ok<{
      lineage: { nodes: Array<Record<string, string>>; edges: Array<{ path: string | null }> };
    }>(viewer(), `query($of: String!) { lineage(of: $of, depth: 3) { nodes { ${NODE} } edges { from to path } } }`, {
      of: model.id,
    });
    const restricted = lineage.nodes.filter((n) => n.__typename === 'RestrictedNode');
    expect(restricted.map((n) => [n.nodeType, n.kind])).toEqual([
      ['ARTIFACT', 'DATASET'],
      ['EXECUTION', 'STEP'],
    ]);
    expect(
      lineage.nodes
        .filter((n) => n.__typename !== 'RestrictedNode')
        .map((n) => n.key ?? n.name)
        .sort(),
    ).toEqual(['model', 'raw', 'step']);
    expectNoPrivateNames(lineage);
  });

  it('impact counts what it may not name, honestly', async () => {
    const { impact } = await api.ok<{
      impact: {
        artifactsByKind: Array<{ kind: string; count: number; restricted: number; artifacts: Array<{ key: string }> }>;
        executions: number;
        restrictedExecutions: number;
        restrictedRuns: number;
        restrictedWorkspaces: number;
      };
    }>(
      viewer(),
      `query($of: String!) { impact(of: $of) {
        artifactsByKind { kind count restricted artifacts { key } }
        executions restrictedExecutions restrictedRuns restrictedWorkspaces
      } }`,
      { of: raw.id },
    );
    expect(impact.artifactsByKind).toEqual([
      { kind: 'DATASET', count: 2, restricted: 1, artifacts: [{ key: 'handed-over' }] },
      { kind: 'MODEL', count: 1, restricted: 0, artifacts: [{ key: 'model' }] },
    ]);
    expect(impact).toMatchObject({
      executions: 2,
      restrictedExecutions: 1,
      restrictedRuns: 1,
      restrictedWorkspaces: 1,
    });
    expectNoPrivateNames(impact);
  });

  it('provenance counts the hidden nodes and lists the public source', async () => {
    const { provenance } = await api.ok<{ provenance: { restricted: number; sources: Array<{ key: string }> } }>(
      viewer(),
      'query($of: String!) { provenance(of: $of) { restricted sources { key } executions { name } runs { name } } }',
      { of: model.id },
    );
    expect(provenance.restricted).toBe(2);
    expect(provenance.sources.map((s) => s.key)).toEqual(['raw']);
    expectNoPrivateNames(provenance);
  });

  it('a path through it redacts the middle and keeps its length', async () => {
    const { lineagePath } = await api.ok<{ lineagePath: { length: number; nodes: Array<Record<string, string>> } }>(
      viewer(),
      `query($a: String!, $b: String!) { lineagePath(from: $a, to: $b) { length nodes { ${NODE} } } }`,
      { a: raw.id, b: model.id },
    );
    expect(lineagePath.length).toBe(4);
    expect(lineagePath.nodes.map((n) => n.__typename)).toEqual([
      'DatasetArtifact',
      'RestrictedNode',
      'RestrictedNode',
      'Execution',
      'ModelArtifact',
    ]);
    expectNoPrivateNames(lineagePath);
  });
});

describe('writes that name another workspace’s things', () => {
  const cases = () =>
    [
      [
        'finishRun',
        'mutation($x: ID!) { finishRun(id: $x, state: COMPLETED) { id } }',
        priv.runId,
        toGlobalId('Run', MISSING_UID),
      ],
      [
        'logMetrics',
        'mutation($x: ID!) { logMetrics(run: $x, points: [{key: "l", value: 1, step: 0}]) { id } }',
        priv.runId,
        toGlobalId('Run', MISSING_UID),
      ],
      [
        'updateRun',
        'mutation($x: ID!) { updateRun(id: $x, changes: {description: "mine"}) { id } }',
        priv.runId,
        toGlobalId('Run', MISSING_UID),
      ],
      ['deleteRun', 'mutation($x: ID!) { deleteRun(id: $x) { id } }', priv.runId, toGlobalId('Run', MISSING_UID)],
      [
        'tagArtifact',
        'mutation($x: String!) { tagArtifact(ref: $x, tag: "mine") { id } }',
        secret.uri,
        `store://artifacts/${pub.workspace}/${SECRET_KEY}`,
      ],
      [
        'updateArtifact',
        'mutation($x: String!) { updateArtifact(ref: $x, changes: {description: "d"}) { id } }',
        secret.id,
        toGlobalId('Artifact', MISSING_UID),
      ],
      [
        'finishExecution',
        'mutation($x: ID!) { finishExecution(id: $x, state: COMPLETED) { id } }',
        privExecId,
        toGlobalId('Execution', MISSING_UID),
      ],
      [
        'startExecution',
        'mutation($x: ID!) { startExecution(input: {run: $x, name: "s"}) { id } }',
        priv.runId,
        toGlobalId('Run', MISSING_UID),
      ],
      [
        'startRun in it',
        'mutation($x: String!) { startRun(input: {workspace: $x, name: "r"}) { id } }',
        priv.workspace,
        NONE,
      ],
    ] as const;

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8])('case %i answers as for a missing one and is audited', async (i) => {
    const [, query, hidden, missing] = cases()[i]!;
    const a = await api.as(editor(), query, { x: hidden });
    expectSameAsMissing(a, hidden, await api.as(editor(), query, { x: missing }), missing);
    await expectDeniedIn(a, priv.workspace);
  });

  it('a private parent, run or input named from a public write is a missing one, never “in workspace …”', async () => {
    const missing = toGlobalId('Run', MISSING_UID);
    const cases = [
      [
        'mutation($w: String!, $x: ID!) { startRun(input: {workspace: $w, name: "c", parent: $x}) { id } }',
        priv.runId,
        missing,
      ],
      [
        'mutation($w: String!, $x: ID!) { logArtifact(input: {workspace: $w, key: "k", kind: "DATASET", run: $x}) { id } }',
        priv.runId,
        missing,
      ],
      [
        'mutation($w: String!, $x: String!) { logArtifact(input: {workspace: $w, key: "k", kind: "MODEL", trainingDataset: $x}) { id } }',
        secret.uri,
        `store://artifacts/${pub.workspace}/${SECRET_KEY}`,
      ],
    ] as const;
    for (const [query, hidden, gone] of cases) {
      const a = await api.as(editor(), query, { w: pub.workspace, x: hidden });
      expectSameAsMissing(a, hidden, await api.as(editor(), query, { w: pub.workspace, x: gone }), gone);
      expectNoPrivateNames(JSON.stringify(a).split(hidden).join('<as given>'));
      await expectDeniedIn(a, priv.workspace);
    }
    const record =
      'mutation($r: ID!, $x: String!) { recordExecution(input: {run: $r, name: "s", inputs: [{artifact: $x}]}) { id } }';
    const a = await api.as(editor(), record, { r: pub.runId, x: secret.id });
    const gone = toGlobalId('Artifact', MISSING_UID);
    expectSameAsMissing(a, secret.id, await api.as(editor(), record, { r: pub.runId, x: gone }), gone);
    const best = 'mutation($p: ID!, $x: ID!) { markBestChild(parent: $p, child: $x) { id } }';
    const b = await api.as(editor(), best, { p: pub.runId, x: privChildId });
    expectSameAsMissing(b, privChildId, await api.as(editor(), best, { p: pub.runId, x: missing }), missing);
    await expectDeniedIn(b, priv.workspace);
  });

  it('leaves the private things as they were', async () => {
    const run = await gqlOk<{ run: { state: string; description: string | null } }>(
      t.url,
      'query($id: ID!) { run(id: $id) { state description } }',
      { id: priv.runId },
    );
    expect(run.run).toEqual({ state: 'RUNNING', description: null });
    const child = await startRun(t.url, pub.workspace, 'unrelated'); // the server still works for everyone
    expect(child).toBeTruthy();
  });
});

describe('many refusals in one request', () => {
  it('answers (no request waits on its own session slots to record its refusals)', async () => {
    const aliases = Array.from({ length: 6 }, (_, i) => `n${i}: node(id: $id${i}) { id }`).join(' ');
    // Each a URI of the private workspace: each refused inside its own read, all at once.
    const vars = Object.fromEntries(
      Array.from({ length: 6 }, (_, i) => [`id${i}`, `store://artifacts/${priv.workspace}/k${i}`]),
    );
    const decl = Object.keys(vars)
      .map((k) => `$${k}: ID!`)
      .join(', ');
    const a = await api.as(viewer(), `query(${decl}) { ${aliases} }`, vars);
    expect(a.errors).toEqual([]);
    expect(Object.values(a.data!)).toEqual(Array(6).fill(null));
  }, 20_000);
});
