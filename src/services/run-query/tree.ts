import type { SortDirection } from '../../domain/run';

/**
 * The parse tree (what the grammar's actions return; grammar.ts sums up its nodes): parse.ts reads
 * a query into it, build.ts turns it into a RunFilterSpec.
 */

export type QueryValue = { at: number; raw: string } & (
  { type: 'string'; value: string } | { type: 'number'; value: number } | { type: 'boolean'; value: boolean }
);

export interface QueryField {
  /** `params` in `params.lr`; null for a bare name (`status`). */
  scope: string | null;
  name: string;
  at: number;
}

type CompareOp = '=' | '!=' | '>' | '>=' | '<' | '<=';

export type QueryPredicate = { field: QueryField; at: number; opAt: number } & (
  | { kind: 'compare'; op: CompareOp; value: QueryValue }
  | { kind: 'in'; negated: boolean; values: QueryValue[] }
  | { kind: 'null'; negated: boolean }
  | { kind: 'like'; negated: boolean; op: 'LIKE' | 'ILIKE'; value: QueryValue }
);

export type QueryNode =
  { kind: 'and' | 'or'; of: QueryNode[]; at: number } | { kind: 'not'; of: QueryNode; at: number } | QueryPredicate;

export interface QueryOrder {
  field: QueryField;
  direction: SortDirection | null;
  at: number;
}

export interface QueryTree {
  filter: QueryNode | null;
  orderBy: QueryOrder | null;
}
