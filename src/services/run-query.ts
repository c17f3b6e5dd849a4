import { generate, type Parser, type parser as peggyParser } from 'peggy';
import { badInput, quoted, type SkeinError } from '../errors';
import { FILTER_LIMITS, RunState, SortDirection, type RunOrdering } from '../domain/run';
import { parseIsoTime } from '../domain/time';
import type { Scalar } from '../domain/scalar';
import { RUN_QUERY_GRAMMAR } from './run-query.grammar';
import type { RunFilterSpec } from './run-filter';

/**
 * A run search query in MLflow's syntax (`params.lr = '0.01' and metrics.accuracy > 0.9 order by
 * metrics.accuracy desc`; the grammar and its summary are in run-query.grammar.ts) -> the filter
 * tree and order a client could have sent as `filter` and `orderBy`. The tree then goes through
 * checkRunFilter like any other filter, so the query syntax can say nothing the filter cannot.
 *
 * Every refusal is BAD_USER_INPUT pointing at a column of the query. The work is bounded before
 * the parser runs: the length (QUERY_LIMITS.length) and the nesting of parentheses (the parser
 * recurses once per level, so this keeps its stack small), which is scanned with the quotes in view.
 */

export const QUERY_LIMITS = {
  /** Characters of a query. */
  length: 4096,
} as const;

export interface ParsedRunQuery {
  filter: RunFilterSpec | null;
  orderBy: RunOrdering | null;
}

/** What a client sends to run search: a query, a filter and an order, any of them left out. */
export interface RunQueryInput {
  query?: string | null;
  filter?: RunFilterSpec | null;
  orderBy?: RunOrdering | null;
}

/**
 * The filter and order of a search from its query, filter and order: both the query and the
 * filter must hold; the order is given once (in the query's `order by` or in `orderBy`).
 */
export function withRunQuery(input: RunQueryInput): {
  filter: RunFilterSpec | null | undefined;
  orderBy: RunOrdering | null | undefined;
} {
  if (input.query == null) return { filter: input.filter, orderBy: input.orderBy };
  const parsed = parseRunQuery(input.query);
  if (parsed.orderBy && input.orderBy) {
    throw badInput('Give the order once: in the query ("order by …") or in orderBy, not both.', {
      field: 'orderBy',
    });
  }
  return { filter: bothHold(parsed.filter, input.filter), orderBy: parsed.orderBy ?? input.orderBy };
}

/** Parses a query; an empty (or blank) one has no filter and no order. */
export function parseRunQuery(text: string): ParsedRunQuery {
  if (text.length > QUERY_LIMITS.length) {
    throw badInput(`The query is ${text.length} characters long; the limit is ${QUERY_LIMITS.length}.`, {
      field: 'query',
      limit: QUERY_LIMITS.length,
    });
  }
  if (text.trim() === '') return { filter: null, orderBy: null };
  checkNesting(text);
  const tree = parseTree(text);
  const build = new SpecBuilder(text);
  return {
    filter: tree.filter ? build.filter(tree.filter) : null,
    orderBy: tree.orderBy ? build.orderBy(tree.orderBy) : null,
  };
}

// ---- The parse tree (what the grammar's actions return) ---------------------------------------

type QueryValue = { at: number; raw: string } & (
  { type: 'string'; value: string } | { type: 'number'; value: number } | { type: 'boolean'; value: boolean }
);

interface QueryField {
  /** `params` in `params.lr`; null for a bare name (`status`). */
  scope: string | null;
  name: string;
  at: number;
}

type CompareOp = '=' | '!=' | '>' | '>=' | '<' | '<=';

type QueryPredicate = { field: QueryField; at: number; opAt: number } & (
  | { kind: 'compare'; op: CompareOp; value: QueryValue }
  | { kind: 'in'; negated: boolean; values: QueryValue[] }
  | { kind: 'null'; negated: boolean }
  | { kind: 'like'; negated: boolean; op: 'LIKE' | 'ILIKE'; value: QueryValue }
);

