/**
 * The search indexes: one composite range index per searched param, result or label key, on
 * (workspace, `<key>`), so a search within a workspace seeks the key's values in order instead of
 * reading every run (run-filter.cypher.ts). Their names share a prefix so Skein finds its own.
 */
export const SEARCH_INDEX_PREFIX = 'run_search_';

/** `quotedProp` comes from props.ts quotedPropName, which writes only keys it can quote safely. */
export function createSearchIndex(name: string, quotedProp: string): string {
  return `CREATE RANGE INDEX ${name} IF NOT EXISTS FOR (r:Run) ON (r.workspace, r.${quotedProp})`;
}

/**
 * The keys that have a (workspace, key) range index on runs, whatever its name: Neo4j makes no
 * second index equivalent to one an operator made under a name of their own (IF NOT EXISTS then
 * quietly does nothing), so Skein must recognise theirs as its own.
 */
export const SEARCH_INDEXES = `
SHOW RANGE INDEXES YIELD entityType, labelsOrTypes, properties
WHERE entityType = 'NODE' AND labelsOrTypes = ['Run'] AND size(properties) = 2 AND properties[0] = 'workspace'
RETURN properties[1] AS prop`;
