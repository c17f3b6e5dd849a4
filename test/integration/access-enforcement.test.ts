import { OPEN } from '../../src/auth/principal';
import { aPipeline, logArtifact, startRun, type Pipeline } from '../helpers/pipeline';
import { auditOf, inProcessApi, ssoUser, tokenIn, type Answer, type InProcessApi } from '../helpers/callers';
import { ANONYMOUS } from '../../src/auth/principal';
import { gqlOk, uniqueName, useTestSkein } from '../helpers/skein';

/**
 * Workspace roles in each use case, through GraphQL in-process as a given principal: a viewer
 * reads, an editor writes runs, executions, artifacts and tags, an owner changes and deletes the
 * workspace, only an admin purges, and an admin or an SSO user creates workspaces. Every refusal
 * is in the audit trail with the workspace it was about.
 */

const t = useTestSkein();
let api: InProcessApi;
let p: Pipeline;
let datasetUri: string;
let executionId: string;

beforeAll(async () => {
  api = await inProcessApi(() => t.skein.graph);
  p = await aPipeline(t.url, 'acl');
  datasetUri = (await logArtifact(t.url, { workspace: p.workspace, key: 'data', kind: 'DATASET', run: p.runId })).uri;
  const made = await gqlOk<{ recordExecution: { id: string } }>(
    t.url,
    'mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { id } }',
    { i: { run: p.runId, name: 'prep', state: 'RUNNING', inputs: [{ artifact: datasetUri }] } },
  );
  executionId = made.recordExecution.id;
});
afterAll(() => api.stop());

const codeOf = (a: Answer<unknown>) => a.errors[0]?.extensions?.code ?? 'OK';

/** Each refused request left one DENIED event, naming the workspace and the error's code. */
async function expectDenied(a: Answer<unknown>, workspace: string | undefined, reason: string) {
  const events = await auditOf(t.skein.graph, a.requestId);
  const named = workspace === undefined ? {} : { workspace };
  expect(events).toEqual([expect.objectContaining({ outcome: 'DENIED', reason, ...named })]);
}

const READS: Array<[string, string, () => Record<string, unknown>]> = [
  ['run', 'query($id: ID!) { run(id: $id) { id } }', () => ({ id: p.runId })],
  ['runs', 'query($w: String!) { runs(workspace: $w) { edges { node { id } } } }', () => ({ w: p.workspace })],
  ['artifact', 'query($r: String!) { artifact(ref: $r) { id } }', () => ({ r: datasetUri })],
  [
    'artifacts',
    'query($w: String!) { artifacts(workspace: $w) { edges { node { id } } } }',
    () => ({ w: p.workspace }),
  ],
  ['execution', 'query($id: ID!) { execution(id: $id) { id } }', () => ({ id: executionId })],
  ['workspace', 'query($w: String!) { workspace(name: $w) { name } }', () => ({ w: p.workspace })],
  ['compareRuns', 'query($id: ID!) { compareRuns(ids: [$id]) { runs { id } } }', () => ({ id: p.runId })],
  ['lineage', 'query($r: String!) { lineage(of: $r) { depth } }', () => ({ r: datasetUri })],
  ['provenance', 'query($r: String!) { provenance(of: $r) { restricted } }', () => ({ r: datasetUri })],
  ['impact', 'query($r: String!) { impact(of: $r) { executions } }', () => ({ r: datasetUri })],
];

describe('a viewer', () => {
  it.each(READS)('reads: %s', async (_name, query, vars) => {
    expect(codeOf(await api.as(tokenIn({ [p.workspace]: 'VIEWER' }), query, vars()))).toBe('OK');
  });

  it.each([
    [
      'startRun',
      'mutation($w: String!) { startRun(input: {workspace: $w, name: "x"}) { id } }',
      () => ({ w: p.workspace }),
    ],
    ['finishRun', 'mutation($id: ID!) { finishRun(id: $id, state: COMPLETED) { id } }', () => ({ id: p.runId })],
    [
      'logMetrics',
      'mutation($id: ID!) { logMetrics(run: $id, points: [{key: "l", value: 1, step: 0}]) { id } }',
      () => ({ id: p.runId }),
    ],
    [
      'logParams',
      'mutation($id: ID!) { logParams(run: $id, params: [{key: "k", value: 1}]) { id } }',
      () => ({ id: p.runId }),
    ],
    ['tagArtifact', 'mutation($r: String!) { tagArtifact(ref: $r, tag: "prod") { id } }', () => ({ r: datasetUri })],
    [
      'updateArtifact',
      'mutation($r: String!) { updateArtifact(ref: $r, changes: {description: "d"}) { id } }',
      () => ({ r: datasetUri }),
    ],
    [
      'logArtifact',
      'mutation($w: String!) { logArtifact(input: {workspace: $w, key: "k", kind: "DATASET"}) { id } }',
      () => ({ w: p.workspace }),
    ],
    [
      'finishExecution',
      'mutation($id: ID!) { finishExecution(id: $id, state: COMPLETED) { id } }',
      () => ({ id: executionId }),
    ],
    ['deleteRun', 'mutation($id: ID!) { deleteRun(id: $id) { id } }', () => ({ id: p.runId })],
    [
      'deleteArtifact',
      'mutation($r: String!) { deleteArtifact(ref: $r, allVersions: true) { id } }',
      () => ({ r: datasetUri }),
    ],
    [
      'updateWorkspace',
      'mutation($w: String!) { updateWorkspace(name: $w, input: {description: "d"}) { name } }',
      () => ({ w: p.workspace }),
    ],
    ['deleteWorkspace', 'mutation($w: String!) { deleteWorkspace(name: $w) { name } }', () => ({ w: p.workspace })],
  ])('may not %s: FORBIDDEN naming the role it takes, and audited', async (_name, query, vars) => {
    const a = await api.as(tokenIn({ [p.workspace]: 'VIEWER' }), query, vars());
    expect(codeOf(a)).toBe('FORBIDDEN');
    expect(a.errors[0]!.message).toContain(`Your role in workspace "${p.workspace}" is VIEWER`);
    await expectDenied(a, p.workspace, 'FORBIDDEN');
  });
});

