import fc from 'fast-check';
import {
  getNamedType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { literal, valueOf, type Mode, type ValuePool } from './values';

/**
 * Operations generated from the live schema: one root field (any query or mutation), each of its
 * arguments inline or as a variable, with valid or wrong values (./values.ts), selecting a few
 * fields of the answer.
 */
export interface FuzzOperation {
  kind: 'query' | 'mutation';
  field: string;
  query: string;
  variables: Record<string, unknown>;
}

/** Fields selected per object, and how deep a selection goes. */
const MAX_FIELDS = 3;
const MAX_SELECTION_DEPTH = 3;

export function operations(schema: GraphQLSchema, pool: ValuePool): fc.Arbitrary<FuzzOperation> {
  const roots: [FuzzOperation['kind'], GraphQLObjectType | null | undefined][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ];
  const fields = roots.flatMap(([kind, type]) => Object.values(type?.getFields() ?? {}).map((f) => [kind, f] as const));
  // Half the operations carry only valid values (they reach resolvers and the graph), half may
  // carry a wrong value anywhere.
  const modes: Mode[] = ['valid', 'mixed'];
  return fc.oneof(...modes.flatMap((mode) => fields.map(([kind, f]) => operation(kind, f, pool, mode))));
}

/** The root fields the fuzz covers: every query and every mutation. */
export function rootFields(schema: GraphQLSchema): string[] {
  return [schema.getQueryType(), schema.getMutationType()].flatMap((t) => Object.keys(t?.getFields() ?? {}));
}

interface ArgumentChoice {
  name: string;
  value: unknown;
  /** Written as `$name` and sent in `variables`, or inline in the query text. */
  asVariable: boolean;
}

function operation(
  kind: FuzzOperation['kind'],
  field: GraphQLField<unknown, unknown>,
  pool: ValuePool,
  mode: Mode,
): fc.Arbitrary<FuzzOperation> {
  const args = field.args.map((arg) => {
    const value = valueOf({ type: arg.type, name: arg.name, depth: 0, mode }, pool);
    // A required argument is left out now and then (validation refuses that); optional ones often.
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    const presence = required ? (mode === 'valid' ? 1_000 : 20) : 1;
    return fc.oneof(
      { weight: presence, arbitrary: fc.record({ name: fc.constant(arg.name), value, asVariable: fc.boolean() }) },
      { weight: 1, arbitrary: fc.constant(null) },
    );
  });
  return fc.tuple(fc.tuple(...args), selection(field.type, 0)).map(([chosen, selected]) =>
    render(
      kind,
      field,
      chosen.filter((a): a is ArgumentChoice => a !== null),
      selected,
    ),
  );
}

function render(
  kind: FuzzOperation['kind'],
  field: GraphQLField<unknown, unknown>,
  args: ArgumentChoice[],
  selected: string,
): FuzzOperation {
  const variables: Record<string, unknown> = {};
  const definitions: string[] = [];
  const written = args.map((a) => {
    const type = field.args.find((d) => d.name === a.name)!.type;
    if (!a.asVariable) return `${a.name}: ${literal(a.value, type)}`;
    definitions.push(`$${a.name}: ${String(type)}`);
    variables[a.name] = a.value;
    return `${a.name}: $${a.name}`;
  });
  const header = definitions.length > 0 ? `(${definitions.join(', ')})` : '';
  const call = written.length > 0 ? `${field.name}(${written.join(', ')})` : field.name;
  return { kind, field: field.name, query: `${kind} Fuzz${header} { ${call}${selected} }`, variables };
}

/** Selections made so far, by type and depth: every root field reaches the same few types. */
const selections = new Map<string, fc.Arbitrary<string>>();

/** A selection of the answer's type: a few leaves and, now and then, an object field in turn. */
function selection(type: unknown, depth: number): fc.Arbitrary<string> {
  const named = getNamedType(type as GraphQLNamedType);
  const key = `${named.name}@${depth}`;
  let made = selections.get(key);
  if (!made) selections.set(key, (made = newSelection(named, depth)));
  return made;
}

function newSelection(named: GraphQLNamedType, depth: number): fc.Arbitrary<string> {
  if (isLeafType(named)) return fc.constant('');
  if (isUnionType(named) || depth >= MAX_SELECTION_DEPTH) return fc.constant(' { __typename }');
  const fields = Object.values((named as GraphQLObjectType).getFields()).filter((f) =>
    f.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined),
  );
  const leaves = fields.filter((f) => isLeafType(getNamedType(f.type))).map((f) => f.name);
  const objects = fields.filter((f) => {
    const t = getNamedType(f.type);
    return isObjectType(t) || isInterfaceType(t) || isUnionType(t);
  });
  const nested = objects.map((f) => selection(f.type, depth + 1).map((s) => `${f.name}${s}`));
  const some = <T>(items: fc.Arbitrary<T>[]) =>
    items.length === 0 ? fc.constant([] as T[]) : fc.array(fc.oneof(...items), { maxLength: depth === 0 ? 2 : 1 });
  return fc
    .tuple(fc.subarray(leaves, { maxLength: Math.min(MAX_FIELDS, leaves.length) }), some(nested))
    .map(([l, n]) => ` { __typename ${[...new Set([...l, ...n])].join(' ')} }`);
}
