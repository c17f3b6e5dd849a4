import DataLoader from 'dataloader';
import type { Page, PageRequest } from '../../services/pagination';

/**
 * A DataLoader for "a page of children per parent" (a run's executions, an execution's inputs).
 * Keys asking for the same window (first/after) share one query for all their parents, so a
 * nested list costs one round trip per level, not one per parent.
 */
export interface PagedKey extends PageRequest {
  parent: string;
}

export function pagedLoader<T>(
  fetch: (parents: readonly string[], page: PageRequest) => Promise<Map<string, Page<T>>>,
): DataLoader<PagedKey, Page<T>, string> {
  return new DataLoader<PagedKey, Page<T>, string>(
    async (keys) => {
      const byWindow = new Map<string, PagedKey[]>();
      for (const k of keys) {
        const w = windowKey(k);
        const group = byWindow.get(w);
        if (group) group.push(k);
        else byWindow.set(w, [k]);
      }
      const answers = new Map<string, Page<T>>();
      await Promise.all(
        [...byWindow.values()].map(async (group) => {
          const pages = await fetch(
            group.map((k) => k.parent),
            group[0]!,
          );
          for (const k of group) answers.set(cacheKey(k), pages.get(k.parent)!);
        }),
      );
      return keys.map((k) => answers.get(cacheKey(k))!);
    },
    { cacheKeyFn: cacheKey },
  );
}

const windowKey = (k: PageRequest) => `${k.first ?? ''}|${k.after ?? ''}`;
const cacheKey = (k: PagedKey) => `${k.parent}|${windowKey(k)}`;

/** A by-key loader over a `getMany(keys)` that answers in key order with null for missing keys. */
export function byKeyLoader<T>(
  getMany: (keys: readonly string[]) => Promise<Array<T | null>>,
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>((keys) => getMany(keys));
}
