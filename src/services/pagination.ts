import { badInput } from '../errors';

/**
 * Cursor pagination (keyset, never offsets: a page deep in a walk costs what the first costs).
 * A cursor is the sort key of the last row seen, opaque to clients.
 */

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export interface PageRequest {
  first?: number | null;
  after?: string | null;
}

/** What a repository needs: how many rows (one extra tells whether there is a next page) and where to start. */
export interface PageWindow<K> {
  limit: number;
  after: K | null;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  endCursor: string | null;
  /**
   * The cursor of the item at `index`, made when asked for: most readers take only `endCursor`,
   * and encoding 1,000 cursors nobody reads is work on every large page.
   */
  cursorAt(index: number): string;
}

export function pageWindow<K>(req: PageRequest, decode: (raw: unknown) => K = (raw) => raw as K): PageWindow<K> {
  const first = req.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput(`"first" must be a whole number from 1 to ${MAX_PAGE_SIZE}; got ${first}.`, { field: 'first' });
  }
  return { limit: first + 1, after: req.after ? decode(decodeCursor(req.after)) : null };
}

/** Turns limit+1 rows into a page; `keyOf` gives the sort key a cursor must resume after. */
export function toPage<T>(rows: T[], window: PageWindow<unknown>, keyOf: (row: T) => unknown): Page<T> {
  const items = rows.slice(0, window.limit - 1);
  const cursorAt = (index: number) => encodeCursor(keyOf(items[index]!));
  const endCursor = items.length > 0 ? cursorAt(items.length - 1) : null;
  return { items, hasNextPage: rows.length >= window.limit, endCursor, cursorAt };
}

export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput('That "after" cursor is not one this server handed out; start again without it.', {
      field: 'after',
    });
  }
}

/** A cursor whose key is one string: a uid (creation order) or a name. */
export function stringKey(raw: unknown): string {
  if (typeof raw !== 'string') throw badInput('That "after" cursor does not belong to this list.', { field: 'after' });
  return raw;
}
