import { badInput } from '../errors';
import { FILTER_LIMITS, VALUE_COMPARISONS } from '../domain/run';
import type { RunCriteria, RunState, ValueCondition, LabelCondition } from '../domain/run';
import type { Scalar } from '../domain/scalar';

/**
 * A client's run filter -> RunCriteria, refused with BAD_USER_INPUT where it breaks a rule. The
 * tree is walked once, in the order its query condition is written (run-filter.cypher.ts), and
 * refused at the first thing wrong; the limits (FILTER_LIMITS) are what keep that query small: an
 * `and` of 100,000 `{}` once kept Neo4j's planner busy for 11 minutes, and a list longer than the
 * object budget is now refused before any element is looked at.
 */

/** A filter as a client sends it (the API's RunFilter): every field given must hold. */
export interface RunFilterSpec {
  and?: RunFilterSpec[] | null;
  or?: RunFilterSpec[] | null;
  not?: RunFilterSpec | null;
  state?: RunState[] | null;
  label?: LabelFilterSpec | null;
  param?: ValueFilterSpec | null;
  result?: ValueFilterSpec | null;
  /** Runs started at or after this time (ISO string). */
  startedAfter?: string | null;
  /** Runs started before this time (ISO string). */
  startedBefore?: string | null;
  /** Children of this run (its id or uid). */
  parent?: string | null;
  /** Runs whose name contains this text, ignoring case. */
  nameContains?: string | null;
}

export interface ValueFilterSpec {
  key: string;
  eq?: Scalar | null;
  ne?: Scalar | null;
  gt?: Scalar | null;
  gte?: Scalar | null;
  lt?: Scalar | null;
  lte?: Scalar | null;
  in?: Scalar[] | null;
  exists?: boolean | null;
}

export interface LabelFilterSpec {
  key: string;
  value?: string | null;
  in?: string[] | null;
}

/**
 * Null when there is no filter. `runUid` turns the id a client gave for `parent` into a uid (and
 * refuses ids of other kinds).
 */
export function checkRunFilter(
  filter: RunFilterSpec | null | undefined,
  runUid: (id: string) => string,
): RunCriteria | null {
  return filter ? new FilterCheck(runUid).object(filter, 'filter', 1) : null;
}

class FilterCheck {
  private conditions = 0;
  private objects = 0;

  constructor(private readonly runUid: (id: string) => string) {}

  /** One filter object: all of its fields must hold. */
  object(f: RunFilterSpec, path: string, depth: number): RunCriteria {
    if (depth > FILTER_LIMITS.depth) {
      throw badInput(`The filter nests deeper than ${FILTER_LIMITS.depth} levels at ${path}; flatten it.`, {
        field: path,
      });
    }
    this.countObject(path);
    // `{}` inside and/or/not is refused rather than read as "true": in an `or` it would silently match
    // every run and under `not` none, which is almost always a form row or a generator left blank. At
    // the top, `filter: {}` stays "no filter", as clients that always send one expect.
    if (depth > 1 && isEmptyFilter(f)) {
      throw badInput(`${path} is an empty filter; give it a condition or leave it out.`, { field: path });
    }
    const tests: RunCriteria[] = [];
    if (f.state) tests.push(this.leaf(path, { test: 'state', in: checkList(f.state, `${path}.state`) }));
    if (f.label) tests.push(this.labelCondition(f.label, `${path}.label`));
    if (f.param) tests.push(this.valueCondition('param', f.param, `${path}.param`));
    if (f.result) tests.push(this.valueCondition('result', f.result, `${path}.result`));
    if (f.startedAfter) tests.push(this.leaf(path, { test: 'startedAfter', at: f.startedAfter }));
    if (f.startedBefore) tests.push(this.leaf(path, { test: 'startedBefore', at: f.startedBefore }));
    if (f.parent) tests.push(this.leaf(path, { test: 'parent', uid: this.runUid(f.parent) }));
    if (f.nameContains != null) tests.push(this.leaf(path, nameContains(f.nameContains, `${path}.nameContains`)));
    if (f.and) tests.push({ test: 'all', of: this.children(f.and, `${path}.and`, depth) });
    if (f.or) tests.push({ test: 'any', of: this.children(f.or, `${path}.or`, depth) });
    if (f.not) tests.push({ test: 'not', of: this.object(f.not, `${path}.not`, depth + 1) });
    return { test: 'all', of: tests };
  }

