import { assembleLineage, assemblePath, capNearest, stepsOf } from '../../src/services/lineage.assemble';
import { MAX_HOPS, pathQuery, reach, traversalQuery } from '../../src/graph/lineage.cypher';
import type { FoundNode, FoundPath, FoundSubgraph } from '../../src/domain/lineage';
import { toFoundNode, type NodeTuple } from '../../src/graph/lineage.rows';
import { checkLineageFilter, planLineage } from '../../src/services/lineage.service';
import { planTraversal } from '../../src/graph/lineage.repository';
import { fieldsWanted } from '../../src/graphql/selection';
import {
  Kind,
  parse,
  validate,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getSchema } from '../../src/graphql/schema';
import { toGlobalId } from '../../src/domain/global-id';
import { restrictedId } from '../../src/domain/restricted-id';
import { OPEN } from '../../src/auth/principal';

const node = (uid: string, hops: number, opts: { restricted?: boolean } = {}): FoundNode => {
  const artifact = uid.startsWith('a');
  const found = { uid, hops, kind: artifact ? 'DATASET' : 'STEP' };
  if (opts.restricted) return { ...found, type: 'Restricted', nodeType: artifact ? 'ARTIFACT' : 'EXECUTION' };
  const tuple: NodeTuple = artifact
    ? [
        hops,
        uid,
        true,
        'DATASET',
        ['w', uid, 1, 'AVAILABLE', null, null, null, null, null, 't', null, null],
        null,
        null,
        [],
        1,
        null,
      ]
    : [hops, uid, false, 'STEP', ['w', 'r', uid, 'COMPLETED', 't', null, null, 't'], null, null, null, null, null];
  return toFoundNode(tuple);
};

const frame = { startUid: 'a0', direction: 'UPSTREAM' as const, depth: 5, maxNodes: 3, asOf: null };

describe('lineage Cypher', () => {
  it('walks 2 x depth events, from the start node itself, capped by a LIMIT inside the walk', () => {
    const q = traversalQuery({ label: 'Artifact', directions: ['UPSTREAM'], hops: 20, asOf: false, filtered: false });
    expect(q).toContain('(s)<-[:OUTPUT|INPUT*0..20]-(n)');
    expect(q).toContain('WITH n, min(length(p)) AS hops');
    expect(q).toMatch(/RETURN n, hops\s+LIMIT \$limit/);
    expect(q).not.toContain('$asOf');
    const asOf = traversalQuery({
      label: 'Execution',
      directions: ['DOWNSTREAM'],
      hops: 2,
      asOf: true,
      filtered: true,
    });
    expect(asOf).toContain('(s)-[:INPUT|OUTPUT*0..2]->(n)');
    expect(asOf).toContain('WHERE all(r IN relationships(p) WHERE r.at <= $asOf)');
    expect(asOf).toContain('r.at <= $asOf'); // the events among the nodes too
    expect(asOf).toContain('$kinds');
  });

  it('builds one query text per shape and refuses depths outside the limit', () => {
    const shape = {
      label: 'Artifact' as const,
      directions: ['UPSTREAM' as const],
      hops: 4,
      asOf: false,
      filtered: false,
    };
    expect(traversalQuery(shape)).toBe(traversalQuery({ ...shape }));
    expect(() => reach('UPSTREAM', 0, { asOf: false, filtered: false })).toThrow(RangeError);
    expect(() => reach('UPSTREAM', MAX_HOPS + 1, { asOf: false, filtered: false })).toThrow(RangeError);
    expect(() => reach('UPSTREAM', 2.5, { asOf: false, filtered: false })).toThrow(RangeError);
    expect(pathQuery('Artifact', 'Execution', MAX_HOPS, false)).toContain(
      `shortestPath((a)-[:INPUT|OUTPUT*1..${MAX_HOPS}]->(b))`,
    );
  });
});

