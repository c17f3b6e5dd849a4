import { badInput, quoted } from '../errors';
import { canonicalJson, isStructured, nestingDepth, VALUE_LIMITS, type EntryValue } from '../domain/scalar';
import { type KeyValue } from '../domain/key-value';

/** Input rules shared by every aggregate: names, keys and maps, with messages a person can act on. */

const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const KEY = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,254}$/;
const MAP_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.\-/]{0,127}$/;
const SHA256 = /^[0-9a-f]{64}$/;

export const LIMITS = {
  mapEntries: 200,
  stringValue: 4096,
  text: 64 * 1024,
} as const;

/** True when `value` is a valid workspace name (checkName's rule, without the error). */
export const isName = (value: string): boolean => NAME.test(value);

/** True when `value` is a valid artifact key (checkKey's rule, without the error). */
export const isKey = (value: string): boolean => KEY.test(value) && !value.includes('..');

/** Workspace names: lower-case, as they appear in `store://artifacts/<workspace>/…` URIs. */
export function checkName(what: string, field: string, value: string): string {
  if (!NAME.test(value)) {
    throw badInput(
      `${what} ${quoted(value)} is not valid: use 1–63 lower-case letters, digits, "-" or "_", starting with a letter or digit.`,
      { field },
    );
  }
  return value;
}

/** Artifact keys: letters, digits and "_ . - /" (a key may look like a path: "data/train"). */
export function checkKey(field: string, value: string): string {
  if (!KEY.test(value) || value.includes('..')) {
    throw badInput(
      `Artifact key ${quoted(value)} is not valid: use up to 255 letters, digits, "_", ".", "-" or "/", without "..".`,
      {
        field,
      },
    );
  }
  return value;
}

/** A SHA-256 as clients give it (a digest, a body, a part): 64 lower-case hex digits. */
export function checkSha256(value: string, field: string): string {
  if (!SHA256.test(value)) throw badInput(`"${field}" must be a SHA-256 as 64 lower-case hex digits.`, { field });
  return value;
}

export function checkText(field: string, value: string | null | undefined, max: number = LIMITS.text): void {
  if (value != null && value.length > max) {
    throw badInput(`"${field}" is ${value.length} characters long; the limit is ${max}.`, { field });
  }
}

/**
 * A list of key=value entries (params, results, labels…) as a map, refusing duplicates and
 * oversize values. The map has no prototype: keys such as "constructor" or "__proto__" are
 * ordinary keys (on a plain object the first looked like a duplicate and the second was lost).
 */
export function toMap<V extends EntryValue>(
  field: string,
  entries: ReadonlyArray<KeyValue<V>> | null | undefined,
): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  if (!entries) return out;
  if (entries.length > LIMITS.mapEntries) {
    throw badInput(`"${field}" has ${entries.length} entries; the limit is ${LIMITS.mapEntries}.`, { field });
  }
  for (const { key, value } of entries) {
    checkMapKey(field, key);
    if (Object.hasOwn(out, key)) throw badInput(`"${field}" has the key "${key}" twice.`, { field });
    checkEntryValue(field, key, value);
    out[key] = value;
  }
  return out;
}

/**
 * A key of a map entry (a param, result, label…), the same rule wherever a key is named: set or
 * removed. A removed key becomes a property name too, so it needs the check as much as a set one.
 */
export function checkMapKey(field: string, key: string): void {
  if (!MAP_KEY.test(key)) {
    throw badInput(`"${field}" key ${quoted(key)} is not valid: use up to 128 letters, digits, "_", ".", "-" or "/".`, {
      field,
    });
  }
}

/**
 * One entry's value: a string (up to 4,096 characters), a finite number, a boolean, or an array
 * or object (up to 64 KiB as JSON, 16 levels deep). Null has no meaning as a value: leave the
 * entry out, or remove it.
 */
export function checkEntryValue(field: string, key: string, value: unknown): asserts value is EntryValue {
  if (typeof value === 'string') {
    if (value.length > LIMITS.stringValue) {
      throw badInput(
        `"${field}" value for "${key}" is ${value.length} characters; the limit is ${LIMITS.stringValue}.`,
        { field },
      );
    }
    return;
  }
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return;
  if (!isStructured(value)) {
    throw badInput(
      `"${field}" value for "${key}" is ${value === null ? 'null' : 'not a JSON value'}: give a string, a number, a boolean, a list or an object, or leave the entry out.`,
      { field },
    );
  }
  const depth = nestingDepth(value);
  if (depth > VALUE_LIMITS.structuredDepth) {
    throw badInput(
      `"${field}" value for "${key}" nests lists and objects more than ${VALUE_LIMITS.structuredDepth} levels deep; flatten it.`,
      { field },
    );
  }
  const size = canonicalJson(value).length;
  if (size > VALUE_LIMITS.structuredChars) {
    throw badInput(
      `"${field}" value for "${key}" is ${size} characters as JSON; the limit is ${VALUE_LIMITS.structuredChars}. Log a large value as an artifact instead.`,
      { field },
    );
  }
}

export function nowIso(): string {
  return new Date().toISOString();
}
