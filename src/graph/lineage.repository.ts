import { int, type Tx } from './executor';
import * as Q from './lineage.cypher';
import type { WalkDirection } from '../domain/lineage';
import type { NodeLabel } from './lineage.cypher';
import type { FoundEvent, FoundImpact, FoundImpactGroup, FoundPath, FoundProvenance } from '../domain/lineage';
import type { FoundSubgraph, NodeFields } from '../domain/lineage';
import { toFoundNode, type NodeTuple } from './lineage.rows';
import { parseRun, type RunRow } from './run.repository';

/**
 * Runs the lineage queries and hands back what they found, parsed once here: nodes as records (or
 * placeholders), distances in events, events as they arrive (FoundEvent). One query per call,
 * whatever the size.
 */

export interface NodeFilterParams {
  kinds: string[] | null;
  workspaces: string[] | null;
  artifacts: boolean;
  executions: boolean;
  createdAfter: string | null;
  createdBefore: string | null;
}

export interface TraversalRequest {
  label: NodeLabel;
  uids: readonly string[];
  directions: readonly WalkDirection[];
  hops: number;
  /** Rows per direction, start node included. */
  limit: number;
  asOf: string | null;
  readable: string[] | null;
  filter: NodeFilterParams | null;
  fields: NodeFields;
}

/** Who asks and as of when, for the single-start queries. */
export interface Scope {
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

const flags = (f: NodeFields) => ({
  withDetail: f.detail,
  withSpec: f.spec,
  withMaps: f.maps,
  withTags: f.tags,
  withPaths: f.paths,
});
const scopeParams = (s: Scope) => ({ asOf: s.asOf, readable: s.readable, ...flags(s.fields) });

const NO_FILTER: NodeFilterParams = {
  kinds: null,
  workspaces: null,
  artifacts: true,
  executions: true,
  createdAfter: null,
  createdBefore: null,
};

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
    const query = Q.traversalQuery({
      label: req.label,
      directions: req.directions,
      hops: req.hops,
      asOf: req.asOf !== null,
      filtered: req.filter !== null,
    });
    const rows = await tx.run<ChunkRow>(query, {
      uids: req.uids,
      limit: int(req.limit),
      asOf: req.asOf,
      readable: req.readable,
      ...flags(req.fields),
      ...(req.filter ?? NO_FILTER),
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

  /** Null when either end does not exist; `direction` null when no chain links them. */
  async path(
    tx: Tx,
    req: { from: { label: NodeLabel; uid: string }; to: { label: NodeLabel; uid: string }; hops: number },
    scope: Scope,
  ): Promise<FoundPath | null> {
    const query = Q.pathQuery(req.from.label, req.to.label, req.hops, scope.asOf !== null);
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
  async impact(
    tx: Tx,
    req: { label: NodeLabel; uid: string; cap: number; perKind: number },
    scope: Scope,
  ): Promise<FoundImpact | null> {
    const rows = await tx.run<ImpactRow>(Q.impactQuery(req.label, scope.asOf !== null), {
      uid: req.uid,
      cap: int(req.cap),
      limit: int(req.cap + 2),
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

  /** Null when the start node does not exist. */
  async provenance(
    tx: Tx,
    req: { label: NodeLabel; uid: string; hops: number; cap: number },
    scope: Scope,
  ): Promise<FoundProvenance | null> {
    const query = Q.provenanceQuery(req.label, req.hops, scope.asOf !== null);
    const rows = await tx.run<ChunkRow>(query, {
      uid: req.uid,
      cap: int(req.cap),
      limit: int(req.cap + 2),
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
