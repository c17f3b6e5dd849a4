import type { GraphExecutor } from './executor';
import { warmLineage } from './lineage.warmup';

/**
 * Neo4j answers 5–10x slower for the first minute after a restart (cold page cache, unplanned
 * queries). Touch the indexes and plan the hot queries before /readyz says ready.
 */
const WARMUP_QUERIES = [
  'MATCH (a:Artifact) WITH a LIMIT 10000 RETURN count(a) AS n',
  'MATCH (r:Run) WITH r LIMIT 10000 RETURN count(r) AS n',
  'MATCH (e:Execution) WITH e LIMIT 10000 RETURN count(e) AS n',
  'MATCH ()-[e:INPUT|OUTPUT]->() WITH e LIMIT 10000 RETURN count(e) AS n',
];

export async function warmUp(graph: GraphExecutor, extra: readonly string[] = []): Promise<void> {
  for (const q of [...WARMUP_QUERIES, ...extra]) await graph.read((tx) => tx.run(q));
  await warmLineage(graph);
}
