import type { Tx } from './executor';
import * as Q from './ownership.cypher';

/** Nodes named by uid whose workspace authorization needs before it reads or writes them. */
export type OwnedLabel = 'Run' | 'Execution' | 'Artifact';

const QUERIES: Record<OwnedLabel, string> = {
  Run: Q.WORKSPACE_OF_RUN,
  Execution: Q.WORKSPACE_OF_EXECUTION,
  Artifact: Q.WORKSPACE_OF_ARTIFACT,
};

export const ownershipRepository = {
  /** The node's workspace; null when there is no such node. */
  async workspaceOf(tx: Tx, label: OwnedLabel, uid: string): Promise<string | null> {
    const [row] = await tx.run<{ workspace: string }>(QUERIES[label], { uid });
    return row?.workspace ?? null;
  },
};
