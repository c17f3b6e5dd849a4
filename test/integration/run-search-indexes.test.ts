import neo4j, { type Plan } from 'neo4j-driver';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkRunFilter, type RunFilterSpec } from '../../src/services/run-filter';
import { entryAccess, runCriteriaCypher } from '../../src/graph/run-filter.cypher';
import { searchRunsQuery } from '../../src/graph/run.cypher';
import { splitStatements } from '../../src/graph/migrations';
import { forgetSearchIndexes, searchIndexName } from '../../src/graph/search-index';
import type { RunSearchOrder } from '../../src/domain/run';
import { MIGRATIONS_DIR } from '../../src/paths';
import { inProcessApi, tokenIn, type InProcessApi } from '../helpers/callers';
import { recordRuns, type Values } from '../helpers/runs';
import { createWorkspace, gqlOk, uniqueName, useTestSkein } from '../helpers/skein';

/**
 * Run search at scale rests on plans: each operator must reach the runs through an index (a seek,
 * never a label scan), and a value order must walk its key's (workspace, key) index in order. The
 * keys here are unique to this run of the suite, so the indexes it asks for are its own; it drops
 * them at the end (a developer's database would otherwise collect them).
 */

const t = useTestSkein({ workspace: 'search-idx' });
const suffix = uniqueName('k').replace(/-/g, '_');
const LR = `lr_${suffix}`;
const ACC = `acc_${suffix}`;
const TEAM = `team_${suffix}`;
const PROPS = [`param.${LR}`, `result.${ACC}`, `label.${TEAM}`];

const SEARCH = `query($w: String, $f: RunFilter, $o: RunOrder, $first: Int, $after: String) {
  runs(workspace: $w, filter: $f, orderBy: $o, first: $first, after: $after) {
    edges { node { name workspace } } pageInfo { hasNextPage endCursor } } }`;