type QueryNode =
  { kind: 'and' | 'or'; of: QueryNode[]; at: number } | { kind: 'not'; of: QueryNode; at: number } | QueryPredicate;

interface QueryOrder {
  field: QueryField;
  direction: SortDirection | null;
  at: number;
}

interface QueryTree {
  filter: QueryNode | null;
  orderBy: QueryOrder | null;
}

// ---- Parsing ---------------------------------------------------------------------------------

let parser: Parser | null = null;

/** The parser, generated from the grammar once, at first use (a few milliseconds). */
function queryParser(): Parser {
  parser ??= generate(RUN_QUERY_GRAMMAR);
  return parser;
}

function parseTree(text: string): QueryTree {
  const p = queryParser();
  try {
    return p.parse(text) as QueryTree;
  } catch (err) {
    if (err instanceof p.SyntaxError) throw syntaxRefusal(text, err);
    throw err;
  }
}

const QUOTES = new Set(["'", '"', '`']);

/**
 * Refuses an unclosed quote, and parentheses nested deeper than FILTER_LIMITS.depth, before the
 * parser sees the text (it recurses once per level of parentheses). Quotes are skipped by the
 * grammar's rules: inside them, a doubled quote or a backslash escapes the next character.
 */
function checkNesting(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (QUOTES.has(c)) {
      const end = closingQuote(text, i);
      if (end < 0) throw refusal(text, i, `the quote ${c} here is never closed.`);
      i = end;
    } else if (c === '(') {
      depth += 1;
      if (depth > FILTER_LIMITS.depth) {
        throw refusal(
          text,
          i,
          `parentheses nest deeper than ${FILTER_LIMITS.depth} levels here; take some of them out.`,
        );
      }
    } else if (c === ')') {
      depth = Math.max(0, depth - 1); // an unmatched ")" is the parser's to point at
    }
  }
}

/** The index of the quote closing the one at `open`, or -1 when it is never closed. */
function closingQuote(text: string, open: number): number {
  const q = text[open];
  for (let i = open + 1; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\') i += 1;
    else if (c === q) {
      if (text[i + 1] !== q) return i;
      i += 1; // a doubled quote stands for one
    }
  }
  return -1;
}

// ---- Refusals --------------------------------------------------------------------------------

const FIELD_HINT = 'params.<key>, metrics.<key>, tags.<key>, status, name, started or parent';
const OPERATOR_WORDS = new Set(['NOT', 'IN', 'IS', 'LIKE', 'ILIKE']);

/** peggy's "Expected …" list as a short phrase, from what the grammar's rules are named. */
function expectedPhrase(expected: peggyParser.Expectation[] | null): string {
  const names = new Set<string>();
  for (const e of expected ?? []) {
    if (e.type === 'other') names.add(e.description);
    else if (e.type === 'literal') names.add(quoted(e.text));
    else if (e.type === 'end') names.add('the end of the query');
  }
  // At the start of a condition: NOT, "(" and ORDER BY are possible too, but a field is what is missing.
  if (names.has('a field')) return `a field (${FIELD_HINT})`;
  if (names.has('an operator')) {
    for (const word of OPERATOR_WORDS) names.delete(word);
    names.delete('an operator');
    names.add('an operator (=, !=, <, <=, >, >=, IN, NOT IN, IS [NOT] NULL, LIKE)');
  }
  if (names.has('a value')) return "a value ('text', a number, true or false)";
  const list = [...names];
  return list.length <= 1 ? (list[0] ?? 'something else') : `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`;
}

function syntaxRefusal(text: string, err: peggyParser.SyntaxError): SkeinError {
  const at = err.location.start.offset;
  const before = lastTokenBefore(text, at);
  const found = tokenAt(text, at);
  const what =
    `expected ${expectedPhrase(err.expected)}` +
    (before ? ` after ${quotedToken(before)}` : '') +
    (found ? `, found ${quotedToken(found)}.` : '.');
  return refusal(text, at, what);
}

