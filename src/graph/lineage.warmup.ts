import type { GraphExecutor } from './executor';
import { MAX_HOPS, type NodeLabel } from './lineage.cypher';
import { ALL_FIELDS, LINEAGE_LIMITS } from '../domain/lineage';
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

export async function warmLineage(graph: GraphExecutor): Promise<void> {
  const starts = await graph.read((tx) => tx.run<{ label: NodeLabel; uid: string }>(STARTS));
  await graph.read(async (tx) => {
    for (const label of ['Artifact', 'Execution'] as const) {
      // A uid that matches nothing still gets the query planned on an empty database.
      const uids = [...starts.filter((s) => s.label === label).map((s) => s.uid), ''];
      for (const directions of [['UPSTREAM'], ['DOWNSTREAM']] as const)
        for (const depth of DEPTHS)
          await repo.traverse(tx, { label, uids, directions, hops: 2 * depth, limit: 102, filter: null, ...scope });
    }
    const [a = '', b = ''] = starts.filter((s) => s.label === 'Artifact').map((s) => s.uid);
    await repo.path(
      tx,
      { from: { label: 'Artifact', uid: a }, to: { label: 'Artifact', uid: b }, hops: MAX_HOPS },
      scope,
    );
    await repo.impact(tx, { label: 'Artifact', uid: a, cap: 100, perKind: 10 }, scope);
    await repo.provenance(tx, { label: 'Artifact', uid: a, hops: MAX_HOPS, cap: 100 }, scope);
  });
}
