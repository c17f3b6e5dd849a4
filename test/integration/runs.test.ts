import { createWorkspace } from '../helpers/pipeline';
import { gql, gqlOk, uniqueName, useTestSkein, type GraphQLResponse } from '../helpers/skein';

/** Runs as MLRun's run context uses them: params, labels, results, child iterations with a best one, state. */

const RUN_FIELDS = `
  id uid workspace name state error startedAt finishedAt iteration isBest
  params { key value } results { key value } labels { key value } annotations { key value }
`;

interface RunView {
  id: string;
  uid: string;
  workspace: string;
  name: string;
  state: string;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  iteration: number;
  isBest: boolean;
  params: Array<{ key: string; value: unknown }>;
  results: Array<{ key: string; value: unknown }>;
  labels: Array<{ key: string; value: string }>;
  annotations: Array<{ key: string; value: unknown }>;
}

const entries = (map: Record<string, unknown>) => Object.entries(map).map(([key, value]) => ({ key, value }));

describe('runs: start, results, child iterations, finish', () => {
  const t = useTestSkein({ workspace: 'runs' });

  const start = (input: Record<string, unknown>) =>
    gql<{ startRun: RunView }>(t.url, `mutation($i: StartRunInput!) { startRun(input: $i) { ${RUN_FIELDS} } }`, {
      i: { workspace: t.ws, ...input },
    });
  const startOk = async (input: Record<string, unknown>) => {
    const res = await start(input);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.startRun;
  };
  const finish = (id: string, state: string, extra: Record<string, unknown> = {}) =>
    gql<{ finishRun: RunView }>(
      t.url,
      `mutation($id: ID!, $s: FinishedRunState!, $e: String, $r: [EntryInput!], $at: DateTime) {
        finishRun(id: $id, state: $s, error: $e, results: $r, finishedAt: $at) { ${RUN_FIELDS} } }`,
      { id, s: state, ...extra },
    );
  const logResults = (id: string, results: Record<string, unknown>) =>
    gql<{ logResults: RunView }>(
      t.url,
      `mutation($id: ID!, $r: [EntryInput!]!) { logResults(id: $id, results: $r) { ${RUN_FIELDS} } }`,
      { id, r: entries(results) },
    );
  const markBest = (parent: string, child: string) =>
    gql<{ markBestChild: { id: string; bestChild: { id: string } | null } }>(
      t.url,
      'mutation($p: ID!, $c: ID!) { markBestChild(parent: $p, child: $c) { id bestChild { id } } }',
      { p: parent, c: child },
    );
  const getRun = async (id: string) =>
    (await gqlOk<{ run: RunView }>(t.url, `query($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`, { id })).run;
  /** The stored truth, read past the API. */
  const bestChildEdges = async (parentUid: string) =>
    t.skein.graph.read(async (tx) => {
      const rows = await tx.run<{ child: string }>(
        'MATCH (:Run {uid: $uid})-[:BEST_CHILD]->(c:Run) RETURN c.uid AS child',
        { uid: parentUid },
      );
      return rows.map((r) => r.child);
    });
  const runCount = (workspace: string, name: string) =>
    t.skein.graph.read(async (tx) => {
      const [row] = await tx.run<{ n: number }>('MATCH (r:Run {workspace: $w, name: $n}) RETURN count(r) AS n', {
        w: workspace,
        n: name,
      });
      return row!.n;
    });
  const codeOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

  it('records an MLRun-style run: params, labels, results, iterations with a best one, then finish', async () => {
    const parent = await startOk({
      name: 'train-sweep',
      params: entries({ optimizer: 'adam', epochs: 10, shuffle: true }),
      labels: [{ key: 'framework', value: 'sklearn' }],
      annotations: entries({ comment: 'first sweep' }),
    });
    expect(parent).toMatchObject({ state: 'RUNNING', iteration: 0, finishedAt: null, workspace: t.ws, isBest: false });
    expect(parent.params).toEqual(entries({ epochs: 10, optimizer: 'adam', shuffle: true }));
    expect(parent.labels).toEqual([{ key: 'framework', value: 'sklearn' }]);
    expect(parent.annotations).toEqual([{ key: 'comment', value: 'first sweep' }]);

    const accuracies = [0.81, 0.93, 0.88];
    const children: RunView[] = [];
    for (const [i, lr] of [0.1, 0.01, 0.001].entries()) {
      const child = await startOk({ name: 'train-sweep', parent: parent.id, params: entries({ lr }) });
      const logged = (await logResults(child.id, { accuracy: accuracies[i] })).data!.logResults;
      expect(logged.results).toEqual([{ key: 'accuracy', value: accuracies[i] }]);
      children.push(child);
    }
    // Iterations are numbered 1, 2, 3 under the parent when left out.
    expect(children.map((c) => c.iteration)).toEqual([1, 2, 3]);

    // Mark the first, then move the mark to the real best: exactly one edge, on the latest choice.
    expect((await markBest(parent.id, children[0]!.id)).data!.markBestChild.bestChild!.id).toBe(children[0]!.id);
    expect((await markBest(parent.id, children[1]!.uid)).data!.markBestChild.bestChild!.id).toBe(children[1]!.id);
    expect(await bestChildEdges(parent.uid)).toEqual([children[1]!.uid]);

    const overwritten = (await logResults(parent.id, { avg_accuracy: 0.5, best: 'iter-2' })).data!.logResults;
    expect(overwritten.results).toEqual(entries({ avg_accuracy: 0.5, best: 'iter-2' }));
    for (const c of children) expect((await finish(c.id, 'COMPLETED')).errors).toBeUndefined();
    const done = await finish(parent.id, 'COMPLETED', { r: entries({ avg_accuracy: 0.873 }) });
    expect(done.errors).toBeUndefined();
    expect(done.data!.finishRun.state).toBe('COMPLETED');
    expect(done.data!.finishRun.results).toEqual(entries({ avg_accuracy: 0.873, best: 'iter-2' }));
    expect(Date.parse(done.data!.finishRun.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(parent.startedAt));

    const view = await gqlOk<{
      run: {
        state: string;
        bestChild: { uid: string; isBest: boolean; results: unknown[] };
        children: {
          edges: Array<{ node: { uid: string; iteration: number; isBest: boolean; parent: { id: string } } }>;
        };
      };
    }>(
      t.url,
      `query($id: ID!) { run(id: $id) { state bestChild { uid isBest results { key value } }
        children(first: 10) { edges { node { uid iteration isBest parent { id } } } } } }`,
      { id: parent.id },
    );
    expect(view.run.bestChild).toEqual({
      uid: children[1]!.uid,
      isBest: true,
      results: [{ key: 'accuracy', value: 0.93 }],
    });
    expect(view.run.children.edges.map((e) => e.node)).toEqual(
      children.map((c, i) => ({ uid: c.uid, iteration: i + 1, isBest: i === 1, parent: { id: parent.id } })),
    );
  });

  it('pages through children by iteration', async () => {
    const parent = await startOk({ name: 'paged-sweep' });
    for (let i = 0; i < 5; i += 1) await startOk({ name: 'paged-sweep', parent: parent.id });
    const seen: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const data: {
        run: {
          children: {
            edges: Array<{ node: { iteration: number } }>;
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        };
      } = await gqlOk(
        t.url,
        `query($id: ID!, $after: String) { run(id: $id) { children(first: 2, after: $after) {
          edges { node { iteration } } pageInfo { hasNextPage endCursor } } } }`,
        { id: parent.id, after },
      );
      seen.push(...data.run.children.edges.map((e) => e.node.iteration));
      if (!data.run.children.pageInfo.hasNextPage) break;
      after = data.run.children.pageInfo.endCursor;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps exactly one best child when many marks race', async () => {
    const parent = await startOk({ name: 'race-sweep' });
    const children = await Promise.all(
      Array.from({ length: 10 }, () => startOk({ name: 'race-sweep', parent: parent.id })),
    );
    // Concurrent children still get distinct iteration numbers (the parent's lock serialises them).
    expect(new Set(children.map((c) => c.iteration)).size).toBe(10);
    const results = await Promise.all(children.map((c) => markBest(parent.id, c.id)));
    for (const r of results) expect(r.errors).toBeUndefined();
    const edges = await bestChildEdges(parent.uid);
    expect(edges).toHaveLength(1);
    expect(children.map((c) => c.uid)).toContain(edges[0]);
  });

  it('answers isBest and bestChild in a search when asked, and a slim search without them', async () => {
    const sweep = uniqueName('sweep');
    const parent = await startOk({ name: 'searched-sweep', labels: [{ key: 'sweep', value: sweep }] });
    const [a, b] = [
      await startOk({ name: 'searched-sweep', parent: parent.id }),
      await startOk({ name: 'searched-sweep', parent: parent.id }),
    ];
    expect((await markBest(parent.id, b!.id)).errors).toBeUndefined();
    const search = async (fields: string) =>
      (
        await gqlOk<{ runs: { edges: Array<{ node: Record<string, unknown> }> } }>(
          t.url,
          `query($w: String!, $f: RunFilter) { runs(workspace: $w, filter: $f) { edges { node { ${fields} } } } }`,
          { w: t.ws, f: { or: [{ parent: parent.id }, { parent: a!.id }] } },
        )
      ).runs.edges.map((e) => e.node);
    // Children of the parent, newest first (b, then a); the parent itself is not a child.
    expect(await search('uid isBest bestChild { uid }')).toEqual([
      { uid: b!.uid, isBest: true, bestChild: null },
      { uid: a!.uid, isBest: false, bestChild: null },
    ]);
    expect(await search('uid name')).toEqual([
      { uid: b!.uid, name: 'searched-sweep' },
      { uid: a!.uid, name: 'searched-sweep' },
    ]);
    const parents = await gqlOk<{ runs: { edges: Array<{ node: { bestChild: { uid: string } | null } }> } }>(
      t.url,
      'query($w: String!, $f: RunFilter) { runs(workspace: $w, filter: $f) { edges { node { bestChild { uid } } } } }',
      { w: t.ws, f: { label: { key: 'sweep', value: sweep } } },
    );
    expect(parents.runs.edges).toEqual([{ node: { bestChild: { uid: b!.uid } } }]);
  });

  it('refuses to mark a run that is not a child, leaving the mark where it was', async () => {
    const parent = await startOk({ name: 'strict-sweep' });
    const child = await startOk({ name: 'strict-sweep', parent: parent.id });
    const stranger = await startOk({ name: 'stranger' });
    expect((await markBest(parent.id, child.id)).errors).toBeUndefined();
    const res = await markBest(parent.id, stranger.id);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.message).toContain('not a child');
    expect(await bestChildEdges(parent.uid)).toEqual([child.uid]);
    expect(codeOf(await markBest(parent.id, '0190a8a0-0000-7000-8000-000000000000'))).toBe('NOT_FOUND');
  });

  it('refuses illegal state moves, naming the current state, and changes nothing', async () => {
    const run = await startOk({ name: 'once', params: entries({ lr: 0.1 }) });
    const first = await finish(run.id, 'FAILED', { e: 'out of memory' });
    expect(first.data!.finishRun).toMatchObject({ state: 'FAILED', error: 'out of memory' });
    const before = await getRun(run.id);

    for (const state of ['COMPLETED', 'ABORTED', 'FAILED']) {
      const again = await finish(run.id, state, { r: entries({ accuracy: 1 }) });
      expect(codeOf(again)).toBe('PRECONDITION_FAILED');
      expect(again.errors![0]!.message).toContain('is FAILED');
      expect(again.errors![0]!.extensions!.state).toBe('FAILED');
    }
    // (Results may still be logged after the finish, as MLflow allows: test/integration/changes.test.ts.)
    expect(await getRun(run.id)).toEqual(before);
  });

  it('lets exactly one of many concurrent finishes win', async () => {
    const run = await startOk({ name: 'contended' });
    const states = ['COMPLETED', 'FAILED', 'ABORTED', 'COMPLETED', 'FAILED', 'ABORTED', 'COMPLETED', 'FAILED'];
    const answers = await Promise.all(states.map((s) => finish(run.id, s)));
    const winners = answers.filter((a) => !a.errors);
    expect(winners).toHaveLength(1);
    expect(answers.filter((a) => codeOf(a) === 'PRECONDITION_FAILED')).toHaveLength(states.length - 1);
    expect((await getRun(run.id)).state).toBe(winners[0]!.data!.finishRun.state);
  });

  it('checks finish input: no error on COMPLETED, no finish before the start', async () => {
    const run = await startOk({ name: 'checked', startedAt: '2026-01-02T00:00:00Z' });
    expect(run.startedAt).toBe('2026-01-02T00:00:00.000Z');
    expect(codeOf(await finish(run.id, 'COMPLETED', { e: 'oops' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await finish(run.id, 'COMPLETED', { at: '2026-01-01T00:00:00Z' }))).toBe('BAD_USER_INPUT');
    expect((await getRun(run.id)).state).toBe('RUNNING');
    const ok = await finish(run.id, 'ABORTED', { at: '2026-01-03T00:00:00Z', e: 'preempted' });
    expect(ok.data!.finishRun).toMatchObject({ state: 'ABORTED', finishedAt: '2026-01-03T00:00:00.000Z' });
  });

  it('answers NOT_FOUND for an unknown workspace or parent, and creates nothing', async () => {
    const missing = uniqueName('nows');
    const res = await gql(t.url, 'mutation($i: StartRunInput!) { startRun(input: $i) { id } }', {
      i: { workspace: missing, name: 'orphan' },
    });
    expect(codeOf(res)).toBe('NOT_FOUND');
    expect(res.errors![0]!.message).toContain(missing);
    expect(await runCount(missing, 'orphan')).toBe(0);

    const noParent = await start({ name: 'orphan-child', parent: '0190a8a0-0000-7000-8000-000000000000' });
    expect(codeOf(noParent)).toBe('NOT_FOUND');
    expect(await runCount(t.ws, 'orphan-child')).toBe(0);
  });

  it('keeps a child in its parent workspace', async () => {
    const other = await createWorkspace(t.url, 'runs-other');
    const parent = await startOk({ name: 'home' });
    const res = await gql(t.url, 'mutation($i: StartRunInput!) { startRun(input: $i) { id } }', {
      i: { workspace: other, name: 'abroad', parent: parent.id },
    });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(await runCount(other, 'abroad')).toBe(0);
  });

  it('creates one run for 20 concurrent retries with one idempotency key', async () => {
    const key = uniqueName('idem');
    const input = { name: 'retried', params: entries({ lr: 0.01 }), idempotencyKey: key };
    const answers = await Promise.all(Array.from({ length: 20 }, () => start(input)));
    for (const a of answers) expect(a.errors).toBeUndefined();
    const uids = new Set(answers.map((a) => a.data!.startRun.uid));
    expect(uids.size).toBe(1);
    expect(await runCount(t.ws, 'retried')).toBe(1);
    // The same key with other input is not a retry.
    const clash = await start({ ...input, params: entries({ lr: 0.1 }) });
    expect(codeOf(clash)).toBe('CONFLICT');
    expect(await runCount(t.ws, 'retried')).toBe(1);
  });

  it('sets and removes labels and annotations in any state', async () => {
    const run = await startOk({ name: 'tagged', labels: [{ key: 'team', value: 'nlp' }] });
    await finish(run.id, 'COMPLETED');
    const labelled = await gqlOk<{ setRunLabels: RunView }>(
      t.url,
      `mutation($id: ID!) { setRunLabels(id: $id, labels: [{key: "stage", value: "prod"}], remove: ["team"]) {
        ${RUN_FIELDS} } }`,
      { id: run.id },
    );
    expect(labelled.setRunLabels.labels).toEqual([{ key: 'stage', value: 'prod' }]);
    const annotated = await gqlOk<{ setRunAnnotations: RunView }>(
      t.url,
      `mutation($id: ID!) { setRunAnnotations(id: $id, annotations: [{key: "note", value: "keep"}]) { ${RUN_FIELDS} } }`,
      { id: run.id },
    );
    expect(annotated.setRunAnnotations.annotations).toEqual([{ key: 'note', value: 'keep' }]);
    expect(annotated.setRunAnnotations.labels).toEqual([{ key: 'stage', value: 'prod' }]);
    const both = await gql(
      t.url,
      'mutation($id: ID!) { setRunLabels(id: $id, labels: [{key: "a", value: "b"}], remove: ["a"]) { id } }',
      {
        id: run.id,
      },
    );
    expect(codeOf(both)).toBe('BAD_USER_INPUT');
  });

  it('finds a run by global id or uid, and refuses ids of other kinds', async () => {
    const run = await startOk({ name: 'lookup' });
    expect((await getRun(run.uid)).id).toBe(run.id);
    expect((await getRun(run.id)).uid).toBe(run.uid);
    const node = await gqlOk<{ node: { id: string } | null }>(t.url, 'query($id: ID!) { node(id: $id) { id } }', {
      id: run.id,
    });
    expect(node.node?.id).toBe(run.id);
    const wsId = Buffer.from(`Workspace:${t.ws}`).toString('base64url');
    expect(codeOf(await gql(t.url, 'query($id: ID!) { run(id: $id) { id } }', { id: wsId }))).toBe('BAD_USER_INPUT');
    const gone = await gql(t.url, 'query($id: ID!) { run(id: $id) { id } }', {
      id: '0190a8a0-0000-7000-8000-000000000000',
    });
    expect(codeOf(gone)).toBe('NOT_FOUND');
  });

  it('compares runs side by side: rows are keys, columns are runs', async () => {
    const a = await startOk({ name: 'cmp', params: entries({ lr: 0.1, depth: 3 }) });
    const b = await startOk({ name: 'cmp', params: entries({ lr: 0.01, depth: 3 }) });
    const c = await startOk({ name: 'cmp', params: entries({ lr: 0.01 }) });
    await finish(a.id, 'COMPLETED', { r: entries({ accuracy: 0.9 }) });
    await finish(b.id, 'COMPLETED', { r: entries({ accuracy: 0.95, f1: 0.7 }) });
    const data = await gqlOk<{
      compareRuns: {
        runs: Array<{ uid: string }>;
        params: Array<{ key: string; values: unknown[]; differs: boolean }>;
        results: Array<{ key: string; values: unknown[]; differs: boolean }>;
      };
    }>(
      t.url,
      `query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { uid } params { key values differs }
        results { key values differs } } }`,
      { ids: [c.id, a.id, b.uid] },
    );
    expect(data.compareRuns.runs.map((r) => r.uid)).toEqual([c.uid, a.uid, b.uid]);
    expect(data.compareRuns.params).toEqual([
      { key: 'depth', values: [null, 3, 3], differs: true },
      { key: 'lr', values: [0.01, 0.1, 0.01], differs: true },
    ]);
    expect(data.compareRuns.results).toEqual([
      { key: 'accuracy', values: [null, 0.9, 0.95], differs: true },
      { key: 'f1', values: [null, null, 0.7], differs: true },
    ]);
    const same = await gqlOk<{ compareRuns: { params: Array<{ key: string; differs: boolean }> } }>(
      t.url,
      'query($ids: [ID!]!) { compareRuns(ids: $ids) { params { key differs } } }',
      { ids: [b.id, c.id] },
    );
    expect(same.compareRuns.params).toEqual([
      { key: 'depth', differs: true },
      { key: 'lr', differs: false },
    ]);
    const tooMany = Array.from({ length: 101 }, () => a.id);
    expect(
      codeOf(await gql(t.url, 'query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { id } } }', { ids: tooMany })),
    ).toBe('BAD_USER_INPUT');
    expect(
      codeOf(
        await gql(t.url, 'query($ids: [ID!]!) { compareRuns(ids: $ids) { runs { id } } }', { ids: [a.id, a.uid] }),
      ),
    ).toBe('BAD_USER_INPUT');
  });
});
