import { preconditionFailed, quoted } from '../errors';
import type { Tx } from '../graph/executor';
import { lifecycleRepository as repo } from '../graph/lifecycle.repository';

/**
 * What every write and list asks of the lifecycle (lifecycle.service.ts), apart from it so the
 * aggregate services can import it without a cycle.
 */

/**
 * Refuses a write that touches something deleted: PRECONDITION_FAILED saying what is deleted and
 * how to bring it back. Every write path that names a workspace, a run or an artifact calls this.
 */
export async function refuseDeleted(
  tx: Tx,
  of: { workspace?: string | null; runUid?: string | null; artifactUid?: string | null },
): Promise<void> {
  const s = await repo.deletedState(tx, of);
  if (s.workspaceDeletedAt) throw deletedWorkspace(of.workspace!, s.workspaceDeletedAt);
  if (s.ownerWorkspaceDeletedAt) throw deletedWorkspace(s.ownerWorkspace!, s.ownerWorkspaceDeletedAt);
  if (s.runDeletedAt) {
    throw preconditionFailed(
      `Run ${of.runUid} was deleted at ${s.runDeletedAt}, so it cannot be changed; restore it first with restoreRun(id: "${of.runUid}").`,
      { deletedAt: s.runDeletedAt },
    );
  }
  if (s.artifactDeletedAt) {
    throw preconditionFailed(
      `Artifact ${of.artifactUid} was deleted at ${s.artifactDeletedAt}, so it cannot be changed; restore it first with restoreArtifact(ref: "${of.artifactUid}").`,
      { deletedAt: s.artifactDeletedAt },
    );
  }
}

/**
 * The same refusal for a record already read (no query): a deleted artifact is no input or output
 * of anything new, and a deleted execution takes no new events.
 */
export function refuseDeletedRecord(
  what: 'Artifact' | 'Execution',
  record: { uid: string; deletedAt: string | null; runUid?: string | null },
): void {
  if (!record.deletedAt) return;
  const restore =
    what === 'Artifact'
      ? `restoreArtifact(ref: "${record.uid}")`
      : `restoreRun(id: "${record.runUid ?? ''}") (an execution is restored with its run)`;
  throw preconditionFailed(
    `${what} ${record.uid} was deleted at ${record.deletedAt}, so it cannot be used or changed; restore it first with ${restore}.`,
    { deletedAt: record.deletedAt },
  );
}

function deletedWorkspace(name: string, at: string) {
  return preconditionFailed(
    `Workspace ${quoted(name)} was deleted at ${at}, so nothing in it can be changed; restore it first with restoreWorkspace(name: ${quoted(name)}).`,
    { deletedAt: at },
  );
}