interface SearchAnswer {
  runs: {
    edges: Array<{ node: { name: string; workspace: string } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

/** A finished run with these params, results and labels (its day is of no interest here). */
async function logRun(
  workspace: string,
  name: string,
  params: Values,
  results: Values = {},
  labels: Record<string, string> = {},
): Promise<void> {
  await recordRuns(t.url, workspace, [{ name, params, results, labels, state: 'COMPLETED', day: 1 }]);
}

async function search(vars: Record<string, unknown>): Promise<SearchAnswer['runs']> {
  return (await gqlOk<SearchAnswer>(t.url, SEARCH, { w: t.ws, ...vars })).runs;
}

async function names(vars: Record<string, unknown>): Promise<string[]> {
  return (await search(vars)).edges.map((e) => e.node.name);
}

/** Every page of a search, `first` at a time. */
async function allPages(vars: Record<string, unknown>, first: number): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  do {
    const page: SearchAnswer['runs'] = await search({ ...vars, first, after });
    seen.push(...page.edges.map((e) => e.node.name));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return seen;
}

const LRS = [0.1, 0.01, 0.001, 0.0001];

beforeAll(async () => {
  // 40 runs: lr cycles through 4 values, accuracy rises with i, the team alternates.
  for (let i = 0; i < 40; i += 1) {
    await logRun(
      t.ws,
      `trial-${i}`,
      { [LR]: LRS[i % 4]! },
      { [ACC]: 0.5 + i / 100 },
      {
        [TEAM]: i % 2 === 0 ? 'nlp' : 'cv',
      },
    );
  }
}, 120_000);

afterAll(async () => {
  const driver = neo4jDriver();
  try {
    for (const prop of PROPS) await driver.executeQuery(`DROP INDEX ${searchIndexName(prop)} IF EXISTS`);
  } finally {
    await driver.close();
  }
  forgetSearchIndexes();
});

function neo4jDriver() {
  return neo4j.driver(process.env.NEO4J_URI!, neo4j.auth.basic('neo4j', process.env.NEO4J_PASSWORD ?? ''));
}

describe('search indexes', () => {
  it('asks for a (workspace, key) index for each key a search names, and Neo4j builds it', async () => {
    await names({ f: { param: { key: LR, eq: 0.01 }, label: { key: TEAM, value: 'cv' } }, o: { result: ACC } });
    const driver = neo4jDriver();
    try {
      await driver.executeQuery('CALL db.awaitIndexes(300)');
      const { records } = await driver.executeQuery(
        'SHOW RANGE INDEXES YIELD name, properties, state WHERE name IN $names RETURN properties, state',
        { names: PROPS.map(searchIndexName) },
      );
      const indexed = records.map((r) => (r.get('properties') as string[]).join(',')).sort();
      expect(indexed).toEqual(PROPS.map((p) => `workspace,${p}`).sort());
      expect(records.every((r) => r.get('state') === 'ONLINE')).toBe(true);
    } finally {
      await driver.close();
    }
  });
});

interface Op {
  operatorType: string;
  arguments: { Details?: string };
  children: Op[];
}

function operators(plan: Op): Op[] {
  return [plan, ...plan.children.flatMap(operators)];
}

const opName = (op: Op) => op.operatorType.replace(/@.*$/, '');

describe('search plans (EXPLAIN)', () => {
  const driver = neo4jDriver();
  afterAll(() => driver.close());

  /** The operators of the plan the product's query for this search gets. */
  async function planOf(filter: RunFilterSpec | null, order: RunSearchOrder, sortBy: string | null): Promise<Op[]> {
    const condition = runCriteriaCypher(checkRunFilter(filter, (id) => id));
    const sortValue = sortBy ? entryAccess('result', sortBy, () => '$sortProp') : null;
    const query = searchRunsQuery({ where: condition.where, workspaces: 'listed', order, sortValue, phase: 'values' });
    const { summary } = await driver.executeQuery(`EXPLAIN ${query}`, {
      ...condition.params,
      workspaces: [t.ws],
      sortProp: null,
      lowest: -Infinity,
      withMaps: true,
      withBest: true,
      includeDeleted: false,
      limit: neo4j.int(100),
      afterUid: '~',
      afterKey: Infinity,
    });
    return operators(summary.plan as Plan as unknown as Op);
  }

  function expectSeeks(ops: Op[], prop: string): void {
    const names = ops.map(opName);
    expect(names).not.toContain('NodeByLabelScan');
    expect(names).not.toContain('AllNodesScan');
    const seek = ops.find((op) => opName(op).startsWith('NodeIndexSeek'));
    expect(seek?.arguments.Details).toContain(prop);
  }

  const byAcc = (filter: RunFilterSpec | null) => planOf(filter, 'VALUE_DESC', ACC);

  it('orders by a key without an index through the workspace index, not a scan of every run', async () => {
    const ops = await planOf({ param: { key: LR, eq: 0.01 } }, 'VALUE_DESC', `never_searched_${suffix}`);
    expectSeeks(ops, 'workspace = ws');
  });

  it.each<[string, () => RunFilterSpec]>([
    ['equality', () => ({ param: { key: LR, eq: 0.01 } })],
    ['a range', () => ({ result: { key: ACC, gt: 0.6, lte: 0.8 } })],
    ['in', () => ({ param: { key: LR, in: [0.01, 0.1] } })],
    ['exists', () => ({ result: { key: ACC, exists: true } })],
    ['and', () => ({ param: { key: LR, eq: 0.01 }, result: { key: ACC, gt: 0.6 } })],
    ['or', () => ({ or: [{ label: { key: TEAM, value: 'cv' } }, { result: { key: ACC, gt: 0.7 } }] })],
    ['not', () => ({ not: { label: { key: TEAM, value: 'cv' } } })],
  ])('ordered by a result, %s seeks the result index and walks it in order', async (_name, filter) => {
    const ops = await byAcc(filter());
    expectSeeks(ops, `result.${ACC}`);
    // The index gives the order within the workspace: a partial sort, never a full one.
    expect(ops.map(opName)).toContain('PartialTop');
    expect(ops.map(opName)).not.toContain('Sort');
  });

  it('ordered by a result, a name filter reaches the runs through an index: the name text or the result', async () => {
    const ops = await byAcc({ nameContains: 'trial-1' });
    const names = ops.map(opName);
    expect(names).not.toContain('NodeByLabelScan');
    expect(names).not.toContain('AllNodesScan');
    // Which one is the planner's call (on a small graph it takes the name's text index).
    const reach = ops.find((op) => /^NodeIndex(Seek|ContainsScan)/.test(opName(op)));
    expect(reach?.arguments.Details).toMatch(new RegExp(`result\\.${ACC}|searchName`));
  });

  it.each<[string, () => RunFilterSpec]>([
    ['equality', () => ({ param: { key: LR, eq: 0.01 } })],
    ['in', () => ({ label: { key: TEAM, in: ['cv'] } })],
    ['or', () => ({ or: [{ label: { key: TEAM, value: 'cv' } }, { result: { key: ACC, gt: 0.7 } }] })],
    ['not', () => ({ not: { param: { key: LR, eq: 0.01 } } })],
    ['a name', () => ({ nameContains: 'trial' })],
  ])('newest first, %s reaches the runs through an index, never a label scan', async (_name, filter) => {
    const names = (await planOf(filter(), 'NEWEST', null)).map(opName);
    expect(names.some((n) => n.startsWith('NodeIndex'))).toBe(true);
    expect(names).not.toContain('NodeByLabelScan');
    expect(names).not.toContain('AllNodesScan');
  });
});

describe('search results', () => {
  it('answers each operator with exactly the matching runs', async () => {
    expect(await names({ f: { param: { key: LR, eq: 0.01 } }, o: { result: ACC }, first: 100 })).toEqual(
      [37, 33, 29, 25, 21, 17, 13, 9, 5, 1].map((i) => `trial-${i}`),
    );
    expect(
      await names({ f: { param: { key: LR, in: [0.1] }, result: { key: ACC, gte: 0.8 } }, o: { result: ACC } }),
    ).toEqual(['trial-36', 'trial-32']);
    // accuracy 0.5 + i/100 > 0.845 is i >= 35; not cv leaves the even ones.
    expect(await names({ f: { not: { label: { key: TEAM, value: 'cv' } }, result: { key: ACC, gt: 0.845 } } })).toEqual(
      ['trial-38', 'trial-36'],
    );
  });

  it('finds names by a substring, ignoring case', async () => {
    expect(await names({ f: { nameContains: 'TRIAL-3' }, o: { direction: 'ASC' }, first: 100 })).toEqual([
      'trial-3',
      ...Array.from({ length: 10 }, (_, i) => `trial-3${i}`),
    ]);
  });

  it('puts runs without a numeric value after every number, and pages across the boundary without gaps', async () => {
    const ws = await createWorkspace(t.url, 'search-missing');
    await logRun(ws, 'text', {}, { [ACC]: 'n/a' });
    await logRun(ws, 'low', {}, { [ACC]: 0.1 });
    await logRun(ws, 'none', {});
    await logRun(ws, 'high', {}, { [ACC]: 0.9 });
    await logRun(ws, 'stringy', { [LR]: 'x' }, { [ACC]: '0.95' });
    await logRun(ws, 'mid', {}, { [ACC]: 0.5 });
    const desc = { w: ws, o: { result: ACC, direction: 'DESC' } };
    const expected = ['high', 'mid', 'low', 'stringy', 'none', 'text'];
    expect(await allPages(desc, 100)).toEqual(expected);
    for (const first of [1, 2, 3, 4]) expect(await allPages(desc, first)).toEqual(expected);
    const asc = { w: ws, o: { result: ACC, direction: 'ASC' } };
    expect(await allPages(asc, 2)).toEqual(['low', 'mid', 'high', 'text', 'none', 'stringy']);
  });
});

describe('searching every readable workspace', () => {
  let api: InProcessApi;
  let other: string;
  let hidden: string;

  beforeAll(async () => {
    api = await inProcessApi(() => t.skein.graph);
    other = await createWorkspace(t.url, 'search-other');
    hidden = await createWorkspace(t.url, 'search-hidden');
    await logRun(other, 'other-best', { [LR]: 0.01 }, { [ACC]: 0.995 });
    await logRun(hidden, 'hidden-best', { [LR]: 0.01 }, { [ACC]: 0.999 });
  });
  afterAll(() => api.stop());

  it('merges the workspaces into one order, in one query, and leaves out what the caller may not read', async () => {
    const reader = tokenIn({ [t.ws]: 'VIEWER', [other]: 'VIEWER' });
    const query = `query($f: RunFilter, $o: RunOrder) { runs(filter: $f, orderBy: $o, first: 3) {
      edges { node { name workspace } } } }`;
    const answer = await api.as<SearchAnswer>(reader, query, {
      f: { param: { key: LR, eq: 0.01 } },
      o: { result: ACC },
    });
    expect(answer.errors).toEqual([]);
    expect(answer.data!.runs.edges.map((e) => [e.node.name, e.node.workspace])).toEqual([
      ['other-best', other],
      ['trial-37', t.ws],
      ['trial-33', t.ws],
    ]);
    // One query for the page, never one per workspace (a process's first search also lists its indexes).
    expect(answer.queries).toBeLessThanOrEqual(2);
  });

  it('lets an admin (or a loopback server without auth) search every workspace', async () => {
    const found = await gqlOk<SearchAnswer>(t.url, SEARCH, {
      w: null,
      f: { param: { key: LR, eq: 0.01 }, result: { key: ACC, gt: 0.99 } },
      o: { result: ACC },
    });
    expect(found.runs.edges.map((e) => e.node.name)).toEqual(['hidden-best', 'other-best']);
  });
});

describe('keys in the query text', () => {
  it('finds keys with every character a key may hold, and nothing (without harm) for keys none may', async () => {
    const ws = await createWorkspace(t.url, 'search-keys');
    const keys = ['train/loss-v2.1', 'A_b.c/d-e'];
    for (const [i, key] of keys.entries()) await logRun(ws, `run-${i}`, { [key]: i });
    for (const [i, key] of keys.entries()) {
      expect(await names({ w: ws, f: { param: { key, eq: i } } })).toEqual([`run-${i}`]);
      expect(await names({ w: ws, f: { param: { key, exists: true } }, o: { param: key } })).toEqual([`run-${i}`]);
    }
    // Writes refuse such keys, so no run has them; a search for them must answer, empty, and harm nothing.
    const hostile = ['a`b', "it's", 'back\\u0060slash', 'nul\u0000', '`) DETACH DELETE r //'];
    for (const key of hostile) {
      expect(await names({ w: ws, f: { param: { key, exists: true } }, o: { param: key } })).toEqual([]);
      expect(await names({ w: ws, f: { or: [{ param: { key, eq: 1 } }, { label: { key, value: 'x' } }] } })).toEqual(
        [],
      );
    }
    expect(await names({ w: ws, first: 100 })).toEqual(['run-1', 'run-0']);
    // Keys no run holds get no index: a typo must not cost one.
    const driver = neo4jDriver();
    try {
      const asked = hostile.flatMap((key) => [`param.${key}`, `label.${key}`]).map(searchIndexName);
      const { records } = await driver.executeQuery('SHOW INDEXES YIELD name WHERE name IN $asked RETURN name', {
        asked,
      });
      expect(records).toEqual([]);
    } finally {
      await driver.close();
    }
  });
});

describe('migration 0009', () => {
  it('gives runs written before it their search name, in batches, and does nothing when run again', async () => {
    const driver = neo4jDriver();
    try {
      const ws = await createWorkspace(t.url, 'search-migrate');
      await logRun(ws, 'Old-Run', {});
      await driver.executeQuery('MATCH (r:Run {workspace: $ws}) REMOVE r.searchName', { ws });
      const text = await readFile(path.join(MIGRATIONS_DIR, '0009_run_search.cypher'), 'utf8');
      for (let pass = 0; pass < 2; pass += 1) {
        for (const statement of splitStatements(text)) await t.skein.graph.runSchema(statement);
        const { records } = await driver.executeQuery('MATCH (r:Run {workspace: $ws}) RETURN r.searchName AS s', {
          ws,
        });
        expect(records.map((r) => r.get('s') as string)).toEqual(['old-run']);
      }
      expect(await names({ w: ws, f: { nameContains: 'old-r' } })).toEqual(['Old-Run']);
    } finally {
      await driver.close();
    }
  });
});
