import fc from 'fast-check';
import {
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLInputType,
  type GraphQLNamedInputType,
} from 'graphql';

/**
 * Input values for the fuzz, generated from the schema's input types: mostly valid ones (drawn
 * from the seeded graph's real names and ids often enough to reach real objects), with a wrong
 * one at any node now and then: a wrong scalar type, null where null is not allowed, a missing
 * required field, an unknown field, a bad enum value, an oversize string.
 */

/** What values are drawn from: the seeded workspace's names, ids and URIs, and a name prefix. */
export interface ValuePool {
  /** Strings that name real things: the workspace, run and execution ids, artifact URIs, keys, tags. */
  refs: readonly string[];
  /**
   * The refs that fit an argument or input field of that name (`workspace`, `run`, `ref`…), drawn
   * from first for it, so a generated operation often reaches the object it names.
   */
  byName: Readonly<Record<string, readonly string[]>>;
  /**
   * Every valid-looking name the fuzz makes starts with this (the suite's workspace name), so
   * what a successful create leaves behind stays inside the suite's namespace.
   */
  prefix: string;
}

/** A JSON value that stands for "leave this field out" until rendering drops it. */
export const OMIT = Symbol('omit');

/** One in WRONG_ODDS nodes of a generated value is wrong. */
const WRONG_ODDS = 12;
/** Input objects nest at most this deep (filters of filters are recursive). */
const MAX_DEPTH = 3;
/** Oversize strings: past every length limit, well under the request body limit. */
const OVERSIZE = [300, 5_000, 70_000];

/**
 * How a value is generated: only valid values, or valid ones with a wrong one at any node now and
 * then (operations of both kinds are generated: all-valid ones reach the resolvers and the graph).
 */
export type Mode = 'valid' | 'mixed';

/** Where a value goes: its type, the argument or input field it is for, how deep it is. */
interface Slot {
  type: GraphQLInputType;
  name: string;
  depth: number;
  mode: Mode;
}

/** Arbitraries made so far, per pool: the schema reuses its input types a lot. */
const made = new WeakMap<ValuePool, Map<string, fc.Arbitrary<unknown>>>();

export function valueOf(slot: Slot, pool: ValuePool): fc.Arbitrary<unknown> {
  let bySlot = made.get(pool);
  if (!bySlot) made.set(pool, (bySlot = new Map()));
  const key = `${String(slot.type)} ${slot.name} ${slot.depth} ${slot.mode}`;
  let arbitrary = bySlot.get(key);
  if (!arbitrary) bySlot.set(key, (arbitrary = newValue(slot, pool)));
  return arbitrary;
}

function newValue(slot: Slot, pool: ValuePool): fc.Arbitrary<unknown> {
  if (slot.mode === 'valid') return validValue(slot, pool);
  return fc.oneof(
    { weight: WRONG_ODDS - 1, arbitrary: validValue(slot, pool) },
    { weight: 1, arbitrary: wrongValue(slot, pool) },
  );
}

function validValue(slot: Slot, pool: ValuePool): fc.Arbitrary<unknown> {
  const { type } = slot;
  if (isNonNullType(type)) return valueOf({ ...slot, type: type.ofType }, pool);
  const orNull = (a: fc.Arbitrary<unknown>) =>
    fc.oneof({ weight: 8, arbitrary: a }, { weight: 1, arbitrary: fc.constant(null) });
  if (isListType(type)) return orNull(fc.array(valueOf({ ...slot, type: type.ofType }, pool), { maxLength: 3 }));
  return orNull(namedValue({ ...slot, type }, pool));
}

function namedValue(slot: Slot & { type: GraphQLNamedInputType }, pool: ValuePool): fc.Arbitrary<unknown> {
  const { type } = slot;
  if (isEnumType(type)) return fc.constantFrom(...type.getValues().map((v) => v.name));
  if (isInputObjectType(type)) return inputObject(type, slot, pool, 'valid');
  switch (type.name) {
    case 'Int':
      return fc.oneof(
        fc.integer({ min: -3, max: 1_100 }),
        fc.constantFrom(0, 1, 1_000, 1_001, 2 ** 31 - 1, -(2 ** 31)),
      );
    case 'Float':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -1, 0.5, 1e300));
    case 'Boolean':
      return fc.boolean();
    case 'DateTime':
      return fc.oneof(
        fc
          .date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString()),
        fc.constantFrom('2026-11-23T16:36:00Z', '2026-02-30T00:00:00Z'),
      );
    case 'Scalar':
      return fc.oneof(text(pool, slot.name), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());
    case 'JSON':
      return fc.jsonValue({ maxDepth: 2 });
    default:
      // String, ID and any other scalar: text.
      return text(pool, slot.name);
  }
}

/**
 * Text: a real name or id most often; a fresh name under the prefix; and strings that no name
 * rule accepts (a leading "~" or a non-ASCII letter), so a create never makes something outside
 * the suite's namespace. Oversize strings are among the wrong values.
 */
