import type { GraphExecutor } from '../../src/graph/executor';

/**
 * Column lineage as OpenLineage ingest stores it, written with raw Cypher between artifact
 * versions made through the API: `(out)-[:COLUMN_FROM {column, field, transformations}]->(in)`,
 * `out`'s column `column` made from `in`'s column `field`. (Until ingest writes them itself, this
 * is how the columnLineage query's tests get a graph; it also makes shapes ingest would not, such
 * as a cycle.)
 */
export interface ColumnLink {
  /** The uid of the version whose column was made. */
  out: string;
  column: string;
  /** The uid of the version it was made from. */
  in: string;
  field: string;
  transformations?: Array<{ type: string; subtype?: string; description?: string; masking?: boolean }>;
}

export async function seedColumnLineage(graph: GraphExecutor, links: readonly ColumnLink[]): Promise<void> {
  const rows = links.map((l) => ({ ...l, transformations: JSON.stringify(l.transformations ?? []) }));
  const made = await graph.write((tx) =>
    tx.run<{ made: number }>(
      `UNWIND $rows AS l
       MATCH (o:Artifact {uid: l.out}), (i:Artifact {uid: l.in})
       CREATE (o)-[:COLUMN_FROM {column: l.column, field: l.field, transformations: l.transformations}]->(i)
       RETURN count(*) AS made`,
      { rows },
    ),
  );
  const count = Number(made[0]?.made ?? 0);
  if (count !== links.length) throw new Error(`seedColumnLineage: made ${count} of ${links.length} links`);
}

/** A direct copy, and a few other transformations tests name. */
export const IDENTITY = { type: 'DIRECT', subtype: 'IDENTITY', description: 'copied', masking: false };
export const AGGREGATION = { type: 'DIRECT', subtype: 'AGGREGATION', description: 'sum(y)', masking: false };
export const FILTER = { type: 'INDIRECT', subtype: 'FILTER', description: 'WHERE z > 0' };