describe('lineage plans and limits', () => {
  it('asks for the start node plus one more than the cap, per direction', () => {
    const plan = planLineage({ direction: 'BOTH', depth: 3, maxNodes: 10 });
    expect(planTraversal(plan)).toMatchObject({
      directions: ['UPSTREAM', 'DOWNSTREAM'],
      hops: 6,
      limit: 12,
      filter: null,
    });
    expect(planLineage({}).frame).toEqual({ direction: 'UPSTREAM', depth: 5, maxNodes: 1000, asOf: null });
  });

  it('normalises asOf to the stored time format', () => {
    expect(planLineage({ asOf: '2026-01-02T03:04:05+01:00' }).frame.asOf).toBe('2026-01-02T02:04:05.000Z');
    expect(() => planLineage({ asOf: 'soon' })).toThrow(/asOf/);
  });

  it('rejects out-of-range depth and maxNodes with the field named', () => {
    expect(() => planLineage({ depth: 0 })).toThrow(/"depth" must be a whole number from 1 to 100/);
    expect(() => planLineage({ maxNodes: 10_001 })).toThrow(/"maxNodes"/);
    expect(() => planLineage({ direction: 'SIDEWAYS' as never })).toThrow(/direction/);
  });

  it('drops empty filters, so the unfiltered query shape is used', () => {
    expect(checkLineageFilter({ kinds: [], workspaces: null, nodeTypes: [] })).toBeNull();
    expect(checkLineageFilter({ kinds: ['MODEL'], nodeTypes: ['ARTIFACT'] })).toEqual({
      kinds: ['MODEL'],
      workspaces: null,
      artifacts: true,
      executions: false,
      createdAfter: null,
      createdBefore: null,
    });
    expect(() => checkLineageFilter({ workspaces: ['Not Valid'] })).toThrow(/filter.workspaces/);
  });
});

describe('assembling lineage answers', () => {
  it('converts events to steps: an execution and its outputs share one', () => {
    expect([0, 1, 2, 3, 4].map(stepsOf)).toEqual([0, 1, 1, 2, 2]);
  });

  it('keeps the nearest nodes and says where it cut', () => {
    const cut = capNearest([node('e1', 1), node('a1', 2), node('e2', 3), node('a2', 4)], 3);
    expect(cut.kept.map((n) => n.uid)).toEqual(['e1', 'a1', 'e2']);
    expect(cut).toMatchObject({ truncated: true, cutAtHops: 4 });
    expect(capNearest([node('e1', 1)], 3)).toMatchObject({ truncated: false, cutAtHops: null });
  });

  it('merges both directions: the start once, each node at its nearest, edges among kept nodes', () => {
    const raw: FoundSubgraph = {
      nodes: [node('a0', 0), node('e1', 1), node('a1', 2), node('a0', 0), node('e9', 1), node('a9', 4), node('a1', 3)],
      edges: [
        ['OUTPUT', 'e1', 'a0', 't1', 'x'],
        ['INPUT', 'a1', 'e1', 't0', 'y'],
        ['INPUT', 'a0', 'e9', 't2', 'z'],
        ['OUTPUT', 'e9', 'a9', 't3', 'w'],
      ],
    };
    const l = assembleLineage(raw, { ...frame, direction: 'BOTH' })!;
    expect(l.nodes.map((n) => [n.type, n.depth])).toEqual([
      ['Artifact', 0],
      ['Execution', 1],
      ['Execution', 1],
      ['Artifact', 1],
    ]);
    expect(l).toMatchObject({ truncated: true, truncatedAtDepth: 2 });
    expect(l.edges).toEqual([
      { type: 'OUTPUT', from: toGlobalId('Execution', 'e1'), to: toGlobalId('Artifact', 'a0'), at: 't1', path: 'x' },
      { type: 'INPUT', from: toGlobalId('Artifact', 'a1'), to: toGlobalId('Execution', 'e1'), at: 't0', path: 'y' },
      { type: 'INPUT', from: toGlobalId('Artifact', 'a0'), to: toGlobalId('Execution', 'e9'), at: 't2', path: 'z' },
    ]);
  });

  it('turns restricted nodes into opaque stable ids and hides the paths that touch them', () => {
    const raw: FoundSubgraph = {
      nodes: [node('a0', 0), node('e1', 1, { restricted: true }), node('a1', 2, { restricted: true })],
      edges: [
        ['OUTPUT', 'e1', 'a0', 't1', 'secret/path'],
        ['INPUT', 'a1', 'e1', 't0', 'other'],
      ],
    };
    const l = assembleLineage(raw, frame)!;
    expect(l.nodes.slice(1)).toEqual([
      { type: 'Restricted', id: restrictedId('e1'), depth: 1, nodeType: 'EXECUTION', kind: 'STEP' },
      { type: 'Restricted', id: restrictedId('a1'), depth: 1, nodeType: 'ARTIFACT', kind: 'DATASET' },
    ]);
    expect(l.edges.map((e) => [e.from, e.to, e.path])).toEqual([
      [restrictedId('e1'), toGlobalId('Artifact', 'a0'), null],
      [restrictedId('a1'), restrictedId('e1'), null],
    ]);
    expect(JSON.stringify(l)).not.toContain('"e1"');
  });

  it('answers null when the start node was not found', () => {
    expect(assembleLineage({ nodes: [], edges: [] }, frame)).toBeNull();
  });

  it('orders a path from `from` to `to` whichever way the events run', () => {
    const raw: FoundPath = {
      from: node('a2', 0),
      to: node('a0', 0),
      direction: 'UPSTREAM',
      nodes: [node('a0', 0), node('e1', 0), node('a2', 0)],
      edges: [
        ['INPUT', 'a0', 'e1', 't0', null],
        ['OUTPUT', 'e1', 'a2', 't1', null],
      ],
    };
    const p = assemblePath(raw)!;
    expect(
      p.nodes.map((n) => (n.type === 'Artifact' ? n.artifact.uid : n.type === 'Execution' ? n.execution.uid : '')),
    ).toEqual(['a2', 'e1', 'a0']);
    expect(p.nodes.map((n) => n.depth)).toEqual([0, 1, 1]);
    expect(p.edges.map((e) => e.type)).toEqual(['OUTPUT', 'INPUT']);
    expect(p).toMatchObject({ direction: 'UPSTREAM', length: 2 });
    expect(assemblePath({ ...raw, direction: null, nodes: [], edges: [] })).toBeNull();
  });
});