  private children(list: RunFilterSpec[], path: string, depth: number): RunCriteria[] {
    // Checked on the list's length first, so a list of millions is refused without walking it.
    if (this.objects + list.length > FILTER_LIMITS.objects) this.refuseObjects(this.objects + list.length, path);
    return list.map((child, i) => this.object(child, `${path}[${i}]`, depth + 1));
  }

  private countObject(path: string): void {
    this.objects += 1;
    if (this.objects > FILTER_LIMITS.objects) this.refuseObjects(this.objects, path);
  }

  /** `count` is what was counted when the walk stopped: at least that many objects were sent. */
  private refuseObjects(count: number, path: string): never {
    throw badInput(
      `The filter has at least ${count} filter objects (at ${path}); the limit is ${FILTER_LIMITS.objects}. ` +
        'Use `in` for many values of one key, or split the search.',
      { field: path, limit: FILTER_LIMITS.objects },
    );
  }

  private valueCondition(map: ValueCondition['map'], c: ValueFilterSpec, path: string): ValueCondition {
    const key = checkKey(c.key, path);
    const compare: ValueCondition['compare'] = [];
    for (const op of VALUE_COMPARISONS) {
      const value = c[op];
      if (value != null) compare.push(this.leaf(path, { op, value }));
    }
    const among = c.in != null ? this.leaf(path, checkList(c.in, `${path}.in`)) : null;
    const exists = c.exists != null ? this.leaf(path, c.exists) : null;
    if (compare.length === 0 && among === null && exists === null) {
      throw badInput(`${path} for "${c.key}" needs a test: eq, ne, gt, gte, lt, lte, in or exists.`, { field: path });
    }
    return { test: 'value', map, key, compare, in: among, exists };
  }

  /** A label with a value (or one of several), or only its presence when neither is given. */
  private labelCondition(c: LabelFilterSpec, path: string): LabelCondition {
    const key = checkKey(c.key, path);
    const value = c.value != null ? this.leaf(path, c.value) : null;
    const among = c.in != null ? this.leaf(path, checkList(c.in, `${path}.in`)) : null;
    // Testing only for presence is a comparison too.
    if (value === null && among === null) this.leaf(path, true);
    return { test: 'label', key, value, in: among };
  }

  /** Counts one comparison toward FILTER_LIMITS.conditions; `test` is what it compares. */
  private leaf<T>(path: string, test: T): T {
    this.conditions += 1;
    if (this.conditions > FILTER_LIMITS.conditions) {
      throw badInput(
        `The filter has more than ${FILTER_LIMITS.conditions} conditions (at ${path}); narrow it or split the search.`,
        { field: path },
      );
    }
    return test;
  }
}

function checkKey(key: string, path: string): string {
  if (key.length === 0 || key.length > FILTER_LIMITS.keyLength) {
    throw badInput(`${path}.key must be 1 to ${FILTER_LIMITS.keyLength} characters long.`, { field: `${path}.key` });
  }
  return key;
}

function nameContains(text: string, field: string): RunCriteria {
  if (text.length === 0 || text.length > FILTER_LIMITS.textLength) {
    throw badInput(`${field} must be 1 to ${FILTER_LIMITS.textLength} characters long.`, { field });
  }
  return { test: 'nameContains', text };
}

function checkList<T>(values: T[], field: string): T[] {
  if (values.length > FILTER_LIMITS.inValues) {
    throw badInput(`${field} has ${values.length} values; the limit is ${FILTER_LIMITS.inValues}.`, {
      field,
      limit: FILTER_LIMITS.inValues,
    });
  }
  return values;
}

/** No field given (or every field null): a filter object that tests nothing. */
function isEmptyFilter(f: RunFilterSpec | null): boolean {
  return f == null || Object.values(f).every((v) => v == null);
}