describe('an editor', () => {
  const editor = () => tokenIn({ [p.workspace]: 'EDITOR' });

  it('starts, logs to, edits and finishes runs; records executions; tags, deletes and restores', async () => {
    const started = await api.ok<{ startRun: { id: string } }>(
      editor(),
      'mutation($w: String!) { startRun(input: {workspace: $w, name: "by-editor"}) { id } }',
      { w: p.workspace },
    );
    const id = started.startRun.id;
    await api.ok(
      editor(),
      'mutation($id: ID!) { logMetrics(run: $id, points: [{key: "l", value: 1, step: 0}]) { id } }',
      { id },
    );
    await api.ok(editor(), 'mutation($id: ID!) { setRunLabels(id: $id, labels: [{key: "team", value: "a"}]) { id } }', {
      id,
    });
    await api.ok(
      editor(),
      'mutation($id: ID!, $r: String!) { recordExecution(input: {run: $id, name: "s", inputs: [{artifact: $r}]}) { id } }',
      { id, r: datasetUri },
    );
    await api.ok(editor(), 'mutation($id: ID!) { finishRun(id: $id, state: COMPLETED) { id } }', { id });
    const model = await api.ok<{ logArtifact: { uri: string } }>(
      editor(),
      'mutation($w: String!) { logArtifact(input: {workspace: $w, key: "m", kind: "MODEL"}) { uri } }',
      { w: p.workspace },
    );
    await api.ok(editor(), 'mutation($r: String!) { tagArtifact(ref: $r, tag: "prod") { id } }', {
      r: model.logArtifact.uri,
    });
    await api.ok(editor(), 'mutation($id: ID!) { deleteRun(id: $id) { id } }', { id });
    await api.ok(editor(), 'mutation($id: ID!) { restoreRun(id: $id) { id } }', { id });
  });

  it('may not change or delete the workspace (an owner does)', async () => {
    for (const query of [
      'mutation($w: String!) { updateWorkspace(name: $w, input: {description: "d"}) { name } }',
      'mutation($w: String!) { deleteWorkspace(name: $w) { name } }',
      'mutation($w: String!) { restoreWorkspace(name: $w) { name } }',
    ]) {
      const a = await api.as(editor(), query, { w: p.workspace });
      expect(codeOf(a)).toBe('FORBIDDEN');
      await expectDenied(a, p.workspace, 'FORBIDDEN');
    }
  });

  it('pays no per-call lookup on the hot write path: the run is remembered after the first call', async () => {
    const id = await startRun(t.url, p.workspace, 'hot');
    const log = 'mutation($id: ID!) { logMetrics(run: $id, points: [{key: "l", value: 1, step: 0}]) { id } }';
    const asOpen = await api.as(OPEN, log, { id });
    await api.as(editor(), log, { id });
    const asEditor = await api.as(editor(), log, { id });
    expect(codeOf(asEditor)).toBe('OK');
    expect(asEditor.queries).toBe(asOpen.queries);
  });
});

describe('an owner', () => {
  it('changes, deletes and restores the workspace, but may not purge (a server admin does)', async () => {
    const q = await aPipeline(t.url, 'acl-own');
    const owner = tokenIn({ [q.workspace]: 'OWNER' });
    await api.ok(owner, 'mutation($w: String!) { updateWorkspace(name: $w, input: {description: "mine"}) { name } }', {
      w: q.workspace,
    });
    await api.ok(owner, 'mutation($w: String!) { deleteWorkspace(name: $w) { name } }', { w: q.workspace });
    await api.ok(owner, 'mutation($w: String!) { restoreWorkspace(name: $w) { name } }', { w: q.workspace });
    const purge = await api.as(owner, 'mutation($w: String!) { purgeDeleted(workspace: $w) { runs } }', {
      w: q.workspace,
    });
    expect(codeOf(purge)).toBe('FORBIDDEN');
    await expectDenied(purge, q.workspace, 'FORBIDDEN');
    expect(
      codeOf(await api.as(OPEN, 'mutation($w: String!) { purgeDeleted(workspace: $w) { runs } }', { w: q.workspace })),
    ).toBe('OK');
  });
});

