import { createWorkspace } from '../helpers/pipeline';
import { day, recordRuns, type RunRow } from '../helpers/runs';
import { gql, gqlOk, uniqueName, useTestSkein } from '../helpers/skein';

/**
 * MLflow-style search over params, results, labels, state and time, plus what MLflow cannot say
 * (OR, NOT), ordered by a result with cursor pages. Every expectation is an exact set.
 */

// Created in this order (so uid order is this order). "h" has lr as a string, "k" a non-numeric accuracy.
const TABLE: RunRow[] = [
  {
    name: 'a',
    params: { lr: 0.01, batch: 32 },
    results: { accuracy: 0.95, loss: 0.1 },
    labels: { team: 'nlp' },
    state: 'COMPLETED',
    day: 1,
  },
  {
    name: 'b',
    params: { lr: 0.001, batch: 64 },
    results: { accuracy: 0.92 },
    labels: { team: 'cv' },
    state: 'COMPLETED',
    day: 2,
  },
  {
    name: 'c',
    params: { lr: 0.1 },
    results: { accuracy: 0.97 },
    labels: { team: 'nlp', stage: 'prod' },
    state: 'COMPLETED',
    day: 3,
  },
  { name: 'd', params: { lr: 0.01 }, results: { accuracy: 0.85 }, labels: { team: 'cv' }, state: 'FAILED', day: 4 },
  { name: 'e', params: { lr: 0.001 }, results: { accuracy: 0.88 }, labels: {}, state: 'COMPLETED', day: 5 },
  { name: 'f', params: {}, results: { accuracy: 0.99 }, labels: { team: 'nlp' }, state: 'COMPLETED', day: 6 },
  { name: 'g', params: { lr: 0.01 }, results: {}, labels: { team: 'nlp' }, state: 'RUNNING', day: 7 },
  { name: 'h', params: { lr: '0.01' }, results: { accuracy: 0.91 }, labels: {}, state: 'COMPLETED', day: 8 },
  { name: 'i', params: { lr: 0.01 }, results: { accuracy: 0.91 }, labels: { team: 'cv' }, state: 'COMPLETED', day: 9 },
  {
    name: 'j',
    params: { lr: 0.001 },
    results: { accuracy: 0.93 },
    labels: { stage: 'prod' },
    state: 'ABORTED',
    day: 10,
  },
  { name: 'k', params: { lr: 0.01 }, results: { accuracy: 'high' }, labels: {}, state: 'COMPLETED', day: 11 },
  {
    name: 'c1',
    params: { lr: 0.05 },
    results: { accuracy: 0.5 },
    labels: {},
    state: 'COMPLETED',
    day: 20,
    parent: 'c',
  },
  { name: 'c2', params: { lr: 0.05 }, results: {}, labels: {}, state: 'RUNNING', day: 20, parent: 'c' },
];
const ALL = TABLE.map((r) => r.name);

const SEARCH = `query($w: String!, $f: RunFilter, $o: RunOrder, $first: Int, $after: String) {
  runs(workspace: $w, filter: $f, orderBy: $o, first: $first, after: $after) {
    edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }`;

