import { int, type Tx } from './executor';
import * as Q from './lifecycle.cypher';

/** A node's lifecycle state under its write lock; null when there is no such node. */
export interface LockedState {
  workspace: string;
  key?: string;
  deletedAt: string | null;
  /** The deletion it went with (the uid or workspace name asked to be deleted). */
  deletedWith?: string | null;
}

/** Who deletes, and when. */
export interface Deletion {
  now: string;
  by: string;
}

/** What a write is about to touch, deleted or not (the times; null where live or absent). */
export interface DeletedState {
  workspaceDeletedAt: string | null;
  runDeletedAt: string | null;
  artifactDeletedAt: string | null;
  /** The workspace of the run or artifact, and when it was deleted. */
  ownerWorkspace: string | null;
  ownerWorkspaceDeletedAt: string | null;
}

export interface ArtifactKeyRef {
  workspace: string;
  key: string;
}

export interface PurgeCandidate {
  uid: string;
  isArtifact: boolean;
  workspace: string;
  key: string | null;
  keep: boolean;
}

/** The cutoff, the workspaces purgeable with everything in them, and the one workspace purged (null: all). */
export interface PurgeScope {
  cutoff: string;
  deadWorkspaces: string[];
  workspace: string | null;
}

/** A body marked for collection; `collect` false when an artifact took it up again. */
export interface BodyToCollect {
  key: string;
  collect: boolean;
  /** Multipart uploads its purged artifacts left open. */
  uploadIds: string[];
}

/** SKEIN_PURGE_GRACE's default: deleted things are purged 30 days after their deletion. */
export const DEFAULT_PURGE_GRACE_SECONDS = 30 * 24 * 3600;

const one = async <T>(rows: Promise<T[]>): Promise<T | null> => (await rows)[0] ?? null;

