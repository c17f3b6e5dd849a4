import { propName, quotedPropName } from './props';
import type { MapKind } from '../domain/key-value';
import {
  FILTER_LIMITS,
  type LabelCondition,
  type RunCriteria,
  type ValueComparison,
  type ValueCondition,
} from '../domain/run';

/**
 * Run criteria -> a Cypher condition on `r` that Neo4j's planner can answer from indexes.
 *
 * Params, results and labels are dynamic properties (`param.lr`), and the planner matches an index
 * only to a property named in the query text: `r[$p]` reads the same value but always scans. So a
 * key is written into the text backtick-quoted (`` r.`param.lr` ``; props.ts `quotedPropName`
 * decides which keys can be, and the rest still travel as parameters), and each such key gets a
 * composite (workspace, key) index on first search (search-index.ts). Values always travel as
 * numbered parameters, so no filter changes the query's shape beyond the key names, and since the
 * run service bounds the criteria (FILTER_LIMITS), none can make it huge.
 *
 * Comparisons are written plainly (`r.`param.lr` = $p0`) where nothing negates them: a run
 * without the key then yields null, which a WHERE treats as false, and a plain comparison is what
 * an index seek can serve. Under a NOT, each comparison is `coalesce(<test>, false)` instead, so
 * NOT stays two-valued: `not: {param: {key: "lr", eq: 0.01}}` includes runs that have no lr at all,
 * as a person reading it expects. (Without NOT, AND and OR over null and false leaves are true in
 * exactly the same cases, so the two forms answer the same runs.)
 */

/**
 * An upper bound on the length of the Cypher condition any accepted filter makes: a comparison is
 * at most ~60 characters with its parameter names and coalesce, plus its key written out (at most
 * FILTER_LIMITS.keyLength characters, twice that with every backtick doubled, plus a prefix); a
 * filter object adds at most `NOT `, a pair of parentheses and an ` AND `/` OR ` joint. Tests hold
 * the builder to it.
 */
export const MAX_CONDITION_CHARS =
  FILTER_LIMITS.conditions * (64 + 2 * FILTER_LIMITS.keyLength + 16) + FILTER_LIMITS.objects * 24;

/** A param, result or label key that a search names where an index can serve it. */
export interface SearchKey {
  kind: MapKind;
  key: string;
  /** Every run the search matches holds the key (its test is not under an OR or a NOT). */
  inEveryMatch: boolean;
}

export interface CypherCondition {
  /** A boolean Cypher expression on `r`. */
  where: string;
  /** Its parameters: p0, p1, … */
  params: Record<string, unknown>;
  /** The keys it tests outside any NOT with a test an index can serve: the indexes worth having. */
  seekable: SearchKey[];
}

/** Null criteria match every run. */
export function runCriteriaCypher(criteria: RunCriteria | null): CypherCondition {
  const writer = new ConditionWriter();
  const where = criteria ? writer.condition(criteria, false) : 'true';
  return { where, params: writer.params, seekable: [...writer.seekable.values()] };
}

/**
 * How a query reads an entry's value: the quoted property when the key can be written into the
 * text, else `r[$param]` (props.ts explains which keys cannot).
 */
export function entryAccess(kind: MapKind, key: string, param: (value: unknown) => string): string {
  const quoted = quotedPropName(kind, key);
  return quoted ? `r.${quoted}` : `r[${param(propName(kind, key))}]`;
}

const OPERATOR: Record<ValueComparison, string> = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** Tests an index can answer (`<>` cannot: it is every value but one). */
const SEEKABLE_OPS: ReadonlySet<ValueComparison> = new Set(['eq', 'gt', 'gte', 'lt', 'lte']);

/** Writes the tree depth first, so the parameters are numbered in the order they appear. */
class ConditionWriter {
  readonly params: Record<string, unknown> = {};
  readonly seekable = new Map<string, SearchKey>();
  private paramCount = 0;
  /** How many `any` (OR) nodes are above the test being written. */
  private anyDepth = 0;

  /** `negated`: some NOT above this test, which must then be two-valued. */
  condition(c: RunCriteria, negated: boolean): string {
    switch (c.test) {
      case 'all':
        return join(
          c.of.map((child) => this.condition(child, negated)),
          'AND',
        );
      case 'any': {
        this.anyDepth += 1;
        const parts = c.of.map((child) => this.condition(child, negated));
        this.anyDepth -= 1;
        return join(parts, 'OR');
      }
      case 'not':
        return `NOT ${this.condition(c.of, true)}`;
      case 'state':
        return `r.state IN ${this.param(c.in)}`;
      case 'label':
        return this.labelCondition(c, negated);
      case 'value':
        return this.valueCondition(c, negated);
      case 'startedAfter':
        return `r.startedAt >= ${this.param(c.at)}`;
      case 'startedBefore':
        return `r.startedAt < ${this.param(c.at)}`;
      case 'parent':
        return twoValued(`r.parentUid = ${this.param(c.uid)}`, negated);
      case 'nameContains':
        // searchName is the name in lower case (run.cypher.ts), served by a text index.
        return twoValued(`r.searchName CONTAINS toLower(${this.param(c.text)})`, negated);
    }
  }

  private valueCondition(c: ValueCondition, negated: boolean): string {
    const value = this.entry(c.map, c.key);
    const parts = c.compare.map(({ op, value: v }) => twoValued(`${value} ${OPERATOR[op]} ${this.param(v)}`, negated));
    if (c.in !== null) parts.push(twoValued(`${value} IN ${this.param(c.in)}`, negated));
    if (c.exists !== null) parts.push(`${value} IS ${c.exists ? 'NOT NULL' : 'NULL'}`);
    const seekable = c.compare.some(({ op }) => SEEKABLE_OPS.has(op)) || c.in !== null || c.exists === true;
    if (seekable && !negated) this.noteSeekable(c.map, c.key);
    return join(parts, 'AND');
  }

  /** A label with a value (or one of several), or only its presence when neither is given. */
  private labelCondition(c: LabelCondition, negated: boolean): string {
    const value = this.entry('label', c.key);
    const parts: string[] = [];
    if (c.value !== null) parts.push(twoValued(`${value} = ${this.param(c.value)}`, negated));
    if (c.in !== null) parts.push(twoValued(`${value} IN ${this.param(c.in)}`, negated));
    if (parts.length === 0) parts.push(`${value} IS NOT NULL`);
    if (!negated) this.noteSeekable('label', c.key);
    return join(parts, 'AND');
  }

  private entry(kind: MapKind, key: string): string {
    return entryAccess(kind, key, (name) => this.param(name));
  }

  private noteSeekable(kind: MapKind, key: string): void {
    if (!quotedPropName(kind, key)) return;
    const prop = propName(kind, key);
    const inEveryMatch = this.anyDepth === 0 || this.seekable.get(prop)?.inEveryMatch === true;
    this.seekable.set(prop, { kind, key, inEveryMatch });
  }

  private param(value: unknown): string {
    const name = `p${this.paramCount++}`;
    this.params[name] = value;
    return `$${name}`;
  }
}

/** Under a NOT a missing value must count as false, not null (see the top of this file). */
function twoValued(test: string, negated: boolean): string {
  return negated ? `coalesce(${test}, false)` : test;
}

/** Empty AND is true and empty OR is false, as in logic; one part needs no parentheses. */
function join(parts: string[], op: 'AND' | 'OR'): string {
  if (parts.length === 0) return op === 'AND' ? 'true' : 'false';
  if (parts.length === 1) return parts[0]!;
  return `(${parts.join(` ${op} `)})`;
}
