import type { MapKind } from '../domain/key-value';
import type { Scalar } from '../domain/scalar';

/**
 * Maps (params, results, labels, annotations, properties) live on their node as prefixed
 * properties (`param.lr`, `label.team`), so Cypher filters them with `n[$name]` and a query
 * never needs a node per entry. These helpers are the only place that knows the prefixes.
 */
export function propName(kind: MapKind, key: string): string {
  return `${kind}.${key}`;
}

/** `{lr: 0.1}` -> `{"param.lr": 0.1}` for `SET n += $props`. */
export function toProps(kind: MapKind, map: Record<string, Scalar> | undefined): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(map ?? {})) out[propName(kind, k)] = v;
  return out;
}

/** The entries of one kind back out of a node's property map. */
export function fromProps(kind: MapKind, props: Record<string, unknown>): Record<string, Scalar> {
  const prefix = `${kind}.`;
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(props)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v as Scalar;
  return out;
}
