import { type Scalar } from './scalar';

export const ArtifactState = { PENDING: 'PENDING', AVAILABLE: 'AVAILABLE', ABORTED: 'ABORTED' } as const;
export type ArtifactState = (typeof ArtifactState)[keyof typeof ArtifactState];

export interface ArtifactRecord {
  uid: string;
  workspace: string;
  key: string;
  version: number;
  kind: string;
  state: ArtifactState;
  location: string | null;
  digest: string | null;
  size: number | null;
  contentType: string | null;
  description: string | null;
  createdAt: string;
  producerUid: string | null;
  runUid: string | null;
  /** Kind-specific fields (a dataset's schema, a model's framework…), as validated by the service. */
  spec: Record<string, unknown>;
  labels: Record<string, Scalar>;
  properties: Record<string, Scalar>;
  tags: string[];
  /** The highest version of this key: this one is "latest" when they are equal. */
  latestVersion: number;
}
export interface NewArtifact {
  uid: string;
  workspace: string;
  key: string;
  kind: string;
  state: ArtifactState;
  location: string | null;
  digest: string | null;
  size: number | null;
  contentType: string | null;
  description: string | null;
  runUid: string | null;
  spec: Record<string, unknown>;
  labels: Record<string, string>;
  properties: Record<string, Scalar>;
  tags: string[];
}
export interface ArtifactCriteria {
  workspace: string;
  kind?: string | null;
  state?: ArtifactState | null;
  keyPrefix?: string | null;
  runUid?: string | null;
  createdAfter?: string | null;
  createdBefore?: string | null;
  labels?: Record<string, string>;
  tag?: string | null;
}
