import type { ApolloServer } from '@apollo/server';
import {
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  parse,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLUnionType,
} from 'graphql';
import { createApollo } from '../../src/graphql/apollo';
import type { SkeinHandle } from '../../src/app';
import { makePrincipal, OPEN, type Principal } from '../../src/auth/principal';
import { createContext, type Context } from '../../src/graphql/context';
import { MAX_JIT_FANOUT } from '../../src/graphql/executor';
import { LIMIT_DEFAULTS } from '../../src/graphql/limits';
import { jitFanOut } from '../../src/graphql/limits/jit-size';
import { createLogger } from '../../src/logger';
import { getSchema } from '../../src/graphql/schema';
import { aPipeline, createWorkspace, logArtifact, startRun, type Pipeline } from '../helpers/pipeline';
import { gql, gqlOk, startTestSkein } from '../helpers/skein';

/**
 * Lineage through the API: a pipeline recorded with the public mutations, then lineage, paths,
 * impact and provenance asked over HTTP (and in-process, to count round trips and to call as a
 * principal that may read only some workspaces).
 */

interface Made {
  id: string;
  uri: string;
  key: string;
}

async function record(p: Pipeline, name: string, inputs: Made[], outputs: Array<{ key: string; kind: string }>) {
  const data = await gqlOk<{
    recordExecution: { id: string; outputs: { edges: Array<{ node: { artifact: Made } }> } };
  }>(
    p.url,
    `mutation($i: RecordExecutionInput!) {
      recordExecution(input: $i) { id outputs { edges { node { artifact { id uri key } } } } }
    }`,
    {
      i: {
        run: p.runId,
        name,
        kind: name === 'train' ? 'TRAINER' : 'STEP',
        codeVersion: `git:${name}`,
        params: [{ key: 'seed', value: 7 }],
        inputs: inputs.map((a) => ({ artifact: a.uri, path: a.key })),
        outputs: outputs.map((artifact) => ({ artifact, path: artifact.key })),
      },
    },
  );
  const made = data.recordExecution.outputs.edges.map((e) => e.node.artifact);
  return { id: data.recordExecution.id, outputs: new Map(made.map((a) => [a.key, a])) };
}

const VALUE = `__typename
  ... on Artifact { id key version kind digest }
  ... on Execution { id name codeVersion }
  ... on RestrictedNode { id nodeType kind restricted }`;

/** Nodes with their depth: what `levels { depth nodes }` says, flattened. */
const LEVELS = `levels { depth nodes { ${VALUE} } }`;

interface Value {
  __typename: string;
  id: string;
  key?: string;
  name?: string;
  kind?: string;
}

interface Level {
  depth: number;
  nodes: Value[];
}

const nameOf = (v: Value) => v.key ?? v.name ?? `restricted(${v.kind})`;
const listOf = (levels: Level[]) => levels.flatMap((l) => l.nodes.map((v) => `${nameOf(v)}@${l.depth}`)).sort();

