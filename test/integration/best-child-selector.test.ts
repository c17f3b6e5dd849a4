import { gql, gqlOk, useTestSkein, type GraphQLResponse } from '../helpers/skein';

/** MLRun's `selector="max.accuracy"`: a parent picks its best child iteration in one call. */

interface Child {
  id: string;
  uid: string;
  iteration: number;
}

describe('selectBestChild', () => {
  const t = useTestSkein({ workspace: 'selector' });

  const start = async (input: Record<string, unknown>) =>
    (
      await gqlOk<{ startRun: Child }>(
        t.url,
        'mutation($i: StartRunInput!) { startRun(input: $i) { id uid iteration } }',
        {
          i: { workspace: t.ws, name: 'hp', ...input },
        },
      )
    ).startRun;
  const logResults = (id: string, results: Array<{ key: string; value: unknown }>) =>
    gqlOk(t.url, 'mutation($id: ID!, $r: [EntryInput!]!) { logResults(id: $id, results: $r) { id } }', {
      id,
      r: results,
    });
  const logMetric = (run: string, key: string, value: number | string, step: number) =>
    gqlOk(t.url, 'mutation($run: ID!, $p: [MetricPointInput!]!) { logMetrics(run: $run, points: $p) { id } }', {
      run,
      p: [{ key, value, step }],
    });
  const select = (parent: string, selector: string) =>
    gql<{ selectBestChild: { uid: string; bestChild: { uid: string; isBest: boolean } | null } }>(
      t.url,
      'mutation($p: ID!, $s: String!) { selectBestChild(parent: $p, selector: $s) { uid bestChild { uid isBest } } }',
      { p: parent, s: selector },
    );
  const bestChildEdges = (parentUid: string) =>
    t.skein.graph.read(async (tx) =>
      (
        await tx.run<{ child: string }>('MATCH (:Run {uid: $uid})-[:BEST_CHILD]->(c:Run) RETURN c.uid AS child', {
          uid: parentUid,
        })
      ).map((r) => r.child),
    );
  const codeOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

  /** A parent with four children: results on 1-2, only a metric on 3, nothing on 4. */
  async function aSearch() {
    const parent = await start({ name: 'search' });
    const kids = [];
    for (let i = 0; i < 4; i++) kids.push(await start({ parent: parent.uid }));
    await logResults(kids[0]!.id, [
      { key: 'accuracy', value: 0.8 },
      { key: 'loss', value: 0.4 },
    ]);
    await logResults(kids[1]!.id, [
      { key: 'accuracy', value: 0.9 },
      { key: 'loss', value: 0.2 },
    ]);
    await logMetric(kids[2]!.id, 'accuracy', 0.5, 0);
    await logMetric(kids[2]!.id, 'accuracy', 0.95, 1); // its latest accuracy: the highest of all
    await logMetric(kids[2]!.id, 'loss', 'NaN', 1); // a NaN is never best
    return { parent, kids };
  }

  it('marks the child with the highest result, falling back to its latest metric, as markBestChild would', async () => {
    const { parent, kids } = await aSearch();
    const best = await select(parent.id, 'max.accuracy');
    expect(best.errors).toBeUndefined();
    expect(best.data!.selectBestChild).toEqual({ uid: parent.uid, bestChild: { uid: kids[2]!.uid, isBest: true } });
    expect(await bestChildEdges(parent.uid)).toEqual([kids[2]!.uid]);

    // min.loss: kid 2 has only a NaN loss, kid 4 nothing: the lowest result wins, and the mark moves.
    const lowest = await select(parent.uid, 'min.loss');
    expect(lowest.data!.selectBestChild.bestChild!.uid).toBe(kids[1]!.uid);
    expect(await bestChildEdges(parent.uid)).toEqual([kids[1]!.uid]);
  });

  it('prefers a result over a metric of the same key, and breaks a tie with the lower iteration', async () => {
    const parent = await start({ name: 'ties' });
    const a = await start({ parent: parent.uid, iteration: 5 });
    const b = await start({ parent: parent.uid, iteration: 2 });
    await logResults(a.id, [{ key: 'f1', value: 0.7 }]);
    await logResults(b.id, [{ key: 'f1', value: 0.7 }]);
    await logMetric(a.id, 'f1', 0.99, 3); // a has a result, so its metric does not count
    expect((await select(parent.id, 'max.f1')).data!.selectBestChild.bestChild!.uid).toBe(b.uid);
  });

  it('refuses a malformed selector, a key no child has, and an unknown parent, moving nothing', async () => {
    const { parent, kids } = await aSearch();
    await gqlOk(t.url, 'mutation($p: ID!, $c: ID!) { markBestChild(parent: $p, child: $c) { id } }', {
      p: parent.id,
      c: kids[0]!.id,
    });
    for (const selector of ['accuracy', 'best.accuracy', 'max.', 'max.bad key']) {
      const res = await select(parent.id, selector);
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.message).toContain('use "max.<key>" or "min.<key>"');
    }
    const missing = await select(parent.id, 'max.f2');
    expect(codeOf(missing)).toBe('PRECONDITION_FAILED');
    expect(missing.errors![0]!.message).toContain('"f2"');
    expect(await bestChildEdges(parent.uid)).toEqual([kids[0]!.uid]);
    expect(codeOf(await select('0190a8a0-0000-7000-8000-000000000000', 'max.accuracy'))).toBe('NOT_FOUND');
  });
  describe('and deletion', () => {
    const deleteRun = (id: string) => gqlOk(t.url, 'mutation($id: ID!) { deleteRun(id: $id) { id } }', { id });
    const mark = (p: string, c: string) =>
      gql(t.url, 'mutation($p: ID!, $c: ID!) { markBestChild(parent: $p, child: $c) { id } }', { p, c });

    it('never picks a deleted child, and refuses to mark one', async () => {
      const parent = await start({ name: 'deleted-kid' });
      const kept = await start({ parent: parent.uid });
      const gone = await start({ parent: parent.uid });
      await logResults(kept.id, [{ key: 'accuracy', value: 0.5 }]);
      await logResults(gone.id, [{ key: 'accuracy', value: 0.9 }]);
      await deleteRun(gone.id);

      const best = await select(parent.id, 'max.accuracy');
      expect(best.errors).toBeUndefined();
      expect(best.data!.selectBestChild.bestChild!.uid).toBe(kept.uid);

      const marked = await mark(parent.id, gone.id);
      expect(codeOf(marked)).toBe('PRECONDITION_FAILED');
      expect(marked.errors![0]!.message).toContain('restoreRun');
      expect(await bestChildEdges(parent.uid)).toEqual([kept.uid]);
    });

    it('refuses both on a deleted parent, moving nothing', async () => {
      const parent = await start({ name: 'deleted-parent' });
      const kid = await start({ parent: parent.uid });
      await logResults(kid.id, [{ key: 'accuracy', value: 0.5 }]);
      // Deleting the parent deletes its children too; the mark must not be set on either path.
      await deleteRun(parent.id);
      const selected = await select(parent.id, 'max.accuracy');
      expect(codeOf(selected)).toBe('PRECONDITION_FAILED');
      expect(selected.errors![0]!.message).toContain(`restoreRun(id: "${parent.uid}")`);
      const marked = await mark(parent.id, kid.id);
      expect(codeOf(marked)).toBe('PRECONDITION_FAILED');
      expect(marked.errors![0]!.message).toContain(`restoreRun(id: "${parent.uid}")`);
      expect(await bestChildEdges(parent.uid)).toEqual([]);
    });
  });
});
