import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { LINEAGE_LIMITS } from '../../domain/lineage';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../services/pagination';

/**
 * Skein's cost model: an upper bound on how many values (leaves and objects) an answer can hold,
 * which is what a request costs in Neo4j rows, resolver calls, heap and bytes sent.
 *
 * - Every field costs 1 for each time it may appear in the answer.
 * - A field with a size argument (`first` on a connection, `maxNodes` on lineage, impact and
 *   provenance) may return that many items: the list fields directly inside it (a connection's
 *   `edges`, a lineage's `nodes`, `edges`, `levels`) cost that many times their selection. The
 *   size is the argument's value (from the request's variables when it is one), else its
 *   default, capped at its maximum (a larger value is refused by the service with its own message).
 * - Other lists (labels, params…) count as one element: their length is bounded by what was
 *   recorded, not by the query.
 * - On an interface or union, fragments on different concrete types are alternatives: the most
 *   expensive counts, not their sum (one node is one type).
 * - Aliases are separate fields and add up: 1,000 aliases of `lineage(maxNodes: 5000)` cost
 *   5,000,000 times their selection.
 *
 * Computing it is linear in the document (fragments are priced once per use context), ~0.1 ms
 * for the playground's examples.
 */

interface SizeRule {
  argument: string;
  fallback: number;
  max: number;
}

const PAGE: SizeRule = { argument: 'first', fallback: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE };
const LINEAGE: SizeRule = {
  argument: 'maxNodes',
  fallback: LINEAGE_LIMITS.defaultMaxNodes,
  max: LINEAGE_LIMITS.maxMaxNodes,
};
const REPORT: SizeRule = {
  argument: 'maxNodes',
  fallback: LINEAGE_LIMITS.reportMaxNodes,
  max: LINEAGE_LIMITS.reportMaxNodes,
};

/** How many items a field may return, when its arguments say so. */
function sizeRuleOf(field: GraphQLField<unknown, unknown>): SizeRule | undefined {
  const has = (name: string) => field.args.some((a) => a.name === name);
  const returns = getNamedType(field.type).name;
  if (has('first') && returns.endsWith('Connection')) return PAGE;
  if (has('maxNodes')) return returns === 'Lineage' ? LINEAGE : REPORT;
  return undefined;
}

export interface CostInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** The request's variables, as the client sent them (sizes given as variables are priced from them). */
  variables?: Readonly<Record<string, unknown>>;
}

/** The cost of one operation (see the top of this file). */
export function operationCost({ schema, document, operation, variables = {} }: CostInput): number {
  const root = rootTypeOf(schema, operation);
  if (!root) return 0;
  return new CostWalk(schema, document, operation, variables).selectionCost(operation.selectionSet, root, 1);
}

function rootTypeOf(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLCompositeType | undefined {
  if (operation.operation === 'query') return schema.getQueryType() ?? undefined;
  if (operation.operation === 'mutation') return schema.getMutationType() ?? undefined;
  return schema.getSubscriptionType() ?? undefined;
}

class CostWalk {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly fragmentCosts = new Map<string, number>();
  private readonly variableDefaults = new Map<string, ValueNode>();

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    private readonly variables: Readonly<Record<string, unknown>>,
  ) {
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(d.name.value, d);
    for (const v of operation.variableDefinitions ?? []) {
      if (v.defaultValue) this.variableDefaults.set(v.variable.name.value, v.defaultValue);
    }
  }

  /**
   * `listSize`: how many items each list field directly in this selection may hold (the size of
   * the enclosing sized field, else 1).
   */
  selectionCost(selectionSet: SelectionSetNode, parent: GraphQLCompositeType, listSize: number): number {
    let common = 0;
    // Fragments on a narrower type than `parent` are alternatives: keep the dearest per type.
    const alternatives = new Map<string, number>();
    const addFor = (typeName: string | undefined, cost: number) => {
      if (typeName === undefined || typeName === parent.name || !isAbstractType(parent)) common += cost;
      else alternatives.set(typeName, (alternatives.get(typeName) ?? 0) + cost);
    };
    for (const s of selectionSet.selections) {
      if (s.kind === Kind.FIELD) {
        common += this.fieldCost(s, parent, listSize);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const type = this.typeNamed(s.typeCondition?.name.value) ?? parent;
        addFor(s.typeCondition?.name.value, this.selectionCost(s.selectionSet, type, listSize));
      } else {
        const fragment = this.fragments.get(s.name.value);
        if (fragment) addFor(fragment.typeCondition.name.value, this.fragmentCost(fragment, parent, listSize));
      }
    }
    return common + Math.max(0, ...alternatives.values());
  }

  private fragmentCost(fragment: FragmentDefinitionNode, parent: GraphQLCompositeType, listSize: number): number {
    const key = `${fragment.name.value}\u0000${listSize}`;
    const known = this.fragmentCosts.get(key);
    if (known !== undefined) return known;
    // Validation refuses fragment cycles before this runs; the 0 only guards against a loop.
    this.fragmentCosts.set(key, 0);
    const type = this.typeNamed(fragment.typeCondition.name.value) ?? parent;
    const cost = this.selectionCost(fragment.selectionSet, type, listSize);
    this.fragmentCosts.set(key, cost);
    return cost;
  }

  private fieldCost(node: FieldNode, parent: GraphQLCompositeType, listSize: number): number {
    const field = 'getFields' in parent ? parent.getFields()[node.name.value] : undefined;
    if (!field || !node.selectionSet) return 1;
    const type = getNamedType(field.type);
    if (!isCompositeType(type)) return 1;
    const many = isListType(getNullableType(field.type)) ? listSize : 1;
    const rule = sizeRuleOf(field);
    const inner = rule ? this.sizeOf(node, rule) : 1;
    return 1 + many * this.selectionCost(node.selectionSet, type, inner);
  }

  /** The size argument's value (literal, variable, variable default or the API's default), capped. */
  private sizeOf(node: FieldNode, rule: SizeRule): number {
    const arg = node.arguments?.find((a) => a.name.value === rule.argument);
    const value = arg ? this.valueOf(arg.value) : undefined;
    const size = typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : rule.fallback;
    return Math.min(size, rule.max);
  }

  private valueOf(value: ValueNode): unknown {
    if (value.kind === Kind.INT) return Number.parseInt(value.value, 10);
    if (value.kind !== Kind.VARIABLE) return undefined;
    const name = value.name.value;
    if (this.variables[name] !== undefined && this.variables[name] !== null) return this.variables[name];
    const fallback = this.variableDefaults.get(name);
    return fallback ? this.valueOf(fallback) : undefined;
  }

  private typeNamed(name: string | undefined): GraphQLCompositeType | undefined {
    const type = name ? this.schema.getType(name) : undefined;
    return type && isCompositeType(type) ? type : undefined;
  }
}
