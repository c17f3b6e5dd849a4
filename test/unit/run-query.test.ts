import fc from 'fast-check';
import { ErrorCode, SkeinError } from '../../src/errors';
import { FILTER_LIMITS } from '../../src/domain/run';
import { checkRunFilter } from '../../src/services/run-filter';
import { parseRunQuery, QUERY_LIMITS, withRunQuery } from '../../src/services/run-query';
import { namedKeys } from '../../src/cli/tables';
import { refusalOf } from '../helpers/refusal';

/**
 * The run query syntax -> the filter tree and order a client could have sent: every field form and
 * operator, precedence, quoting, `order by`, and refusals that point at the right column.
 */

const filterOf = (query: string) => parseRunQuery(query).filter;
const refusal = (query: string) => refusalOf(() => parseRunQuery(query), `the query ${query}`);
/** The column a refusal points at (1-based), after checking it is a query refusal. */
const columnOf = (query: string) => {
  const err = refusal(query);
  expect(err.code).toBe(ErrorCode.BAD_USER_INPUT);
  expect(err.details.field).toBe('query');
  return err.details.column;
};

describe('run query -> filter tree', () => {
  it("reads MLflow's example into the filter tree and order", () => {
    expect(
      parseRunQuery(
        "params.lr = '0.01' and metrics.accuracy > 0.9 and tags.team = 'nlp' order by metrics.accuracy desc",
      ),
    ).toEqual({
      filter: {
        and: [
          { param: { key: 'lr', in: ['0.01', 0.01] } },
          { result: { key: 'accuracy', gt: 0.9 } },
          { label: { key: 'team', value: 'nlp' } },
        ],
      },
      orderBy: { result: 'accuracy', direction: 'DESC' },
    });
  });

  it('has no filter and no order for an empty or blank query', () => {
    expect(parseRunQuery('')).toEqual({ filter: null, orderBy: null });
    expect(parseRunQuery(' \n\t ')).toEqual({ filter: null, orderBy: null });
  });

  it('maps every comparison operator on params and results', () => {
    expect(filterOf('metrics.acc = 0.5')).toEqual({ result: { key: 'acc', eq: 0.5 } });
    expect(filterOf('metrics.acc != 0.5')).toEqual({ result: { key: 'acc', ne: 0.5 } });
    expect(filterOf('metrics.acc <> 0.5')).toEqual({ result: { key: 'acc', ne: 0.5 } });
    expect(filterOf('metrics.acc > 0.5')).toEqual({ result: { key: 'acc', gt: 0.5 } });
    expect(filterOf('metrics.acc >= 0.5')).toEqual({ result: { key: 'acc', gte: 0.5 } });
    expect(filterOf('metrics.acc < 0.5')).toEqual({ result: { key: 'acc', lt: 0.5 } });
    expect(filterOf('metrics.acc <= 0.5')).toEqual({ result: { key: 'acc', lte: 0.5 } });
    expect(filterOf('params.depth>=3')).toEqual({ param: { key: 'depth', gte: 3 } });
    expect(filterOf('params.fp16 = true')).toEqual({ param: { key: 'fp16', eq: true } });
    expect(filterOf('params.opt = "adam"')).toEqual({ param: { key: 'opt', eq: 'adam' } });
  });

  it('reads every scope word, in any case', () => {
    for (const scope of ['params', 'param', 'PARAMS']) {
      expect(filterOf(`${scope}.lr = 1`)).toEqual({ param: { key: 'lr', eq: 1 } });
    }
    for (const scope of ['metrics', 'metric', 'results', 'result', 'Metrics']) {
      expect(filterOf(`${scope}.acc = 1`)).toEqual({ result: { key: 'acc', eq: 1 } });
    }
    for (const scope of ['tags', 'tag', 'labels', 'label', 'TAGS']) {
      expect(filterOf(`${scope}.team = 'nlp'`)).toEqual({ label: { key: 'team', value: 'nlp' } });
    }
  });

  it('tests a quoted number on a param both as text and as a number (MLflow keeps params as text)', () => {
    expect(filterOf("params.lr = '1e-3'")).toEqual({ param: { key: 'lr', in: ['1e-3', 0.001] } });
    expect(filterOf("params.lr != '0.01'")).toEqual({
      param: { key: 'lr', exists: true },
      not: { param: { key: 'lr', in: ['0.01', 0.01] } },
    });
    expect(filterOf("params.lr in ('0.01', 'adam', 3)")).toEqual({
      param: { key: 'lr', in: ['0.01', 0.01, 'adam', 3] },
    });
    // Not for a range (compared as written), nor for results, nor for text that is not a number.
    expect(filterOf("params.lr > '0.01'")).toEqual({ param: { key: 'lr', gt: '0.01' } });
    expect(filterOf("metrics.acc = '0.9'")).toEqual({ result: { key: 'acc', eq: '0.9' } });
    expect(filterOf("params.lr = '0.01x'")).toEqual({ param: { key: 'lr', eq: '0.01x' } });
    expect(filterOf("params.lr = ''")).toEqual({ param: { key: 'lr', eq: '' } });
  });

  it('reads IN, NOT IN, IS NULL and IS NOT NULL', () => {
    expect(filterOf('metrics.acc IN (0.5, 0.6)')).toEqual({ result: { key: 'acc', in: [0.5, 0.6] } });
    expect(filterOf('metrics.acc not in (0.5)')).toEqual({
      result: { key: 'acc', exists: true },
      not: { result: { key: 'acc', in: [0.5] } },
    });
    expect(filterOf('metrics.acc is null')).toEqual({ result: { key: 'acc', exists: false } });
    expect(filterOf('metrics.acc IS NOT NULL')).toEqual({ result: { key: 'acc', exists: true } });
  });

  it('reads tags as text, a number or boolean as written', () => {
    expect(filterOf("tags.team != 'nlp'")).toEqual({
      label: { key: 'team' },
      not: { label: { key: 'team', value: 'nlp' } },
    });
    expect(filterOf('tags.v = 1.50')).toEqual({ label: { key: 'v', value: '1.50' } });
    expect(filterOf('tags.ok = TRUE')).toEqual({ label: { key: 'ok', value: 'true' } });
    expect(filterOf("tags.team in ('nlp', 'cv')")).toEqual({ label: { key: 'team', in: ['nlp', 'cv'] } });
    expect(filterOf("tags.team not in ('nlp')")).toEqual({
      label: { key: 'team' },
      not: { label: { key: 'team', in: ['nlp'] } },
    });
    expect(filterOf('tags.team is not null')).toEqual({ label: { key: 'team' } });
    expect(filterOf('tags.team is null')).toEqual({ not: { label: { key: 'team' } } });
  });

  it("reads status in Skein's and MLflow's names", () => {
    expect(filterOf("status = 'COMPLETED'")).toEqual({ state: ['COMPLETED'] });
    expect(filterOf("attributes.status = 'finished'")).toEqual({ state: ['COMPLETED'] });
    expect(filterOf("state in ('KILLED', 'FAILED', 'ABORTED')")).toEqual({ state: ['ABORTED', 'FAILED'] });
    expect(filterOf("status != 'RUNNING'")).toEqual({ state: ['COMPLETED', 'FAILED', 'ABORTED'] });
    expect(filterOf("status not in ('RUNNING', 'FAILED')")).toEqual({ state: ['COMPLETED', 'ABORTED'] });
  });

  it("reads name LIKE '%text%', start times and parent", () => {
    expect(filterOf("name LIKE '%bert%'")).toEqual({ nameContains: 'bert' });
    expect(filterOf("attributes.run_name ILIKE '%Big_Model%'")).toEqual({ nameContains: 'Big_Model' });
    expect(filterOf("name not like '%tmp%'")).toEqual({ not: { nameContains: 'tmp' } });
    expect(filterOf("started >= '2026-03-01'")).toEqual({ startedAfter: '2026-03-01T00:00:00.000Z' });
    // Start times are kept to the millisecond: > T is >= T + 1 ms, <= T is < T + 1 ms.
    expect(filterOf("attributes.start_time > '2026-03-01T10:00:00Z'")).toEqual({
      startedAfter: '2026-03-01T10:00:00.001Z',
    });
    expect(filterOf("start_time < '2026-03-01'")).toEqual({ startedBefore: '2026-03-01T00:00:00.000Z' });
    expect(filterOf("started <= '2026-03-01'")).toEqual({ startedBefore: '2026-03-01T00:00:00.001Z' });
    expect(filterOf('started >= 1772323200000')).toEqual({ startedAfter: '2026-03-01T00:00:00.000Z' });
    expect(filterOf("parent = 'Run:abc'")).toEqual({ parent: 'Run:abc' });
    expect(filterOf("attributes.parent = 'abc'")).toEqual({ parent: 'abc' });
  });

  it('binds NOT before AND before OR, and follows parentheses', () => {
    const [a, b, c] = ['params.a = 1', 'params.b = 2', 'params.c = 3'];
    const [A, B, C] = [{ param: { key: 'a', eq: 1 } }, { param: { key: 'b', eq: 2 } }, { param: { key: 'c', eq: 3 } }];
    expect(filterOf(`${a} or ${b} and ${c}`)).toEqual({ or: [A, { and: [B, C] }] });
    expect(filterOf(`${a} and ${b} or ${c}`)).toEqual({ or: [{ and: [A, B] }, C] });
    expect(filterOf(`(${a} or ${b}) and ${c}`)).toEqual({ and: [{ or: [A, B] }, C] });
    expect(filterOf(`not ${a} and ${b}`)).toEqual({ and: [{ not: A }, B] });
    expect(filterOf(`not (${a} and ${b})`)).toEqual({ not: { and: [A, B] } });
    expect(filterOf(`NOT NOT ${a}`)).toEqual({ not: { not: A } });
    // A run of one operator is one list, however it is parenthesized.
    expect(filterOf(`${a} and (${b} and ${c})`)).toEqual({ and: [A, B, C] });
    expect(filterOf(`((${a}) or ((${b}) or ${c}))`)).toEqual({ or: [A, B, C] });
  });

  it('reads quoted keys and escapes in every kind of quotes', () => {
    expect(filterOf('params.`my key` = 1')).toEqual({ param: { key: 'my key', eq: 1 } });
    expect(filterOf('params."lr (warm)" = 1')).toEqual({ param: { key: 'lr (warm)', eq: 1 } });
    expect(filterOf('params.`a``b` = 1')).toEqual({ param: { key: 'a`b', eq: 1 } });
    expect(filterOf('params.opt/lr-max.v2 = 1')).toEqual({ param: { key: 'opt/lr-max.v2', eq: 1 } });
    expect(filterOf("tags.note = 'it''s'")).toEqual({ label: { key: 'note', value: "it's" } });
    expect(filterOf("tags.note = 'it\\'s'")).toEqual({ label: { key: 'note', value: "it's" } });
    expect(filterOf('tags.note = "say ""hi"""')).toEqual({ label: { key: 'note', value: 'say "hi"' } });
    expect(filterOf('tags.path = "C:\\\\tmp"')).toEqual({ label: { key: 'path', value: 'C:\\tmp' } });
    // Parentheses and keywords inside quotes are text.
    expect(filterOf("tags.note = '((( and or not )))'")).toEqual({
      label: { key: 'note', value: '((( and or not )))' },
    });
  });

  it('reads numbers in every form', () => {
    const values = ['3', '-3', '0.5', '.5', '5.', '-1.5e-3', '2E+4'].map((n) => filterOf(`metrics.x = ${n}`));
    expect(values).toEqual([3, -3, 0.5, 0.5, 5, -0.0015, 20000].map((eq) => ({ result: { key: 'x', eq } })));
  });

  it('orders by a param or a result, ascending unless desc is written', () => {
    expect(parseRunQuery('order by metrics.acc').orderBy).toEqual({ result: 'acc', direction: 'ASC' });
    expect(parseRunQuery('ORDER BY params.lr DESC').orderBy).toEqual({ param: 'lr', direction: 'DESC' });
    expect(parseRunQuery('order by params.lr asc').orderBy).toEqual({ param: 'lr', direction: 'ASC' });
    expect(parseRunQuery('metrics.acc > 0 order by metrics.acc')).toEqual({
      filter: { result: { key: 'acc', gt: 0 } },
      orderBy: { result: 'acc', direction: 'ASC' },
    });
  });
});

