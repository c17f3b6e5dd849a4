import type { ApolloServer } from '@apollo/server';
import { createApollo } from '../../src/graphql/apollo';
import type { SkeinHandle } from '../../src/app';
import { createContext, type Context } from '../../src/graphql/context';
import { createLogger } from '../../src/logger';
import { getSchema } from '../../src/graphql/schema';
import { createWorkspace, logArtifact, startRun } from '../helpers/pipeline';
import { gqlOk, startTestSkein } from '../helpers/skein';

const NESTED = `query($w: String!, $n: Int!) {
  runs(workspace: $w, first: $n) { edges { node { name
    executions { edges { node { name
      inputs { edges { node { artifact { key version } } } }
      outputs { edges { node { artifact { key producer { name } } } } }
    } } }
  } } }
}`;

/** Runs `fn` for 0..n-1, `width` at a time (the server and Neo4j share two cores with the test). */
async function inBatches(n: number, width: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < n; i += width)
    await Promise.all(Array.from({ length: Math.min(width, n - i) }, (_, j) => fn(i + j)));
}

describe('DataLoader batching', () => {
  let skein: SkeinHandle;
  let apollo: ApolloServer<Context>;
  let workspace: string;

  beforeAll(async () => {
    skein = await startTestSkein();
    apollo = createApollo(await getSchema());
    await apollo.start();
    const url = skein.graphqlUrl;
    workspace = await createWorkspace(url, 'batch');
    const source = await logArtifact(url, { workspace, key: 'raw', kind: 'DATASET' });
    await inBatches(100, 10, async (i) => {
      const run = await startRun(url, workspace, `run-${i}`);
      await gqlOk(url, 'mutation($i: RecordExecutionInput!) { recordExecution(input: $i) { uid } }', {
        i: {
          run,
          name: `train-${i}`,
          inputs: [{ artifact: source.uri }],
          outputs: [{ artifact: { key: `model-${i}`, kind: 'MODEL' } }],
        },
      });
    });
  }, 120_000);

  afterAll(async () => {
    await apollo.stop();
    await skein.stop();
  });

  /** Runs the nested query in-process and returns how many Cypher round trips it cost. */
  async function roundTrips(runs: number): Promise<{ queries: number; executions: number }> {
    const context = createContext({ graph: skein.graph, logger: createLogger('silent') }, `batching-${runs}`);
    const res = await apollo.executeOperation(
      { query: NESTED, variables: { w: workspace, n: runs } },
      { contextValue: context },
    );
    const body = res.body.kind === 'single' ? res.body.singleResult : undefined;
    expect(body?.errors).toBeUndefined();
    const edges = (
      body?.data as {
        runs: {
          edges: Array<{
            node: {
              executions: {
                edges: Array<{
                  node: { outputs: { edges: Array<{ node: { artifact: { producer: { name: string } } } }> } };
                }>;
              };
            };
          }>;
        };
      }
    ).runs.edges;
    for (const run of edges) {
      const exec = run.node.executions.edges[0]!.node;
      expect(exec.outputs.edges[0]!.node.artifact.producer.name).toMatch(/^train-\d+$/);
    }
    return {
      queries: context.stats.queries,
      executions: edges.reduce((n, r) => n + r.node.executions.edges.length, 0),
    };
  }

  it('answers 100 runs -> executions -> inputs and outputs in a bounded number of round trips', async () => {
    const small = await roundTrips(5);
    const large = await roundTrips(100);
    expect(small.executions).toBe(5);
    expect(large.executions).toBe(100);
    // One query per level (runs, executions, inputs, outputs, producers), whatever the row count.
    expect(large.queries).toBe(small.queries);
    expect(large.queries).toBeLessThanOrEqual(6);
  });

  it("answers a page of runs' latestMetrics in one query, whatever the page size", async () => {
    const queriesFor = async (n: number) => {
      const context = createContext({ graph: skein.graph, logger: createLogger('silent') }, `latest-${n}`);
      const res = await apollo.executeOperation(
        {
          query:
            'query($w: String!, $n: Int!) { runs(workspace: $w, first: $n) { edges { node { latestMetrics { key } } } } }',
          variables: { w: workspace, n },
        },
        { contextValue: context },
      );
      expect(res.body.kind === 'single' ? res.body.singleResult.errors : 'streamed').toBeUndefined();
      return context.stats.queries;
    };
    const small = await queriesFor(5);
    expect(await queriesFor(100)).toBe(small);
    expect(small).toBeLessThanOrEqual(3); // the deleted-workspace check, the search, then one LATEST_METRICS for the page
  });
});
