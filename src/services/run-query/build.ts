import { quoted, type SkeinError } from '../../errors';
import { FILTER_LIMITS, RunState, SortDirection, type RunOrdering } from '../../domain/run';
import { parseIsoTime } from '../../domain/time';
import type { Scalar } from '../../domain/scalar';
import type { RunFilterSpec } from '../run-filter';
import { FIELD_HINT, refusal } from './refusal';
import type { QueryField, QueryNode, QueryOrder, QueryPredicate, QueryValue } from './tree';

/**
 * The parse tree -> RunFilterSpec: what each field means and which operators it takes, refused at
 * the column of what is wrong, with what to write instead.
 */

type ValueMap = 'param' | 'result';
type Target = { kind: ValueMap | 'label'; key: string } | { kind: 'status' | 'name' | 'started' | 'parent' };

/** The scopes of keyed fields (`params.lr`), lower-cased. */
const MAPS = new Map<string, ValueMap | 'label'>([
  ['params', 'param'],
  ['param', 'param'],
  ['metrics', 'result'],
  ['metric', 'result'],
  ['results', 'result'],
  ['result', 'result'],
  ['tags', 'label'],
  ['tag', 'label'],
  ['labels', 'label'],
  ['label', 'label'],
]);

/** A run's own fields, bare (`status`) or as MLflow writes them (`attributes.status`), lower-cased. */
const ATTRIBUTES = new Map<string, 'status' | 'name' | 'started' | 'parent'>([
  ['status', 'status'],
  ['state', 'status'],
  ['name', 'name'],
  ['run_name', 'name'],
  ['started', 'started'],
  ['start_time', 'started'],
  ['parent', 'parent'],
]);

/** MLflow's run statuses in Skein's words; SCHEDULED has none. */
const STATE_NAMES = new Map<string, RunState>([
  ...Object.values(RunState).map((s) => [s, s] as const),
  ['FINISHED', RunState.COMPLETED],
  ['KILLED', RunState.ABORTED],
]);