describe('what a lineage query selects', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await getSchema();
  });

  /** The resolve info of the query's first field, for a document the real schema accepts. */
  function infoFor(query: string) {
    const doc = parse(query);
    expect(validate(schema, doc)).toEqual([]);
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    const fragments = Object.fromEntries(
      doc.definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((f) => [f.name.value, f]),
    );
    const field = op.selectionSet.selections[0] as FieldNode;
    const returnType = schema.getQueryType()!.getFields()[field.name.value]!.type;
    return { fieldNodes: [field], fragments, schema, returnType };
  }

  const NONE = { detail: false, spec: false, maps: false, tags: false, paths: false };

  it('fetches only what a graph view shows', () => {
    const q = `{ lineage(of: "x") {
      truncated levels { depth nodes { __typename
        ... on Artifact { id workspace key version kind state digest createdAt uri }
        ... on Execution { id workspace name kind executionState: state codeVersion startedAt }
        ... on RestrictedNode { id kind } } }
      edges { type from to at } } }`;
    expect(fieldsWanted(infoFor(q))).toEqual(NONE);
  });

  it('asks for spec, maps and tags when fields made from them are selected, through fragments too', () => {
    const q = `{ lineage(of: "x") { levels { nodes { ...A ... on Execution { params { key } } } } } }
      fragment A on Artifact { tags ... on ModelArtifact { framework } }`;
    expect(fieldsWanted(infoFor(q))).toEqual({ ...NONE, spec: true, maps: true, tags: true });
  });

  it.each([
    ['an artifact field outside the graph view', '... on Artifact { location }'],
    ['a field of one artifact kind, in a named fragment', '...M', 'fragment M on ModelArtifact { producerId }'],
    ['an execution field', '... on Execution { finishedAt }'],
    ['a field resolved from a detail property', '... on Execution { run { id } }'],
  ])('asks for the detail properties for %s', (_name, selection, fragment = '') => {
    const q = `{ lineage(of: "x") { levels { nodes { ${selection} } } } } ${fragment}`;
    expect(fieldsWanted(infoFor(q))).toEqual({ ...NONE, detail: true });
  });

  it("asks for event paths only when an edge's path is selected", () => {
    expect(fieldsWanted(infoFor('{ lineagePath(from: "a", to: "b") { edges { path } } }'))).toEqual({
      ...NONE,
      paths: true,
    });
    expect(fieldsWanted(infoFor('{ lineagePath(from: "a", to: "b") { length edges { at } } }'))).toEqual(NONE);
  });
});

