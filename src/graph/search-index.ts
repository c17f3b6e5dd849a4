import { createHash } from 'node:crypto';
import type { Logger } from '../logger';
import type { GraphExecutor } from './executor';
import { propName, quotedPropName } from './props';
import type { SearchKey } from './run-filter.cypher';
import * as Q from './search-index.cypher';

/**
 * Search indexes are made on demand: the first search that names a key (outside any NOT, or as its
 * order) and finds runs holding it asks for a (workspace, key) index, and Neo4j builds it in the
 * background while searches go on without it. Indexing every key ever written would slow every run
 * write for keys nobody searches; indexing what is searched costs writes only for those keys (a run
 * without the key has no entry in its index).
 *
 * What exists is read from Neo4j once per process and then remembered here, so a search asks
 * nothing extra once its keys are known. Creation is idempotent (IF NOT EXISTS under a name derived
 * from the key), so instances that ask at once make one index. At most `limit` indexes are made
 * (SKEIN_SEARCH_INDEXES); keys beyond it are still searched, by scanning their workspace.
 */

/** SKEIN_SEARCH_INDEXES's default: far more keys than a team searches, far fewer than Neo4j allows. */
export const DEFAULT_SEARCH_INDEX_LIMIT = 200;

export interface SearchIndexOptions {
  /** The most search indexes Skein makes (existing ones count). */
  limit: number;
}

let log: Pick<Logger, 'info' | 'warn'> | null = null;
let known: Promise<Set<string>> | null = null;
let warnedFull = false;

/** Where index creation reports (the server's logger); silent until set. */
export function setSearchIndexLog(logger: Pick<Logger, 'info' | 'warn'>): void {
  log = logger;
}

/** The index's name: the prefix and a digest of the property, which may hold any character. */
export function searchIndexName(prop: string): string {
  return Q.SEARCH_INDEX_PREFIX + createHash('sha256').update(prop).digest('hex').slice(0, 24);
}

/**
 * Asks for the indexes `keys` lack. Resolves once each missing one has been asked for (not built:
 * Neo4j builds it in the background); never rejects, since a search is right without its index.
 */
export async function ensureSearchIndexes(
  graph: GraphExecutor,
  keys: ReadonlyArray<Pick<SearchKey, 'kind' | 'key'>>,
  options: SearchIndexOptions,
): Promise<void> {
  if (keys.length === 0) return;
  try {
    const have = await existing(graph);
    for (const { kind, key } of keys) {
      const prop = propName(kind, key);
      const quoted = quotedPropName(kind, key);
      if (have.has(prop) || !quoted) continue;
      if (have.size >= options.limit) {
        warnFull(options.limit);
        return;
      }
      have.add(prop); // before the await: a concurrent search must not ask again
      await create(graph, prop, quoted, have);
    }
  } catch (err) {
    log?.warn({ err }, 'could not read the search indexes; searches go on without new ones');
    known = null; // read them again next time
  }
}

/** Forgets what was read, so the next search reads the indexes again (tests that drop them). */
export function forgetSearchIndexes(): void {
  known = null;
  warnedFull = false;
}

function existing(graph: GraphExecutor): Promise<Set<string>> {
  known ??= graph
    .unslotted()
    .read((tx) => tx.run<{ prop: string }>(Q.SEARCH_INDEXES))
    .then((rows) => new Set(rows.map((r) => r.prop)));
  return known;
}

async function create(graph: GraphExecutor, prop: string, quoted: string, have: Set<string>): Promise<void> {
  const name = searchIndexName(prop);
  try {
    // Unslotted: outside the request's write hook (an index is not the caller's change to audit).
    await graph.unslotted().write((tx) => tx.run(Q.createSearchIndex(name, quoted)), { oneStatement: true });
    log?.info({ index: name, property: prop }, 'search index requested');
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    // Another instance made an equivalent one under our feet: the key is indexed all the same.
    if (code.includes('EquivalentSchemaRuleAlreadyExists') || code.includes('IndexAlreadyExists')) return;
    have.delete(prop); // ask again on a later search
    log?.warn({ err, property: prop }, 'could not create a search index; the key is searched without one');
  }
}

function warnFull(limit: number): void {
  if (warnedFull) return;
  warnedFull = true;
  log?.warn({ limit }, 'search index limit reached (SKEIN_SEARCH_INDEXES); further keys are searched without one');
}
