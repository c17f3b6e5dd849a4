import { stringify } from 'safe-stable-stringify';
import type { GraphExecutor } from '../../src/graph/executor';

/**
 * Everything stored for the workspaces whose names start with `prefix`: their nodes (workspace,
 * runs, executions, artifact keys, artifacts, metric chunks) with labels and properties, and every
 * relationship touching them, each as one stable string. Two snapshots are equal when nothing of
 * those workspaces was written in between.
 */
export async function snapshotWorkspaces(graph: GraphExecutor, prefix: string): Promise<string[]> {
  const rows = await graph.read((tx) => tx.run<Record<string, unknown>>(SNAPSHOT, { prefix }));
  // A node's relationships come in no set order; sorted, the snapshot is the same string each time.
  return rows.map((r) => stringify({ ...r, rels: (r.rels as unknown[]).map((x) => stringify(x)!).sort() })!).sort();
}

// Each node set is found through an index or from its run: the workspace name, then the
// `workspace` property (runs, artifacts, artifact keys: each index is composite, and the planner
// seeks it only when the second property is constrained too, hence IS NOT NULL), then executions
// and metric chunks by run.
const SNAPSHOT = `
MATCH (w:Workspace) WHERE w.name STARTS WITH $prefix
WITH collect(w) AS workspaces, collect(w.name) AS names
CALL (names) {
  MATCH (n:Run) WHERE n.workspace IN names AND n.uid IS NOT NULL RETURN n
  UNION MATCH (n:Artifact) WHERE n.workspace IN names AND n.kind IS NOT NULL RETURN n
  UNION MATCH (n:ArtifactKey) WHERE n.workspace IN names AND n.key IS NOT NULL RETURN n
}
WITH workspaces, collect(n) AS owned
WITH workspaces, owned, [n IN owned WHERE n:Run] AS runs
CALL (runs) {
  UNWIND runs AS r
  MATCH (x)-[:IN_RUN|OF_RUN]->(r)
  RETURN collect(x) AS children
}
UNWIND workspaces + owned + children AS n
OPTIONAL MATCH (n)-[r]-()
WITH n, collect(DISTINCT r) AS rels
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props,
       [r IN rels | [type(r), elementId(startNode(r)), elementId(endNode(r)), properties(r)]] AS rels
`;
