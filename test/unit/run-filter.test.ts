import fc from 'fast-check';
import { SkeinError } from '../../src/errors';
import { refusalOf } from '../helpers/refusal';
import { checkRunFilter, type RunFilterSpec } from '../../src/services/run-filter';
import { MAX_CONDITION_CHARS, runCriteriaCypher } from '../../src/graph/run-filter.cypher';
import { FILTER_LIMITS } from '../../src/domain/run';

const asUid = (id: string) => `uid-of-${id}`;
/** The service checks the filter (and may refuse it), the repository writes its condition. */
const build = (filter: RunFilterSpec | null) => runCriteriaCypher(checkRunFilter(filter, asUid));

const refusal = (filter: RunFilterSpec) => refusalOf(() => build(filter), 'the filter');

describe('run filter -> Cypher condition', () => {
  it('is true without a filter, and for an empty one', () => {
    expect(build(null)).toEqual({ where: 'true', params: {}, seekable: [] });
    expect(build({})).toEqual({ where: 'true', params: {}, seekable: [] });
    expect(build({ and: [] }).where).toBe('true');
    expect(build({ or: [] }).where).toBe('false');
  });

  it('builds accuracy > 0.9 and (lr = 0.01 or lr = 0.001) with quoted keys an index can serve', () => {
    const { where, params, seekable } = build({
      result: { key: 'accuracy', gt: 0.9 },
      or: [{ param: { key: 'lr', eq: 0.01 } }, { param: { key: 'lr', eq: 0.001 } }],
    });
    expect(where).toBe('(r.`result.accuracy` > $p0 AND (r.`param.lr` = $p1 OR r.`param.lr` = $p2))');
    expect(params).toEqual({ p0: 0.9, p1: 0.01, p2: 0.001 });
    // Every match has an accuracy; only some an lr (it is tested under an OR).
    expect(seekable).toEqual([
      { kind: 'result', key: 'accuracy', inEveryMatch: true },
      { kind: 'param', key: 'lr', inEveryMatch: false },
    ]);
  });

  it('negates two-valued, compares, tests presence, states, times, parents and names', () => {
    const { where, params, seekable } = build({
      not: { label: { key: 'team', value: 'nlp' } },
      state: ['COMPLETED', 'FAILED'],
      param: { key: 'depth', gte: 3, lt: 8, exists: true },
      startedAfter: '2026-01-01T00:00:00.000Z',
      startedBefore: '2026-02-01T00:00:00.000Z',
      parent: 'abc',
      nameContains: 'BERT',
    });
    expect(where).toBe(
      '(r.state IN $p0' +
        ' AND (r.`param.depth` >= $p1 AND r.`param.depth` < $p2 AND r.`param.depth` IS NOT NULL)' +
        ' AND r.startedAt >= $p3 AND r.startedAt < $p4 AND r.parentUid = $p5' +
        ' AND r.searchName CONTAINS toLower($p6)' +
        ' AND NOT coalesce(r.`label.team` = $p7, false))',
    );
    expect(params).toMatchObject({ p0: ['COMPLETED', 'FAILED'], p5: 'uid-of-abc', p6: 'BERT', p7: 'nlp' });
    // Under the NOT, the label needs no index: the search cannot seek "every team but one".
    expect(seekable).toEqual([{ kind: 'param', key: 'depth', inEveryMatch: true }]);
  });

  it('keeps NOT two-valued for parents and names too, and seeks nothing under it', () => {
    const { where, seekable } = build({ not: { parent: 'abc', nameContains: 'x', param: { key: 'lr', ne: 1 } } });
    expect(where).toBe(
      'NOT (coalesce(r.`param.lr` <> $p0, false) AND coalesce(r.parentUid = $p1, false)' +
        ' AND coalesce(r.searchName CONTAINS toLower($p2), false))',
    );
    expect(seekable).toEqual([]);
  });

  it('tests a label for presence when no value is given, and for membership with `in`', () => {
    expect(build({ label: { key: 'stage' } })).toEqual({
      where: 'r.`label.stage` IS NOT NULL',
      params: {},
      seekable: [{ kind: 'label', key: 'stage', inEveryMatch: true }],
    });
    expect(build({ label: { key: 'team', in: ['a', 'b'] } })).toMatchObject({
      where: 'r.`label.team` IN $p0',
      params: { p0: ['a', 'b'] },
    });
  });

  it('writes a key only as one quoted name: values never enter the text, and hostile keys stay names', () => {
    const hostile = "x`] OR true WITH r MATCH (n) DETACH DELETE n //'";
    const { where, params } = build({
      or: [{ param: { key: hostile, eq: hostile } }, { label: { key: hostile, value: hostile } }],
      result: { key: hostile, in: [hostile] },
    });
    // Each key is one backtick-quoted name with its backticks doubled; outside the names, only fixed fragments.
    const names = where.match(/`(?:[^`]|``)*`/g) ?? [];
    expect(names).toEqual([
      "`result.x``] OR true WITH r MATCH (n) DETACH DELETE n //'`",
      "`param.x``] OR true WITH r MATCH (n) DETACH DELETE n //'`",
      "`label.x``] OR true WITH r MATCH (n) DETACH DELETE n //'`",
    ]);
    expect(where.replace(/`(?:[^`]|``)*`/g, 'NAME')).toMatch(/^[\w\s$().,[\]=<>]+$/);
    expect(Object.values(params)).toEqual([[hostile], hostile, hostile]);
  });

  it('passes keys Cypher cannot quote safely (a backslash, NUL) as parameters, without an index', () => {
    // Cypher decodes \u0060 to a backtick before it parses: such a key must never enter the text.
    for (const key of ['a\\u0060b', 'nul\u0000key']) {
      const { where, params, seekable } = build({ param: { key, eq: 1 } });
      expect(where).toBe('r[$p0] = $p1');
      expect(params).toEqual({ p0: `param.${key}`, p1: 1 });
      expect(seekable).toEqual([]);
    }
  });

  it('refuses trees deeper than the limit', () => {
    let deep: RunFilterSpec = { state: ['RUNNING'] };
    for (let i = 1; i < FILTER_LIMITS.depth; i += 1) deep = { not: deep };
    expect(build(deep).where).toContain('NOT');
    const err = refusal({ and: [deep] });
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.message).toContain(`deeper than ${FILTER_LIMITS.depth}`);
    expect(err.details.field).toBe('filter.and[0].not.not.not.not.not');
  });

  it('refuses more conditions than the limit, counting every comparison', () => {
    const ok = { or: Array.from({ length: FILTER_LIMITS.conditions }, (_, i) => ({ param: { key: 'lr', eq: i } })) };
    expect(() => build(ok)).not.toThrow();
    expect(refusal({ ...ok, state: ['RUNNING'] }).message).toContain(`more than ${FILTER_LIMITS.conditions}`);
    const ranges = Array.from({ length: 26 }, () => ({ result: { key: 'acc', gt: 0, lt: 1 } }));
    expect(refusal({ and: ranges }).code).toBe('BAD_USER_INPUT');
  });

  it('refuses a value test without a comparison, long `in` lists and bad keys', () => {
    expect(refusal({ param: { key: 'lr' } }).message).toContain('needs a test');
    expect(refusal({ result: { key: 'acc', in: Array.from({ length: 101 }, (_, i) => i) } }).message).toContain(
      'limit is 100',
    );
    expect(refusal({ param: { key: '', eq: 1 } }).code).toBe('BAD_USER_INPUT');
    expect(refusal({ label: { key: 'x'.repeat(129) } }).code).toBe('BAD_USER_INPUT');
  });

  it('refuses an empty filter object inside and, or and not, naming where it is', () => {
    const cases: Array<[RunFilterSpec, string]> = [
      [{ and: [{ state: ['RUNNING'] }, {}] }, 'filter.and[1]'],
      [{ or: [{ param: { key: 'lr', eq: 1 } }, { not: {} }] }, 'filter.or[1].not'],
      [{ not: { and: [null as unknown as RunFilterSpec] } }, 'filter.not.and[0]'],
      [{ and: [{ state: null, label: null }] }, 'filter.and[0]'],
    ];
    for (const [filter, path] of cases) {
      const err = refusal(filter);
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toBe(`${path} is an empty filter; give it a condition or leave it out.`);
      expect(err.details.field).toBe(path);
    }
  });

  it('refuses a list of 100,000 empty filters by its length, without walking it (finding 3)', () => {
    const empties: RunFilterSpec[] = new Array(100_000).fill({});
    const started = performance.now();
    const err = refusal({ and: empties });
    // Reading one element would be enough to refuse; walking 100,000 would take far longer than this.
    expect(performance.now() - started).toBeLessThan(50);
    expect(err.code).toBe('BAD_USER_INPUT');
    expect(err.message).toContain(
      `at least 100001 filter objects (at filter.and); the limit is ${FILTER_LIMITS.objects}`,
    );
    expect(err.details).toMatchObject({ field: 'filter.and', limit: FILTER_LIMITS.objects });
  });

  it('counts every filter object toward its bound, including ones that test nothing themselves', () => {
    // `{and: []}` is not empty (an explicit "true"), but each still adds text to the query.
    const hollow = (n: number): RunFilterSpec => ({ or: Array.from({ length: n }, () => ({ and: [] })) });
    expect(build(hollow(FILTER_LIMITS.objects - 1)).where).toMatch(/^\(true OR true/);
    expect(refusal(hollow(FILTER_LIMITS.objects)).details).toMatchObject({ field: 'filter.or' });
    // The same bound holds when the objects are spread over several lists and levels.
    const spread: RunFilterSpec = { and: Array.from({ length: 11 }, () => hollow(8)) }; // 1 + 11 x 9 objects
    expect(build(spread).where.length).toBeLessThan(MAX_CONDITION_CHARS);
    const err = refusal({ ...spread, or: [{ and: [] }] });
    expect(err.message).toContain(`the limit is ${FILTER_LIMITS.objects}`);
  });

  it('bounds the state list like an `in` list', () => {
    const states = new Array(FILTER_LIMITS.inValues + 1).fill('RUNNING') as RunFilterSpec['state'];
    expect(refusal({ state: states }).details).toMatchObject({ field: 'filter.state', limit: FILTER_LIMITS.inValues });
  });

  it('keeps the query text under MAX_CONDITION_CHARS for the largest filter it accepts', () => {
    // As many comparisons and filter objects as the limits allow (1 + 49 x 2 + 1), each comparison
    // as long as they get (an `in` on the longest key, two-digit parameter names) and wrapped in a NOT.
    // The longest key, all backticks (each doubled when quoted).
    const key = '`'.repeat(FILTER_LIMITS.keyLength);
    const leaf = (): RunFilterSpec => ({ not: { result: { key, in: [1] } } });
    const leaves = Array.from({ length: FILTER_LIMITS.conditions - 1 }, leaf);
    const fillers = [{ result: { key, in: [1] } }];
    const { where } = build({ and: [...leaves, ...fillers] });
    expect(where.length).toBeLessThanOrEqual(MAX_CONDITION_CHARS);
  });

  it('either refuses a filter tree with BAD_USER_INPUT or keeps its text within the bound (property)', () => {
    const value = fc.oneof(fc.integer(), fc.double({ noNaN: true }), fc.string({ maxLength: 4 }), fc.boolean());
    const valueTest = fc.record(
      {
        key: fc.constantFrom('lr', 'acc', ''),
        eq: value,
        gt: value,
        lt: value,
        in: fc.array(value, { maxLength: 3 }),
        exists: fc.boolean(),
      },
      { requiredKeys: ['key'] },
    );
    const tests = {
      state: fc.array(fc.constantFrom('RUNNING' as const, 'COMPLETED' as const), { maxLength: 3 }),
      param: valueTest,
      result: valueTest,
      label: fc.record({ key: fc.constantFrom('team', 'x'), value: fc.string({ maxLength: 3 }) }),
    };
    // Deeper levels are ever more likely to be leaves (depthSize), so trees stay small enough to
    // build by the thousand yet still cross the depth, object and condition limits.
    const { tree } = fc.letrec<{ tree: RunFilterSpec }>((tie) => ({
      tree: fc.oneof(
        { maxDepth: FILTER_LIMITS.depth + 2, depthSize: 'small', withCrossShrink: true },
        fc.record(tests, { requiredKeys: [] }),
        fc.record(
          {
            ...tests,
            and: fc.array(tie('tree'), { maxLength: 12 }),
            or: fc.array(tie('tree'), { maxLength: 12 }),
            not: tie('tree'),
          },
          { requiredKeys: [] },
        ),
      ),
    }));
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    fc.assert(
      fc.property(tree, (filter) => {
        let built;
        try {
          built = build(filter);
        } catch (err) {
          return err instanceof SkeinError && err.code === 'BAD_USER_INPUT';
        }
        return (
          built.where.length <= MAX_CONDITION_CHARS && Object.keys(built.params).length <= 2 * FILTER_LIMITS.conditions
        );
      }),
      { numRuns: 300, seed },
    );
  });
});
