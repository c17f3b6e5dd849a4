/**
 * The change feed: every change committed in a workspace, in commit order, numbered 1, 2, 3…
 * without gaps (`seq`). It is the audit trail's OK entries of mutations (src/services/audit.ts),
 * numbered as they commit, so a consumer that remembers the last `seq` it saw misses nothing and
 * sees nothing twice. Reads that hand something out and refused requests are not changes.
 */
export interface FeedChange {
  /** The change's position in its workspace's feed: 1, 2, 3… in commit order, no gaps. */
  seq: number;
  workspace: string;
  /** When the change was made (ISO 8601, UTC). */
  at: string;
  /** Who made it: the principal's id. */
  actor: string;
  /** The mutation's name (`startRun`, `logArtifact`, `openLineage`…). */
  action: string;
  /** What it acted on (`Run`, `Execution`, `Artifact`, `Workspace`…), as the authorization named it. */
  objectType: string | null;
  objectId: string | null;
}

/** Which changes to read: a workspace's, after a position, at most `limit`, oldest first. */
export interface FeedWindow {
  workspace: string;
  /** The last seq the reader has seen; 0 for the start of the feed. */
  afterSeq: number;
  limit: number;
}
