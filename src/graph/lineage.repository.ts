import { int, type Tx } from './executor';
import * as Q from './lineage.cypher';
import { toFoundNode, type NodeTuple } from './lineage.rows';
import { parseRun, type RunRow } from './run.repository';
import type {
  FoundEvent,
  FoundImpact,
  FoundImpactGroup,
  FoundPath,
  FoundProvenance,
  FoundSubgraph,
  LineageCriteria,
  LineageDirection,
  LineageFrame,
  NodeFields,
  NodeLabel,
  NodeRef,
  WalkDirection,
} from '../domain/lineage';

/**
 * Runs the lineage queries and hands back what they found, parsed once here: nodes as records (or
 * placeholders), distances in events, events as they arrive (FoundEvent). One query per call,
 * whatever the size. The service asks in the domain's terms (depth in steps, caps in nodes,
 * criteria); the query's shape and parameters are made here.
 */

/** One checked lineage question, asked of many start nodes of one label. */
interface TraversalRequest {
  label: NodeLabel;
  uids: readonly string[];
  readable: string[] | null;
  frame: LineageFrame;
  criteria: LineageCriteria | null;
  fields: NodeFields;
}

/** Who asks and as of when, for the single-start queries. */
interface Scope {
  asOf: string | null;
  readable: string[] | null;
  fields: NodeFields;
}

interface PathRow {
  from: NodeTuple;
  to: NodeTuple;
  direction: WalkDirection | null;
  nodes: NodeTuple[];
  edges: FoundEvent[];
}

type ImpactRow = Omit<FoundImpact, 'root' | 'groups' | 'runs'> & {
  root: NodeTuple;
  groups: Array<Omit<FoundImpactGroup, 'artifacts'> & { artifacts: NodeTuple[] }>;
  runs: RunRow[];
};

type ProvenanceMeta = Pick<FoundProvenance, 'truncated' | 'cutAt' | 'restricted'> & { root: NodeTuple };

interface ChunkRow {
  key: string;
  part: string;
  items: unknown[];
}

const scopeParams = (s: Scope) => ({ asOf: s.asOf, readable: s.readable, ...Q.nodeFieldParams(s.fields) });

const WALKS: Record<LineageDirection, readonly WalkDirection[]> = {
  UPSTREAM: ['UPSTREAM'],
  DOWNSTREAM: ['DOWNSTREAM'],
  BOTH: ['UPSTREAM', 'DOWNSTREAM'],
};

/**
 * The rows a capped walk asks for: the start node plus one more than the cap (per direction), so
 * the extra one says "truncated" and where.
 */
const walkLimit = (cap: number) => cap + 2;

/** The traversal a question makes: which ways, how far in events, rows per way, and its node filter. */
export function planTraversal(q: { frame: LineageFrame; criteria: LineageCriteria | null }) {
  return {
    directions: WALKS[q.frame.direction],
    hops: Q.hopsOf(q.frame.depth),
    limit: walkLimit(q.frame.maxNodes),
    /** Null keeps the query's unfiltered (cheaper) shape. */
    filter: q.criteria,
  };
}

/** Reassembles the chunked records of one query: per key, per part, the items in order. */
function gather(rows: ChunkRow[]): Map<string, Map<string, unknown[]>> {
  const out = new Map<string, Map<string, unknown[]>>();
  for (const row of rows) {
    let parts = out.get(row.key);
    if (!parts) out.set(row.key, (parts = new Map()));
    const list = parts.get(row.part);
    if (list) for (const item of row.items) list.push(item);
    else parts.set(row.part, [...row.items]);
  }
  return out;
}

export const lineageRepository = {
  /** One query for all start nodes of one label; start nodes that do not exist are absent. */
  async traverse(tx: Tx, req: TraversalRequest): Promise<Map<string, FoundSubgraph>> {
    const { directions, hops, limit, filter } = planTraversal(req);
    const { asOf } = req.frame;
    const query = Q.traversalQuery({
      label: req.label,
      directions,
      hops,
      asOf: asOf !== null,
      filtered: filter !== null,
    });
    const rows = await tx.run<ChunkRow>(query, {
      uids: req.uids,
      limit: int(limit),
      asOf,
      readable: req.readable,
      ...Q.nodeFieldParams(req.fields),
      ...Q.nodeFilterParams(filter),
    });
    const out = new Map<string, FoundSubgraph>();
    for (const [uid, parts] of gather(rows)) {
      out.set(uid, {
        nodes: ((parts.get('nodes') ?? []) as NodeTuple[]).map(toFoundNode),
        edges: (parts.get('edges') ?? []) as FoundEvent[],
      });
    }
    return out;
  },

  /**
   * Null when either end does not exist; `direction` null when no chain links them within the
   * deepest walk.
   */
  async path(tx: Tx, req: { from: NodeRef; to: NodeRef }, scope: Scope): Promise<FoundPath | null> {
    const query = Q.pathQuery(req.from.label, req.to.label, Q.MAX_HOPS, scope.asOf !== null);
    const rows = await tx.run<PathRow>(query, { from: req.from.uid, to: req.to.uid, ...scopeParams(scope) });
    const row = rows[0];
    if (!row) return null;
    return {
      from: toFoundNode(row.from),
      to: toFoundNode(row.to),
      direction: row.direction,
      nodes: row.nodes.map(toFoundNode),
      edges: row.edges,
    };
  },

  /** Null when the start node does not exist. */
  async impact(tx: Tx, req: NodeRef & { cap: number; perKind: number }, scope: Scope): Promise<FoundImpact | null> {
    const rows = await tx.run<ImpactRow>(Q.impactQuery(req.label, scope.asOf !== null), {
      uid: req.uid,
      cap: int(req.cap),
      limit: int(walkLimit(req.cap)),
      perKind: int(req.perKind),
      ...scopeParams(scope),
    });
    const row = rows[0];
    if (!row) return null;
    return {
      ...row,
      root: toFoundNode(row.root),
      groups: row.groups.map((g) => ({ ...g, artifacts: g.artifacts.map(toFoundNode) })),
      runs: row.runs.map(parseRun),
    };
  },

  /** Null when the start node does not exist. `depth` in steps. */
  async provenance(
    tx: Tx,
    req: NodeRef & { depth: number; cap: number },
    scope: Scope,
  ): Promise<FoundProvenance | null> {
    const query = Q.provenanceQuery(req.label, Q.hopsOf(req.depth), scope.asOf !== null);
    const rows = await tx.run<ChunkRow>(query, {
      uid: req.uid,
      cap: int(req.cap),
      limit: int(walkLimit(req.cap)),
      ...scopeParams(scope),
    });
    const parts = gather(rows).get(req.uid);
    if (!parts) return null;
    const meta = parts.get('meta')![0] as ProvenanceMeta;
    return {
      ...meta,
      root: toFoundNode(meta.root),
      artifacts: ((parts.get('artifacts') ?? []) as NodeTuple[]).map(toFoundNode),
      executions: ((parts.get('executions') ?? []) as NodeTuple[]).map(toFoundNode),
      runs: ((parts.get('runs') ?? []) as RunRow[]).map(parseRun),
    };
  },
};
