import { gql, gqlOk, useTestSkein } from '../helpers/skein';

/** Metric history as MLflow logs it: points per step, batched, read back as a series per key. */

interface Point {
  key: string;
  value: number | string;
  step: number;
  time?: string;
}

const LOG = `mutation($run: ID!, $points: [MetricPointInput!]!) { logMetrics(run: $run, points: $points) { id metricKeys } }`;
const SERIES = `query($id: ID!, $key: String!, $from: SafeInt, $to: SafeInt) { run(id: $id) {
  metricKeys metric(key: $key, fromStep: $from, toStep: $to) { key count points { step value time } last { step value } } } }`;

interface SeriesView {
  run: {
    metricKeys: string[];
    metric: {
      key: string;
      count: number;
      points: Array<{ step: number; value: number | string; time: string }>;
      last: { step: number; value: number | string } | null;
    };
  };
}

describe('metric history', () => {
  const t = useTestSkein({ workspace: 'metrics' });

  const startRun = async (name = 'train') =>
    (
      await gqlOk<{ startRun: { id: string; uid: string } }>(
        t.url,
        'mutation($i: StartRunInput!) { startRun(input: $i) { id uid } }',
        { i: { workspace: t.ws, name } },
      )
    ).startRun;
  const log = (run: string, points: Point[]) =>
    gql<{ logMetrics: { id: string; metricKeys: string[] } }>(t.url, LOG, { run, points });
  const series = (id: string, key: string, from?: number, to?: number) =>
    gqlOk<SeriesView>(t.url, SERIES, { id, key, from, to });
  const chunks = (runUid: string) =>
    t.skein.graph.read((tx) =>
      tx.run<{ key: string; count: number; firstStep: number; lastStep: number }>(
        `MATCH (c:MetricChunk {runUid: $uid})-[:OF_RUN]->(:Run {uid: $uid})
         RETURN c.key AS key, c.count AS count, c.firstStep AS firstStep, c.lastStep AS lastStep
         ORDER BY key, firstStep`,
        { uid: runUid },
      ),
    );
  const codeOf = (res: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
    res.errors?.[0]?.extensions?.code;

  it('stores one chunk per key per call and reads each series back in step order', async () => {
    const run = await startRun();
    // Two calls, steps out of order within and across calls, two keys interleaved.
    const first: Point[] = [
      { key: 'loss', value: 0.9, step: 0, time: '2026-03-01T00:00:00Z' },
      { key: 'accuracy', value: 0.5, step: 0 },
      { key: 'loss', value: 0.5, step: 4 },
      { key: 'loss', value: 0.7, step: 2 },
    ];
    const second: Point[] = [
      { key: 'loss', value: 0.6, step: 3 },
      { key: 'loss', value: 0.8, step: 1 },
      { key: 'accuracy', value: 0.8, step: 5 },
      { key: 'loss', value: 0.4, step: 5 },
    ];
    const logged = await log(run.id, first);
    expect(logged.errors).toBeUndefined();
    expect(logged.data!.logMetrics.metricKeys).toEqual(['accuracy', 'loss']);
    expect((await log(run.uid, second)).errors).toBeUndefined();

    expect(await chunks(run.uid)).toEqual([
      { key: 'accuracy', count: 1, firstStep: 0, lastStep: 0 },
      { key: 'accuracy', count: 1, firstStep: 5, lastStep: 5 },
      { key: 'loss', count: 3, firstStep: 0, lastStep: 4 },
      { key: 'loss', count: 3, firstStep: 1, lastStep: 5 },
    ]);

    const loss = await series(run.id, 'loss');
    expect(loss.run.metricKeys).toEqual(['accuracy', 'loss']);
    expect(loss.run.metric.points.map((p) => [p.step, p.value])).toEqual([
      [0, 0.9],
      [1, 0.8],
      [2, 0.7],
      [3, 0.6],
      [4, 0.5],
      [5, 0.4],
    ]);
    expect(loss.run.metric.count).toBe(6);
    expect(loss.run.metric.last).toEqual({ step: 5, value: 0.4 });
    expect(loss.run.metric.points[0]!.time).toBe('2026-03-01T00:00:00.000Z');
    expect(Date.parse(loss.run.metric.points[1]!.time)).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'));

    const window = await series(run.id, 'loss', 2, 3);
    expect(window.run.metric.points.map((p) => p.step)).toEqual([2, 3]);
    const none = await series(run.id, 'f1');
    expect(none.run.metric).toMatchObject({ key: 'f1', count: 0, points: [], last: null });
  });

  it('keeps same-step points in the order they were logged', async () => {
    const run = await startRun();
    await log(run.id, [
      { key: 'lr', value: 3, step: 1 },
      { key: 'lr', value: 1, step: 0 },
      { key: 'lr', value: 4, step: 1 },
    ]);
    const data = await series(run.id, 'lr');
    expect(data.run.metric.points.map((p) => p.value)).toEqual([1, 3, 4]);
  });

  it('takes 1,000 points in a call and refuses 1,001, storing nothing', async () => {
    const run = await startRun();
    const points = (n: number) => Array.from({ length: n }, (_, i) => ({ key: 'loss', value: 1 / (i + 1), step: i }));
    const tooMany = await log(run.id, points(1001));
    expect(codeOf(tooMany)).toBe('BAD_USER_INPUT');
    expect(tooMany.errors![0]!.message).toContain('1001');
    expect(await chunks(run.uid)).toEqual([]);

    expect((await log(run.id, points(1000))).errors).toBeUndefined();
    expect(await chunks(run.uid)).toEqual([{ key: 'loss', count: 1000, firstStep: 0, lastStep: 999 }]);
    const data = await series(run.id, 'loss');
    expect(data.run.metric.count).toBe(1000);
    expect(data.run.metric.points[999]).toMatchObject({ step: 999, value: 1 / 1000 });
  });

  it('refuses bad points: non-finite values, bad keys, empty batches', async () => {
    const run = await startRun();
    const infinite = await gql(
      t.url,
      `mutation($run: ID!) { logMetrics(run: $run, points: [{key: "loss", value: 1e400, step: 0}]) { id } }`,
      {
        run: run.id,
      },
    );
    expect(infinite.errors).toBeDefined();
    expect(codeOf(await log(run.id, [{ key: 'bad key!', value: 1, step: 0 }]))).toBe('BAD_USER_INPUT');
    expect(codeOf(await log(run.id, []))).toBe('BAD_USER_INPUT');
    expect(await chunks(run.uid)).toEqual([]);
  });

  it('takes metrics on a finished run, as MLflow does, and refuses an unknown run', async () => {
    for (const state of ['COMPLETED', 'FAILED', 'ABORTED']) {
      const run = await startRun(`late-${state}`);
      await gqlOk(t.url, 'mutation($id: ID!, $s: FinishedRunState!) { finishRun(id: $id, state: $s) { id } }', {
        id: run.id,
        s: state,
      });
      const late = await log(run.id, [{ key: 'loss', value: 0.1, step: 9 }]);
      expect(late.errors).toBeUndefined();
      expect(late.data!.logMetrics.metricKeys).toEqual(['loss']);
      expect(await chunks(run.uid)).toEqual([{ key: 'loss', count: 1, firstStep: 9, lastStep: 9 }]);
    }
    expect(codeOf(await log('0190a8a0-0000-7000-8000-000000000000', [{ key: 'loss', value: 1, step: 0 }]))).toBe(
      'NOT_FOUND',
    );
  });

  it('stores NaN and ±Infinity in the chunk and returns them by name', async () => {
    const run = await startRun('non-finite');
    const logged = await gql(
      t.url,
      `mutation($run: ID!, $points: [MetricPointInput!]!) {
        logMetrics(run: $run, points: $points) { id }
        literal: logMetrics(run: $run, points: [{key: "lit", value: "-Infinity", step: 0}]) { id } }`,
      {
        run: run.id,
        points: [
          { key: 'loss', value: 'NaN', step: 0 },
          { key: 'loss', value: 'Infinity', step: 1 },
          { key: 'loss', value: '-Infinity', step: 2 },
          { key: 'loss', value: 0.25, step: 3 },
        ],
      },
    );
    expect(logged.errors).toBeUndefined();
    // Neo4j holds the doubles themselves, not text.
    const [stored] = await t.skein.graph.read((tx) =>
      tx.run<{ values: number[]; kind: string }>(
        `MATCH (c:MetricChunk {runUid: $uid, key: 'loss'}) RETURN c.values AS values, valueType(c.values) AS kind`,
        { uid: run.uid },
      ),
    );
    expect(stored!.values).toEqual([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.25]);
    expect(stored!.kind).toMatch(/^LIST<FLOAT/);

    const data = await series(run.id, 'loss');
    expect(data.run.metric.points.map((p) => p.value)).toEqual(['NaN', 'Infinity', '-Infinity', 0.25]);
    const nan = await gqlOk<{ run: { latestMetrics: Array<{ key: string; value: unknown }> } }>(
      t.url,
      'query($id: ID!) { run(id: $id) { latestMetrics { key value } } }',
      { id: run.id },
    );
    expect(nan.run.latestMetrics).toEqual([
      { key: 'lit', value: '-Infinity' },
      { key: 'loss', value: 0.25 },
    ]);
    await log(run.id, [{ key: 'loss', value: 'NaN', step: 4 }]);
    const cmp = await gqlOk<{ compareRuns: { metrics: Array<{ key: string; values: unknown[] }> } }>(
      t.url,
      'query($ids: [ID!]!) { compareRuns(ids: $ids) { metrics { key values } } }',
      { ids: [run.id] },
    );
    expect(cmp.compareRuns.metrics).toEqual([
      { key: 'lit', values: ['-Infinity'] },
      { key: 'loss', values: ['NaN'] },
    ]);
    const bad = await log(run.id, [{ key: 'loss', value: 'nan', step: 5 }]);
    expect(bad.errors![0]!.message).toContain('MetricValue expects a finite number or one of "NaN"');
  });

  it('keeps 64-bit steps as Neo4j integers, up to 2^53 - 1, and reads ranges of them', async () => {
    const run = await startRun('big-steps');
    const ms = 1_767_225_600_000; // a millisecond timestamp, as MLflow users log steps
    const max = Number.MAX_SAFE_INTEGER;
    expect(
      (
        await log(run.id, [
          { key: 'loss', value: 1, step: ms },
          { key: 'loss', value: 2, step: ms + 1 },
          { key: 'loss', value: 3, step: max },
          { key: 'loss', value: 4, step: -max },
        ])
      ).errors,
    ).toBeUndefined();
    const [stored] = await t.skein.graph.read((tx) =>
      tx.run<{ kinds: string[] }>(
        `MATCH (c:MetricChunk {runUid: $uid})
         RETURN [valueType(c.firstStep), valueType(c.lastStep), valueType(c.steps)] AS kinds`,
        { uid: run.uid },
      ),
    );
    expect(stored!.kinds).toEqual(['INTEGER NOT NULL', 'INTEGER NOT NULL', 'LIST<INTEGER NOT NULL> NOT NULL']);
    const window = await series(run.id, 'loss', ms, ms + 1);
    expect(window.run.metric.points.map((p) => [p.step, p.value])).toEqual([
      [ms, 1],
      [ms + 1, 2],
    ]);
    const all = await series(run.id, 'loss');
    expect(all.run.metric.last).toEqual({ step: max, value: 3 });
    const tooBig = await log(run.id, [{ key: 'loss', value: 1, step: 2 ** 53 }]);
    expect(tooBig.errors).toBeDefined();
    expect(tooBig.errors![0]!.message).toMatch(/SafeInt/);
  });

  it("answers every metric's latest point in one field, batched for a page of runs", async () => {
    const a = await startRun('latest-a');
    const b = await startRun('latest-b');
    await log(a.id, [
      { key: 'loss', value: 0.5, step: 1 },
      { key: 'loss', value: 0.3, step: 2 },
      { key: 'acc', value: 0.7, step: 2 },
    ]);
    await log(a.id, [{ key: 'loss', value: 0.9, step: 0 }]); // a late, earlier step: not the latest
    // Two points at the top step: the newer measurement wins, not the one logged last.
    await log(b.id, [
      { key: 'f1', value: 0.8, step: 7, time: '2026-03-01T00:00:02Z' },
      { key: 'f1', value: 0.6, step: 7, time: '2026-03-01T00:00:01Z' },
    ]);
    await log(b.id, [{ key: 'f1', value: 0.1, step: 3 }]);
    const page = await gqlOk<{
      runs: { edges: Array<{ node: { name: string; latestMetrics: unknown[] } }> };
    }>(
      t.url,
      `query($w: String!) { runs(workspace: $w, first: 1000) {
        edges { node { name latestMetrics { key step value time } } } } }`,
      { w: t.ws },
    );
    const byName = new Map(page.runs.edges.map((e) => [e.node.name, e.node.latestMetrics]));
    expect(byName.get('latest-a')).toEqual([
      { key: 'acc', step: 2, value: 0.7, time: expect.any(String) },
      { key: 'loss', step: 2, value: 0.3, time: expect.any(String) },
    ]);
    expect(byName.get('latest-b')).toEqual([{ key: 'f1', step: 7, value: 0.8, time: '2026-03-01T00:00:02.000Z' }]);
    const cmp = await gqlOk<{ compareRuns: { metrics: Array<{ key: string; values: unknown[] }> } }>(
      t.url,
      'query($ids: [ID!]!) { compareRuns(ids: $ids) { metrics { key values } } }',
      { ids: [b.id] },
    );
    expect(cmp.compareRuns.metrics).toEqual([{ key: 'f1', values: [0.8] }]);
  });

  it('reads metrics of many runs in one page, and compares their latest values', async () => {
    const runs = [await startRun('cmp-a'), await startRun('cmp-b'), await startRun('cmp-c')];
    await log(runs[0]!.id, [
      { key: 'loss', value: 0.5, step: 1 },
      { key: 'loss', value: 0.3, step: 2 },
    ]);
    await log(runs[0]!.id, [{ key: 'loss', value: 0.9, step: 0 }]); // a late, earlier step: not the latest
    await log(runs[1]!.id, [{ key: 'f1', value: 0.7, step: 3 }]);
    const page = await gqlOk<{
      runs: { edges: Array<{ node: { name: string; metricKeys: string[]; metric: { count: number } } }> };
    }>(
      t.url,
      `query($w: String!) { runs(workspace: $w, first: 1000) {
        edges { node { name metricKeys metric(key: "loss") { count } } } } }`,
      { w: t.ws },
    );
    const byName = new Map(page.runs.edges.map((e) => [e.node.name, e.node]));
    expect(byName.get('cmp-a')).toEqual({ name: 'cmp-a', metricKeys: ['loss'], metric: { count: 3 } });
    expect(byName.get('cmp-b')).toEqual({ name: 'cmp-b', metricKeys: ['f1'], metric: { count: 0 } });
    expect(byName.get('cmp-c')).toEqual({ name: 'cmp-c', metricKeys: [], metric: { count: 0 } });

    const cmp = await gqlOk<{ compareRuns: { metrics: Array<{ key: string; values: unknown[] }> } }>(
      t.url,
      'query($ids: [ID!]!) { compareRuns(ids: $ids) { metrics { key values } } }',
      { ids: runs.map((r) => r.id) },
    );
    expect(cmp.compareRuns.metrics).toEqual([
      { key: 'f1', values: [null, 0.7, null] },
      { key: 'loss', values: [0.3, null, null] },
    ]);
  });
});
