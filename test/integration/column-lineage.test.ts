import { randomUUID } from 'node:crypto';
import { OPEN } from '../../src/auth/principal';
import type { Driver } from 'neo4j-driver';
import type { GraphExecutor } from '../../src/graph/executor';
import { inProcessApi, tokenIn, type InProcessApi } from '../helpers/callers';
import { AGGREGATION, FILTER, IDENTITY, seedColumnLineage } from '../helpers/column-lineage';
import { createWorkspace, logArtifact, type ArtifactView } from '../helpers/pipeline';
import { gql, gqlOk, testGraph, useTestSkein } from '../helpers/skein';

/**
 * columnLineage over GraphQL, on dataset versions logged through the API and column links written
 * the way OpenLineage ingest stores them (test/helpers/column-lineage.ts). Answers are checked as
 * `key.column -> key.column @depth` lists, so a wrong end, direction or depth fails.
 */

const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python';

const QUERY = `query($of: String!, $column: String!, $direction: LineageDirection, $depth: Int, $maxNodes: Int) {
  columnLineage(of: $of, column: $column, direction: $direction, depth: $depth, maxNodes: $maxNodes) {
    root { id column artifact { __typename ... on Artifact { key version } } }
    direction depth maxNodes truncated
    columns { id column artifact { __typename ... on Artifact { key } ... on RestrictedNode { id kind restricted } } }
    edges {
      depth
      from { id column artifact { __typename ... on Artifact { key } ... on RestrictedNode { id } } }
      to { id column artifact { __typename ... on Artifact { key } ... on RestrictedNode { id } } }
      transformations { type subtype description masking }
    }
  }
}`;

interface Ref {
  id: string;
  column: string | null;
  artifact: { __typename: string; key?: string; id?: string; kind?: string };
}

interface Answer {
  columnLineage: {
    root: Ref;
    direction: string;
    depth: number;
    maxNodes: number;
    truncated: boolean;
    columns: Ref[];
    edges: Array<{
      depth: number;
      from: Ref;
      to: Ref;
      transformations: Array<{
        type: string;
        subtype: string | null;
        description: string | null;
        masking: boolean | null;
      }>;
    }>;
  };
}

const nameOf = (r: Ref) =>
  r.artifact.__typename === 'RestrictedNode' ? 'restricted' : `${r.artifact.key}.${r.column}`;
const edgeList = (a: Answer) =>
  a.columnLineage.edges.map((e) => `${nameOf(e.from)} -> ${nameOf(e.to)} @${e.depth}`).sort();

