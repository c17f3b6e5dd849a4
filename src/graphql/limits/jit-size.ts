import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * How much code graphql-jit would generate for an operation, in field instances: where a field
 * returns an interface or union, jit generates the selection once for every concrete type it may
 * be, at every level. `Artifact` has 7 concrete types, so the nested
 * `artifact { producer { inputs { edges { node { artifact { … } } } } } }` of issue 12 grows 7x a
 * level: 17 / 63 / 392 / 2,561 ms to compile at 1-4 levels, and 1.65 GB of heap at 5.
 *
 * The walk stops as soon as the count passes `stopAbove`, so pricing any document costs at most
 * that many steps. Returns the count, or `stopAbove + 1` when it stopped early.
 */
export function jitFanOut(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  stopAbove: number,
): number {
  const operation = operationOf(document, operationName);
  const root = operation && rootTypeOf(schema, operation);
  if (!operation || !root) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let count = 0;

  const applies = (condition: string | undefined, type: GraphQLObjectType): boolean => {
    if (!condition || condition === type.name) return true;
    const named = schema.getType(condition);
    return named !== undefined && isAbstractType(named) && schema.isSubType(named, type);
  };

  const walk = (selectionSet: SelectionSetNode, type: GraphQLObjectType, visiting: Set<string>): void => {
    for (const s of selectionSet.selections) {
      if (count > stopAbove) return;
      if (s.kind === Kind.INLINE_FRAGMENT) {
        if (applies(s.typeCondition?.name.value, type)) walk(s.selectionSet, type, visiting);
      } else if (s.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(s.name.value);
        if (!fragment || visiting.has(fragment.name.value) || !applies(fragment.typeCondition.name.value, type))
          continue;
        walk(fragment.selectionSet, type, new Set(visiting).add(fragment.name.value));
      } else {
        count += 1;
        const field = type.getFields()[s.name.value];
        const returns = field && getNamedType(field.type);
        if (!s.selectionSet || !returns || !isCompositeType(returns)) continue;
        for (const concrete of concreteTypes(schema, returns)) walk(s.selectionSet, concrete, visiting);
      }
    }
  };
  walk(operation.selectionSet, root, new Set());
  return Math.min(count, stopAbove + 1);
}

function concreteTypes(schema: GraphQLSchema, type: GraphQLCompositeType): readonly GraphQLObjectType[] {
  return isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
}

function operationOf(document: DocumentNode, name: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  return name ? operations.find((o) => o.name?.value === name) : operations[0];
}

function rootTypeOf(schema: GraphQLSchema, operation: OperationDefinitionNode): GraphQLObjectType | undefined {
  if (operation.operation === 'query') return schema.getQueryType() ?? undefined;
  if (operation.operation === 'mutation') return schema.getMutationType() ?? undefined;
  return schema.getSubscriptionType() ?? undefined;
}