export const lifecycleRepository = {
  lockRun(tx: Tx, uid: string): Promise<LockedState | null> {
    return one(tx.run<LockedState>(Q.LOCK_RUN, { uid }));
  },

  lockArtifact(tx: Tx, uid: string): Promise<LockedState | null> {
    return one(tx.run<LockedState>(Q.LOCK_ARTIFACT, { uid }));
  },

  lockWorkspace(tx: Tx, name: string): Promise<LockedState | null> {
    return one(tx.run<LockedState>(Q.LOCK_WORKSPACE, { name }));
  },

  /** Marks a run, its child runs and their executions (and, with `artifacts`, their artifact versions). */
  async markRun(tx: Tx, uid: string, workspace: string, d: Deletion, artifacts: boolean): Promise<ArtifactKeyRef[]> {
    const [tree] = await tx.run<{ runUids: string[] }>(Q.MARK_RUN_TREE, { uid, ...d });
    const runUids = tree?.runUids ?? [];
    await tx.run(Q.MARK_EXECUTIONS, { runUids, tag: uid, ...d });
    return artifacts ? tx.run<ArtifactKeyRef>(Q.MARK_RUN_ARTIFACTS, { runUids, workspace, tag: uid, ...d }) : [];
  },

  /** Restores what went with the deletion `tag` in the run's tree; answers the keys whose versions changed. */
  async unmarkRun(tx: Tx, uid: string, workspace: string, tag: string): Promise<ArtifactKeyRef[]> {
    const [tree] = await tx.run<{ runUids: string[] }>(Q.UNMARK_RUN_TREE, { uid, tag });
    const runUids = tree?.runUids ?? [];
    await tx.run(Q.UNMARK_EXECUTIONS, { runUids, tag });
    return tx.run<ArtifactKeyRef>(Q.UNMARK_RUN_ARTIFACTS, { runUids, workspace, tag });
  },

  async markArtifacts(tx: Tx, uid: string, d: Deletion, allVersions: boolean): Promise<number> {
    const [row] = await tx.run<{ changed: number }>(Q.MARK_ARTIFACTS, { uid, allVersions, ...d });
    return row?.changed ?? 0;
  },

  async unmarkArtifacts(tx: Tx, uid: string, tag: string, allVersions: boolean): Promise<number> {
    const [row] = await tx.run<{ changed: number }>(Q.UNMARK_ARTIFACTS, { uid, tag, allVersions });
    return row?.changed ?? 0;
  },

  async markWorkspace(tx: Tx, name: string, d: Deletion): Promise<void> {
    await tx.run(Q.MARK_WORKSPACE, { name, ...d });
  },

  async unmarkWorkspace(tx: Tx, name: string): Promise<void> {
    await tx.run(Q.UNMARK_WORKSPACE, { name });
  },

  async deletedState(
    tx: Tx,
    of: { workspace?: string | null; runUid?: string | null; artifactUid?: string | null },
  ): Promise<DeletedState> {
    const [row] = await tx.run<DeletedState>(Q.DELETED_STATE, {
      workspace: of.workspace ?? null,
      runUid: of.runUid ?? null,
      artifactUid: of.artifactUid ?? null,
    });
    return row!;
  },

  // Purge ------------------------------------------------------------------------------------

  async purgeableWorkspaces(tx: Tx, cutoff: string, workspace: string | null): Promise<string[]> {
    const [row] = await tx.run<{ names: string[] }>(Q.PURGEABLE_WORKSPACES, { cutoff, workspace });
    return row?.names ?? [];
  },

  purgeCandidates(tx: Tx, scope: PurgeScope, after: string, limit: number): Promise<PurgeCandidate[]> {
    return tx.run<PurgeCandidate>(Q.PURGE_CANDIDATES, { ...scope, after, limit: int(limit) });
  },

  /** Removes artifact versions; answers the keys that lost versions. Bodies left unheld are marked for GC. */
  async purgeArtifacts(tx: Tx, uids: string[], now: string): Promise<ArtifactKeyRef[]> {
    if (uids.length === 0) return [];
    type BodyRef = { store: string; key: string; uploadId: string | null };
    const rows = await tx.run<ArtifactKeyRef & { bodies: BodyRef[] }>(Q.PURGE_ARTIFACTS, { uids });
    const bodies = rows.flatMap((r) => r.bodies);
    if (bodies.length > 0) await tx.run(Q.MARK_UNHELD_BODIES, { bodies, now });
    return rows.map((r) => ({ workspace: r.workspace, key: r.key }));
  },

  async purgeExecutions(tx: Tx, uids: string[]): Promise<void> {
    if (uids.length > 0) await tx.run(Q.PURGE_EXECUTIONS, { uids });
  },

  async purgeableRuns(tx: Tx, scope: PurgeScope, after: string, limit: number): Promise<string[]> {
    const [row] = await tx.run<{ uids: string[] }>(Q.PURGEABLE_RUNS, { ...scope, after, limit: int(limit) });
    return row?.uids ?? [];
  },

  async keptRuns(tx: Tx, scope: PurgeScope): Promise<number> {
    const [row] = await tx.run<{ kept: number }>(Q.KEPT_RUNS, { ...scope });
    return row?.kept ?? 0;
  },

  /** Removes runs and their metric chunks; answers how many chunks went. */
  async purgeRuns(tx: Tx, uids: string[]): Promise<number> {
    if (uids.length === 0) return 0;
    const [row] = await tx.run<{ chunks: number }>(Q.PURGE_RUNS, { uids });
    return row?.chunks ?? 0;
  },

  async purgeEmptyKeys(tx: Tx, keys: ArtifactKeyRef[]): Promise<number> {
    if (keys.length === 0) return 0;
    const [row] = await tx.run<{ removed: number }>(Q.PURGE_EMPTY_KEYS, { keys });
    return row?.removed ?? 0;
  },

  async emptyKeysOf(tx: Tx, deadWorkspaces: string[], limit: number): Promise<ArtifactKeyRef[]> {
    if (deadWorkspaces.length === 0) return [];
    const [row] = await tx.run<{ keys: ArtifactKeyRef[] }>(Q.EMPTY_KEYS_OF, { deadWorkspaces, limit: int(limit) });
    return row?.keys ?? [];
  },

  async purgeEmptyWorkspaces(tx: Tx, scope: PurgeScope, limit: number): Promise<number> {
    const [row] = await tx.run<{ removed: number }>(Q.PURGE_EMPTY_WORKSPACES, { ...scope, limit: int(limit) });
    return row?.removed ?? 0;
  },

  async keptWorkspaces(tx: Tx, scope: PurgeScope): Promise<number> {
    const [row] = await tx.run<{ kept: number }>(Q.KEPT_WORKSPACES, { ...scope });
    return row?.kept ?? 0;
  },

  // Body GC ----------------------------------------------------------------------------------

  /** Marked bodies of the store: `collect` false for one an artifact took up again (its mark is cleared). */
  bodiesToCollect(tx: Tx, store: string, limit: number): Promise<BodyToCollect[]> {
    return tx.run<BodyToCollect>(Q.BODIES_TO_COLLECT, { store, limit: int(limit) });
  },

  async forgetBodies(tx: Tx, store: string, keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const [row] = await tx.run<{ removed: number }>(Q.FORGET_BODIES, { store, keys });
    return row?.removed ?? 0;
  },
};