describe('columnLineage', () => {
  const t = useTestSkein({ workspace: 'col' });
  let driver: Driver;
  let graph: GraphExecutor;

  beforeAll(() => {
    ({ driver, graph } = testGraph());
  });
  afterAll(() => driver.close());

  const dataset = (key: string, workspace = t.ws): Promise<ArtifactView> =>
    logArtifact(t.url, { workspace, key, kind: 'DATASET' });
  const ask = (variables: Record<string, unknown>) => gqlOk<Answer>(t.url, QUERY, variables);
  const uriOf = (a: ArtifactView) => a.uri;

  /** a.x -> b.y (identity) -> c.total (aggregation), plus b.z -> c.total (a filter): keys prefixed per test. */
  async function chain(prefix: string) {
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((k) => dataset(`${prefix}-${k}`)));
    await seedColumnLineage(graph, [
      { out: c!.uid, column: 'total', in: b!.uid, field: 'y', transformations: [AGGREGATION] },
      { out: c!.uid, column: 'total', in: b!.uid, field: 'z', transformations: [FILTER] },
      { out: b!.uid, column: 'y', in: a!.uid, field: 'x', transformations: [IDENTITY] },
    ]);
    return { a: a!, b: b!, c: c! };
  }

  it('walks upstream transitively, with each step’s transformations, from a store:// URI', async () => {
    const { c } = await chain('up');
    const answer = await ask({ of: uriOf(c), column: 'total' });
    expect(answer.columnLineage.root).toMatchObject({ column: 'total', artifact: { key: 'up-c', version: 1 } });
    expect(answer.columnLineage).toMatchObject({ direction: 'UPSTREAM', depth: 10, maxNodes: 1000, truncated: false });
    expect(edgeList(answer)).toEqual(['up-a.x -> up-b.y @2', 'up-b.y -> up-c.total @1', 'up-b.z -> up-c.total @1']);
    const byFrom = new Map(answer.columnLineage.edges.map((e) => [nameOf(e.from), e.transformations]));
    expect(byFrom.get('up-b.y')).toEqual([AGGREGATION]);
    expect(byFrom.get('up-b.z')).toEqual([{ ...FILTER, masking: null }]);
    expect(byFrom.get('up-a.x')).toEqual([IDENTITY]);
    expect(answer.columnLineage.columns.map(nameOf)).toEqual(['up-c.total', 'up-b.y', 'up-b.z', 'up-a.x']);
    // Edges meet at ids: the column b.y is one ref, whichever edge names it.
    const ids = answer.columnLineage.edges.flatMap((e) => [e.from.id, e.to.id]);
    expect(new Set(ids).size).toBe(4);
  });

  it('names the start by global id and by uid as well', async () => {
    const { c } = await chain('ids');
    for (const of of [c.id, c.uid]) {
      expect(edgeList(await ask({ of, column: 'total', depth: 1 }))).toEqual([
        'ids-b.y -> ids-c.total @1',
        'ids-b.z -> ids-c.total @1',
      ]);
    }
  });

  it('walks downstream: which columns were derived from this one', async () => {
    const { a, b } = await chain('down');
    const answer = await ask({ of: uriOf(a), column: 'x', direction: 'DOWNSTREAM' });
    expect(answer.columnLineage.direction).toBe('DOWNSTREAM');
    expect(edgeList(answer)).toEqual(['down-a.x -> down-b.y @1', 'down-b.y -> down-c.total @2']);
    // z fed only the filter: nothing downstream of b.z but c.total; b.y's other column is not reached.
    expect(edgeList(await ask({ of: uriOf(b), column: 'z', direction: 'DOWNSTREAM' }))).toEqual([
      'down-b.z -> down-c.total @1',
    ]);
    const both = await ask({ of: uriOf(b), column: 'y', direction: 'BOTH' });
    expect(edgeList(both)).toEqual(['down-a.x -> down-b.y @1', 'down-b.y -> down-c.total @1']);
  });

  it('stops at the depth asked for, and ends on a cycle', async () => {
    const keys = ['d0', 'd1', 'd2', 'd3', 'd4'];
    const ds = await Promise.all(keys.map((k) => dataset(`depth-${k}`)));
    const links = ds.slice(1).map((d, i) => ({ out: d.uid, column: 'v', in: ds[i]!.uid, field: 'v' }));
    // And back: d0.v made from d4.v, so the chain is a loop.
    await seedColumnLineage(graph, [...links, { out: ds[0]!.uid, column: 'v', in: ds[4]!.uid, field: 'v' }]);
    const top = ds[4]!;
    expect(edgeList(await ask({ of: top.uri, column: 'v', depth: 2 }))).toEqual([
      'depth-d2.v -> depth-d3.v @2',
      'depth-d3.v -> depth-d4.v @1',
    ]);
    const all = await ask({ of: top.uri, column: 'v', depth: 100 });
    expect(edgeList(all)).toEqual([
      'depth-d0.v -> depth-d1.v @4',
      'depth-d1.v -> depth-d2.v @3',
      'depth-d2.v -> depth-d3.v @2',
      'depth-d3.v -> depth-d4.v @1',
      'depth-d4.v -> depth-d0.v @5',
    ]);
    expect(all.columnLineage.columns).toHaveLength(5);
    expect(all.columnLineage.truncated).toBe(false);
    const refused = await gql(t.url, QUERY, { of: top.uri, column: 'v', depth: 101 });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.errors?.[0]?.message).toContain('"depth" must be a whole number from 1 to 100');
  });

  it('caps the columns at maxNodes and says it cut the answer', async () => {
    const [sink, ...sources] = await Promise.all(
      ['sink', 's1', 's2', 's3', 's4', 's5'].map((k) => dataset(`cap-${k}`)),
    );
    await seedColumnLineage(
      graph,
      sources.map((s) => ({ out: sink!.uid, column: 'sum', in: s.uid, field: 'n', transformations: [AGGREGATION] })),
    );
    const cut = await ask({ of: sink!.uri, column: 'sum', maxNodes: 3 });
    expect(cut.columnLineage.truncated).toBe(true);
    expect(cut.columnLineage.columns).toHaveLength(4);
    expect(cut.columnLineage.edges).toHaveLength(3);
    const whole = await ask({ of: sink!.uri, column: 'sum', maxNodes: 5 });
    expect(whole.columnLineage.truncated).toBe(false);
    expect(whole.columnLineage.edges).toHaveLength(5);
  });

  it('answers a column with no recorded lineage with no edges', async () => {
    const { c } = await chain('none');
    const answer = await ask({ of: uriOf(c), column: 'no_such_column' });
    expect(answer.columnLineage.root).toMatchObject({ column: 'no_such_column', artifact: { key: 'none-c' } });
    expect(answer.columnLineage.edges).toEqual([]);
    expect(answer.columnLineage.columns).toHaveLength(1);
    expect(answer.columnLineage.truncated).toBe(false);
  });

  it('answers an unknown artifact with NOT_FOUND, and an empty column name with BAD_USER_INPUT', async () => {
    const missing = await gql(t.url, QUERY, { of: `store://artifacts/${t.ws}/no-such-key`, column: 'x' });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(missing.data).toBeNull();
    const { c } = await chain('bad');
    const empty = await gql(t.url, QUERY, { of: c.uri, column: '' });
    expect(empty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers over what OpenLineage ingest stored from a columnLineage facet', async () => {
    const ns = t.ws; // the suite's workspace: the job namespace maps to it as it is
    const facet = (name: string, body: object) => ({
      _producer: PRODUCER,
      _schemaURL: `https://openlineage.io/spec/facets/1-2-0/${name}.json#/$defs/${name}`,
      ...body,
    });
    const field = (name: string, column: string, subtype: string) => ({
      namespace: 'db',
      name,
      field: column,
      transformations: [{ type: 'DIRECT', subtype, description: `${subtype} of ${column}`, masking: false }],
    });
    const event = (
      job: string,
      inputs: string[],
      output: string,
      fields: Record<string, object[]>,
      minute: number,
    ) => ({
      eventType: 'COMPLETE',
      eventTime: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
      producer: PRODUCER,
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      run: { runId: randomUUID() },
      job: { namespace: ns, name: job },
      inputs: inputs.map((name) => ({ namespace: 'db', name })),
      outputs: [
        {
          namespace: 'db',
          name: output,
          facets: {
            columnLineage: facet('ColumnLineageDatasetFacet', {
              fields: Object.fromEntries(Object.entries(fields).map(([c, inputFields]) => [c, { inputFields }])),
            }),
          },
        },
      ],
    });
    const res = await fetch(new URL('/api/v1/lineage', t.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        event('stage', ['ol.orders'], 'ol.staged', { y: [field('ol.orders', 'x', 'IDENTITY')] }, 1),
        event('report', ['ol.staged'], 'ol.report', { total: [field('ol.staged', 'y', 'AGGREGATION')] }, 2),
      ]),
    });
    expect(res.status).toBe(200);
    const answer = await ask({ of: `store://artifacts/${ns}/db/ol.report`, column: 'total' });
    expect(edgeList(answer)).toEqual([
      'db/ol.orders.x -> db/ol.staged.y @2',
      'db/ol.staged.y -> db/ol.report.total @1',
    ]);
    const byTo = new Map(answer.columnLineage.edges.map((e) => [nameOf(e.to), e.transformations]));
    expect(byTo.get('db/ol.report.total')).toEqual([
      { type: 'DIRECT', subtype: 'AGGREGATION', description: 'AGGREGATION of y', masking: false },
    ]);
    const down = await ask({ of: `store://artifacts/${ns}/db/ol.orders`, column: 'x', direction: 'DOWNSTREAM' });
    expect(edgeList(down)).toEqual(['db/ol.orders.x -> db/ol.staged.y @1', 'db/ol.staged.y -> db/ol.report.total @2']);
  });

  describe('with auth on', () => {
    let api: InProcessApi;
    beforeAll(async () => {
      api = await inProcessApi(() => graph);
    });
    afterAll(() => api.stop());

    it('shows a column in a workspace the caller may not read as restricted, and continues through it', async () => {
      const theirs = await createWorkspace(t.url, 'col-theirs');
      const src = await dataset('auth-src');
      const mid = await dataset('auth-mid', theirs);
      const out = await dataset('auth-out');
      await seedColumnLineage(graph, [
        { out: out.uid, column: 'score', in: mid.uid, field: 'secret_score', transformations: [AGGREGATION] },
        { out: mid.uid, column: 'secret_score', in: src.uid, field: 'raw', transformations: [IDENTITY] },
      ]);
      const viewer = tokenIn({ [t.ws]: 'VIEWER' });
      const answer = await api.ok<Answer>(viewer, QUERY, { of: out.uri, column: 'score' });
      expect(edgeList(answer)).toEqual(['auth-src.raw -> restricted @2', 'restricted -> auth-out.score @1']);
      const hidden = answer.columnLineage.columns.find((c) => c.artifact.__typename === 'RestrictedNode')!;
      expect(hidden).toEqual({
        id: expect.stringMatching(/^restricted:/),
        column: null,
        artifact: {
          __typename: 'RestrictedNode',
          id: expect.stringMatching(/^restricted:/),
          kind: 'DATASET',
          restricted: true,
        },
      });
      // Nothing of the hidden side leaks: its workspace, key, column name, nor the descriptions.
      const text = JSON.stringify(answer);
      for (const secret of [theirs, 'auth-mid', 'secret_score', mid.uid, 'sum(y)', 'copied'])
        expect(text).not.toContain(secret);
      expect(answer.columnLineage.edges.every((e) => e.transformations[0]?.subtype)).toBe(true);
      // The owner (auth off: OPEN) sees it all.
      const open = await api.ok<Answer>(OPEN, QUERY, { of: out.uri, column: 'score' });
      expect(edgeList(open)).toEqual([
        'auth-mid.secret_score -> auth-out.score @1',
        'auth-src.raw -> auth-mid.secret_score @2',
      ]);
    });

    it('answers a start in a workspace the caller may not read exactly as a missing one', async () => {
      const theirs = await createWorkspace(t.url, 'col-hidden');
      const hidden = await dataset('hidden', theirs);
      const viewer = tokenIn({ [t.ws]: 'VIEWER' });
      for (const of of [hidden.uri, hidden.id]) {
        const answer = await api.as(viewer, QUERY, { of, column: 'x' });
        expect(answer.errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
      }
    });
  });
});
