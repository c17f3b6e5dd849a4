import type { Services } from '../services';

/**
 * DataLoaders, made anew for every request (their caches must never serve one caller's data to
 * another, nor outlive a write). Each batches by uid and answers in key order.
 */
export function createLoaders(_services: Services) {
  return {};
}

export type Loaders = ReturnType<typeof createLoaders>;
