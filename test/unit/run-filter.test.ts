import { SkeinError } from '../../src/errors';
import { buildRunFilter, FILTER_LIMITS, type RunFilter } from '../../src/services/run-filter';

const asUid = (id: string) => `uid-of-${id}`;
const build = (filter: RunFilter | null) => buildRunFilter(filter, asUid);

function refusal(filter: RunFilter): SkeinError {
  try {
    build(filter);
  } catch (err) {
    if (err instanceof SkeinError) return err;
    throw err;
  }
  throw new Error('the filter was accepted');
}

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
    let deep: RunFilter = { state: ['RUNNING'] };
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
});
