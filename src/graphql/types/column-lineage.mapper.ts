/**
 * The column lineage service's record -> the GraphQL answer. Each column becomes one ColumnRef
 * value, shared by the edges that meet at it; readable artifacts become their artifact views,
 * hidden ones a RestrictedNode.
 */
import type { ColumnLineageRecord, ColumnNode } from '../../domain/column-lineage';
import { toArtifact } from './artifact.type';
import type { ColumnLineage, ColumnRef } from './column-lineage.type';
import { RestrictedNode } from './lineage.type';

function toColumnRef(n: ColumnNode): ColumnRef {
  if (n.type === 'Artifact') return { id: n.id, artifact: toArtifact(n.artifact), column: n.column };
  const artifact = Object.assign(new RestrictedNode(), {
    __typename: 'RestrictedNode',
    id: n.artifactId,
    nodeType: 'ARTIFACT' as const,
    kind: n.kind,
    restricted: true,
  });
  return { id: n.id, artifact, column: null };
}

export function toColumnLineage(l: ColumnLineageRecord): ColumnLineage {
  const refs = new Map<string, ColumnRef>();
  const ref = (n: ColumnNode) => {
    let made = refs.get(n.id);
    if (!made) refs.set(n.id, (made = toColumnRef(n)));
    return made;
  };
  return {
    root: ref(l.root),
    direction: l.direction,
    depth: l.depth,
    maxNodes: l.maxNodes,
    columns: l.nodes.map(ref),
    edges: l.edges.map((e) => ({
      from: ref(e.from),
      to: ref(e.to),
      transformations: e.transformations,
      depth: e.depth,
    })),
    truncated: l.truncated,
  };
}
