import type { LocalService } from '../../tools/local-services';

/**
 * What global setup started, for global teardown. Both run in jest's main process, so globalThis
 * is shared between them (unlike module state, which jest may load twice).
 */
export interface HarnessState {
  services: LocalService[];
  tempDirs: string[];
}

const KEY = Symbol.for('skein.test.harness');

export function harnessState(): HarnessState {
  const g = globalThis as unknown as Record<symbol, HarnessState | undefined>;
  return (g[KEY] ??= { services: [], tempDirs: [] });
}