describe('creating a workspace', () => {
  const create = 'mutation($n: String!) { createWorkspace(input: {name: $n}) { name } }';
  const grantsOf = (workspace: string) =>
    t.skein.graph.read((tx) =>
      tx.run<{ subject: string; role: string }>(
        'MATCH (g:Grant {workspace: $workspace}) RETURN g.subject AS subject, g.role AS role',
        { workspace },
      ),
    );

  it('an SSO user creates one and becomes its OWNER in the same transaction', async () => {
    const user = ssoUser();
    const name = uniqueName('acl-sso');
    await api.ok(user, create, { n: name });
    expect(await grantsOf(name)).toEqual([{ subject: user.id, role: 'OWNER' }]);
  });

  it('a name purged and made again starts without the old grants', async () => {
    const first = ssoUser();
    const name = uniqueName('acl-again');
    await api.ok(first, create, { n: name });
    await api.ok(OPEN, 'mutation($n: String!) { deleteWorkspace(name: $n) { name } }', { n: name });
    const purge = 'mutation($n: String!, $t: DateTime!) { purgeDeleted(workspace: $n, olderThan: $t) { workspaces } }';
    const report = await api.ok<{ purgeDeleted: { workspaces: number } }>(OPEN, purge, {
      n: name,
      t: new Date().toISOString(),
    });
    expect(report.purgeDeleted.workspaces).toBe(1);
    expect(await grantsOf(name)).toEqual([]);
    const second = ssoUser();
    await api.ok(second, create, { n: name });
    expect(await grantsOf(name)).toEqual([{ subject: second.id, role: 'OWNER' }]);
  });

  it('an API token may not (FORBIDDEN, saying who may), an admin may (and needs no grant)', async () => {
    const name = uniqueName('acl-tok');
    const refused = await api.as(tokenIn({ [p.workspace]: 'OWNER' }), create, { n: name });
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(refused.errors[0]!.message).toContain('server admin or a user signed in through SSO');
    await expectDenied(refused, name, 'FORBIDDEN');
    await api.ok(OPEN, create, { n: name });
    expect(await grantsOf(name)).toEqual([]);
  });
});

describe('without credentials on a Skein that requires them', () => {
  it.each(READS)('%s is UNAUTHENTICATED, whether the object exists or not', async (_name, query, vars) => {
    const a = await api.as(ANONYMOUS, query, vars());
    expect(codeOf(a)).toBe('UNAUTHENTICATED');
    await expectDenied(a, undefined, 'UNAUTHENTICATED');
  });

  it('node(id) too: a missing and an existing run both refuse the same way', async () => {
    const node = 'query($id: ID!) { node(id: $id) { id } }';
    const existing = await api.as(ANONYMOUS, node, { id: p.runId });
    const missing = await api.as(ANONYMOUS, node, { id: '01900000-0000-7000-8000-000000000000' });
    expect([codeOf(existing), codeOf(missing)]).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
  });

  it('finishRun on a missing or an existing run is UNAUTHENTICATED', async () => {
    const finish = 'mutation($id: ID!) { finishRun(id: $id, state: COMPLETED) { id } }';
    for (const id of [p.runId, '01900000-0000-7000-8000-000000000000']) {
      expect(codeOf(await api.as(ANONYMOUS, finish, { id }))).toBe('UNAUTHENTICATED');
    }
  });
});

describe('idempotency keys', () => {
  it('a replay by a caller who may not write the workspace hands out nothing', async () => {
    const start =
      'mutation($w: String!) { startRun(input: {workspace: $w, name: "once", idempotencyKey: "k-acl-1"}) { id } }';
    const first = await api.ok<{ startRun: { id: string } }>(OPEN, start, { w: p.workspace });
    const stranger = await api.as(tokenIn({ other: 'OWNER' }), start, { w: p.workspace });
    expect(codeOf(stranger)).toBe('NOT_FOUND');
    expect(JSON.stringify(stranger)).not.toContain(first.startRun.id);
  });
});

describe('cost', () => {
  it('a reader’s nested page costs what an admin’s does: filters are in the queries, not per item', async () => {
    for (let i = 0; i < 3; i++) {
      const run = await startRun(t.url, p.workspace, `cost-${i}`);
      await gqlOk(
        t.url,
        'mutation($id: ID!, $r: String!) { recordExecution(input: {run: $id, name: "s", inputs: [{artifact: $r}]}) { id } }',
        {
          id: run,
          r: datasetUri,
        },
      );
    }
    const query = `query($w: String!) { runs(workspace: $w, first: 20) { edges { node { name parent { name }
      executions { edges { node { name run { name } inputs { edges { node { artifact { key producer { name } } } } } } } }
    } } } }`;
    const open = await api.as(OPEN, query, { w: p.workspace });
    const viewer = await api.as(tokenIn({ [p.workspace]: 'VIEWER' }), query, { w: p.workspace });
    expect(viewer.errors).toEqual([]);
    expect(viewer.data).toEqual(open.data);
    expect(viewer.queries).toBe(open.queries);
  });
});
