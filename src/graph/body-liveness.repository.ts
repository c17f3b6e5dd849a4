import type { GraphExecutor } from './executor';

/**
 * Which stored objects the graph still wants. A signed upload URL outlives the upload it was made
 * for: after abortUpload (or the TTL sweep) its Body node is gone, and a PUT to the URL would
 * store an object nothing refers to. The local store refuses such a PUT; S3 cannot, so the
 * orphan sweep deletes objects no Body names.
 */

/** True when a PENDING or AVAILABLE artifact holds the body: an upload to it is still wanted. */
const WANTED = `
OPTIONAL MATCH (b:Body {store: $store, key: $key})
RETURN b IS NOT NULL AND EXISTS {
  MATCH (b)<-[:HAS_BODY]-(a:Artifact) WHERE a.state IN ['PENDING', 'AVAILABLE']
} AS wanted`;

/** The keys among `keys` that no Body node of the store names. */
const UNKNOWN = `
UNWIND $keys AS key
OPTIONAL MATCH (b:Body {store: $store, key: key})
WITH key, b WHERE b IS NULL
RETURN key`;

export const bodyLiveness = {
  async isWanted(graph: GraphExecutor, store: string, key: string): Promise<boolean> {
    const [row] = await graph.read((tx) => tx.run<{ wanted: boolean }>(WANTED, { store, key }));
    return row?.wanted === true;
  },

  async unknownKeys(graph: GraphExecutor, store: string, keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await graph.read((tx) => tx.run<{ key: string }>(UNKNOWN, { store, keys }));
    return rows.map((r) => r.key);
  },
};
