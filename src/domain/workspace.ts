import { type EntryValue } from './scalar';

export interface WorkspaceRecord {
  name: string;
  description: string | null;
  labels: Record<string, EntryValue>;
  createdAt: string;
  updatedAt: string;
  /** When it was soft-deleted (deleteWorkspace); null while live. */
  deletedAt: string | null;
}
export interface WorkspaceChanges {
  description?: string | null;
  /** Replaces every label when given. */
  labels?: Record<string, EntryValue>;
}
