import type { ArtifactRecord } from './artifact';
import type { EventType, ExecutionRecord } from './execution';
import type { RunRecord } from './run';

export const LineageNodeType = { ARTIFACT: 'ARTIFACT', EXECUTION: 'EXECUTION' } as const;
export type LineageNodeType = (typeof LineageNodeType)[keyof typeof LineageNodeType];

export const LineageDirection = { UPSTREAM: 'UPSTREAM', DOWNSTREAM: 'DOWNSTREAM', BOTH: 'BOTH' } as const;
export type LineageDirection = (typeof LineageDirection)[keyof typeof LineageDirection];

/** One way of a walk along events: UPSTREAM towards what a node came from, DOWNSTREAM to what it made. */
export type WalkDirection = Exclude<LineageDirection, 'BOTH'>;

/**
 * What a lineage node is, spelled as its graph label and its global id's type: lineage starts at,
 * and walks through, only these two.
 */
export type NodeLabel = 'Artifact' | 'Execution';
export const NODE_LABELS: readonly NodeLabel[] = ['Artifact', 'Execution'];

/** The deepest walk. Depth counts steps (artifact -> execution -> artifact); a step is two events. */
export const MAX_DEPTH = 100;
export const LINEAGE_LIMITS = {
  /** Steps; at most MAX_DEPTH. */
  defaultDepth: 5,
  defaultMaxNodes: 1000,
  maxMaxNodes: 10_000,
  /** impact and provenance walk everything by default, up to this many nodes. */
  reportMaxNodes: 10_000,
  defaultPerKind: 100,
  maxPerKind: 1000,
  maxFilterValues: 100,
} as const;

/**
 * Which parts of each node (and event) to fetch; the GraphQL layer asks for what the query
 * selects. `detail`: the core properties a graph view does not show (where the body lives, its
 * size and media type, the description, the producing execution and run; an execution's run and
 * finish time). Without it those come back null, so it must be asked for whenever anything that
 * reads them is selected. Then the spec JSON (kind-specific fields), the prefixed maps (labels,
 * params…), tags and `isLatest`, and `paths`: where each execution saw an artifact.
 */
export interface NodeFields {
  detail: boolean;
  spec: boolean;
  maps: boolean;
  tags: boolean;
  paths: boolean;
}

export const ALL_FIELDS: NodeFields = Object.freeze({ detail: true, spec: true, maps: true, tags: true, paths: true });

/** How a node was named: its label and uid (from a global id, or a store:// URI resolved first). */
export interface NodeRef {
  label: NodeLabel;
  uid: string;
}

/** Which nodes a lineage answer keeps, as a client sends it (the API's LineageFilter). */
export interface LineageFilterSpec {
  /** Artifact kinds (MODEL, DATASET…) or execution kinds (TRAINER…); empty or absent: any. */
  kinds?: readonly string[] | null;
  nodeTypes?: readonly LineageNodeType[] | null;
  workspaces?: readonly string[] | null;
  createdAfter?: string | null;
  createdBefore?: string | null;
}

/**
 * Which nodes a lineage answer keeps, checked (the lineage service makes it of a
 * LineageFilterSpec): a node is kept when it passes every test; null lists test nothing. The walk
 * goes through the nodes left out all the same.
 */
export interface LineageCriteria {
  kinds: string[] | null;
  workspaces: string[] | null;
  /** Whether artifacts are kept. */
  artifacts: boolean;
  /** Whether executions are kept. */
  executions: boolean;
  /** Times in the stored format, so they compare with stored times as text. */
  createdAfter: string | null;
  createdBefore: string | null;
}

export interface LineageOptions {
  direction?: LineageDirection | null;
  depth?: number | null;
  maxNodes?: number | null;
  filter?: LineageFilterSpec | null;
  asOf?: string | null;
  fields?: NodeFields;
}

/** Which way, how far and as of when a lineage answer walks, checked: the same for every start node. */
export interface LineageFrame {
  direction: LineageDirection;
  /** In steps, 1 to MAX_DEPTH. */
  depth: number;
  /** The most nodes besides the start. */
  maxNodes: number;
  /** In the stored time format; null: now. */
  asOf: string | null;
}

/** A node of an answer: readable ones carry their record, others only what they are. */
export type LineageNode =
  | { type: 'Artifact'; id: string; depth: number; artifact: ArtifactRecord }
  | { type: 'Execution'; id: string; depth: number; execution: ExecutionRecord }
  | { type: 'Restricted'; id: string; depth: number; nodeType: LineageNodeType; kind: string };

