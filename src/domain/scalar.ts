/** A value a filter can compare: a string, a number or a boolean. */
export type Scalar = string | number | boolean;

/** Any JSON value (null only inside an array or an object). */
export type Json = Scalar | null | Json[] | { [key: string]: Json };

/** A JSON array or object: a structured value such as Kubeflow's `{"layers": [10, 3, 1]}`. */
export type Structured = Json[] | { [key: string]: Json };

/**
 * The value of a map entry (a param, a result, a label, an annotation, a property): a scalar,
 * stored and searched as it is, or a structured value, stored as canonical JSON text.
 */
export type EntryValue = Scalar | Structured;

export const VALUE_LIMITS = {
  /** Characters of a structured value's canonical JSON text. */
  structuredChars: 64 * 1024,
  /** Arrays and objects nested in one value (`[[1]]` is 2). */
  structuredDepth: 16,
} as const;

export function isStructured(value: unknown): value is Structured {
  return typeof value === 'object' && value !== null;
}

/**
 * The one text of a structured value: object keys sorted at every level, no spaces. Two equal
 * values always have the same text, so stored values compare (and filters on them match) by text.
 */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isStructured(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k]!)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** How deeply arrays and objects nest in a value (0 for a scalar); stops counting past `cap`. */
export function nestingDepth(value: Json, cap: number = VALUE_LIMITS.structuredDepth + 1): number {
  if (!isStructured(value) || cap <= 0) return 0;
  let deepest = 0;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    deepest = Math.max(deepest, nestingDepth(item, cap - 1));
    if (deepest >= cap - 1) break;
  }
  return 1 + deepest;
}