describe('lineage over GraphQL', () => {
  let skein: SkeinHandle;
  let apollo: ApolloServer<Context>;
  let p: Pipeline;
  let raw: Made;
  let cleaned: Made;
  let model: Made;
  let train: string;

  beforeAll(async () => {
    skein = await startTestSkein();
    // The byte-for-byte test below aliases every leaf of every node type (~376 aliases).
    apollo = createApollo(await getSchema(), { limits: { ...LIMIT_DEFAULTS, maxAliases: 1000 } });
    await apollo.start();
    p = await aPipeline(skein.graphqlUrl, 'lin-gql');
    raw = await logArtifact(p.url, { workspace: p.workspace, key: 'raw', kind: 'DATASET', digest: 'a'.repeat(64) });
    cleaned = (await record(p, 'clean', [raw], [{ key: 'cleaned', kind: 'DATASET' }])).outputs.get('cleaned')!;
    const t = await record(p, 'train', [cleaned], [{ key: 'model', kind: 'MODEL' }]);
    train = t.id;
    model = t.outputs.get('model')!;
  }, 60_000);

  afterAll(async () => {
    await apollo.stop();
    await skein.stop();
  });

  it('answers lineage by id or by store:// URI, with nodes, edges and depths', async () => {
    const query = `query($of: String!, $d: Int) {
      lineage(of: $of, depth: $d) {
        root { __typename ... on Artifact { key } } direction depth maxNodes truncated truncatedAtDepth
        ${LEVELS} nodes { __typename } edges { type from to at path }
      }
    }`;
    for (const of of [model.id, `store://artifacts/${p.workspace}/model`]) {
      const { lineage } = await gqlOk<{
        lineage: Record<string, unknown> & { levels: Level[]; nodes: unknown[]; edges: unknown[] };
      }>(skein.graphqlUrl, query, { of, d: 2 });
      expect(lineage).toMatchObject({
        root: { __typename: 'ModelArtifact', key: 'model' },
        direction: 'UPSTREAM',
        depth: 2,
        maxNodes: 1000,
        truncated: false,
        truncatedAtDepth: null,
      });
      expect(listOf(lineage.levels)).toEqual(['clean@2', 'cleaned@1', 'model@0', 'raw@2', 'train@1']);
      expect(lineage.levels.map((l) => l.depth)).toEqual([0, 1, 2]);
      expect(lineage.nodes).toHaveLength(5);
      expect(lineage.edges).toHaveLength(4);
      expect(lineage.edges).toContainEqual({
        type: 'OUTPUT',
        from: train,
        to: model.id,
        at: expect.stringMatching(/^\d{4}-/),
        path: 'model',
      });
    }
  });

  it('answers the heavier fields (tags, labels, params, kind-specific ones) when the query selects them', async () => {
    await gqlOk(skein.graphqlUrl, 'mutation($r: String!) { tagArtifact(ref: $r, tag: "prod") { id } }', {
      r: model.id,
    });
    const { lineage } = await gqlOk<{ lineage: { nodes: Array<Record<string, unknown>> } }>(
      skein.graphqlUrl,
      `query($of: String!) { lineage(of: $of, depth: 1) { nodes {
        ... on Artifact { key tags isLatest labels { key } }
        ... on ModelArtifact { framework metrics { key } }
        ... on DatasetArtifact { schema { name } }
        ... on Execution { name params { key value } }
      } } }`,
      { of: model.id },
    );
    expect(lineage.nodes).toEqual([
      { key: 'model', tags: ['prod'], isLatest: true, labels: [], framework: null, metrics: [] },
      { name: 'train', params: [{ key: 'seed', value: 7 }] },
      { key: 'cleaned', tags: [], isLatest: true, labels: [], schema: [] },
    ]);
  });

  it('answers the detail fields (body, producer, run, finish time, event paths) exactly as node(id:) does', async () => {
    const DETAIL = `__typename
      ... on Artifact { id key location size contentType description producerId runId }
      ... on Execution { id name executionRunId: runId finishedAt run { id } }`;
    const { lineage } = await gqlOk<{ lineage: { nodes: Array<{ id: string }>; edges: Array<{ path: string }> } }>(
      skein.graphqlUrl,
      `query($of: String!) { lineage(of: $of, depth: 1) { nodes { ${DETAIL} } edges { path } } }`,
      { of: model.id },
    );
    expect(lineage.nodes).toHaveLength(3);
    for (const value of lineage.nodes) {
      const { node } = await gqlOk<{ node: unknown }>(
        skein.graphqlUrl,
        `query($id: ID!) { node(id: $id) { ${DETAIL} } }`,
        {
          id: value.id,
        },
      );
      expect(value).toEqual(node);
    }
    expect(lineage.nodes[0]).toMatchObject({ key: 'model', producerId: train, runId: p.runId });
    expect(lineage.nodes[1]).toMatchObject({ id: train, executionRunId: p.runId, run: { id: p.runId } });
    expect(lineage.edges.map((e) => e.path).sort()).toEqual(['cleaned', 'model']);
  });

  it('filters, walks downstream, and reports bad arguments as BAD_USER_INPUT', async () => {
    const { lineage } = await gqlOk<{ lineage: { levels: Level[] } }>(
      skein.graphqlUrl,
      `query($of: String!) { lineage(of: $of, direction: DOWNSTREAM, filter: { nodeTypes: [EXECUTION] }) { ${LEVELS} } }`,
      { of: raw.id },
    );
    expect(listOf(lineage.levels)).toEqual(['clean@1', 'raw@0', 'train@2']);
    const bad = await gql(skein.graphqlUrl, 'query($of: String!) { lineage(of: $of, depth: 500) { depth } }', {
      of: raw.id,
    });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/depth/);
    const missing = await gql(skein.graphqlUrl, 'query($of: String!) { lineage(of: $of) { depth } }', {
      of: `store://artifacts/${p.workspace}/nope`,
    });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('finds the path between two nodes, or null', async () => {
    const query = `query($a: String!, $b: String!) { lineagePath(from: $a, to: $b) { direction length nodes { ${VALUE} } edges { type } } }`;
    const { lineagePath } = await gqlOk<{ lineagePath: { direction: string; length: number; nodes: Value[] } }>(
      skein.graphqlUrl,
      query,
      { a: raw.id, b: model.id },
    );
    expect(lineagePath).toMatchObject({ direction: 'DOWNSTREAM', length: 4 });
    expect(lineagePath.nodes.map(nameOf)).toEqual(['raw', 'clean', 'cleaned', 'train', 'model']);
    const island = await logArtifact(p.url, { workspace: p.workspace, key: 'island', kind: 'FILE' });
    expect(await gqlOk(skein.graphqlUrl, query, { a: raw.id, b: island.id })).toEqual({ lineagePath: null });
  });

  it('reports impact and provenance', async () => {
    const { impact } = await gqlOk<{ impact: Record<string, unknown> }>(
      skein.graphqlUrl,
      `query($of: String!) { impact(of: $of) {
        of { ... on Artifact { key } } artifactsByKind { kind count restricted artifacts { key } }
        executions runs { name } workspaces { name nodes } restrictedWorkspaces truncated
      } }`,
      { of: raw.id },
    );
    expect(impact).toEqual({
      of: { key: 'raw' },
      artifactsByKind: [
        { kind: 'DATASET', count: 1, restricted: 0, artifacts: [{ key: 'cleaned' }] },
        { kind: 'MODEL', count: 1, restricted: 0, artifacts: [{ key: 'model' }] },
      ],
      executions: 2,
      runs: [{ name: 'run' }],
      workspaces: [{ name: p.workspace, nodes: 4 }],
      restrictedWorkspaces: 0,
      truncated: false,
    });

    const { provenance } = await gqlOk<{ provenance: Record<string, unknown> }>(
      skein.graphqlUrl,
      `query($of: String!) { provenance(of: $of) {
        sources { key version digest isSource depth uri }
        executions { name codeVersion params { key value } depth }
        runs { name } restricted truncated
      } }`,
      { of: model.uri },
    );
    expect(provenance).toEqual({
      sources: [{ key: 'raw', version: 1, digest: 'a'.repeat(64), isSource: true, depth: 2, uri: raw.uri }],
      executions: [
        { name: 'train', codeVersion: 'git:train', params: [{ key: 'seed', value: 7 }], depth: 1 },
        { name: 'clean', codeVersion: 'git:clean', params: [{ key: 'seed', value: 7 }], depth: 2 },
      ],
      runs: [{ name: 'run' }],
      restricted: 0,
      truncated: false,
    });
  });

  it('answers every node field byte for byte as graphql-js does, though graphql-jit executes it', async () => {
    const schema = await getSchema();
    const plain = createApollo(schema, { jit: false, limits: { ...LIMIT_DEFAULTS, maxAliases: 1000 } });
    await plain.start();
    try {
      const nodes = everyLeafOf(schema, 'LineageNodeValue');
      // Two operations, each small enough that the executor compiles it (larger ones run on
      // graphql-js, and the comparison would then be graphql-js against itself).
      const queries = [
        `query($of: String!) { lineage(of: $of, direction: BOTH, depth: 3) { root { ${nodes} } truncated } }`,
        `query($of: String!) { lineage(of: $of, direction: BOTH, depth: 3) {
          levels { depth nodes { ${nodes} } } edges { type from to at path } } }`,
      ];
      const answer = async (server: ApolloServer<Context>, query: string) => {
        const context = createContext({ graph: skein.graph, logger: createLogger('silent') }, 'jit-test', OPEN);
        const res = await server.executeOperation({ query, variables: { of: cleaned.id } }, { contextValue: context });
        const result = res.body.kind === 'single' ? res.body.singleResult : undefined;
        expect(result?.errors).toBeUndefined();
        return JSON.stringify(result?.data);
      };
      let compiled = '';
      for (const query of queries) {
        expect(jitFanOut(schema, parse(query), undefined, MAX_JIT_FANOUT)).toBeLessThanOrEqual(MAX_JIT_FANOUT);
        const jitAnswer = await answer(apollo, query);
        expect(jitAnswer).toBe(await answer(plain, query));
        compiled += jitAnswer;
      }
      // What it compared: every kind of leaf, on artifacts and executions.
      for (const leaf of [
        '"ModelArtifact_state":"',
        '"Execution_state":"',
        '"DatasetArtifact_version":1',
        '"Execution_params":[',
      ]) {
        expect(compiled).toContain(leaf);
      }
    } finally {
      await plain.stop();
    }
  });

  /** Runs an operation in-process as `caller`; returns the data and the Cypher round trips it cost. */
  async function asCaller<T>(query: string, variables: Record<string, unknown>, caller: Principal = OPEN) {
    const context = createContext({ graph: skein.graph, logger: createLogger('silent') }, 'lineage-test', caller);
    const res = await apollo.executeOperation({ query, variables }, { contextValue: context });
    const body = res.body.kind === 'single' ? res.body.singleResult : undefined;
    expect(body?.errors).toBeUndefined();
    return { data: body?.data as T, queries: context.stats.queries };
  }

  it('batches artifact { upstream downstream } across a list: one query per field, whatever the count', async () => {
    const w = await createWorkspace(skein.graphqlUrl, 'lin-batch');
    const q = { url: skein.graphqlUrl, workspace: w, runId: await startRun(skein.graphqlUrl, w) };
    const source = await logArtifact(q.url, { workspace: w, key: 'source', kind: 'DATASET' });
    for (let i = 0; i < 12; i++) await record(q, `s${i}`, [source], [{ key: `out-${i}`, kind: 'DATASET' }]);
    const query = `query($w: String!, $n: Int!) { artifacts(workspace: $w, first: $n) { edges { node { key
      upstream(depth: 1) { ${LEVELS} }
      downstream { nodes { __typename } }
    } } } }`;
    type Answer = {
      artifacts: {
        edges: Array<{ node: { key: string; upstream: { levels: Level[] }; downstream: { nodes: unknown[] } } }>;
      };
    };
    const small = await asCaller<Answer>(query, { w, n: 3 });
    const large = await asCaller<Answer>(query, { w, n: 13 });
    expect(large.data.artifacts.edges).toHaveLength(13);
    const out3 = large.data.artifacts.edges.find((e) => e.node.key === 'out-3')!.node;
    expect(listOf(out3.upstream.levels)).toEqual(['out-3@0', 's3@1', 'source@1']);
    const src = large.data.artifacts.edges.find((e) => e.node.key === 'source')!.node;
    expect(src.downstream.nodes).toHaveLength(25);
    expect(large.queries).toBe(small.queries);
    expect(large.queries).toBeLessThanOrEqual(3); // the list, upstream, downstream
  });

  it('shows what the caller may not read as RestrictedNode, and continues through it', async () => {
    const theirs = await aPipeline(skein.graphqlUrl, 'lin-theirs');
    const shared = (await record(theirs, 'prepare', [raw], [{ key: 'shared', kind: 'DATASET' }])).outputs.get(
      'shared',
    )!;
    const ours = (await record(p, 'use', [shared], [{ key: 'result', kind: 'MODEL' }])).outputs.get('result')!;
    const caller = makePrincipal({ kind: 'token', id: 't', roles: [[p.workspace, 'VIEWER']] });
    const { data } = await asCaller<{
      lineage: { levels: Level[]; edges: Array<{ from: string; path: string | null }> };
    }>(
      `query($of: String!) { lineage(of: $of, depth: 3) { ${LEVELS} edges { from to path } } }`,
      { of: ours.id },
      caller,
    );
    expect(listOf(data.lineage.levels)).toEqual([
      'raw@2',
      'restricted(DATASET)@1',
      'restricted(STEP)@2',
      'result@0',
      'use@1',
    ]);
    const restricted = data.lineage.levels.flatMap((l) => l.nodes).filter((v) => v.__typename === 'RestrictedNode');
    const opaque = expect.stringMatching(/^restricted:[A-Za-z0-9_-]{22}$/);
    expect(restricted).toEqual([
      { __typename: 'RestrictedNode', id: opaque, nodeType: 'ARTIFACT', kind: 'DATASET', restricted: true },
      { __typename: 'RestrictedNode', id: opaque, nodeType: 'EXECUTION', kind: 'STEP', restricted: true },
    ]);
    expect(JSON.stringify(data)).not.toContain(theirs.workspace);
    expect(data.lineage.edges.filter((e) => e.from.startsWith('restricted:')).every((e) => e.path === null)).toBe(true);
  });
});

/**
 * A selection of every field of every member of `abstractName` that takes no required argument:
 * leaves, and objects made of leaves (entries, columns). Aliased by type, so same-named fields of
 * different types do not conflict.
 */
function everyLeafOf(schema: GraphQLSchema, abstractName: string): string {
  const abstract = schema.getType(abstractName) as GraphQLUnionType;
  const leavesOf = (type: GraphQLObjectType | GraphQLInterfaceType, alias: (f: string) => string) =>
    Object.values(type.getFields())
      // downloadUrl signs a fresh URL each time (and needs the body store, which this context lacks).
      .filter((f) => f.name !== 'downloadUrl' && !f.args.some((a) => isNonNullType(a.type)))
      .map((f) => {
        const named = getNamedType(f.type);
        if (isLeafType(named)) return `${alias(f.name)}: ${f.name}`;
        if (!isObjectType(named)) return '';
        const inner = Object.values(named.getFields()).filter(
          (g) => isLeafType(getNamedType(g.type)) && !g.args.length,
        );
        return inner.length === Object.keys(named.getFields()).length
          ? `${alias(f.name)}: ${f.name} { ${inner.map((g) => g.name).join(' ')} }`
          : '';
      })
      .join(' ');
  return schema
    .getPossibleTypes(abstract)
    .map((t) => `... on ${t.name} { ${leavesOf(t, (f) => `${t.name}_${f}`)} }`)
    .join('\n');
}
