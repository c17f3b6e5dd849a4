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
    expect(build(null)).toEqual({ where: 'true', params: {} });
    expect(build({})).toEqual({ where: 'true', params: {} });
    expect(build({ and: [] }).where).toBe('true');
    expect(build({ or: [] }).where).toBe('false');
  });

  it('builds accuracy > 0.9 and (lr = 0.01 or lr = 0.001) from fixed fragments and numbered parameters', () => {
    const { where, params } = build({
      result: { key: 'accuracy', gt: 0.9 },
      or: [{ param: { key: 'lr', eq: 0.01 } }, { param: { key: 'lr', eq: 0.001 } }],
    });
    expect(where).toBe(
      '(coalesce(r[$p0] > $p1, false) AND (coalesce(r[$p2] = $p3, false) OR coalesce(r[$p4] = $p5, false)))',
    );
    expect(params).toEqual({ p0: 'result.accuracy', p1: 0.9, p2: 'param.lr', p3: 0.01, p4: 'param.lr', p5: 0.001 });
  });

  it('negates, compares, tests presence, states, times and parents', () => {
    const { where, params } = build({
      not: { label: { key: 'team', value: 'nlp' } },
      state: ['COMPLETED', 'FAILED'],
      param: { key: 'depth', gte: 3, lt: 8, exists: true },
      startedAfter: '2026-01-01T00:00:00.000Z',
      startedBefore: '2026-02-01T00:00:00.000Z',
      parent: 'abc',
    });
    expect(where).toBe(
      '(r.state IN $p0' +
        ' AND (coalesce(r[$p1] >= $p2, false) AND coalesce(r[$p1] < $p3, false) AND r[$p1] IS NOT NULL)' +
        ' AND r.startedAt >= $p4 AND r.startedAt < $p5 AND r.parentUid = $p6' +
        ' AND NOT coalesce(r[$p7] = $p8, false))',
    );
    expect(params).toMatchObject({
      p0: ['COMPLETED', 'FAILED'],
      p1: 'param.depth',
      p6: 'uid-of-abc',
      p7: 'label.team',
    });
  });

  it('tests a label for presence when no value is given, and for membership with `in`', () => {
    expect(build({ label: { key: 'stage' } })).toEqual({ where: 'r[$p0] IS NOT NULL', params: { p0: 'label.stage' } });
    expect(build({ label: { key: 'team', in: ['a', 'b'] } })).toEqual({
      where: 'coalesce(r[$p0] IN $p1, false)',
      params: { p0: 'label.team', p1: ['a', 'b'] },
    });
  });

  it('never puts user text into the query', () => {
    const hostile = "x`] OR true WITH r MATCH (n) DETACH DELETE n //'";
    const { where, params } = build({
      or: [{ param: { key: hostile, eq: hostile } }, { label: { key: hostile, value: hostile } }],
      result: { key: hostile, in: [hostile] },
    });
    expect(where).not.toContain('DELETE');
    expect(where).not.toContain('`');
    expect(where).toMatch(/^[\w\s$().,[\]=<>]+$/);
    expect(Object.values(params)).toContain(`param.${hostile}`);
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
    // as long as they get (an `in`, two- and three-digit parameter names) and wrapped in a NOT.
    const leaf = (): RunFilterSpec => ({ not: { result: { key: 'k', in: [1] } } });
    const leaves = Array.from({ length: FILTER_LIMITS.conditions - 1 }, leaf);
    const fillers = [{ result: { key: 'k', in: [1] } }];
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
