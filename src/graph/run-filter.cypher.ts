import { propName } from './props';
import {
  FILTER_LIMITS,
  type LabelCondition,
  type RunCriteria,
  type ValueComparison,
  type ValueCondition,
} from '../domain/run';

/**
 * Run criteria -> a Cypher condition on `r`. The query text is assembled only from the fixed
 * fragments below; every value, property names included (`r[$p3]` with `$p3 = 'param.lr'`),
 * travels as a numbered parameter. So no filter can change the query's shape, and since the run
 * service bounds the criteria (FILTER_LIMITS), none can make it huge: each filter object and each
 * comparison adds at most a few dozen characters, so the text stays under `MAX_CONDITION_CHARS`.
 *
 * Each comparison is `coalesce(<test>, false)`: a run without the key fails the test instead of
 * yielding null, which keeps NOT two-valued (`not: {param: {key: "lr", eq: 0.01}}` includes runs
 * that have no lr at all, as a person reading it expects).
 */

/**
 * An upper bound on the length of the Cypher condition any accepted filter makes: a comparison is
 * at most ~50 characters with its parameter names, a filter object adds at most `NOT `, a pair of
 * parentheses and an ` AND `/` OR ` joint. Tests hold the builder to it.
 */
export const MAX_CONDITION_CHARS = FILTER_LIMITS.conditions * 64 + FILTER_LIMITS.objects * 24;

interface CypherCondition {
  /** A boolean Cypher expression on `r`. */
  where: string;
  /** Its parameters: p0, p1, … */
  params: Record<string, unknown>;
}

/** Null criteria match every run. */
export function runCriteriaCypher(criteria: RunCriteria | null): CypherCondition {
  const writer = new ConditionWriter();
  const where = criteria ? writer.condition(criteria) : 'true';
  return { where, params: writer.params };
}

const OPERATOR: Record<ValueComparison, string> = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** Writes the tree depth first, so the parameters are numbered in the order they appear. */
class ConditionWriter {
  readonly params: Record<string, unknown> = {};
  private paramCount = 0;

  condition(c: RunCriteria): string {
    switch (c.test) {
      case 'all':
        return join(
          c.of.map((child) => this.condition(child)),
          'AND',
        );
      case 'any':
        return join(
          c.of.map((child) => this.condition(child)),
          'OR',
        );
      case 'not':
        return `NOT ${this.condition(c.of)}`;
      case 'state':
        return `r.state IN ${this.param(c.in)}`;
      case 'label':
        return this.labelCondition(c);
      case 'value':
        return this.valueCondition(c);
      case 'startedAfter':
        return `r.startedAt >= ${this.param(c.at)}`;
      case 'startedBefore':
        return `r.startedAt < ${this.param(c.at)}`;
      case 'parent':
        return `r.parentUid = ${this.param(c.uid)}`;
    }
  }

  private valueCondition(c: ValueCondition): string {
    const prop = this.param(propName(c.map, c.key));
    const parts = c.compare.map(({ op, value }) => `coalesce(r[${prop}] ${OPERATOR[op]} ${this.param(value)}, false)`);
    if (c.in !== null) parts.push(`coalesce(r[${prop}] IN ${this.param(c.in)}, false)`);
    if (c.exists !== null) parts.push(`r[${prop}] IS ${c.exists ? 'NOT NULL' : 'NULL'}`);
    return join(parts, 'AND');
  }

  /** A label with a value (or one of several), or only its presence when neither is given. */
  private labelCondition(c: LabelCondition): string {
    const prop = this.param(propName('label', c.key));
    const parts: string[] = [];
    if (c.value !== null) parts.push(`coalesce(r[${prop}] = ${this.param(c.value)}, false)`);
    if (c.in !== null) parts.push(`coalesce(r[${prop}] IN ${this.param(c.in)}, false)`);
    if (parts.length === 0) parts.push(`r[${prop}] IS NOT NULL`);
    return join(parts, 'AND');
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