function text(pool: ValuePool, name: string): fc.Arbitrary<string> {
  const fitting = pool.byName[name];
  return fc.oneof(
    { weight: fitting ? 12 : 0, arbitrary: fc.constantFrom(...(fitting ?? [''])) },
    { weight: 6, arbitrary: fc.constantFrom(...pool.refs) },
    { weight: 2, arbitrary: freshName().map((s) => `${pool.prefix}-${s}`) },
    { weight: 2, arbitrary: oddText() },
  );
}

// Made once: string arbitraries are costly to build (the grapheme one builds its tables). No
// string here looks like a leak the fuzz looks for ("MATCH (" …): a stored one comes back later.
let freshNames: fc.Arbitrary<string> | undefined;
const freshName = () => (freshNames ??= fc.stringMatching(/^[a-z0-9]{1,8}$/));
let oddTexts: fc.Arbitrary<string> | undefined;
const oddText = () =>
  (oddTexts ??= fc.oneof(
    fc.string({ maxLength: 12 }).map((s) => `~${s}`),
    fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => `é${s}`),
    fc.constantFrom('', ' ', '{{key}}/../x', 'store://artifacts/', "'; MATCH(n) DETACH DELETE n //"),
  ));

function inputObject(
  type: Extract<GraphQLNamedInputType, { getFields: unknown }>,
  slot: Slot,
  pool: ValuePool,
  shape: 'valid' | 'missing' | 'unknown',
): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.values(type.getFields());
  const required = fields.filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
  const optional = fields.filter(
    (f) => !required.includes(f) && (slot.depth < MAX_DEPTH || !isInputObjectType(namedOf(f.type))),
  );
  const field = (f: (typeof fields)[number]) =>
    valueOf({ type: f.type, name: f.name, depth: slot.depth + 1, mode: slot.mode }, pool);
  const entries: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of required) entries[f.name] = field(f);
  // Optional fields: left out most of the time, so the objects stay small and realistic.
  for (const f of optional) {
    entries[f.name] = fc.oneof({ weight: 3, arbitrary: fc.constant(OMIT) }, { weight: 1, arbitrary: field(f) });
  }
  const object = fc.record(entries).map(withoutOmitted);
  if (shape === 'missing' && required.length > 0) {
    return fc.tuple(object, fc.constantFrom(...required.map((f) => f.name))).map(([o, drop]) => {
      const { [drop]: _dropped, ...rest } = o;
      return rest;
    });
  }
  if (shape === 'unknown') return object.map((o) => ({ ...o, unknownField: 1 }));
  return object;
}

function withoutOmitted(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== OMIT));
}

/** A value this type refuses. */
function wrongValue(slot: Slot, pool: ValuePool): fc.Arbitrary<unknown> {
  const { type } = slot;
  const named = namedOf(type);
  const wrongs: fc.Arbitrary<unknown>[] = [
    fc.constantFrom(...OVERSIZE).map((n) => 'x'.repeat(n)),
    fc.constant({ not: 'expected' }),
    fc.constant([[1, 2]]),
  ];
  if (isNonNullType(type)) wrongs.push(fc.constant(null));
  if (isEnumType(named)) wrongs.push(fc.constantFrom('NOT_A_VALUE', 'running', 3));
  if (isInputObjectType(named)) {
    wrongs.push(
      inputObject(named, slot, pool, 'missing'),
      inputObject(named, slot, pool, 'unknown'),
      fc.constant('text'),
    );
  }
  if (isScalarType(named)) {
    if (['Int', 'Float'].includes(named.name)) wrongs.push(fc.constantFrom('abc', '5', 1.5, 2 ** 53, true));
    else if (named.name === 'Boolean') wrongs.push(fc.constantFrom('yes', 0));
    else if (named.name === 'DateTime') wrongs.push(fc.constantFrom('yesterday', '2026-13-45', 17));
    else wrongs.push(fc.constantFrom(42, true, 1.5));
  }
  return fc.oneof(...wrongs);
}

function namedOf(type: GraphQLInputType): GraphQLNamedInputType {
  return isNonNullType(type) || isListType(type) ? namedOf(type.ofType) : type;
}

/**
 * A value as a GraphQL literal, for arguments written inline. Enum names are bare; anything that
 * is no valid literal of its type (a wrong value) prints as the closest literal, which validation
 * must then refuse.
 */
export function literal(value: unknown, type: GraphQLInputType): string {
  const named = namedOf(type);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) {
    const item = isListType(getNullableType(type))
      ? (getNullableType(type) as { ofType: GraphQLInputType }).ofType
      : type;
    return `[${value.map((v) => literal(v, item)).join(', ')}]`;
  }
  if (typeof value === 'object') {
    const fields = isInputObjectType(named) ? named.getFields() : {};
    const inner = Object.entries(value as Record<string, unknown>)
      .filter(([k]) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(k)) // JSON keys that are no GraphQL names
      .map(([k, v]) => `${k}: ${literal(v, fields[k]?.type ?? named)}`);
    return `{${inner.join(', ')}}`;
  }
  if (typeof value === 'string') {
    const isEnumName = isEnumType(named) && named.getValue(value) !== undefined;
    return isEnumName ? value : JSON.stringify(value);
  }
  return String(value);
}