/** An event between two nodes of the answer, by their ids (an artifact's for INPUT `from`). */
export interface LineageEdgeRecord {
  type: EventType;
  from: string;
  to: string;
  at: string;
  /** Null when either end is restricted (a path can name what it points at). */
  path: string | null;
}

export interface LineageRecord extends LineageFrame {
  root: LineageNode;
  /** The start node first (depth 0), then the others nearest first. */
  nodes: LineageNode[];
  edges: LineageEdgeRecord[];
  truncated: boolean;
  /** The depth at which nodes were left out: shallower levels are complete. */
  truncatedAtDepth: number | null;
}

export interface LineagePathRecord {
  /** DOWNSTREAM: events lead from `from` to `to`; UPSTREAM: from `to` back to `from`. */
  direction: WalkDirection;
  /** In events. */
  length: number;
  /** From `from` to `to`. */
  nodes: LineageNode[];
  edges: LineageEdgeRecord[];
}

export interface ImpactGroupRecord {
  kind: string;
  count: number;
  restricted: number;
  artifacts: ArtifactRecord[];
}

export interface ImpactRecord {
  root: LineageNode;
  groups: ImpactGroupRecord[];
  executions: number;
  restrictedExecutions: number;
  runs: RunRecord[];
  restrictedRuns: number;
  workspaces: Array<{ name: string; nodes: number }>;
  restrictedWorkspaces: number;
  maxNodes: number;
  truncated: boolean;
  truncatedAtDepth: number | null;
}

export interface ProvenanceArtifactRecord {
  artifact: ArtifactRecord;
  depth: number;
  isSource: boolean;
}

export interface ProvenanceExecutionRecord {
  execution: ExecutionRecord;
  depth: number;
}

export interface ProvenanceRecord {
  root: LineageNode;
  artifacts: ProvenanceArtifactRecord[];
  executions: ProvenanceExecutionRecord[];
  runs: RunRecord[];
  restricted: number;
  maxNodes: number;
  truncated: boolean;
  truncatedAtDepth: number | null;
}

// ---------------------------------------------------------------------------------------------
// What the lineage queries found, before an answer is made of it (ids, depths, caps, redaction)

interface Found {
  uid: string;
  kind: string;
  /** Distance from the start node, in events (0 on paths, where the position counts). */
  hops: number;
}

/** A node as found: its record when the caller may read it, else only what it is. */
export type FoundNode =
  | (Found & { type: 'Artifact'; record: ArtifactRecord; source: boolean | null })
  | (Found & { type: 'Execution'; record: ExecutionRecord })
  | (Found & { type: 'Restricted'; nodeType: LineageNodeType });

/**
 * An event between two found nodes, by their uids; `path` is null when not asked for or when an
 * end is restricted. Positional, as the query sends it: a lineage answer holds thousands, and a
 * list decodes faster than a map and is used as it arrives.
 */
export type FoundEvent = [type: EventType, fromUid: string, toUid: string, at: string, path: string | null];

/** Around one start node: the nodes found (the start node among them, at hops 0) and the events among them. */
export interface FoundSubgraph {
  nodes: FoundNode[];
  edges: FoundEvent[];
}

/** The shortest chain between two nodes; `direction` null (and no nodes) when none links them. */
export interface FoundPath {
  from: FoundNode;
  to: FoundNode;
  direction: LineagePathRecord['direction'] | null;
  /** In the direction the events run. */
  nodes: FoundNode[];
  edges: FoundEvent[];
}

export interface FoundImpactGroup {
  kind: string;
  total: number;
  restricted: number;
  /** Up to the per-kind limit of the group's readable artifacts. */
  artifacts: FoundNode[];
}

/** Everything downstream of `root`, counted per kind, run and workspace. */
export interface FoundImpact extends Pick<
  ImpactRecord,
  | 'truncated'
  | 'executions'
  | 'restrictedExecutions'
  | 'runs'
  | 'restrictedRuns'
  | 'workspaces'
  | 'restrictedWorkspaces'
> {
  root: FoundNode;
  /** The distance (events) of the first node left out. */
  cutAt: number | null;
  groups: FoundImpactGroup[];
}

/** Everything upstream of `root`, flat. */
export interface FoundProvenance {
  root: FoundNode;
  truncated: boolean;
  /** The distance (events) of the first node left out. */
  cutAt: number | null;
  restricted: number;
  artifacts: FoundNode[];
  executions: FoundNode[];
  runs: RunRecord[];
}
