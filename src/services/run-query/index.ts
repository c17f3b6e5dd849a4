import { badInput } from '../../errors';
import type { RunOrdering } from '../../domain/run';
import type { RunFilterSpec } from '../run-filter';
import { SpecBuilder } from './build';
import { checkNesting, parseTree } from './parse';

/**
 * A run search query in MLflow's syntax (`params.lr = '0.01' and metrics.accuracy > 0.9 order by
 * metrics.accuracy desc`; the grammar and its summary are in grammar.ts) -> the filter
 * tree and order a client could have sent as `filter` and `orderBy`. The tree then goes through
 * checkRunFilter like any other filter, so the query syntax can say nothing the filter cannot.
 *
 * Every refusal is BAD_USER_INPUT pointing at a column of the query. The work is bounded before
 * the parser runs: the length (QUERY_LIMITS.length) and the nesting of parentheses (the parser
 * recurses once per level, so this keeps its stack small), which is scanned with the quotes in view.
 *
 * One file per role:
 *
 *   index     this API: QUERY_LIMITS, parseRunQuery, withRunQuery
 *   grammar   the grammar (peggy) and its summary of the syntax
 *   tree      the parse tree the grammar's actions return
 *   parse     the parser, and the nesting check before it runs
 *   refusal   the error messages: a column, a caret, the tokens around a syntax error
 *   build     the parse tree -> RunFilterSpec and RunOrdering (SpecBuilder)
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

/** Both filters must hold; one object when they test different fields, else an `and` of the two. */
function bothHold(query: RunFilterSpec | null, filter: RunFilterSpec | null | undefined): RunFilterSpec | null {
  const given = (f: RunFilterSpec) => Object.keys(f).filter((k) => f[k as keyof RunFilterSpec] != null);
  if (!filter || given(filter).length === 0) return query;
  if (!query) return filter;
  const shared = given(query).some((k) => given(filter).includes(k));
  return shared ? { and: [query, filter] } : { ...filter, ...query };
}
