import type { ArtifactRecord } from './artifact';
import type { WalkDirection } from './lineage';

/**
 * Column-level lineage: which columns of which dataset versions a column was computed from (as
 * OpenLineage's `columnLineage` facet records it), or what was computed from it. Stored as
 * `(out:Artifact)-[:COLUMN_FROM {column, field, transformations}]->(in:Artifact)` between artifact
 * versions: `out`'s column `column` came from `in`'s column `field`.
 */

/** Column walks reuse lineage's limits: depth counts column-to-column steps. */
export const COLUMN_LINEAGE_LIMITS = {
  defaultDepth: 10,
  defaultMaxNodes: 1000,
  maxMaxNodes: 10_000,
  /** Longest column name accepted (OpenLineage puts no bound on it; this keeps echoes short). */
  maxColumnLength: 1024,
} as const;

/** One entry of a column's `transformations` list (OpenLineage columnLineage facet, spec 1-2-0). */
export interface ColumnTransformationRecord {
  /** DIRECT or INDIRECT. */
  type: string;
  /** e.g. IDENTITY, TRANSFORMATION, AGGREGATION; FILTER, JOIN, GROUP_BY, SORT, WINDOW, CONDITIONAL. */
  subtype: string | null;
  description: string | null;
  /** Whether the value was masked (hashed, redacted) on the way. */
  masking: boolean | null;
}

/** One step a column walk found: `known` is the side already in the answer, `other` the side it led to. */
export interface FoundColumnStep {
  knownUid: string;
  knownColumn: string;
  otherUid: string;
  otherColumn: string;
  /** The stored JSON text of the transformations; null when none were recorded. */
  transformations: string | null;
  otherKind: string;
  /** Whether the caller may read the other side's workspace. */
  otherReadable: boolean;
}

/** A column of an artifact version: readable ones carry their artifact's record, others only its kind. */
export type ColumnNode =
  | { type: 'Artifact'; id: string; uid: string; column: string; artifact: ArtifactRecord }
  | { type: 'Restricted'; id: string; uid: string; column: null; artifactId: string; kind: string };

/** `from`'s column went into `to`'s (data flows from -> to), `depth` steps from the start column. */
export interface ColumnEdgeRecord {
  from: ColumnNode;
  to: ColumnNode;
  transformations: ColumnTransformationRecord[];
  depth: number;
}

export interface ColumnLineageRecord {
  root: ColumnNode;
  direction: WalkDirection | 'BOTH';
  depth: number;
  maxNodes: number;
  /** Every column reached, the start first. */
  nodes: ColumnNode[];
  edges: ColumnEdgeRecord[];
  truncated: boolean;
}
