import { run } from '../../src/cli';
import { memoryIo } from '../../src/cli/io';
import { day, recordRuns, type RunRow } from '../helpers/runs';
import { gql, useTestSkein } from '../helpers/skein';

/**
 * Run search by query string (MLflow's syntax) through GraphQL and the CLI: every expectation is
 * the exact set (or order) of runs a query must find.
 */

// "h" has lr as the text '0.01' (as MLflow would have logged it); the others as numbers.
const TABLE: RunRow[] = [
  { name: 'a', params: { lr: 0.01 }, results: { accuracy: 0.95 }, labels: { team: 'nlp' }, state: 'COMPLETED', day: 1 },
  { name: 'b', params: { lr: 0.001 }, results: { accuracy: 0.92 }, labels: { team: 'cv' }, state: 'COMPLETED', day: 2 },
  {
    name: 'c',
    params: { lr: 0.1, 'opt/lr-max': 'x' },
    results: { accuracy: 0.97 },
    labels: { team: 'nlp' },
    state: 'COMPLETED',
    day: 3,
  },
  { name: 'd', params: { lr: 0.01 }, results: { accuracy: 0.85 }, labels: { team: 'cv' }, state: 'FAILED', day: 4 },
  { name: 'e', params: { lr: 0.001 }, results: { accuracy: 0.88 }, labels: {}, state: 'ABORTED', day: 5 },
  { name: 'f', params: {}, results: { accuracy: 0.99 }, labels: { team: 'nlp' }, state: 'COMPLETED', day: 6 },
  { name: 'g', params: { lr: 0.01 }, results: {}, labels: { team: 'nlp' }, state: 'RUNNING', day: 7 },
  { name: 'h', params: { lr: '0.01' }, results: { accuracy: 0.91 }, labels: {}, state: 'COMPLETED', day: 8 },
  { name: 'c1', params: { lr: 0.05 }, results: { accuracy: 0.5 }, labels: {}, state: 'COMPLETED', day: 9, parent: 'c' },
];

const SEARCH = `query($w: String!, $q: String, $f: RunFilter, $o: RunOrder) {
  runs(workspace: $w, query: $q, filter: $f, orderBy: $o, first: 1000) { edges { node { name } } } }`;

