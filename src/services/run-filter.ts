import { badInput } from '../errors';
import { propName, type MapKind } from '../graph/props';
import type { RunState } from '../graph/run.repository';
import type { Scalar } from '../types/scalars';

/**
 * Run search filters -> a Cypher condition on `r`. The query text is assembled only from the
 * fixed fragments below; every user value, property names included (`r[$p3]` with
 * `$p3 = 'param.lr'`), travels as a numbered parameter. So no filter can change the query's
 * shape, and the trees are bounded so none can make it huge.
 *
 * Each comparison is `coalesce(<test>, false)`: a run without the key fails the test instead of
 * yielding null, which keeps NOT two-valued (`not: {param: {key: "lr", eq: 0.01}}` includes runs
 * that have no lr at all, as a person reading it expects).
 */

export interface ValueCondition {
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

export interface LabelCondition {
  key: string;
  value?: string | null;
  in?: string[] | null;
}

export interface RunFilter {
  and?: RunFilter[] | null;
  or?: RunFilter[] | null;
  not?: RunFilter | null;
  state?: RunState[] | null;
  label?: LabelCondition | null;
  param?: ValueCondition | null;
  result?: ValueCondition | null;
  /** Runs started at or after this time (ISO string). */
  startedAfter?: string | null;
  /** Runs started before this time (ISO string). */
  startedBefore?: string | null;
  /** Children of this run (its id or uid). */
  parent?: string | null;
}

export const FILTER_LIMITS = { depth: 6, conditions: 50, inValues: 100, keyLength: 128 } as const;

export interface RunCondition {
  /** A boolean Cypher expression on `r`. */
  where: string;
  /** Its parameters: p0, p1, … */
  params: Record<string, unknown>;
}

/** `runUid` turns the id a client gave for `parent` into a uid (and refuses ids of other kinds). */
export function buildRunFilter(filter: RunFilter | null | undefined, runUid: (id: string) => string): RunCondition {
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
  private conditions = 0;

  constructor(private readonly runUid: (id: string) => string) {}

  /** One filter object: all of its fields must hold. */
  node(f: RunFilter, path: string, depth: number): string {
    if (depth > FILTER_LIMITS.depth) {
      throw badInput(`The filter nests deeper than ${FILTER_LIMITS.depth} levels at ${path}; flatten it.`, {
        field: path,
      });
    }
    const parts: string[] = [];
    if (f.state) parts.push(this.leaf(path, `r.state IN ${this.param(f.state)}`));
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

  private children(list: RunFilter[], path: string, depth: number): string[] {
    return list.map((child, i) => this.node(child, `${path}[${i}]`, depth + 1));
  }

  private valueCondition(kind: MapKind, c: ValueCondition, path: string): string {
    const prop = this.param(propName(kind, checkKey(c.key, path)));
    const parts: string[] = [];
    for (const [op, symbol] of COMPARISONS) {
      const value = c[op];
      if (value != null) parts.push(this.leaf(path, `coalesce(r[${prop}] ${symbol} ${this.param(value)}, false)`));
    }
    if (c.in != null) parts.push(this.leaf(path, `coalesce(r[${prop}] IN ${this.param(checkIn(c.in, path))}, false)`));
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
    if (c.in != null) parts.push(this.leaf(path, `coalesce(r[${prop}] IN ${this.param(checkIn(c.in, path))}, false)`));
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
    const name = `p${Object.keys(this.params).length}`;
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

function checkIn<T>(values: T[], path: string): T[] {
  if (values.length > FILTER_LIMITS.inValues) {
    throw badInput(`${path}.in has ${values.length} values; the limit is ${FILTER_LIMITS.inValues}.`, {
      field: `${path}.in`,
    });
  }
  return values;
}
