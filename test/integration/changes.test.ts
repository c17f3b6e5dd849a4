import type { ApolloServer } from '@apollo/server';
import { makePrincipal, OPEN, type Principal } from '../../src/auth/principal';
import { createApollo } from '../../src/graphql/apollo';
import { createContext, type Context } from '../../src/graphql/context';
import { getSchema } from '../../src/graphql/schema';
import { createLogger } from '../../src/logger';
import { applyChanges } from '../../src/services/history';
import { logArtifact, startRun } from '../helpers/pipeline';
import { gql, gqlOk, useTestSkein, type GraphQLResponse } from '../helpers/skein';

/**
 * Changes after the fact (MLflow's rules: params while RUNNING, results and descriptive fields in
 * any state) and the history each one leaves: old and new value, when, who, newest first.
 */

interface ChangeView {
  field: string;
  key: string | null;
  oldValue: unknown;
  newValue: unknown;
  at: string;
  by: string;
}

interface HistoryView {
  edges: Array<{ cursor: string; node: ChangeView }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const CHANGE = 'field key oldValue newValue at by';
const HISTORY = `history { edges { cursor node { ${CHANGE} } } pageInfo { hasNextPage endCursor } }`;
const RUN = `id uid state description params { key value } results { key value } labels { key value }
  annotations { key value } ${HISTORY}`;

interface RunView {
  id: string;
  uid: string;
  state: string;
  description: string | null;
  params: Array<{ key: string; value: unknown }>;
  results: Array<{ key: string; value: unknown }>;
  labels: Array<{ key: string; value: string }>;
  annotations: Array<{ key: string; value: unknown }>;
  history: HistoryView;
}

const entries = (map: Record<string, unknown>) => Object.entries(map).map(([key, value]) => ({ key, value }));
const codeOf = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.code;
/** The changes without their times, newest first (the times are checked on their own). */
const changes = (h: HistoryView) => h.edges.map(({ node: { at: _at, ...rest } }) => rest);
const byAnonymous = (list: Array<Omit<ChangeView, 'at' | 'by'>>) => list.map((c) => ({ ...c, by: 'anonymous' }));

describe('changes after the fact, and their history', () => {
  const t = useTestSkein({ workspace: 'changes' });

  const startOk = async (input: Record<string, unknown>) =>
    (
      await gqlOk<{ startRun: RunView }>(t.url, `mutation($i: StartRunInput!) { startRun(input: $i) { ${RUN} } }`, {
        i: { workspace: t.ws, name: 'edited', ...input },
      })
    ).startRun;
  const updateRun = (id: string, changes: Record<string, unknown>) =>
    gql<{ updateRun: RunView }>(
      t.url,
      `mutation($id: ID!, $c: RunChangesInput!) { updateRun(id: $id, changes: $c) { ${RUN} } }`,
      { id, c: changes },
    );
  const logParams = (run: string, params: Record<string, unknown>) =>
    gql<{ logParams: RunView }>(
      t.url,
      `mutation($r: ID!, $p: [EntryInput!]!) { logParams(run: $r, params: $p) { ${RUN} } }`,
      { r: run, p: entries(params) },
    );
  const logResults = (id: string, results: Record<string, unknown>) =>
    gql<{ logResults: RunView }>(
      t.url,
      `mutation($id: ID!, $r: [EntryInput!]!) { logResults(id: $id, results: $r) { ${RUN} } }`,
      { id, r: entries(results) },
    );
  const finishRun = (id: string) =>
    gqlOk(t.url, 'mutation($id: ID!) { finishRun(id: $id, state: COMPLETED) { id } }', { id });
  const getRun = async (id: string) =>
    (await gqlOk<{ run: RunView }>(t.url, `query($id: ID!) { run(id: $id) { ${RUN} } }`, { id })).run;
  const ok = <T>(res: GraphQLResponse<T>): T => {
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  };

  it("changes a run's params while it runs, and its results, description, labels and annotations in any state", async () => {
    const before = new Date().toISOString();
    const run = await startOk({
      description: 'first try',
      params: entries({ lr: 0.1 }),
      labels: [{ key: 'team', value: 'nlp' }],
      annotations: entries({ note: 'keep' }),
    });
    expect(run.description).toBe('first try');
    expect(run.history.edges).toEqual([]); // creating is not a change

    const logged = ok(await logParams(run.id, { lr: 0.2, batch: 32 })).logParams;
    expect(logged.params).toEqual(entries({ batch: 32, lr: 0.2 }));
    const updated = ok(
      await updateRun(run.uid, {
        description: 'second try',
        setResults: entries({ accuracy: 0.9 }),
        setLabels: [{ key: 'stage', value: 'dev' }],
        removeLabels: ['team'],
        setAnnotations: entries({ why: 'lr too high' }),
        removeAnnotations: ['note'],
      }),
    ).updateRun;
    expect(updated).toMatchObject({
      description: 'second try',
      results: entries({ accuracy: 0.9 }),
      labels: [{ key: 'stage', value: 'dev' }],
      annotations: entries({ why: 'lr too high' }),
    });

    await finishRun(run.id);
    const late = ok(await logResults(run.id, { accuracy: 0.95 })).logResults;
    expect(late).toMatchObject({ state: 'COMPLETED', results: entries({ accuracy: 0.95 }) });
    const cleared = ok(await updateRun(run.id, { description: null })).updateRun;
    expect(cleared.description).toBeNull();
    const after = new Date().toISOString();

    const history = (await getRun(run.id)).history;
    expect(changes(history)).toEqual(
      byAnonymous([
        { field: 'DESCRIPTION', key: null, oldValue: 'second try', newValue: null },
        { field: 'RESULT', key: 'accuracy', oldValue: 0.9, newValue: 0.95 },
        // One updateRun: recorded in field order, each map's removals before its sets; shown newest first.
        { field: 'ANNOTATION', key: 'why', oldValue: null, newValue: 'lr too high' },
        { field: 'ANNOTATION', key: 'note', oldValue: 'keep', newValue: null },
        { field: 'LABEL', key: 'stage', oldValue: null, newValue: 'dev' },
        { field: 'LABEL', key: 'team', oldValue: 'nlp', newValue: null },
        { field: 'RESULT', key: 'accuracy', oldValue: null, newValue: 0.9 },
        { field: 'DESCRIPTION', key: null, oldValue: 'first try', newValue: 'second try' },
        { field: 'PARAM', key: 'lr', oldValue: 0.1, newValue: 0.2 },
        { field: 'PARAM', key: 'batch', oldValue: null, newValue: 32 },
      ]),
    );
    const times = history.edges.map((e) => e.node.at);
    expect([...times].sort().reverse()).toEqual(times);
    for (const at of times) {
      expect(at >= before && at <= after).toBe(true);
    }
  });

  it("refuses a finished run's params, naming its state, and changes and records nothing", async () => {
    const run = await startOk({ params: entries({ lr: 0.1 }), description: 'kept' });
    await finishRun(run.id);
    const refused = await logParams(run.id, { lr: 0.5 });
    expect(codeOf(refused)).toBe('PRECONDITION_FAILED');
    expect(refused.errors![0]!.message).toContain('is COMPLETED');
    expect(refused.errors![0]!.extensions!.state).toBe('COMPLETED');
    // Params with other changes: the whole edit is refused, the description too.
    const mixed = await updateRun(run.id, { description: 'lost', setParams: entries({ epochs: 3 }) });
    expect(codeOf(mixed)).toBe('PRECONDITION_FAILED');
    const now = await getRun(run.id);
    expect(now.params).toEqual(entries({ lr: 0.1 }));
    expect(now.description).toBe('kept');
    expect(now.history.edges).toEqual([]);
  });

  it('records nothing for a set to the value already there', async () => {
    const run = await startOk({
      description: 'same',
      params: entries({ lr: 0.1, name: 'x' }),
      labels: [{ key: 'team', value: 'nlp' }],
    });
    ok(await logParams(run.id, { lr: 0.1, name: 'x' }));
    ok(
      await updateRun(run.id, {
        description: 'same',
        setLabels: [{ key: 'team', value: 'nlp' }],
        removeLabels: ['absent'],
        removeResults: ['absent'],
      }),
    );
    ok(await updateRun(run.id, {}));
    const now = await getRun(run.id);
    expect(now.history.edges).toEqual([]);
    expect(now.labels).toEqual([{ key: 'team', value: 'nlp' }]);
    // A value of another type is a change: 1 is not "1".
    ok(await logParams(run.id, { name: 1 }));
    expect(changes((await getRun(run.id)).history)).toEqual(
      byAnonymous([{ field: 'PARAM', key: 'name', oldValue: 'x', newValue: 1 }]),
    );
  });

  it('refuses bad changes whole: nothing changes and nothing is recorded', async () => {
    const run = await startOk({ description: 'kept', labels: [{ key: 'a', value: 'b' }] });
    const attempts = [
      { description: 'lost', setLabels: [{ key: 'a', value: 'c' }], removeLabels: ['a'] },
      { description: 'lost', setResults: [...entries({ x: 1 }), ...entries({ x: 2 })] },
      { description: 'x'.repeat(64 * 1024 + 1) },
      { description: 'lost', setAnnotations: [{ key: 'bad key!', value: 1 }] },
    ];
    for (const changes of attempts) {
      const res = await updateRun(run.id, changes);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
    }
    const both = await gql(
      t.url,
      'mutation($id: ID!) { setRunLabels(id: $id, labels: [{key: "a", value: "b"}], remove: ["a"]) { id } }',
      { id: run.id },
    );
    expect(both.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'remove' });
    const now = await getRun(run.id);
    expect(now).toMatchObject({ description: 'kept', labels: [{ key: 'a', value: 'b' }], results: [] });
    expect(now.history.edges).toEqual([]);
    expect(codeOf(await updateRun('0190a8a0-0000-7000-8000-000000000000', { description: 'x' }))).toBe('NOT_FOUND');
  });

  it('checks removed keys by the same rule as set keys, naming the field', async () => {
    const run = await startOk({ labels: [{ key: 'a', value: 'b' }] });
    const exec = await gqlOk<{ startExecution: { id: string } }>(
      t.url,
      'mutation($i: StartExecutionInput!) { startExecution(input: $i) { id } }',
      { i: { run: run.id, name: 'step' } },
    );
    const artifact = await logArtifact(t.url, { workspace: t.ws, key: 'removed-keys', kind: 'DATASET' });
    for (const bad of ['', 'k'.repeat(100_000), 'bad key!']) {
      for (const field of ['removeResults', 'removeLabels', 'removeAnnotations']) {
        const res = await updateRun(run.id, { [field]: [bad] });
        expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
      const execRes = await gql(
        t.url,
        'mutation($id: ID!, $c: ExecutionChangesInput!) { updateExecution(id: $id, changes: $c) { id } }',
        { id: exec.startExecution.id, c: { removeLabels: [bad] } },
      );
      expect(execRes.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'removeLabels' });
      const artRes = await gql(
        t.url,
        'mutation($r: String!, $c: ArtifactChangesInput!) { updateArtifact(ref: $r, changes: $c) { uid } }',
        { r: artifact.id, c: { removeProperties: [bad] } },
      );
      expect(artRes.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'removeProperties' });
      for (const mutation of ['setRunLabels', 'setRunAnnotations']) {
        const res = await gql(t.url, `mutation($id: ID!, $k: [String!]!) { ${mutation}(id: $id, remove: $k) { id } }`, {
          id: run.id,
          k: [bad],
        });
        expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'remove' });
        expect(res.errors![0]!.message.length).toBeLessThanOrEqual(1000);
      }
    }
    expect((await getRun(run.id)).history.edges).toEqual([]);
  });

  it('records setRunLabels, setRunAnnotations and logResults like updateRun, and pages the history', async () => {
    const run = await startOk({});
    ok(
      await gql(
        t.url,
        `mutation($id: ID!) {
          a: setRunLabels(id: $id, labels: [{key: "stage", value: "dev"}]) { id }
        }`,
        { id: run.id },
      ),
    );
    ok(
      await gql(
        t.url,
        'mutation($id: ID!) { setRunAnnotations(id: $id, annotations: [{key: "n", value: 1}]) { id } }',
        { id: run.id },
      ),
    );
    ok(await logResults(run.id, { acc: 0.5 }));
    ok(await gql(t.url, 'mutation($id: ID!) { setRunLabels(id: $id, remove: ["stage"]) { id } }', { id: run.id }));
    const all = changes((await getRun(run.id)).history);
    expect(all).toEqual(
      byAnonymous([
        { field: 'LABEL', key: 'stage', oldValue: 'dev', newValue: null },
        { field: 'RESULT', key: 'acc', oldValue: null, newValue: 0.5 },
        { field: 'ANNOTATION', key: 'n', oldValue: null, newValue: 1 },
        { field: 'LABEL', key: 'stage', oldValue: null, newValue: 'dev' },
      ]),
    );
    const page = (after: string | null) =>
      gqlOk<{ run: { history: HistoryView } }>(
        t.url,
        `query($id: ID!, $after: String) { run(id: $id) {
          history(first: 3, after: $after) { edges { cursor node { ${CHANGE} } } pageInfo { hasNextPage endCursor } } } }`,
        { id: run.id, after },
      );
    const first = (await page(null)).run.history;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await page(first.pageInfo.endCursor)).run.history;
    expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: second.edges[0]!.cursor });
    expect([...changes(first), ...changes(second)]).toEqual(all);
  });

  it('records concurrent changes of one entry as a chain: each old value is the one the previous change left', async () => {
    const run = await startOk({});
    const values = Array.from({ length: 8 }, (_, i) => i + 1);
    await Promise.all(values.map((v) => logResults(run.id, { acc: v }).then(ok)));
    const history = changes((await getRun(run.id)).history).reverse(); // oldest first
    expect(history).toHaveLength(values.length);
    expect(history[0]!.oldValue).toBeNull();
    for (let i = 1; i < history.length; i++) expect(history[i]!.oldValue).toBe(history[i - 1]!.newValue);
    expect([...history.map((c) => c.newValue)].sort()).toEqual(values);
    expect((await getRun(run.id)).results).toEqual(entries({ acc: history.at(-1)!.newValue }));
  });

  it('records the results a finish replaces (not those it sets first), and nothing for a refused finish', async () => {
    const run = await startOk({});
    ok(await logResults(run.id, { acc: 0.5 }));
    const finish = (results: Record<string, unknown>) =>
      gql(t.url, 'mutation($id: ID!, $r: [EntryInput!]) { finishRun(id: $id, state: COMPLETED, results: $r) { id } }', {
        id: run.id,
        r: entries(results),
      });
    ok(await finish({ acc: 0.7, loss: 0.1 }));
    expect(codeOf(await finish({ acc: 0.9 }))).toBe('PRECONDITION_FAILED');
    const now = await getRun(run.id);
    expect(now.results).toEqual(entries({ acc: 0.7, loss: 0.1 }));
    expect(changes(now.history)).toEqual(
      byAnonymous([
        { field: 'RESULT', key: 'acc', oldValue: 0.5, newValue: 0.7 },
        { field: 'RESULT', key: 'acc', oldValue: null, newValue: 0.5 },
      ]),
    );
  });

  it("changes an execution's params while it runs, and its results, description, labels and annotations after", async () => {
    const runId = await startRun(t.url, t.ws, 'with-steps');
    const EXECUTION = `id state description params { key value } results { key value } labels { key value }
      annotations { key value } ${HISTORY}`;
    const started = await gqlOk<{ startExecution: { id: string } }>(
      t.url,
      'mutation($i: StartExecutionInput!) { startExecution(input: $i) { id description } }',
      {
        i: {
          run: runId,
          name: 'train',
          description: 'fits',
          params: entries({ lr: 0.1 }),
        },
      },
    );
    const id = started.startExecution.id;
    const update = (changes: Record<string, unknown>) =>
      gql<{ updateExecution: Record<string, unknown> }>(
        t.url,
        `mutation($id: ID!, $c: ExecutionChangesInput!) { updateExecution(id: $id, changes: $c) { ${EXECUTION} } }`,
        { id, c: changes },
      );
    ok(await update({ setParams: entries({ lr: 0.3 }), setLabels: [{ key: 'gpu', value: 'a100' }] }));
    await gqlOk(
      t.url,
      'mutation($id: ID!) { finishExecution(id: $id, state: COMPLETED, results: [{key: "epochs", value: 3}]) { id } }',
      { id },
    );
    const refused = await update({ setParams: entries({ lr: 0.4 }) });
    expect(codeOf(refused)).toBe('PRECONDITION_FAILED');
    expect(refused.errors![0]!.message).toContain('is COMPLETED');
    const after = ok(
      await update({
        description: 'fits a model',
        setResults: entries({ loss: 0.2 }),
        setAnnotations: [{ key: 'note', value: 'rerun' }],
        removeLabels: ['gpu'],
      }),
    ).updateExecution;
    expect(after).toMatchObject({
      state: 'COMPLETED',
      description: 'fits a model',
      params: entries({ lr: 0.3 }),
      results: entries({ epochs: 3, loss: 0.2 }),
      labels: [],
      annotations: [{ key: 'note', value: 'rerun' }],
    });
    expect(changes(after.history as HistoryView)).toEqual(
      byAnonymous([
        { field: 'ANNOTATION', key: 'note', oldValue: null, newValue: 'rerun' },
        { field: 'LABEL', key: 'gpu', oldValue: 'a100', newValue: null },
        { field: 'RESULT', key: 'loss', oldValue: null, newValue: 0.2 },
        { field: 'DESCRIPTION', key: null, oldValue: 'fits', newValue: 'fits a model' },
        { field: 'LABEL', key: 'gpu', oldValue: null, newValue: 'a100' },
        { field: 'PARAM', key: 'lr', oldValue: 0.1, newValue: 0.3 },
      ]),
    );
    // Lineage carries the description too: it is part of an execution wherever one appears.
    const model = await logArtifact(t.url, { workspace: t.ws, key: 'described-model', kind: 'MODEL' });
    await gqlOk(
      t.url,
      'mutation($id: ID!, $a: String!) { addExecutionOutputs(id: $id, outputs: [{artifact: $a}]) { id } }',
      {
        id,
        a: model.uri,
      },
    );
    const lineage = await gqlOk<{ lineage: { nodes: Array<{ __typename: string; description?: string }> } }>(
      t.url,
      'query($of: String!) { lineage(of: $of, depth: 1) { nodes { __typename ... on Execution { description } } } }',
      { of: model.uri },
    );
    expect(lineage.lineage.nodes.filter((n) => n.__typename === 'Execution')).toEqual([
      { __typename: 'Execution', description: 'fits a model' },
    ]);
  });

  it("changes an artifact version's description, labels and properties, and records tag moves", async () => {
    const v1 = await logArtifact(t.url, {
      workspace: t.ws,
      key: 'edited-data',
      kind: 'DATASET',
      description: 'raw dump',
      labels: [{ key: 'source', value: 'crm' }],
      properties: entries({ rows: 10 }),
    });
    const v2 = await logArtifact(t.url, { workspace: t.ws, key: 'edited-data', kind: 'DATASET' });
    const ARTIFACT = `uid description labels { key value } properties { key value } tags ${HISTORY}`;
    const update = (ref: string, changes: Record<string, unknown>) =>
      gql<{ updateArtifact: Record<string, unknown> }>(
        t.url,
        `mutation($r: String!, $c: ArtifactChangesInput!) { updateArtifact(ref: $r, changes: $c) { ${ARTIFACT} } }`,
        { r: ref, c: changes },
      );
    // By URI with @uid: version 1, although version 2 is the latest.
    const edited = ok(
      await update(v1.uri, {
        description: 'cleaned dump',
        setLabels: [{ key: 'stage', value: 'clean' }],
        setProperties: entries({ rows: 9, cols: 4 }),
        removeLabels: ['source'],
      }),
    ).updateArtifact;
    expect(edited).toMatchObject({
      uid: v1.uid,
      description: 'cleaned dump',
      labels: [{ key: 'stage', value: 'clean' }],
      properties: entries({ cols: 4, rows: 9 }),
    });
    ok(await update(v1.id, { description: null, removeProperties: ['cols'] }));

    const tag = (ref: string, name: string, op = 'tagArtifact') =>
      gqlOk(t.url, `mutation($r: String!, $t: String!) { ${op}(ref: $r, tag: $t) { uid } }`, { r: ref, t: name });
    await tag(v1.id, 'prod');
    await tag(v1.id, 'prod'); // already there: no change
    await tag(v2.id, 'prod'); // moves off v1
    await tag(v1.id, 'prod', 'untagArtifact'); // not on v1: nothing happens
    await tag(v2.id, 'prod', 'untagArtifact');

    const history = async (ref: string) =>
      changes(
        (
          await gqlOk<{ artifact: { history: HistoryView } }>(
            t.url,
            `query($r: String!) { artifact(ref: $r) { ${HISTORY} } }`,
            { r: ref },
          )
        ).artifact.history,
      );
    expect(await history(v1.id)).toEqual(
      byAnonymous([
        { field: 'TAG', key: 'prod', oldValue: v1.uid, newValue: v2.uid },
        { field: 'TAG', key: 'prod', oldValue: null, newValue: v1.uid },
        { field: 'PROPERTY', key: 'cols', oldValue: 4, newValue: null },
        { field: 'DESCRIPTION', key: null, oldValue: 'cleaned dump', newValue: null },
        { field: 'PROPERTY', key: 'rows', oldValue: 10, newValue: 9 },
        { field: 'PROPERTY', key: 'cols', oldValue: null, newValue: 4 },
        { field: 'LABEL', key: 'stage', oldValue: null, newValue: 'clean' },
        { field: 'LABEL', key: 'source', oldValue: 'crm', newValue: null },
        { field: 'DESCRIPTION', key: null, oldValue: 'raw dump', newValue: 'cleaned dump' },
      ]),
    );
    expect(await history(v2.id)).toEqual(
      byAnonymous([
        { field: 'TAG', key: 'prod', oldValue: v2.uid, newValue: null },
        { field: 'TAG', key: 'prod', oldValue: v1.uid, newValue: v2.uid },
      ]),
    );
    const missing = await update(`store://artifacts/${t.ws}/no-such-key`, { description: 'x' });
    expect(codeOf(missing)).toBe('NOT_FOUND');
  });

  it("writes the new values and their history in the caller's transaction: a later failure undoes both", async () => {
    const run = await startOk({ description: 'kept' });
    const failed = t.skein.graph.write(async (tx) => {
      await applyChanges(tx, OPEN, { label: 'Run', uid: run.uid, workspace: t.ws }, [
        { field: 'DESCRIPTION', key: null, oldValue: 'kept', newValue: 'lost' },
      ]);
      throw new Error('a later step of the same mutation failed');
    });
    await expect(failed).rejects.toThrow('a later step');
    const now = await getRun(run.id);
    expect(now.description).toBe('kept');
    expect(now.history.edges).toEqual([]);
  });

  describe('in process: the principal and the batching', () => {
    let apollo: ApolloServer<Context>;
    beforeAll(async () => {
      apollo = createApollo(await getSchema());
      await apollo.start();
    });
    afterAll(() => apollo.stop());

    const execute = async (query: string, variables: Record<string, unknown>, caller?: Principal) => {
      const context = createContext({ graph: t.skein.graph, logger: createLogger('silent') }, 'changes', caller);
      const res = await apollo.executeOperation({ query, variables }, { contextValue: context });
      if (res.body.kind !== 'single') throw new Error('expected a single result');
      expect(res.body.singleResult.errors).toBeUndefined();
      return { data: res.body.singleResult.data as Record<string, unknown>, queries: context.stats.queries };
    };

    it("records the caller's principal id as who made the change", async () => {
      const run = await startOk({});
      const alice: Principal = makePrincipal({ kind: 'sso', id: 'alice', admin: true });
      await execute(
        'mutation($id: ID!) { updateRun(id: $id, changes: { description: "by alice" }) { id } }',
        { id: run.id },
        alice,
      );
      expect((await getRun(run.id)).history.edges.map((e) => e.node.by)).toEqual(['alice']);
    });

    it('answers the history of a page of runs in one query, however many runs', async () => {
      const ws = await gqlOk<{ createWorkspace: { name: string } }>(
        t.url,
        'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { name } }',
        { i: { name: `${t.ws}-batch` } },
      );
      const workspace = ws.createWorkspace.name;
      for (let i = 0; i < 6; i++) {
        const id = await startRun(t.url, workspace, `run-${i}`);
        ok(await logParams(id, { i }));
      }
      const NESTED = `query($w: String!, $n: Int!) { runs(workspace: $w, first: $n) { edges { node {
        params { key value } history { edges { node { field key newValue } } } } } } }`;
      type Page = { runs: { edges: Array<{ node: { params: Array<{ value: number }>; history: HistoryView } }> } };
      const small = await execute(NESTED, { w: workspace, n: 2 });
      const large = await execute(NESTED, { w: workspace, n: 6 });
      expect(large.queries).toBe(small.queries);
      const nodes = (large.data as unknown as Page).runs.edges.map((e) => e.node);
      expect(nodes).toHaveLength(6);
      for (const node of nodes) {
        expect(node.history.edges.map((e) => e.node)).toEqual([
          { field: 'PARAM', key: 'i', newValue: node.params[0]!.value },
        ]);
      }
    });
  });
});
