import { type ArtifactRecord } from './artifact';
import { type EntryValue } from './scalar';

export const EventType = { INPUT: 'INPUT', OUTPUT: 'OUTPUT' } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export const ExecutionState = {
  RUNNING: 'RUNNING',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  ABORTED: 'ABORTED',
  CACHED: 'CACHED',
} as const;
export type ExecutionState = (typeof ExecutionState)[keyof typeof ExecutionState];

export interface ExecutionRecord {
  uid: string;
  workspace: string;
  runUid: string;
  name: string;
  kind: string;
  state: ExecutionState;
  startedAt: string;
  finishedAt: string | null;
  codeVersion: string | null;
  /** What the step did, in the user's words; null when none was given. */
  description: string | null;
  createdAt: string;
  params: Record<string, EntryValue>;
  results: Record<string, EntryValue>;
  labels: Record<string, EntryValue>;
  annotations: Record<string, EntryValue>;
  /** When it was soft-deleted (with its run); null while live. */
  deletedAt: string | null;
}

/** What starting or recording an execution writes; the workspace and time come from its run and the graph. */
export type NewExecution = Omit<ExecutionRecord, 'workspace' | 'createdAt' | 'deletedAt'>;

export interface EventRecord {
  type: EventType;
  at: string;
  path: string | null;
  artifact: ArtifactRecord;
}

export interface NewEvent {
  artifactUid: string;
  at: string;
  path: string | null;
}
