import neo4j, { type Driver, type Plan } from 'neo4j-driver';
import { GraphExecutor } from '../../src/graph/executor';
import { warmLineage } from '../../src/graph/lineage.warmup';
import { impactQuery, MAX_HOPS, pathQuery, provenanceQuery, traversalQuery } from '../../src/graph/lineage.cypher';
import type { WalkDirection } from '../../src/domain/lineage';

/**
 * The plan shapes the lineage queries depend on (EXPLAIN, nothing runs). If a Neo4j upgrade or a
 * query edit changes them, the million-node latencies change with them, so they fail here first:
 *   - reachability is VarLengthExpand(Pruning,BFS,All): each node once, breadth first, with depth;
 *   - the cap is a Limit directly over it (only Projection/Filter between): a capped walk stops;
 *   - shortest paths are a ShortestPath operator, not an enumeration of paths.
 */

interface Op {
  operatorType: string;
  children: Op[];
}

function find(plan: Op, match: (op: Op) => boolean, path: Op[] = []): Op[][] {
  const here = [...path, plan];
  const found = match(plan) ? [here] : [];
  return found.concat(...plan.children.map((c) => find(c, match, here)));
}

const isBfs = (op: Op) => op.operatorType.startsWith('VarLengthExpand(Pruning,BFS,All)');
const opName = (op: Op) => op.operatorType.replace(/@.*$/, '');

/** The operators between the nearest Limit above `path`'s last operator and it. */
function belowLimit(path: Op[]): string[] | null {
  for (let i = path.length - 2; i >= 0; i--) {
    if (opName(path[i]!) === 'Limit') return path.slice(i + 1, -1).map(opName);
  }
  return null;
}

const PARAMS = {
  uids: ['x'],
  uid: 'x',
  from: 'x',
  to: 'y',
  limit: neo4j.int(10),
  cap: neo4j.int(8),
  perKind: neo4j.int(5),
  asOf: '2026-01-01T00:00:00.000Z',
  readable: null,
  kinds: ['MODEL'],
  workspaces: null,
  artifacts: true,
  executions: true,
  createdAfter: null,
  createdBefore: null,
  withSpec: true,
  withMaps: true,
  withTags: true,
  withDetail: true,
  withPaths: true,
};

describe('lineage query plans', () => {
  let driver: Driver;
  beforeAll(() => {
    driver = neo4j.driver(process.env.NEO4J_URI!, neo4j.auth.basic('neo4j', process.env.NEO4J_PASSWORD ?? ''));
  });
  afterAll(() => driver.close());

  async function explain(query: string): Promise<Op> {
    const { summary } = await driver.executeQuery(`EXPLAIN ${query}`, PARAMS);
    return summary.plan as Plan as unknown as Op;
  }

  const shapes: Array<[string, WalkDirection[], boolean, boolean]> = [
    ['upstream', ['UPSTREAM'], false, false],
    ['downstream as of a time', ['DOWNSTREAM'], true, false],
    ['upstream, filtered, as of a time', ['UPSTREAM'], true, true],
    ['both ways', ['UPSTREAM', 'DOWNSTREAM'], true, false],
  ];

  it.each(shapes)(
    'walks %s breadth first with pruning, capped by a LIMIT on the walk',
    async (_, directions, asOf, filtered) => {
      for (const label of ['Artifact', 'Execution'] as const) {
        const plan = await explain(traversalQuery({ label, directions, hops: 20, asOf, filtered }));
        const walks = find(plan, isBfs);
        expect(walks).toHaveLength(directions.length);
        for (const walk of walks) {
          const between = belowLimit(walk);
          expect(between).not.toBeNull();
          expect(between!.every((op) => op === 'Projection' || op === 'Filter')).toBe(true);
          if (asOf) expect(JSON.stringify(walk.at(-1))).toContain('r.at <= $asOf');
        }
        expect(find(plan, (op) => opName(op) === 'VarLengthExpand(All)')).toEqual([]);
      }
    },
  );

  it('plans impact and provenance the same way', async () => {
    for (const query of [impactQuery('Artifact', true), provenanceQuery('Execution', MAX_HOPS, false)]) {
      const walks = find(await explain(query), isBfs);
      expect(walks).toHaveLength(1);
      expect(belowLimit(walks[0]!)).toEqual(['Projection']);
    }
  });

  it('finds paths with a shortest-path search', async () => {
    const plan = await explain(pathQuery('Artifact', 'Artifact', MAX_HOPS, true));
    expect(find(plan, (op) => opName(op).startsWith('ShortestPath'))).toHaveLength(2);
  });

  it('warms the lineage plans up without failing, whatever the graph holds', async () => {
    await expect(warmLineage(new GraphExecutor(driver, { timeoutMs: 60_000 }))).resolves.toBeUndefined();
  }, 90_000);
});