/**
 * BAD_USER_INPUT pointing at `offset` of the query: the message says where and what, then shows
 * the query's line with a caret under the column.
 */
function refusal(text: string, offset: number, what: string): SkeinError {
  const { line, column } = positionOf(text, offset);
  const where = line > 1 ? `line ${line}, column ${column}` : `column ${column}`;
  return badInput(`The query has an error at ${where}: ${what}\n${caretUnder(text, offset)}`, {
    field: 'query',
    column,
    line,
  });
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const upTo = text.slice(0, offset);
  const lineStart = upTo.lastIndexOf('\n') + 1;
  return { line: upTo.split('\n').length, column: offset - lineStart + 1 };
}

/** Columns of the query's line shown around the error (a message stays short whatever the query). */
const SHOWN_BEFORE = 50;
const SHOWN_AFTER = 30;

/** The line holding `offset`, cut to a window around it, and a caret under `offset`. */
function caretUnder(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset) < 0 ? text.length : text.indexOf('\n', offset);
  const from = Math.max(lineStart, offset - SHOWN_BEFORE);
  const to = Math.min(lineEnd, offset + SHOWN_AFTER);
  const head = from > lineStart ? '…' : '';
  const tail = to < lineEnd ? '…' : '';
  // Tabs and other control characters become spaces so the caret lines up.
  const shown = Array.from(text.slice(from, to), (c) => (c < ' ' ? ' ' : c)).join('');
  return `  ${head}${shown}${tail}\n  ${' '.repeat(head.length + offset - from)}^`;
}

/** A token as a message quotes it: short, in double quotes. */
const quotedToken = (token: string) => quoted(token.length > 30 ? `${token.slice(0, 30)}…` : token);

const WORD_CHAR = /[A-Za-z0-9_.\-/]/;
const OPERATOR_CHAR = /[=<>!]/;

/** Where the token starting at `i` ends: a quoted text, a word (or dotted field, or number), an operator, or one character. */
function tokenEnd(text: string, i: number): number {
  const c = text[i]!;
  if (QUOTES.has(c)) {
    const close = closingQuote(text, i);
    return close < 0 ? text.length : close + 1;
  }
  const run = WORD_CHAR.test(c) ? WORD_CHAR : OPERATOR_CHAR.test(c) ? OPERATOR_CHAR : null;
  if (!run) return i + 1;
  let j = i + 1;
  while (j < text.length && run.test(text[j]!)) j += 1;
  return j;
}

/** The last token that ends at or before `offset`, if any (what an error comes "after"). */
function lastTokenBefore(text: string, offset: number): string | null {
  let last: string | null = null;
  for (let i = 0; i < offset;) {
    if (/\s/.test(text[i]!)) {
      i += 1;
      continue;
    }
    const end = tokenEnd(text, i);
    if (end > offset) break;
    last = text.slice(i, end);
    i = end;
  }
  return last;
}

/** The token starting at `offset`; null at the end of the query. */
function tokenAt(text: string, offset: number): string | null {
  return offset < text.length ? text.slice(offset, tokenEnd(text, offset)) : null;
}

// ---- The parse tree -> RunFilterSpec ------------------------------------------------------------

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

class SpecBuilder {
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

/** Both filters must hold; one object when they test different fields, else an `and` of the two. */
function bothHold(query: RunFilterSpec | null, filter: RunFilterSpec | null | undefined): RunFilterSpec | null {
  const given = (f: RunFilterSpec) => Object.keys(f).filter((k) => f[k as keyof RunFilterSpec] != null);
  if (!filter || given(filter).length === 0) return query;
  if (!query) return filter;
  const shared = given(query).some((k) => given(filter).includes(k));
  return shared ? { and: [query, filter] } : { ...filter, ...query };
}