const COMPARISONS = { '=': 'eq', '!=': 'ne', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' } as const;

/** A quoted literal that reads as a finite number: `'0.01'`, `'-3'`, `'1e-4'`. */
const NUMERIC_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export class SpecBuilder {
  constructor(private readonly text: string) {}

  /** The filter of the whole query: the top object is level 1, as in checkRunFilter. */
  filter(node: QueryNode): RunFilterSpec {
    return this.node(node, 1);
  }

  orderBy(order: QueryOrder): RunOrdering {
    const target = this.target(order.field);
    // MLflow sorts ascending unless told otherwise; Skein's orderBy argument defaults to DESC.
    const direction = order.direction ?? SortDirection.ASC;
    if (target.kind === 'param') return { param: target.key, direction };
    if (target.kind === 'result') return { result: target.key, direction };
    // Without a key, search walks in creation order, which is not the start time of a backdated run.
    throw this.refuse(
      order.field.at,
      'runs are ordered by one params.<key> or metrics.<key>; without order by, newest first.',
    );
  }

  private node(node: QueryNode, level: number): RunFilterSpec {
    switch (node.kind) {
      case 'and':
      case 'or': {
        const operands = flatten(node.kind, node.of);
        return { [node.kind]: operands.map((o) => this.node(o, this.deeper(level, o.at))) };
      }
      case 'not':
        return { not: this.node(node.of, this.deeper(level, node.of.at)) };
      default:
        return this.predicate(node, level);
    }
  }

  /** The level of a filter object nested in one at `level`, refused past FILTER_LIMITS.depth. */
  private deeper(level: number, at: number): number {
    if (level + 1 > FILTER_LIMITS.depth) {
      throw this.refuse(
        at,
        `the query nests deeper than ${FILTER_LIMITS.depth} levels here (each AND or OR group, each NOT, ` +
          'and each != or NOT IN on a param, metric or tag is a level); simplify it.',
      );
    }
    return level + 1;
  }

  private predicate(p: QueryPredicate, level: number): RunFilterSpec {
    const target = this.target(p.field);
    switch (target.kind) {
      case 'param':
      case 'result':
        return this.valuePredicate(target.kind, target.key, p, level);
      case 'label':
        return this.labelPredicate(target.key, p, level);
      case 'status':
        return this.statusPredicate(p);
      case 'name':
        return this.namePredicate(p, level);
      case 'started':
        return this.startedPredicate(p);
      case 'parent':
        return this.parentPredicate(p);
    }
  }

  private target(field: QueryField): Target {
    const name = field.name.toLowerCase();
    const scope = field.scope?.toLowerCase() ?? null;
    if (scope === null) {
      const attribute = ATTRIBUTES.get(name);
      if (attribute) return { kind: attribute };
      const map = MAPS.get(name);
      if (map) throw this.refuse(field.at, `${field.name} needs a key: ${field.name}.<key>, e.g. ${field.name}.lr.`);
      throw this.refuse(field.at, `there is no field ${quoted(field.name)}; use ${FIELD_HINT}.`);
    }
    if (scope === 'attributes' || scope === 'attribute') {
      const attribute = ATTRIBUTES.get(name);
      if (attribute) return { kind: attribute };
      throw this.refuse(
        field.at,
        `there is no attribute ${quoted(field.name)}; use status, run_name, start_time or parent.`,
      );
    }
    const map = MAPS.get(scope);
    if (!map)
      throw this.refuse(field.at, `there is no field ${quoted(`${field.scope}.${field.name}`)}; use ${FIELD_HINT}.`);
    if (field.name.length === 0 || field.name.length > FILTER_LIMITS.keyLength) {
      throw this.refuse(field.at, `a key is 1 to ${FILTER_LIMITS.keyLength} characters long.`);
    }
    return { kind: map, key: field.name };
  }

  // -- params and results

  private valuePredicate(map: ValueMap, key: string, p: QueryPredicate, level: number): RunFilterSpec {
    switch (p.kind) {
      case 'compare': {
        const both = map === 'param' ? textAndNumber(p.value) : null;
        if (both && p.op === '=') return { [map]: { key, in: both } };
        if (both && p.op === '!=') return this.noneOf(map, key, both, level, p.opAt);
        return { [map]: { key, [COMPARISONS[p.op]]: this.scalar(p.value) } };
      }
      case 'in': {
        const values = this.list(p, (v) =>
          map === 'param' ? (textAndNumber(v) ?? [this.scalar(v)]) : [this.scalar(v)],
        );
        return p.negated ? this.noneOf(map, key, values, level, p.opAt) : { [map]: { key, in: values } };
      }
      case 'null':
        return { [map]: { key, exists: p.negated } };
      case 'like':
        throw this.refuse(p.opAt, `${p.op} searches run names only: name LIKE '%text%'.`);
    }
  }

  /**
   * `!=` and `NOT IN` as in SQL: the run has the key, with another value. (A bare `not` would also
   * take the runs without the key; `not (params.lr = 1)` says that.)
   */
  private noneOf(map: ValueMap, key: string, values: Scalar[], level: number, at: number): RunFilterSpec {
    this.deeper(level, at);
    return { [map]: { key, exists: true }, not: { [map]: { key, in: values } } };
  }

  private scalar(v: QueryValue): Scalar {
    if (v.type === 'number' && !Number.isFinite(v.value)) {
      throw this.refuse(v.at, `${v.raw} is too large a number.`);
    }
    return v.value;
  }

  /** The values of an IN list, each as `expand` gives it (once each), within FILTER_LIMITS.inValues. */
  private list<T>(p: QueryPredicate & { kind: 'in' }, expand: (v: QueryValue) => T[]): T[] {
    const values = [...new Set(p.values.flatMap(expand))];
    if (values.length > FILTER_LIMITS.inValues) {
      throw this.refuse(
        p.opAt,
        `the list has ${values.length} values (a quoted number on a param counts twice: as text and as a ` +
          `number); the limit is ${FILTER_LIMITS.inValues}.`,
      );
    }
    return values;
  }

  // -- labels (tags)

  private labelPredicate(key: string, p: QueryPredicate, level: number): RunFilterSpec {
    switch (p.kind) {
      case 'compare': {
        if (p.op === '=') return { label: { key, value: labelText(p.value) } };
        if (p.op === '!=') {
          this.deeper(level, p.opAt);
          return { label: { key }, not: { label: { key, value: labelText(p.value) } } };
        }
        break;
      }
      case 'in': {
        const values = this.list(p, (v) => [labelText(v)]);
        if (!p.negated) return { label: { key, in: values } };
        this.deeper(level, p.opAt);
        return { label: { key }, not: { label: { key, in: values } } };
      }
      case 'null':
        if (p.negated) return { label: { key } };
        this.deeper(level, p.opAt);
        return { not: { label: { key } } };
    }
    throw this.refuse(p.opAt, 'tags are text: compare them with =, !=, IN, NOT IN or IS [NOT] NULL.');
  }

  // -- the run's own fields

  private statusPredicate(p: QueryPredicate): RunFilterSpec {
    if ((p.kind === 'compare' && (p.op === '=' || p.op === '!=')) || p.kind === 'in') {
      const given = p.kind === 'in' ? p.values : [p.value];
      const states = [...new Set(given.map((v) => this.state(v)))];
      const negated = p.kind === 'in' ? p.negated : p.op === '!=';
      // The states are few and known: "not these" is "one of the others".
      return { state: negated ? Object.values(RunState).filter((s) => !states.includes(s)) : states };
    }
    throw this.refuse(p.opAt, "status takes =, !=, IN or NOT IN: status = 'COMPLETED'.");
  }

  private state(v: QueryValue): RunState {
    const name = v.type === 'string' ? v.value.toUpperCase() : null;
    const state = name === null ? undefined : STATE_NAMES.get(name);
    if (state) return state;
    if (name === 'SCHEDULED') {
      throw this.refuse(
        v.at,
        'Skein runs are never SCHEDULED (a run starts RUNNING); use RUNNING, COMPLETED, FAILED or ABORTED.',
      );
    }
    throw this.refuse(
      v.at,
      `${v.raw} is not a run status; use 'RUNNING', 'COMPLETED' (or 'FINISHED'), 'FAILED' or 'ABORTED' (or 'KILLED').`,
    );
  }

  private namePredicate(p: QueryPredicate, level: number): RunFilterSpec {
    if (p.kind !== 'like') {
      throw this.refuse(p.opAt, "run names are searched with LIKE '%text%' (or ILIKE): name LIKE '%bert%'.");
    }
    const inner = p.value.type === 'string' ? /^%([^%]+)%$/.exec(p.value.value)?.[1] : undefined;
    if (inner === undefined) {
      throw this.refuse(
        p.value.at,
        `only the '%text%' pattern is supported (the text anywhere in the name, any case), not ${p.value.raw}.`,
      );
    }
    if (!p.negated) return { nameContains: inner };
    this.deeper(level, p.opAt);
    return { not: { nameContains: inner } };
  }

  private startedPredicate(p: QueryPredicate): RunFilterSpec {
    if (p.kind !== 'compare' || p.op === '=' || p.op === '!=') {
      throw this.refuse(p.opAt, "start times compare with >, >=, < or <=: started >= '2026-03-01'.");
    }
    const at = this.time(p.value);
    // Start times are kept to the millisecond: "after T" is "at or after T + 1 ms", "at most T" is "before T + 1 ms".
    const next = () => new Date(Date.parse(at) + 1).toISOString();
    if (p.op === '>=') return { startedAfter: at };
    if (p.op === '>') return { startedAfter: next() };
    if (p.op === '<') return { startedBefore: at };
    return { startedBefore: next() };
  }

  /** An ISO time ('2026-03-01', '2026-03-01T12:00:00Z') or milliseconds since 1970 (MLflow's start_time). */
  private time(v: QueryValue): string {
    const time =
      v.type === 'string'
        ? parseIsoTime(v.value)
        : v.type === 'number' && Number.isFinite(new Date(v.value).getTime())
          ? new Date(v.value).toISOString()
          : null;
    if (time === null) {
      throw this.refuse(v.at, `${v.raw} is not a time; write an ISO time such as '2026-03-01T12:00:00Z'.`);
    }
    return time;
  }

  private parentPredicate(p: QueryPredicate): RunFilterSpec {
    if (p.kind === 'compare' && p.op === '=' && p.value.type === 'string') return { parent: p.value.value };
    throw this.refuse(p.opAt, "parent takes = and a run's id or uid in quotes: parent = '<run id>'.");
  }

  private refuse(offset: number, what: string): SkeinError {
    return refusal(this.text, offset, what);
  }
}

/** `a and (b and c)` as `a and b and c`: one list per run of the same operator. */
function flatten(kind: 'and' | 'or', nodes: QueryNode[]): QueryNode[] {
  return nodes.flatMap((n) => (n.kind === kind ? flatten(kind, n.of) : [n]));
}

/**
 * A quoted literal that reads as a number, as both: MLflow keeps params as text, so its users
 * write `params.lr = '0.01'`, while Skein keeps a param's type (0.01 is a number). Null otherwise.
 */
function textAndNumber(v: QueryValue): Scalar[] | null {
  if (v.type !== 'string' || !NUMERIC_TEXT.test(v.value)) return null;
  const n = Number(v.value);
  return Number.isFinite(n) ? [v.value, n] : null;
}

/** A tag's value is text: a number or a boolean literal is taken as it was written. */
const labelText = (v: QueryValue): string => (v.type === 'number' ? v.raw : String(v.value));
