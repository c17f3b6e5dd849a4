import type { GraphExecutor } from './executor';
import { ALL_FIELDS, LINEAGE_LIMITS, MAX_DEPTH, NODE_LABELS, type NodeLabel } from '../domain/lineage';
import { lineageRepository as repo } from './lineage.repository';

/**
 * Plans the lineage queries of the usual shapes, and walks from a few real nodes, before /readyz
 * says ready: a restarted Neo4j answers 5-10x slower for its first minute, most of it planning
 * and a cold page cache. The shapes: both start labels, both directions, the depths clients use
 * most (1 for `artifact { upstream }`, the default, 10), plus paths, impact and provenance.
 */
const STARTS = `
MATCH (a:Artifact) WITH a LIMIT 5 RETURN 'Artifact' AS label, a.uid AS uid
UNION ALL
MATCH (e:Execution) WITH e LIMIT 5 RETURN 'Execution' AS label, e.uid AS uid`;

const DEPTHS = [1, LINEAGE_LIMITS.defaultDepth, 10];
const scope = { asOf: null, readable: null, fields: ALL_FIELDS };
const CAP = 100;

export async function warmLineage(graph: GraphExecutor): Promise<void> {
  const starts = await graph.read((tx) => tx.run<{ label: NodeLabel; uid: string }>(STARTS));
  await graph.read(async (tx) => {
    for (const label of NODE_LABELS) {
      // A uid that matches nothing still gets the query planned on an empty database.
      const uids = [...starts.filter((s) => s.label === label).map((s) => s.uid), ''];
      for (const direction of ['UPSTREAM', 'DOWNSTREAM'] as const)
        for (const depth of DEPTHS) {
          const frame = { direction, depth, maxNodes: CAP, asOf: null };
          await repo.traverse(tx, { label, uids, frame, criteria: null, readable: null, fields: ALL_FIELDS });
        }
    }
    const [a = '', b = ''] = starts.filter((s) => s.label === 'Artifact').map((s) => s.uid);
    await repo.path(tx, { from: { label: 'Artifact', uid: a }, to: { label: 'Artifact', uid: b } }, scope);
    await repo.impact(tx, { label: 'Artifact', uid: a, cap: CAP, perKind: 10 }, scope);
    await repo.provenance(tx, { label: 'Artifact', uid: a, depth: MAX_DEPTH, cap: CAP }, scope);
  });
}
