import { isSignedIn, type Need } from '../auth/principal';
import { notFound } from '../errors';
import { ownershipRepository, type OwnedLabel } from '../graph/ownership.repository';
import type { ServiceDeps } from './deps';

/**
 * Which workspace a run or an execution is in, remembered for the life of the process: a uid never
 * moves to another workspace, so an entry never goes stale (a purged uid's entry is harmless: the
 * write it lets through then matches nothing). A training loop's logMetrics and finishRun pay
 * the lookup once per run, not once per call. Bounded: the oldest entries go first.
 */
const KNOWN_LIMIT = 100_000;
const known = new Map<string, string>();

/** Records what a create or a read just learned, so later writes by id skip the lookup. */
export function rememberWorkspace(uid: string, workspace: string): void {
  if (known.has(uid)) return;
  if (known.size >= KNOWN_LIMIT) known.delete(known.keys().next().value!);
  known.set(uid, workspace);
}

/**
 * Authorization of a use case that names its run or execution only by id (finishRun, logMetrics,
 * startExecution…): the workspace comes from the process's memory or from one indexed read; a
 * server admin (or a Skein with auth off) needs no lookup for what is not recorded, and the write
 * names the audit entry's workspace itself (`named`).
 */
export class Ownership {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * Refuses unless the caller may do `need` where the node lives. A node that does not exist is
   * NOT_FOUND with the same message as one the caller may not read (`id` as the caller gave it).
   */
  async require(need: Need, label: OwnedLabel, uid: string, id: string): Promise<void> {
    const { caller, access } = this.deps;
    const target = { objectType: label, objectId: id };
    if (!isSignedIn(caller)) return access.requireSignedIn({ workspace: null, ...target });
    let workspace = known.get(uid) ?? null;
    // An admin may do anything: no lookup, unless the change is recorded. Its audit entry must name
    // the workspace before the write's statement runs (it rides on it, and the change feed numbers
    // it per workspace: services/audit.ts); `named` comes too late for that.
    if (workspace === null && caller.admin && !this.deps.audit.pending()) return;
    if (workspace === null) {
      workspace = await this.deps.graph.read((tx) => ownershipRepository.workspaceOf(tx, label, uid));
      if (workspace === null) throw notFound(label, id);
      rememberWorkspace(uid, workspace);
    }
    await access.require(need, { workspace, ...target });
  }

  /** Names the open mutation's audit entry once the write knows where its node is (first name wins). */
  named(label: string, record: { uid: string; workspace: string }, id: string = record.uid): void {
    rememberWorkspace(record.uid, record.workspace);
    this.deps.audit.target({ workspace: record.workspace, objectType: label, objectId: id });
  }
}

/**
 * Records the caller may not read become null, as if they did not exist: what a nested field
 * (an artifact's producer, a model's dataset) or `node(id)` answers for another workspace's node.
 * Batched loaders call this on what they read, so it costs no query.
 */
export function readableOnly<T extends { workspace: string }>(
  deps: Pick<ServiceDeps, 'access'>,
  records: Array<T | null>,
): Array<T | null> {
  if (deps.access.readScope() === null) return records;
  return records.map((r) => (r && deps.access.canRead(r.workspace) ? r : null));
}