describe('run query refusals', () => {
  it('says what was expected after what, and points at the column', () => {
    const err = refusal('params.lr = ');
    expect(err.message).toBe(
      'The query has an error at column 13: expected a value (\'text\', a number, true or false) after "=".\n' +
        '  params.lr = \n' +
        '              ^',
    );
    expect(err.details).toEqual({ field: 'query', column: 13, line: 1 });
    expect(refusal('params.lr = 1 foo').message).toMatch(
      /^The query has an error at column 15: expected AND, OR, ORDER BY or the end of the query after "1", found "foo"\./,
    );
    expect(refusal('params.lr ~ 1').message).toMatch(/column 11: expected an operator .* after "params.lr", found "~"/);
  });

  it('points at the column of syntax errors', () => {
    expect(columnOf('= 1')).toBe(1);
    expect(columnOf('params.lr = 1 and')).toBe(18);
    expect(columnOf('params.lr = 1 and and params.b = 2')).toBe(19);
    expect(columnOf('params.lr in ()')).toBe(15);
    expect(columnOf('params.lr in (1,)')).toBe(17);
    expect(columnOf('params.lr in (1, 2')).toBe(19);
    expect(columnOf('(params.lr = 1')).toBe(15);
    expect(columnOf('params.lr = 1)')).toBe(14);
    expect(columnOf('params.lr = adam')).toBe(13);
    expect(columnOf('params.lr = 1x')).toBe(13);
    expect(columnOf('params.lr is 1')).toBe(14);
    expect(columnOf('order by')).toBe(9);
    expect(columnOf('order by metrics.acc sideways')).toBe(22);
    expect(columnOf('params.a = 1 order by metrics.b, metrics.c')).toBe(32);
  });

  it('gives the line as well in a query of several lines', () => {
    const err = refusal('params.lr = 1\n  and metrics.acc >');
    expect(err.details).toEqual({ field: 'query', line: 2, column: 20 });
    expect(err.message).toMatch(
      /^The query has an error at line 2, column 20: .*\n {2} {2}and metrics.acc >\n {21}\^$/,
    );
  });

  it('points at the part of a well-formed query that cannot be searched', () => {
    expect(columnOf('foo = 1')).toBe(1);
    expect(columnOf("params.a = 1 and x.y = 'z'")).toBe(18);
    expect(columnOf('params = 1')).toBe(1);
    expect(columnOf("attributes.color = 'red'")).toBe(1);
    expect(columnOf('tags.team > 1')).toBe(11);
    expect(columnOf("tags.team like '%a%'")).toBe(11);
    expect(columnOf("metrics.acc like '%1%'")).toBe(13);
    expect(columnOf("status > 'COMPLETED'")).toBe(8);
    expect(columnOf("status = 'DONE'")).toBe(10);
    expect(columnOf('status = 1')).toBe(10);
    expect(columnOf("name = 'a'")).toBe(6);
    expect(columnOf("name like 'abc%'")).toBe(11);
    expect(columnOf("name like '%a%b%'")).toBe(11);
    expect(columnOf("name like '%%'")).toBe(11);
    expect(columnOf("started = '2026-01-01'")).toBe(9);
    expect(columnOf("started > 'yesterday'")).toBe(11);
    expect(columnOf('parent != 1')).toBe(8);
    expect(columnOf('metrics.x = 1e999')).toBe(13);
    expect(columnOf("params.'' = 1")).toBe(1);
    expect(columnOf(`params.${'k'.repeat(FILTER_LIMITS.keyLength + 1)} = 1`)).toBe(1);
    expect(columnOf('order by tags.team')).toBe(10);
    expect(columnOf('order by status')).toBe(10);
    expect(columnOf('params.a = 1 order by start_time desc')).toBe(23);
  });

  it("refuses SCHEDULED with Skein's states", () => {
    const err = refusal("status = 'SCHEDULED'");
    expect(err.details.column).toBe(10);
    expect(err.message).toMatch(/never SCHEDULED.*RUNNING, COMPLETED, FAILED or ABORTED/);
  });

  it('points at a quote that is never closed', () => {
    expect(columnOf("params.lr = 'abc")).toBe(13);
    expect(columnOf('params.`my key = 1')).toBe(8);
    expect(columnOf("tags.a = 'x' and tags.b = \"it''s")).toBe(27);
  });

  it('refuses a query over 4,096 characters before reading it', () => {
    const long = `params.lr = '${'x'.repeat(QUERY_LIMITS.length)}'`;
    const err = refusal(long);
    expect(err.message).toBe(`The query is ${long.length} characters long; the limit is 4096.`);
    expect(err.details).toEqual({ field: 'query', limit: 4096 });
    // Exactly at the limit is read.
    const atLimit = `params.lr = '${'x'.repeat(QUERY_LIMITS.length - 15)}'`;
    expect(atLimit.length).toBe(QUERY_LIMITS.length - 1);
    expect(filterOf(atLimit + ' ')).toEqual({ param: { key: 'lr', eq: 'x'.repeat(QUERY_LIMITS.length - 15) } });
  });

  it('refuses parentheses nested deeper than the filter depth at the one that goes too deep', () => {
    const nested = (n: number) => `${'('.repeat(n)}params.a = 1${')'.repeat(n)}`;
    expect(filterOf(nested(FILTER_LIMITS.depth))).toEqual({ param: { key: 'a', eq: 1 } });
    expect(columnOf(nested(FILTER_LIMITS.depth + 1))).toBe(FILTER_LIMITS.depth + 1);
    expect(columnOf(`params.b = 2 and ${nested(FILTER_LIMITS.depth + 1)}`)).toBe(18 + FILTER_LIMITS.depth);
    // 2,000 of them (the parser would recurse 2,000 levels deep) are refused the same way.
    expect(columnOf('('.repeat(2000))).toBe(FILTER_LIMITS.depth + 1);
    // Parentheses inside quotes do not count.
    expect(filterOf(`tags.a = '${'('.repeat(50)}'`)).toEqual({ label: { key: 'a', value: '('.repeat(50) } });
  });

  it('refuses a tree nested deeper than the filter depth at the node that goes too deep', () => {
    // The top object is level 1: the condition under `depth` NOTs is one level too deep.
    const nots = 'not '.repeat(FILTER_LIMITS.depth);
    expect(columnOf(`${nots}params.a = 1`)).toBe(4 * FILTER_LIMITS.depth + 1);
    expect(columnOf(`${'not '.repeat(1000)}params.a = 1`)).toBe(4 * FILTER_LIMITS.depth + 1);
    // Within the depth, the tree passes checkRunFilter.
    const deepest = `${'not '.repeat(FILTER_LIMITS.depth - 1)}params.a = 1`;
    expect(() => checkRunFilter(filterOf(deepest), (id) => id)).not.toThrow();
    // != on a param nests one level (the run must have the key, with another value).
    expect(columnOf(`${'not '.repeat(FILTER_LIMITS.depth - 1)}params.a != '1'`)).toBe(
      4 * (FILTER_LIMITS.depth - 1) + 10,
    );
  });

  it('refuses an IN list past the value limit, counting a quoted number on a param twice', () => {
    const list = (n: number, v: (i: number) => string) => Array.from({ length: n }, (_, i) => v(i)).join(', ');
    expect(filterOf(`metrics.x in (${list(FILTER_LIMITS.inValues, String)})`)).toEqual({
      result: { key: 'x', in: Array.from({ length: FILTER_LIMITS.inValues }, (_, i) => i) },
    });
    expect(columnOf(`metrics.x in (${list(FILTER_LIMITS.inValues + 1, String)})`)).toBe(11);
    const err = refusal(`params.x in (${list(60, (i) => `'${i}'`)})`);
    expect(err.details.column).toBe(10);
    expect(err.message).toMatch(/the list has 120 values .*the limit is 100/);
  });

  it('answers every string of query tokens with a filter or BAD_USER_INPUT, never anything else', () => {
    const TOKENS = [
      'params.lr',
      'metrics.acc',
      'tags.team',
      'status',
      'name',
      'started',
      'parent',
      'attributes.status',
      'params.`a b`',
      'foo',
      '=',
      '!=',
      '<>',
      '<',
      '<=',
      '>',
      '>=',
      'in',
      'not',
      'is',
      'null',
      'like',
      'ilike',
      'and',
      'or',
      '(',
      ')',
      ',',
      "'0.01'",
      "'%x%'",
      "'COMPLETED'",
      "'2026-01-01'",
      '"x"',
      "'it''s'",
      '1',
      '-1.5e-3',
      'true',
      'order',
      'by',
      'asc',
      'desc',
      "'",
      '`',
      '\\',
      '\n',
      '.',
      'é',
      '1e999',
      'scheduled',
      "'SCHEDULED'",
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 25 }), fc.boolean(), (tokens, spaced) => {
        const query = tokens.join(spaced ? ' ' : '');
        try {
          const { filter } = parseRunQuery(query);
          // What parses is a filter the service can check (or refuse, as it would a client's).
          checkRunFilter(filter, (id) => id);
        } catch (err) {
          if (!(err instanceof SkeinError) || err.code !== ErrorCode.BAD_USER_INPUT) throw err;
        }
      }),
      { numRuns: 3000 },
    );
    // And any text at all.
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: 'binary' }), (query) => {
        try {
          parseRunQuery(query);
        } catch (err) {
          if (!(err instanceof SkeinError) || err.code !== ErrorCode.BAD_USER_INPUT) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('a query with a filter and an order', () => {
  const query = "params.lr = 1 and tags.team = 'nlp'";
  const parsed = { and: [{ param: { key: 'lr', eq: 1 } }, { label: { key: 'team', value: 'nlp' } }] };

  it('passes filter and order through without a query', () => {
    const filter = { state: ['RUNNING' as const] };
    expect(withRunQuery({ filter, orderBy: { result: 'a' } })).toEqual({ filter, orderBy: { result: 'a' } });
  });

  it('takes both the query and the filter: one object when they test different fields, else an and', () => {
    expect(withRunQuery({ query, filter: { state: ['RUNNING'] } }).filter).toEqual({ ...parsed, state: ['RUNNING'] });
    const filter = { and: [{ state: ['RUNNING' as const] }] };
    expect(withRunQuery({ query, filter }).filter).toEqual({ and: [parsed, filter] });
    expect(withRunQuery({ query, filter: {} }).filter).toEqual(parsed);
    expect(withRunQuery({ query: '', filter }).filter).toEqual(filter);
  });

  it('takes the order from the query or from orderBy, not both', () => {
    expect(withRunQuery({ query: 'order by metrics.a' }).orderBy).toEqual({ result: 'a', direction: 'ASC' });
    expect(withRunQuery({ query, orderBy: { param: 'lr' } }).orderBy).toEqual({ param: 'lr' });
    const err = refusalOf(() => withRunQuery({ query: 'order by metrics.a', orderBy: { param: 'lr' } }));
    expect(err.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(err.details).toEqual({ field: 'orderBy' });
  });
});

describe("the CLI's columns for a query", () => {
  it('are the params, metrics and tags the query names, once each, in order', () => {
    expect(
      namedKeys(
        "params.lr = '0.01' and METRICS.acc > 0.9 or results.acc < 0 and tags.team in ('params.x') order by metric.loss",
      ),
    ).toEqual([
      { scope: 'params', key: 'lr' },
      { scope: 'metrics', key: 'acc' },
      { scope: 'tags', key: 'team' },
      { scope: 'metrics', key: 'loss' },
    ]);
    expect(namedKeys('params.`my key` = 1 and labels."a""b" is null and status = 1 and params.')).toEqual([
      { scope: 'params', key: 'my key' },
      { scope: 'tags', key: 'a"b' },
    ]);
    expect(namedKeys("name like '%params.x%' and attributes.status = 'x'")).toEqual([]);
  });
});