describe('run search by query', () => {
  const t = useTestSkein({ workspace: 'query' });
  let ids = new Map<string, string>();

  beforeAll(async () => {
    ids = await recordRuns(t.url, t.ws, TABLE);
  });

  const search = (vars: { q?: string; f?: unknown; o?: unknown }) =>
    gql<{ runs: { edges: Array<{ node: { name: string } }> } }>(t.url, SEARCH, { w: t.ws, ...vars });
  /** The names a query finds, in the order it answers them. */
  const names = async (q: string, more: { f?: unknown; o?: unknown } = {}) => {
    const res = await search({ q, ...more });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.runs.edges.map((e) => e.node.name);
  };
  const nameSet = async (q: string, more: { f?: unknown } = {}) => (await names(q, more)).sort();

  it("finds MLflow's example search, best first", async () => {
    expect(
      await names("params.lr = '0.01' and metrics.accuracy > 0.9 and tags.team = 'nlp' order by metrics.accuracy desc"),
    ).toEqual(['a']);
  });

  it("matches params.lr = '0.01' whether lr was logged as text or as a number; 0.01 only the number", async () => {
    expect(await nameSet("params.lr = '0.01'")).toEqual(['a', 'd', 'g', 'h']);
    expect(await nameSet('params.lr = 0.01')).toEqual(['a', 'd', 'g']);
    // != and NOT IN as in SQL: runs with the key, with another value (f has no lr).
    expect(await nameSet("params.lr != '0.01'")).toEqual(['b', 'c', 'c1', 'e']);
    expect(await nameSet("params.lr not in ('0.01', '0.001')")).toEqual(['c', 'c1']);
  });

  it('negates with NOT, combines with OR, and tests lists, presence and absence', async () => {
    // A bare NOT also takes the runs without the tag; != only those with another value.
    expect(await nameSet("not tags.team = 'nlp'")).toEqual(['b', 'c1', 'd', 'e', 'h']);
    expect(await nameSet("tags.team != 'nlp'")).toEqual(['b', 'd']);
    expect(await nameSet("status = 'FAILED' or metrics.accuracy >= 0.97")).toEqual(['c', 'd', 'f']);
    expect(await nameSet("params.lr in ('0.001', 0.1)")).toEqual(['b', 'c', 'e']);
    expect(await nameSet('params.lr is null')).toEqual(['f']);
    expect(await nameSet('metrics.accuracy IS NULL or tags.team is null')).toEqual(['c1', 'e', 'g', 'h']);
    expect(await nameSet("params.`opt/lr-max` = 'x'")).toEqual(['c']);
    expect(await nameSet("(tags.team = 'cv' or tags.team = 'nlp') and not (params.lr >= 0.01)")).toEqual(['b', 'f']);
  });

  it("reads MLflow's statuses, start times and parents", async () => {
    expect(await nameSet("attributes.status = 'KILLED'")).toEqual(['e']);
    expect(await nameSet("status != 'FINISHED'")).toEqual(['d', 'e', 'g']);
    expect(await nameSet("started >= '2026-03-05' and started < '2026-03-07'")).toEqual(['e', 'f']);
    expect(await nameSet(`started > '${day(5)}' and started <= '${day(7)}'`)).toEqual(['f', 'g']);
    expect(await nameSet(`parent = '${ids.get('c')}'`)).toEqual(['c1']);
  });

  it("finds names with LIKE '%text%' in any case, and NOT LIKE", async () => {
    await recordRuns(t.url, t.ws, [
      { name: 'Big-BERT-base', params: {}, results: {}, labels: {}, state: 'COMPLETED', day: 10 },
      { name: 'tiny-bert', params: {}, results: {}, labels: {}, state: 'COMPLETED', day: 11 },
    ]);
    expect(await nameSet("name LIKE '%bert%'")).toEqual(['Big-BERT-base', 'tiny-bert']);
    expect(await nameSet("attributes.run_name ILIKE '%BIG-bert%'")).toEqual(['Big-BERT-base']);
    expect(await nameSet("name not like '%bert%' and started > '2026-03-08'")).toEqual(['c1']);
  });

  it('orders by a result, ascending unless desc is written', async () => {
    expect(await names('metrics.accuracy > 0.9 order by metrics.accuracy')).toEqual(['h', 'b', 'a', 'c', 'f']);
    expect(await names('metrics.accuracy > 0.9 order by metrics.accuracy DESC')).toEqual(['f', 'c', 'a', 'b', 'h']);
    // An order alone: every run with the key.
    expect((await names('order by metrics.accuracy desc')).slice(0, 3)).toEqual(['f', 'c', 'a']);
  });

  it('takes the query and the filter together: both must hold', async () => {
    expect(await nameSet("tags.team = 'nlp'", { f: { state: ['COMPLETED'] } })).toEqual(['a', 'c', 'f']);
    expect(await nameSet("tags.team = 'nlp'", { f: { label: { key: 'team', value: 'cv' } } })).toEqual([]);
    expect(await names('metrics.accuracy > 0.9', { o: { result: 'accuracy', direction: 'ASC' } })).toEqual([
      'h',
      'b',
      'a',
      'c',
      'f',
    ]);
  });

  it('answers a bad query with BAD_USER_INPUT pointing at its column', async () => {
    const res = await search({ q: "params.lr = 0.01 and tags.team > 'nlp'" });
    expect(res.data).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query', column: 32, line: 1 });
    expect(res.errors![0]!.message).toBe(
      'The query has an error at column 32: tags are text: compare them with =, !=, IN, NOT IN or IS [NOT] NULL.\n' +
        "  params.lr = 0.01 and tags.team > 'nlp'\n" +
        `  ${' '.repeat(31)}^`,
    );
    const syntax = await search({ q: 'params.lr = ' });
    expect(syntax.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', column: 13 });
    expect(syntax.errors![0]!.message).toMatch(/^The query has an error at column 13: expected a value .* after "="/);
    // An order in the query and in orderBy.
    const twice = await search({ q: 'order by metrics.accuracy', o: { param: 'lr' } });
    expect(twice.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'orderBy' });
  });

  it('searches from the CLI, with a column for each field the query names', async () => {
    const skein = async (...args: string[]) => {
      const io = memoryIo();
      const code = await run(['node', 'skein', '--url', t.url, ...args], io);
      return { code, stdout: io.out(), stderr: io.err() };
    };
    const res = await skein(
      'runs',
      '-w',
      t.ws,
      "params.lr = '0.01' and metrics.accuracy > 0.9 order by metrics.accuracy desc",
    );
    expect(res).toMatchObject({ code: 0, stderr: '' });
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^UID +NAME +STATE +params\.lr +metrics\.accuracy +STARTED$/);
    expect(lines.slice(1).map((l) => l.split(/ {2,}/).slice(1))).toEqual([
      ['a', 'COMPLETED', '0.01', '0.95', '2026-03-01 00:00:00'],
      ['h', 'COMPLETED', '0.01', '0.91', '2026-03-08 00:00:00'],
    ]);

    // Without -w: every workspace the caller may read, each run with its workspace first.
    const everywhere = await skein('runs', `parent = '${ids.get('c')}'`);
    expect(everywhere).toMatchObject({ code: 0, stderr: '' });
    const rows = everywhere.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^WORKSPACE +UID +NAME +STATE +STARTED$/);
    expect(rows.slice(1).map((l) => [l.split(/ {2,}/)[0], l.split(/ {2,}/)[2]])).toEqual([[t.ws, 'c1']]);

    const none = await skein('runs', '-w', t.ws, '--filter-state', 'RUNNING', "tags.team = 'cv'");
    expect(none).toMatchObject({ code: 0, stdout: '' });
    expect(none.stderr).toMatch(/No runs in workspace .* in state RUNNING match the query/);

    const bad = await skein('runs', '-w', t.ws, 'params.lr = ');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'skein: The query has an error at column 13: expected a value (\'text\', a number, true or false) after "=" (BAD_USER_INPUT)\n' +
        '  params.lr = \n' +
        `  ${' '.repeat(12)}^\n`,
    );
  });
});