interface SearchPage {
  runs: {
    edges: Array<{ cursor: string; node: { name: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

describe('run search', () => {
  const t = useTestSkein({ workspace: 'search' });
  let ids = new Map<string, string>();

  beforeAll(async () => {
    ids = await recordRuns(t.url, t.ws, TABLE);
  });

  const search = (vars: Record<string, unknown>) => gql<SearchPage>(t.url, SEARCH, { w: t.ws, first: 1000, ...vars });
  const names = async (filter: unknown, orderBy?: unknown) => {
    const res = await search({ f: filter, o: orderBy });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.runs.edges.map((e) => e.node.name);
  };
  const nameSet = async (filter: unknown) => (await names(filter)).sort();
  /** Walks every page of a search, `first` at a time. */
  const walk = async (orderBy: unknown, first: number, filter?: unknown) => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard += 1) {
      const res = await search({ f: filter, o: orderBy, first, after });
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      const page = res.data!.runs;
      expect(page.edges.length).toBeLessThanOrEqual(first);
      seen.push(...page.edges.map((e) => e.node.name));
      if (!page.pageInfo.hasNextPage) return seen;
      after = page.pageInfo.endCursor;
    }
    throw new Error('the walk did not end');
  };
  const codeOf = (res: { errors?: Array<{ extensions?: Record<string, unknown> }> }) =>
    res.errors?.[0]?.extensions?.code;

  it('finds accuracy > 0.9 and (lr = 0.01 or lr = 0.001)', async () => {
    const filter = {
      result: { key: 'accuracy', gt: 0.9 },
      or: [{ param: { key: 'lr', eq: 0.01 } }, { param: { key: 'lr', eq: 0.001 } }],
    };
    expect(await nameSet(filter)).toEqual(['a', 'b', 'i', 'j']);
    // The same with an explicit and, and with `in`.
    expect(await nameSet({ and: [{ result: { key: 'accuracy', gt: 0.9 } }, { or: filter.or }] })).toEqual([
      'a',
      'b',
      'i',
      'j',
    ]);
    expect(await nameSet({ result: { key: 'accuracy', gt: 0.9 }, param: { key: 'lr', in: [0.01, 0.001] } })).toEqual([
      'a',
      'b',
      'i',
      'j',
    ]);
  });

  it('reads NOT as a person does: runs without the key are "not equal" too', async () => {
    expect(await nameSet({ not: { param: { key: 'lr', eq: 0.01 } } })).toEqual([
      'b',
      'c',
      'c1',
      'c2',
      'e',
      'f',
      'h',
      'j',
    ]);
    // ne needs the key: f (no lr) is left out; h's string "0.01" is not the number 0.01.
    expect(await nameSet({ param: { key: 'lr', ne: 0.01 } })).toEqual(['b', 'c', 'c1', 'c2', 'e', 'h', 'j']);
    expect(await nameSet({ param: { key: 'lr', eq: '0.01' } })).toEqual(['h']);
    expect(await nameSet({ param: { key: 'lr', exists: false } })).toEqual(['f']);
    expect(await nameSet({ not: { or: [{ state: ['COMPLETED'] }, { label: { key: 'team' } }] } })).toEqual(['c2', 'j']);
  });

  it('filters by range, labels, state, start time and parent', async () => {
    expect(await nameSet({ result: { key: 'accuracy', gte: 0.91, lt: 0.95 } })).toEqual(['b', 'h', 'i', 'j']);
    expect(await nameSet({ label: { key: 'team', value: 'nlp' } })).toEqual(['a', 'c', 'f', 'g']);
    expect(await nameSet({ label: { key: 'stage' } })).toEqual(['c', 'j']);
    expect(await nameSet({ label: { key: 'team', in: ['cv', 'search'] } })).toEqual(['b', 'd', 'i']);
    expect(await nameSet({ state: ['FAILED', 'ABORTED'] })).toEqual(['d', 'j']);
    expect(await nameSet({ state: ['RUNNING'] })).toEqual(['c2', 'g']);
    expect(await nameSet({ startedAfter: day(5), startedBefore: day(9) })).toEqual(['e', 'f', 'g', 'h']);
    expect(await nameSet({ parent: ids.get('c') })).toEqual(['c1', 'c2']);
    expect(
      await nameSet({ or: [{ label: { key: 'team', value: 'cv' } }, { result: { key: 'loss', exists: true } }] }),
    ).toEqual(['a', 'b', 'd', 'i']);
    expect(await nameSet({})).toEqual([...ALL].sort());
    expect(await nameSet({ or: [] })).toEqual([]);
  });

  it('orders by a result, missing and non-numeric values last, across cursor pages', async () => {
    // Ties (h and i at 0.91) break by uid, in the same direction as the sort.
    const desc = ['f', 'c', 'a', 'j', 'b', 'i', 'h', 'e', 'd', 'c1', 'c2', 'k', 'g'];
    expect(await walk({ result: 'accuracy', direction: 'DESC' }, 3)).toEqual(desc);
    expect(await walk({ result: 'accuracy' }, 1000)).toEqual(desc);
    const asc = ['c1', 'd', 'e', 'h', 'i', 'b', 'j', 'a', 'c', 'f', 'g', 'k', 'c2'];
    expect(await walk({ result: 'accuracy', direction: 'ASC' }, 2)).toEqual(asc);
    // Filter and order together, paged.
    expect(await walk({ result: 'accuracy' }, 2, { param: { key: 'lr', eq: 0.01 } })).toEqual([
      'a',
      'i',
      'd',
      'k',
      'g',
    ]);
    expect(await walk({ param: 'batch', direction: 'ASC' }, 5)).toEqual([
      'a',
      'b',
      ...ALL.filter((n) => n !== 'a' && n !== 'b'),
    ]);
  });

  it('lists newest first by default and oldest first on ASC, by cursor', async () => {
    expect(await walk(undefined, 4)).toEqual([...ALL].reverse());
    expect(await walk({ direction: 'ASC' }, 5)).toEqual(ALL);
  });

  it('returns the maps a query asks for, directly or through fragments, and skips them otherwise', async () => {
    const f = { label: { key: 'stage', value: 'prod' } };
    const expected = [
      { name: 'j', params: [{ key: 'lr', value: 0.001 }], labels: [{ key: 'stage', value: 'prod' }] },
      {
        name: 'c',
        params: [{ key: 'lr', value: 0.1 }],
        labels: [
          { key: 'stage', value: 'prod' },
          { key: 'team', value: 'nlp' },
        ],
      },
    ];
    const direct = await gqlOk<{ runs: { edges: Array<{ node: unknown }> } }>(
      t.url,
      `query($w: String!, $f: RunFilter) { runs(workspace: $w, filter: $f) {
        edges { node { name params { key value } labels { key value } } } } }`,
      { w: t.ws, f },
    );
    expect(direct.runs.edges.map((e) => e.node)).toEqual(expected);
    const viaFragments = await gqlOk<{ runs: { edges: Array<{ node: unknown }> } }>(
      t.url,
      `query($w: String!, $f: RunFilter) { runs(workspace: $w, filter: $f) { ...Page } }
       fragment Page on RunConnection { edges { node { name ... on Run { params { key value } } ...Labels } } }
       fragment Labels on Run { labels { key value } }`,
      { w: t.ws, f },
    );
    expect(viaFragments.runs.edges.map((e) => e.node)).toEqual(expected);
    // A names-only page still says which runs, in order, with their states.
    const slim = await gqlOk<{ runs: { edges: Array<{ node: unknown }> } }>(
      t.url,
      'query($w: String!, $f: RunFilter) { runs(workspace: $w, filter: $f) { edges { node { name state isBest } } } }',
      { w: t.ws, f },
    );
    expect(slim.runs.edges.map((e) => e.node)).toEqual([
      { name: 'j', state: 'ABORTED', isBest: false },
      { name: 'c', state: 'COMPLETED', isBest: false },
    ]);
  });

  it('refuses a cursor from another order', async () => {
    const first = await search({ o: { result: 'accuracy' }, first: 2 });
    const cursor = first.data!.runs.pageInfo.endCursor;
    expect(codeOf(await search({ o: { result: 'loss' }, first: 2, after: cursor }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await search({ first: 2, after: cursor }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await search({ first: 2, after: 'not-a-cursor' }))).toBe('BAD_USER_INPUT');
  });

  it('treats keys as data, never as query text', async () => {
    for (const key of ['lr` OR true //', "lr'] OR 1=1 //", 'x}) RETURN r //', 'accuracy\nOR true']) {
      expect(await names({ param: { key, exists: true } })).toEqual([]);
      expect(await names({ result: { key, gt: 0 } }, { result: key })).toEqual([]);
      expect(await names({ label: { key, value: 'nlp' } })).toEqual([]);
    }
  });

  it('bounds the filter tree', async () => {
    let deep: Record<string, unknown> = { state: ['RUNNING'] };
    for (let i = 0; i < 7; i += 1) deep = { not: deep };
    const tooDeep = await search({ f: deep });
    expect(codeOf(tooDeep)).toBe('BAD_USER_INPUT');
    expect(tooDeep.errors![0]!.message).toContain('deeper than 6');

    const wide = { or: Array.from({ length: 51 }, (_, i) => ({ param: { key: 'lr', eq: i } })) };
    const tooWide = await search({ f: wide });
    expect(codeOf(tooWide)).toBe('BAD_USER_INPUT');
    expect(tooWide.errors![0]!.message).toContain('more than 50 conditions');

    expect(codeOf(await search({ f: { param: { key: 'lr' } } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await search({ f: { param: { key: 'lr', in: Array.from({ length: 101 }, (_, i) => i) } } }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(codeOf(await search({ o: { result: 'accuracy', param: 'lr' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await search({ first: 1001 }))).toBe('BAD_USER_INPUT');
  });

  it('answers NOT_FOUND for an unknown workspace, and an empty page for an empty one', async () => {
    const missing = await gql(t.url, SEARCH, { w: uniqueName('nows') });
    expect(codeOf(missing)).toBe('NOT_FOUND');
    const empty = await createWorkspace(t.url, 'search-empty');
    const data = await gqlOk<SearchPage>(t.url, SEARCH, { w: empty });
    expect(data.runs.edges).toEqual([]);
    expect(data.runs.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});