describe('node rows', () => {
  it('become records with the parts asked for, and placeholders when restricted', () => {
    const a = toFoundNode([
      2,
      'u1',
      true,
      'MODEL',
      ['w', 'k', 3, 'AVAILABLE', 's3://x', 'd', 10, 'application/x', null, 't', 'e9', 'r1', '2026-12-01T00:00:00.000Z'],
      '{"framework":"xgboost"}',
      [
        ['label.team', 'nlp'],
        ['property.size', 3],
      ],
      ['prod', 'best'],
      4,
      true,
    ]);
    expect(a).toEqual({
      type: 'Artifact',
      uid: 'u1',
      kind: 'MODEL',
      hops: 2,
      source: true,
      record: {
        uid: 'u1',
        workspace: 'w',
        key: 'k',
        version: 3,
        kind: 'MODEL',
        state: 'AVAILABLE',
        location: 's3://x',
        digest: 'd',
        size: 10,
        contentType: 'application/x',
        description: null,
        versionName: null,
        createdAt: 't',
        producerUid: 'e9',
        runUid: 'r1',
        spec: { framework: 'xgboost' },
        labels: { team: 'nlp' },
        properties: { size: 3 },
        tags: ['best', 'prod'],
        latestVersion: 4,
        deletedAt: '2026-12-01T00:00:00.000Z',
      },
    });
    const e = toFoundNode([
      1,
      'e1',
      false,
      'TRAINER',
      ['w', 'r', 'train', 'COMPLETED', 's', null, 'git:1', 'c', null],
      null,
      [['param.lr', 0.1]],
      null,
      null,
      null,
    ]);
    expect(e).toMatchObject({
      type: 'Execution',
      record: { name: 'train', codeVersion: 'git:1', params: { lr: 0.1 }, results: {}, deletedAt: null },
    });
    expect(toFoundNode([1, 'x', true, 'DATASET', null, null, null, null, null, null])).toEqual({
      type: 'Restricted',
      uid: 'x',
      kind: 'DATASET',
      hops: 1,
      nodeType: 'ARTIFACT',
    });
  });
});

describe('lineage through the schema', () => {
  it('resolves union members by __typename, without a promise per node', async () => {
    const { getSchema } = await import('../../src/graphql/schema');
    const { execute, parse: parseQuery } = await import('graphql');
    const schema = await getSchema();
    const union = schema.getType('LineageNodeValue') as unknown as { resolveType: (v: unknown) => unknown };
    expect(union.resolveType({ __typename: 'RestrictedNode' })).toBe('RestrictedNode');

    const raw: FoundSubgraph = {
      nodes: [node('a0', 0), node('e1', 1), node('a1', 2, { restricted: true })],
      edges: [['OUTPUT', 'e1', 'a0', 't1', 'x']],
    };
    const lineage = assembleLineage(raw, { ...frame, maxNodes: 10 });
    // The outer guard reads the caller: the open (auth off) one here.
    const contextValue = { caller: OPEN, services: { lineage: { lineage: async () => lineage } } };
    const result = await execute({
      schema,
      document: parseQuery(`{ lineage(of: "x") { levels { depth nodes { __typename
        ... on Artifact { key } ... on Execution { name } ... on RestrictedNode { id nodeType } } } } }`),
      contextValue,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      lineage: {
        levels: [
          { depth: 0, nodes: [{ __typename: 'DatasetArtifact', key: 'a0' }] },
          {
            depth: 1,
            nodes: [
              { __typename: 'Execution', name: 'e1' },
              { __typename: 'RestrictedNode', id: restrictedId('a1'), nodeType: 'ARTIFACT' },
            ],
          },
        ],
      },
    });
  });
});
