import { parseRun } from './run.repository';
import { toGlobalId } from '../domain/global-id';
import type {
  ImpactRecord,
  LineageRecord,
  LineageEdgeRecord,
  LineageNode,
  LineagePathRecord,
  ProvenanceRecord,
} from '../domain/lineage';
import type { RawEdge, RawImpact, RawPath, RawProvenance, RawSubgraph } from './lineage.repository';
import type { RawNode } from './lineage.rows';

/**
 * Pure functions from repository rows to answers: dedupe, cap, depth in steps, ids, redaction.
 * Redaction happens twice on purpose: Cypher never sends a restricted node's properties, and here
 * its uid is swapped for a token that means nothing outside this one answer.
 */

/** Distance in events -> depth in steps (an execution sits half a step from its artifacts). */
export const stepsOf = (hops: number) => Math.ceil(hops / 2);

/**
 * Ids for one answer: global ids for readable nodes, `restricted:<n>` tokens for the others.
 * Each is made once per node (edges name their ends by the same ids).
 */
export class NodeIds {
  private readonly ids = new Map<string, string>();
  private restricted = 0;

  of(n: RawNode): string {
    let id = this.ids.get(n.uid);
    if (id === undefined) {
      id = n.type === 'Restricted' ? `restricted:${++this.restricted}` : toGlobalId(n.type, n.uid);
      this.ids.set(n.uid, id);
    }
    return id;
  }
}

export function toLineageNode(n: RawNode, ids: NodeIds, depth = stepsOf(n.hops)): LineageNode {
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
function toEdges(edges: RawEdge[], nodes: Map<string, RawNode>, ids: NodeIds): LineageEdgeRecord[] {
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
function nearestByUid(nodes: RawNode[]): Map<string, RawNode> {
  const byUid = new Map<string, RawNode>();
  for (const n of nodes) {
    const seen = byUid.get(n.uid);
    if (!seen || n.hops < seen.hops) byUid.set(n.uid, n);
  }
  return byUid;
}

export interface Cut<T> {
  kept: T[];
  truncated: boolean;
  /** The distance (events) of the first node left out. */
  cutAtHops: number | null;
}

/** Nearest first (stable: breadth-first order within a level), at most `cap`. */
export function capNearest(nodes: RawNode[], cap: number): Cut<RawNode> {
  const sorted = nodes.sort((a, b) => a.hops - b.hops);
  const truncated = sorted.length > cap;
  return {
    kept: truncated ? sorted.slice(0, cap) : sorted,
    truncated,
    cutAtHops: truncated ? sorted[cap]!.hops : null,
  };
}

export interface LineageFrame {
  startUid: string;
  direction: LineageRecord['direction'];
  depth: number;
  maxNodes: number;
  asOf: string | null;
}

/** Null when the start node was not found. */
export function assembleLineage(raw: RawSubgraph, frame: LineageFrame): LineageRecord | null {
  const byUid = nearestByUid(raw.nodes);
  const start = byUid.get(frame.startUid);
  if (!start) return null;
  byUid.delete(frame.startUid);
  const cut = capNearest([...byUid.values()], frame.maxNodes);
  const kept = new Map<string, RawNode>([[start.uid, start]]);
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
    edges: toEdges(raw.edges, kept, ids),
    truncated: cut.truncated,
    truncatedAtDepth: cut.cutAtHops === null ? null : stepsOf(cut.cutAtHops),
  };
}

/** Null when no chain links the two; nodes run from `from` to `to` whichever way events flow. */
export function assemblePath(raw: RawPath): LineagePathRecord | null {
  if (!raw.direction) return null;
  const chain = raw.direction === 'DOWNSTREAM' ? raw.nodes : [...raw.nodes].reverse();
  const ids = new NodeIds();
  const nodes = chain.map((n, i) => toLineageNode(n, ids, stepsOf(i)));
  const edges = toEdges(raw.edges, new Map(chain.map((n) => [n.uid, n])), ids);
  return {
    direction: raw.direction,
    length: raw.edges.length,
    nodes,
    edges: raw.direction === 'DOWNSTREAM' ? edges : edges.reverse(),
  };
}

/** Readable, and already there at `asOf`. */
export function isVisible(n: RawNode, asOf: string | null): boolean {
  return n.type !== 'Restricted' && (asOf === null || n.record.createdAt <= asOf);
}

const cutDepth = (hops: number | null) => (hops === null ? null : stepsOf(hops));

export function assembleImpact(raw: RawImpact, maxNodes: number): ImpactRecord {
  return {
    root: toLineageNode(raw.root, new NodeIds()),
    groups: raw.groups.map((g) => ({
      kind: g.kind,
      count: g.total,
      restricted: g.restricted,
      artifacts: g.artifacts.flatMap((a) => (a.type === 'Artifact' ? [a.record] : [])),
    })),
    executions: raw.executions,
    restrictedExecutions: raw.restrictedExecutions,
    runs: raw.runs.map((r) => parseRun(r)),
    restrictedRuns: raw.restrictedRuns,
    workspaces: raw.workspaces,
    restrictedWorkspaces: raw.restrictedWorkspaces,
    maxNodes,
    truncated: raw.truncated,
    truncatedAtDepth: cutDepth(raw.cutAt),
  };
}

export function assembleProvenance(raw: RawProvenance, maxNodes: number): ProvenanceRecord {
  return {
    root: toLineageNode(raw.root, new NodeIds()),
    artifacts: raw.artifacts.flatMap((a) =>
      a.type === 'Artifact' ? [{ artifact: a.record, depth: stepsOf(a.hops), isSource: a.source === true }] : [],
    ),
    executions: raw.executions.flatMap((e) =>
      e.type === 'Execution' ? [{ execution: e.record, depth: stepsOf(e.hops) }] : [],
    ),
    runs: raw.runs.map((r) => parseRun(r)),
    restricted: raw.restricted,
    maxNodes,
    truncated: raw.truncated,
    truncatedAtDepth: cutDepth(raw.cutAt),
  };
}
