import { badInput } from '../errors';
import { propName, type MapKind } from '../graph/props';
import { type RunCriteria, type ValueCondition, type LabelCondition } from '../domain/run';
export const FILTER_LIMITS = {
  /** Levels of and/or/not nesting, the top filter being level 1. */
  depth: 6,
  /** Comparisons in all (a range `gt`/`lt` is two). */
  conditions: 50,
  /** Filter objects in all, the top one and every element of every and/or list included. */
  objects: 100,
  /** Values of one `in` or `state` list. */
  inValues: 100,
  keyLength: 128,
} as const;

/**
 * An upper bound on the length of the Cypher condition any accepted filter makes: a comparison is
 * at most ~50 characters with its parameter names, a filter object adds at most `NOT `, a pair of
 * parentheses and an ` AND `/` OR ` joint. Tests hold the builder to it.
 */
export const MAX_CONDITION_CHARS = FILTER_LIMITS.conditions * 64 + FILTER_LIMITS.objects * 24;

export interface RunCondition {
  /** A boolean Cypher expression on `r`. */
  where: string;
  /** Its parameters: p0, p1, … */
  params: Record<string, unknown>;
}

/** `runUid` turns the id a client gave for `parent` into a uid (and refuses ids of other kinds). */
export function buildRunFilter(filter: RunCriteria | null | undefined, runUid: (id: string) => string): RunCondition {
  const builder = new ConditionBuilder(runUid);
  const where = filter ? builder.node(filter, 'filter', 1) : 'true';
  return { where, params: builder.params };
}

const COMPARISONS = [
  ['eq', '='],
  ['ne', '<>'],
  ['gt', '>'],
  ['gte', '>='],
  ['lt', '<'],
  ['lte', '<='],
] as const;

class ConditionBuilder {
  readonly params: Record<string, unknown> = {};
  private paramCount = 0;
  private conditions = 0;
  private objects = 0;

  constructor(private readonly runUid: (id: string) => string) {}

  /** One filter object: all of its fields must hold. */
  node(f: RunCriteria, path: string, depth: number): string {
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
    const parts: string[] = [];
    if (f.state) parts.push(this.leaf(path, `r.state IN ${this.param(checkList(f.state, `${path}.state`))}`));
    if (f.label) parts.push(this.labelCondition(f.label, `${path}.label`));
    if (f.param) parts.push(this.valueCondition('param', f.param, `${path}.param`));
    if (f.result) parts.push(this.valueCondition('result', f.result, `${path}.result`));
    if (f.startedAfter) parts.push(this.leaf(path, `r.startedAt >= ${this.param(f.startedAfter)}`));
    if (f.startedBefore) parts.push(this.leaf(path, `r.startedAt < ${this.param(f.startedBefore)}`));
    if (f.parent) parts.push(this.leaf(path, `r.parentUid = ${this.param(this.runUid(f.parent))}`));
    if (f.and) parts.push(join(this.children(f.and, `${path}.and`, depth), 'AND'));
    if (f.or) parts.push(join(this.children(f.or, `${path}.or`, depth), 'OR'));
    if (f.not) parts.push(`NOT ${this.node(f.not, `${path}.not`, depth + 1)}`);
    return join(parts, 'AND');
  }

  private children(list: RunCriteria[], path: string, depth: number): string[] {
    // Checked on the list's length first, so a list of millions is refused without walking it.
    if (this.objects + list.length > FILTER_LIMITS.objects) this.refuseObjects(this.objects + list.length, path);
    return list.map((child, i) => this.node(child, `${path}[${i}]`, depth + 1));
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

  private valueCondition(kind: MapKind, c: ValueCondition, path: string): string {
    const prop = this.param(propName(kind, checkKey(c.key, path)));
    const parts: string[] = [];
    for (const [op, symbol] of COMPARISONS) {
      const value = c[op];
      if (value != null) parts.push(this.leaf(path, `coalesce(r[${prop}] ${symbol} ${this.param(value)}, false)`));
    }
    if (c.in != null)
      parts.push(this.leaf(path, `coalesce(r[${prop}] IN ${this.param(checkList(c.in, `${path}.in`))}, false)`));
    if (c.exists != null) parts.push(this.leaf(path, `r[${prop}] IS ${c.exists ? 'NOT NULL' : 'NULL'}`));
    if (parts.length === 0) {
      throw badInput(`${path} for "${c.key}" needs a test: eq, ne, gt, gte, lt, lte, in or exists.`, { field: path });
    }
    return join(parts, 'AND');
  }

  /** A label with a value (or one of several), or only its presence when neither is given. */
  private labelCondition(c: LabelCondition, path: string): string {
    const prop = this.param(propName('label', checkKey(c.key, path)));
    const parts: string[] = [];
    if (c.value != null) parts.push(this.leaf(path, `coalesce(r[${prop}] = ${this.param(c.value)}, false)`));
    if (c.in != null)
      parts.push(this.leaf(path, `coalesce(r[${prop}] IN ${this.param(checkList(c.in, `${path}.in`))}, false)`));
    if (parts.length === 0) parts.push(this.leaf(path, `r[${prop}] IS NOT NULL`));
    return join(parts, 'AND');
  }

  private leaf(path: string, text: string): string {
    this.conditions += 1;
    if (this.conditions > FILTER_LIMITS.conditions) {
      throw badInput(
        `The filter has more than ${FILTER_LIMITS.conditions} conditions (at ${path}); narrow it or split the search.`,
        { field: path },
      );
    }
    return text;
  }

  private param(value: unknown): string {
    const name = `p${this.paramCount++}`;
    this.params[name] = value;
    return `$${name}`;
  }
}

/** Empty AND is true and empty OR is false, as in logic; one part needs no parentheses. */
function join(parts: string[], op: 'AND' | 'OR'): string {
  if (parts.length === 0) return op === 'AND' ? 'true' : 'false';
  if (parts.length === 1) return parts[0]!;
  return `(${parts.join(` ${op} `)})`;
}

function checkKey(key: string, path: string): string {
  if (key.length === 0 || key.length > FILTER_LIMITS.keyLength) {
    throw badInput(`${path}.key must be 1 to ${FILTER_LIMITS.keyLength} characters long.`, { field: `${path}.key` });
  }
  return key;
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
function isEmptyFilter(f: RunCriteria | null): boolean {
  return f == null || Object.values(f).every((v) => v == null);
}
