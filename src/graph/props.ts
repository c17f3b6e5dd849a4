import type { MapKind } from '../domain/key-value';
import { canonicalJson, isStructured, type EntryValue, type Scalar } from '../domain/scalar';

/**
 * Maps (params, results, labels, annotations, properties) live on their node as prefixed
 * properties, so Cypher filters them with `n[$name]` and a query never needs a node per entry.
 * A scalar entry is a native property under its kind's prefix (`param.lr = 0.1`), which run
 * search, value orders and indexes read as they are. A structured entry (an array or an object)
 * is its canonical JSON text under the kind's structured prefix (`paramJSON.layers =
 * '[10,3,1]'`): no scalar filter or order names that property, so a structured value never
 * matches one, and it is decoded back into JSON here, at the repository edge.
 *
 * This module is the only place that knows the prefixes: the rest of the graph layer names a map
 * by its kind and asks here for property names, for entries read back, or for a Cypher test on a
 * property name.
 */

/** Between a map's kind and an entry's key. No other stored property name contains it. */
const SEPARATOR = '.';

/** Marks the structured form of a kind's prefix (`paramJSON.`); never part of a scalar prefix. */
const STRUCTURED_MARK = 'JSON';

const KINDS: readonly MapKind[] = ['param', 'result', 'label', 'annotation', 'property'];

/** Made once: lineage reads thousands of nodes' maps, a prefix each. */
const PREFIX = Object.fromEntries(KINDS.map((k) => [k, `${k}${SEPARATOR}`])) as Readonly<Record<MapKind, string>>;
const STRUCTURED_PREFIX = Object.fromEntries(KINDS.map((k) => [k, `${k}${STRUCTURED_MARK}${SEPARATOR}`])) as Readonly<
  Record<MapKind, string>
>;

/** Where a stored property name belongs: an entry of one map (structured or not), or none. */
export interface MapSlot {
  kind: MapKind;
  key: string;
  structured: boolean;
}

const SLOT_OF_PREFIX = new Map<string, { kind: MapKind; structured: boolean }>([
  ...KINDS.map((kind) => [PREFIX[kind], { kind, structured: false }] as const),
  ...KINDS.map((kind) => [STRUCTURED_PREFIX[kind], { kind, structured: true }] as const),
]);

/** The scalar property of an entry: what filters, orders and label matches name. */
export function propName(kind: MapKind, key: string): string {
  return PREFIX[kind] + key;
}

/** Both property names an entry may be stored under (to remove it whatever its form). */
export function propNames(kind: MapKind, key: string): [string, string] {
  return [PREFIX[kind] + key, STRUCTURED_PREFIX[kind] + key];
}

/** The map entry a property name holds, or null for a core property. */
export function mapSlot(prop: string): MapSlot | null {
  const dot = prop.indexOf(SEPARATOR);
  if (dot <= 0) return null;
  const slot = SLOT_OF_PREFIX.get(prop.slice(0, dot + 1));
  return slot ? { ...slot, key: prop.slice(dot + 1) } : null;
}

/** A stored property's value back as the entry's value: structured text is parsed. */
export function decodeValue(slot: MapSlot, stored: unknown): EntryValue {
  return slot.structured ? (JSON.parse(stored as string) as EntryValue) : (stored as Scalar);
}

/**
 * `{lr: 0.1}` -> `{"param.lr": 0.1}`: the properties of a node being created, which has no earlier
 * value of the other form to remove (so no nulls: every write of a run carries fewer entries).
 */
export function toNewProps(kind: MapKind, map: Record<string, EntryValue> | undefined): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(map ?? {})) {
    const [scalarProp, structuredProp] = propNames(kind, k);
    if (isStructured(v)) out[structuredProp] = canonicalJson(v);
    else out[scalarProp] = v;
  }
  return out;
}

/**
 * `{lr: 0.1, layers: [10, 3]}` -> `{"param.lr": 0.1, "paramJSON.lr": null, "paramJSON.layers":
 * "[10,3]", "param.layers": null}` for `SET n += $props`: each entry is written in its form and
 * any earlier value of the other form is removed (Neo4j removes a property set to null), so a key
 * changed from a list to a number is never stored twice.
 */
export function toProps(kind: MapKind, map: Record<string, EntryValue> | undefined): Record<string, Scalar | null> {
  const cleared: Record<string, null> = {};
  for (const key of Object.keys(map ?? {})) for (const prop of propNames(kind, key)) cleared[prop] = null;
  return { ...cleared, ...toNewProps(kind, map) };
}

/**
 * `{team: "nlp"}` -> `[{name: "label.team", value: "nlp"}]`: the property each entry must have,
 * for an equality match (`n[name] = value`). A structured value matches by its canonical text.
 */
export function matchProps(
  kind: MapKind,
  map: Record<string, EntryValue> | undefined,
): Array<{ name: string; value: Scalar }> {
  return Object.entries(map ?? {}).map(([k, v]) =>
    isStructured(v)
      ? { name: STRUCTURED_PREFIX[kind] + k, value: canonicalJson(v) }
      : { name: PREFIX[kind] + k, value: v },
  );
}

/** The entries of one kind back out of a node's property map. */
export function fromProps(kind: MapKind, props: Record<string, unknown>): Record<string, EntryValue> {
  return fromPropPairs(kind, Object.entries(props));
}

/** The entries of one kind back out of [property name, value] pairs (a lineage row's maps). */
export function fromPropPairs(
  kind: MapKind,
  pairs: ReadonlyArray<readonly [string, unknown]>,
): Record<string, EntryValue> {
  const prefix = PREFIX[kind];
  const structured = STRUCTURED_PREFIX[kind];
  const out: Record<string, EntryValue> = {};
  for (const [k, v] of pairs) {
    if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v as Scalar;
    else if (k.startsWith(structured)) out[k.slice(structured.length)] = JSON.parse(v as string) as EntryValue;
  }
  return out;
}

/**
 * A Cypher test on the property name in variable `k`: an entry of the `kind` map (either form),
 * or of any map when no kind is given (`[k IN keys(n) WHERE <this>]`). Built from the constants
 * above only.
 */
export function mapPropCondition(k: string, kind?: MapKind): string {
  if (!kind) return `${k} CONTAINS '${SEPARATOR}'`;
  return `(${k} STARTS WITH '${PREFIX[kind]}' OR ${k} STARTS WITH '${STRUCTURED_PREFIX[kind]}')`;
}

/**
 * An entry's scalar property name written into query text, backtick-quoted (`` `param.lr` ``), so
 * the planner can match it to an index; `r[$p]` reads the same value but no index serves it. Null
 * when the key cannot be written there safely: Cypher rejects NUL in names, and it decodes `\uXXXX`
 * anywhere in a query before parsing, so a backslash could turn into a closing backtick. Such keys
 * are still searched, through a parameter, without an index.
 */
export function quotedPropName(kind: MapKind, key: string): string | null {
  if (key.includes('\\') || key.includes('\u0000')) return null;
  return '`' + propName(kind, key).replaceAll('`', '``') + '`';
}
