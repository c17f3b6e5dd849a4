import { toGlobalId } from '../domain/global-id';
import { restrictedId } from '../domain/restricted-id';
import type {
  FoundEvent,
  FoundImpact,
  FoundNode,
  FoundPath,
  FoundProvenance,
  FoundSubgraph,
  ImpactRecord,
  LineageRecord,
  LineageEdgeRecord,
  LineageFrame,
  LineageNode,
  LineagePathRecord,
  ProvenanceRecord,
} from '../domain/lineage';

/**
 * Pure functions from what the lineage queries found to answers: dedupe, cap, depth in steps, ids,
 * redaction. Redaction happens twice on purpose: Cypher never sends a restricted node's properties,
 * and here its uid is swapped for an opaque digest (src/domain/restricted-id.ts).
 */

/** Distance in events -> depth in steps (an execution sits half a step from its artifacts). */
export const stepsOf = (hops: number) => Math.ceil(hops / 2);

/**
 * Ids for one answer: global ids for readable nodes, stable opaque digests for the others. Each is
 * made once per node (edges name their ends by the same ids).
 */
class NodeIds {
  private readonly ids = new Map<string, string>();

  of(n: FoundNode): string {
    let id = this.ids.get(n.uid);
    if (id === undefined) {
      id = n.type === 'Restricted' ? restrictedId(n.uid) : toGlobalId(n.type, n.uid);
      this.ids.set(n.uid, id);
    }
    return id;
  }
}

function toLineageNode(n: FoundNode, ids: NodeIds, depth = stepsOf(n.hops)): LineageNode {
  const id = ids.of(n);
  switch (n.type) {
    case 'Artifact':
      return { type: 'Artifact', id, depth, artifact: n.record };
    case 'Execution':
      return { type: 'Execution', id, depth, execution: n.record };
    default:
      return { type: 'Restricted', id, depth, nodeType: n.nodeType, kind: n.kind };
  }
}

/** Events whose both ends are in `nodes`, with ids for ends; a path is hidden when an end is restricted. */
function toEdges(edges: FoundEvent[], nodes: Map<string, FoundNode>, ids: NodeIds): LineageEdgeRecord[] {
  const out: LineageEdgeRecord[] = [];
  for (const [type, fromUid, toUid, at, path] of edges) {
    const from = nodes.get(fromUid);
    const to = nodes.get(toUid);
    if (!from || !to) continue;
    const hidden = from.type === 'Restricted' || to.type === 'Restricted';
    out.push({ type, from: ids.of(from), to: ids.of(to), at, path: hidden ? null : (path ?? null) });
  }
  return out;
}

/** One node per uid, at its smallest distance (both directions, or a cycle, can find one twice). */
function nearestByUid(nodes: FoundNode[]): Map<string, FoundNode> {
  const byUid = new Map<string, FoundNode>();
  for (const n of nodes) {
    const seen = byUid.get(n.uid);
    if (!seen || n.hops < seen.hops) byUid.set(n.uid, n);
  }
  return byUid;
}

interface Cut<T> {
  kept: T[];
  truncated: boolean;
  /** The distance (events) of the first node left out. */
  cutAtHops: number | null;
}

/** Nearest first (stable: breadth-first order within a level), at most `cap`. */
export function capNearest(nodes: FoundNode[], cap: number): Cut<FoundNode> {
  const sorted = nodes.sort((a, b) => a.hops - b.hops);
  const truncated = sorted.length > cap;
  return {
    kept: truncated ? sorted.slice(0, cap) : sorted,
    truncated,
    cutAtHops: truncated ? sorted[cap]!.hops : null,
  };
}

/** Null when the start node was not found, or the caller may not see it (see `isVisible`). */
export function assembleLineage(
  found: FoundSubgraph,
  frame: LineageFrame & { startUid: string },
): LineageRecord | null {
  const byUid = nearestByUid(found.nodes);
  const start = byUid.get(frame.startUid);
  if (!start || !isVisible(start, frame.asOf)) return null;
  byUid.delete(frame.startUid);
  const cut = capNearest([...byUid.values()], frame.maxNodes);
  const kept = new Map<string, FoundNode>([[start.uid, start]]);
  for (const n of cut.kept) kept.set(n.uid, n);
  const ids = new NodeIds();
  const nodes = [start, ...cut.kept].map((n) => toLineageNode(n, ids));
  return {
    root: nodes[0]!,
    direction: frame.direction,
    depth: frame.depth,
    maxNodes: frame.maxNodes,
    asOf: frame.asOf,
    nodes,
    edges: toEdges(found.edges, kept, ids),
    truncated: cut.truncated,
    truncatedAtDepth: cut.cutAtHops === null ? null : stepsOf(cut.cutAtHops),
  };
}

/** Null when no chain links the two; nodes run from `from` to `to` whichever way events flow. */
export function assemblePath(found: FoundPath): LineagePathRecord | null {
  if (!found.direction) return null;
  const chain = found.direction === 'DOWNSTREAM' ? found.nodes : [...found.nodes].reverse();
  const ids = new NodeIds();
  const nodes = chain.map((n, i) => toLineageNode(n, ids, stepsOf(i)));
  const edges = toEdges(found.edges, new Map(chain.map((n) => [n.uid, n])), ids);
  return {
    direction: found.direction,
    length: found.edges.length,
    nodes,
    edges: found.direction === 'DOWNSTREAM' ? edges : edges.reverse(),
  };
}

/** Readable, and already there at `asOf`: what a start node must be to have an answer. */
export function isVisible(n: FoundNode, asOf: string | null): boolean {
  return n.type !== 'Restricted' && (asOf === null || n.record.createdAt <= asOf);
}

const cutDepth = (hops: number | null) => (hops === null ? null : stepsOf(hops));

export function assembleImpact(found: FoundImpact, maxNodes: number): ImpactRecord {
  return {
    root: toLineageNode(found.root, new NodeIds()),
    groups: found.groups.map((g) => ({
      kind: g.kind,
      count: g.total,
      restricted: g.restricted,
      artifacts: g.artifacts.flatMap((a) => (a.type === 'Artifact' ? [a.record] : [])),
    })),
    executions: found.executions,
    restrictedExecutions: found.restrictedExecutions,
    runs: found.runs,
    restrictedRuns: found.restrictedRuns,
    workspaces: found.workspaces,
    restrictedWorkspaces: found.restrictedWorkspaces,
    maxNodes,
    truncated: found.truncated,
    truncatedAtDepth: cutDepth(found.cutAt),
  };
}

export function assembleProvenance(found: FoundProvenance, maxNodes: number): ProvenanceRecord {
  return {
    root: toLineageNode(found.root, new NodeIds()),
    artifacts: found.artifacts.flatMap((a) =>
      a.type === 'Artifact' ? [{ artifact: a.record, depth: stepsOf(a.hops), isSource: a.source === true }] : [],
    ),
    executions: found.executions.flatMap((e) =>
      e.type === 'Execution' ? [{ execution: e.record, depth: stepsOf(e.hops) }] : [],
    ),
    runs: found.runs,
    restricted: found.restricted,
    maxNodes,
    truncated: found.truncated,
    truncatedAtDepth: cutDepth(found.cutAt),
  };
}
