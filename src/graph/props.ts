import type { MapKind } from '../domain/key-value';
import type { Scalar } from '../domain/scalar';

/**
 * Maps (params, results, labels, annotations, properties) live on their node as prefixed
 * properties (`param.lr`, `label.team`), so Cypher filters them with `n[$name]` and a query
 * never needs a node per entry. This module is the only place that knows the prefixes: the rest
 * of the graph layer names a map by its kind and asks here for property names, for entries read
 * back, or for a Cypher test on a property name.
 */

/** Between a map's kind and an entry's key. No other stored property name contains it. */
const SEPARATOR = '.';

/** Made once: lineage reads thousands of nodes' maps, a prefix each. */
const PREFIX: Readonly<Record<MapKind, string>> = {
  param: `param${SEPARATOR}`,
  result: `result${SEPARATOR}`,
  label: `label${SEPARATOR}`,
  annotation: `annotation${SEPARATOR}`,
  property: `property${SEPARATOR}`,
};

export function propName(kind: MapKind, key: string): string {
  return PREFIX[kind] + key;
}

/** `{lr: 0.1}` -> `{"param.lr": 0.1}` for `SET n += $props`. */
export function toProps(kind: MapKind, map: Record<string, Scalar> | undefined): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(map ?? {})) out[propName(kind, k)] = v;
  return out;
}

/** The entries of one kind back out of a node's property map. */
export function fromProps(kind: MapKind, props: Record<string, unknown>): Record<string, Scalar> {
  return fromPropPairs(kind, Object.entries(props));
}

/** The entries of one kind back out of [property name, value] pairs (a lineage row's maps). */
export function fromPropPairs(kind: MapKind, pairs: ReadonlyArray<readonly [string, unknown]>): Record<string, Scalar> {
  const prefix = PREFIX[kind];
  const out: Record<string, Scalar> = {};
  for (const [k, v] of pairs) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v as Scalar;
  return out;
}

/**
 * A Cypher test on the property name in variable `k`: an entry of the `kind` map, or of any map
 * when no kind is given (`[k IN keys(n) WHERE <this>]`). Built from the constants above only.
 */
export function mapPropCondition(k: string, kind?: MapKind): string {
  return kind ? `${k} STARTS WITH '${PREFIX[kind]}'` : `${k} CONTAINS '${SEPARATOR}'`;
}
