import { badInput, notFound, quoted } from '../errors';
import { accessChanged } from './identity-cache';
import { isStoreUri, parseStoreUri } from '../domain/artifact-uri';
import type { ArtifactRecord } from '../domain/artifact';
import type { RunRecord } from '../domain/run';
import type { WorkspaceRecord } from '../domain/workspace';
import { artifactRepository } from '../graph/artifact.repository';
import type { Tx } from '../graph/executor';
import {
  DEFAULT_PURGE_GRACE_SECONDS,
  lifecycleRepository as repo,
  type ArtifactKeyRef,
  type PurgeScope,
} from '../graph/lifecycle.repository';
import { runRepository } from '../graph/run.repository';
import { workspaceRepository } from '../graph/workspace.repository';
import type { ArtifactService } from './artifact.service';
import { collectBodies } from './bodies/gc';
import { refuseDeleted } from './lifecycle-guard';
import type { ServiceDeps } from './deps';
import { runUidOf } from './run.service';
import { nowIso } from './validate';
import type { Need } from '../auth/principal';

/**
 * Retire and clean up (MLflow's lifecycle): soft delete and restore of runs, artifact versions
 * and workspaces, and the purge that removes what was deleted longer ago than the grace period
 * (src/graph/README.md "Lifecycle" has the rules). Each delete or restore is one transaction;
 * deleting what is deleted, or restoring what is live, changes nothing and answers the node.
 */

/** What one purge removed and what it had to keep. */
export interface PurgeReport {
  cutoff: string;
  artifacts: number;
  executions: number;
  runs: number;
  metricChunks: number;
  keys: number;
  workspaces: number;
  /** Stored objects deleted (bodies no artifact holds any more). */
  bodies: number;
  /** Deleted artifact versions and executions kept because something that stays depends on them. */
  keptForLineage: number;
  /** Deleted runs kept because a kept execution, child run or artifact still names them. */
  keptRuns: number;
  /** Deleted workspaces kept because something in them was kept. */
  keptWorkspaces: number;
  /** Marked bodies whose objects could not be deleted this time (the next purge tries again). */
  bodiesFailed: number;
}

export interface PurgeOptions {
  /** Purges what was deleted before this; default now minus the grace period. */
  olderThan?: string | null;
  /** Only what is in this workspace (null: everywhere). */
  workspace?: string | null;
  /** Nodes per transaction. */
  batch?: number;
}

export class LifecycleService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly artifacts: ArtifactService,
  ) {}

  private signedIn(objectType: string, objectId: string): Promise<void> {
    return this.deps.access.requireSignedIn({ workspace: null, objectType, objectId });
  }

  private requireIn(need: Need, workspace: string, objectType: string, objectId: string): Promise<void> {
    return this.deps.access.require(need, { workspace, objectType, objectId });
  }

  private deletion() {
    return { now: nowIso(), by: this.deps.caller.id };
  }

  /**
   * Deletes a run, its child runs and their executions; with `artifacts`, the versions they logged
   * or output in the run's own workspace (outputs written into another workspace belong to it and
   * stay: see ARTIFACTS_OF_RUNS). An editor's to do (as it is to log them): a deletion is
   * restorable until purged.
   */
  async deleteRun(id: string, artifacts = false): Promise<RunRecord> {
    const uid = runUidOf(id);
    await this.signedIn('Run', id);
    return this.deps.graph.write(async (tx) => {
      const state = await repo.lockRun(tx, uid);
      if (!state) throw notFound('Run', id);
      await this.requireIn('write', state.workspace, 'Run', id); // on what the lock read
      if (!state.deletedAt)
        await refreshKeys(tx, await repo.markRun(tx, uid, state.workspace, this.deletion(), artifacts));
      return mustGetRun(tx, uid);
    });
  }

  /** Restores a run and what was deleted with it (its child runs, executions and artifacts). */
  async restoreRun(id: string): Promise<RunRecord> {
    const uid = runUidOf(id);
    await this.signedIn('Run', id);
    return this.deps.graph.write(async (tx) => {
      const state = await repo.lockRun(tx, uid);
      if (!state) throw notFound('Run', id);
      await this.requireIn('write', state.workspace, 'Run', id); // on what the lock read
      if (state.deletedAt) {
        await refuseDeleted(tx, { workspace: state.workspace });
        await refreshKeys(tx, await repo.unmarkRun(tx, uid, state.workspace, state.deletedWith ?? uid));
      }
      return mustGetRun(tx, uid);
    });
  }

  /** Deletes one artifact version (or every version of its key). */
  deleteArtifact(ref: string, allVersions = false): Promise<ArtifactRecord> {
    if (!allVersions) refuseMovingRef(ref);
    return this.deps.graph.write(async (tx) => {
      const target = await this.artifacts.resolveRefInTx(tx, ref, 'ref', 'write');
      const state = (await repo.lockArtifact(tx, target.uid))!;
      if (!state.deletedAt || allVersions) {
        if ((await repo.markArtifacts(tx, target.uid, this.deletion(), allVersions)) > 0)
          await artifactRepository.refreshLatest(tx, target.workspace, target.key);
      }
      return this.artifacts.mustGet(tx, target.uid);
    });
  }

  /** Restores one artifact version (or, with `allVersions`, every version deleted with it). */
  restoreArtifact(ref: string, allVersions = false): Promise<ArtifactRecord> {
    return this.deps.graph.write(async (tx) => {
      const target = await this.artifacts.resolveRefInTx(tx, ref, 'ref', 'write');
      const state = (await repo.lockArtifact(tx, target.uid))!;
      if (state.deletedAt) {
        await refuseDeleted(tx, { workspace: target.workspace });
        await repo.unmarkArtifacts(tx, target.uid, state.deletedWith ?? target.uid, allVersions);
        await artifactRepository.refreshLatest(tx, target.workspace, target.key);
      }
      return this.artifacts.mustGet(tx, target.uid);
    });
  }

  /** Hides a workspace and everything in it: its owners' to do. */
  async deleteWorkspace(name: string): Promise<WorkspaceRecord> {
    await this.requireIn('own', name, 'Workspace', name);
    return this.deps.graph.write(async (tx) => {
      const state = await repo.lockWorkspace(tx, name);
      if (!state) throw notFound('Workspace', name);
      if (!state.deletedAt) await repo.markWorkspace(tx, name, this.deletion());
      return mustGetWorkspace(tx, name);
    });
  }

  async restoreWorkspace(name: string): Promise<WorkspaceRecord> {
    await this.requireIn('own', name, 'Workspace', name);
    return this.deps.graph.write(async (tx) => {
      const state = await repo.lockWorkspace(tx, name);
      if (!state) throw notFound('Workspace', name);
      if (state.deletedAt) await repo.unmarkWorkspace(tx, name);
      return mustGetWorkspace(tx, name);
    });
  }

  /**
   * Removes for good what was deleted before `olderThan` (default: now minus the grace period),
   * in bounded transactions, then collects the bodies no artifact holds any more. Interrupted, it
   * loses nothing: the next purge (or sweep) starts over from what the graph still holds.
   */
  async purge(options: PurgeOptions = {}): Promise<PurgeReport> {
    // Purging is for good, across workspaces, and collects bodies: a server admin's to do.
    await this.deps.access.requireAdmin({ workspace: options.workspace ?? null, objectType: 'Purge', objectId: null });
    const cutoff = options.olderThan ?? defaultCutoff(this.deps.purgeGraceSeconds);
    if (cutoff > nowIso()) throw badInput(`"olderThan" must not be in the future; got ${cutoff}.`);
    const batch = options.batch ?? 500;
    const report = emptyReport(cutoff);
    const { graph } = this.deps;
    const workspace = options.workspace ?? null;
    const deadWorkspaces = await graph.read((tx) => repo.purgeableWorkspaces(tx, cutoff, workspace));
    const scope: PurgeScope = { cutoff, deadWorkspaces, workspace };

    await this.purgeArtifactsAndExecutions(scope, batch, report);
    // Runs: a removed run may free its parent, so go on until a round removes none.
    for (let after = ''; ;) {
      const uids = await graph.read((tx) => repo.purgeableRuns(tx, scope, after, batch));
      if (uids.length === 0) {
        if (after === '') break;
        after = ''; // from the start again: parents freed by their children
        continue;
      }
      report.metricChunks += await graph.write((tx) => repo.purgeRuns(tx, uids));
      report.runs += uids.length;
      after = uids[uids.length - 1]!;
    }
    report.keptRuns = await graph.read((tx) => repo.keptRuns(tx, scope));
    // Keys of dead workspaces emptied by the purge (keys elsewhere went with their versions).
    for (;;) {
      const keys = await graph.read((tx) => repo.emptyKeysOf(tx, scope.deadWorkspaces, batch));
      if (keys.length === 0) break;
      report.keys += await graph.write((tx) => repo.purgeEmptyKeys(tx, keys));
    }
    for (;;) {
      const removed = await graph.write((tx) => repo.purgeEmptyWorkspaces(tx, scope, batch));
      if (removed > 0) accessChanged(); // their tokens and grants went with them
      report.workspaces += removed;
      if (removed < batch) break;
    }
    report.keptWorkspaces = await graph.read((tx) => repo.keptWorkspaces(tx, scope));
    if (this.deps.bodies) {
      const collected = await collectBodies(graph, this.deps.bodies, { batch });
      report.bodies = collected.deleted.length;
      report.bodiesFailed = collected.failed.length;
    }
    return report;
  }

  private async purgeArtifactsAndExecutions(scope: PurgeScope, batch: number, report: PurgeReport) {
    const { graph } = this.deps;
    for (let after = ''; ;) {
      // One transaction per batch: the keep decision and the removal see the same graph.
      const done = await graph.write(async (tx) => {
        const candidates = await repo.purgeCandidates(tx, scope, after, batch);
        if (candidates.length === 0) return true;
        after = candidates[candidates.length - 1]!.uid;
        const gone = candidates.filter((c) => !c.keep);
        report.keptForLineage += candidates.length - gone.length;
        const artifacts = gone.filter((c) => c.isArtifact).map((c) => c.uid);
        const executions = gone.filter((c) => !c.isArtifact).map((c) => c.uid);
        const keys = await repo.purgeArtifacts(tx, artifacts, nowIso());
        await repo.purgeExecutions(tx, executions);
        report.keys += await repo.purgeEmptyKeys(tx, distinctKeys(keys));
        await refreshKeys(tx, keys);
        report.artifacts += artifacts.length;
        report.executions += executions.length;
        return candidates.length < batch;
      });
      if (done) return;
    }
  }
}

/**
 * A URI naming "the latest" moves once that version is deleted, so deleting by it twice would
 * delete two versions: one version is deleted only when named for good (id, uid, @uid, a version name or a tag).
 */
function refuseMovingRef(ref: string): void {
  if (!isStoreUri(ref)) return;
  const uri = parseStoreUri(ref);
  if (uri.uid || (uri.tag && uri.tag !== 'latest')) return;
  throw badInput(
    `${quoted(ref)} names whichever version is latest, which changes once it is deleted; name the version (its id, @<uid>, :<version-name> or a tag), or pass allVersions: true to delete every version of the key.`,
    { field: 'ref' },
  );
}

function defaultCutoff(graceSeconds = DEFAULT_PURGE_GRACE_SECONDS): string {
  return new Date(Date.now() - graceSeconds * 1000).toISOString();
}

function emptyReport(cutoff: string): PurgeReport {
  return {
    cutoff,
    artifacts: 0,
    executions: 0,
    runs: 0,
    metricChunks: 0,
    keys: 0,
    workspaces: 0,
    bodies: 0,
    keptForLineage: 0,
    keptRuns: 0,
    keptWorkspaces: 0,
    bodiesFailed: 0,
  };
}

function distinctKeys(keys: ArtifactKeyRef[]): ArtifactKeyRef[] {
  const seen = new Map(keys.map((k) => [`${k.workspace}\u0000${k.key}`, k]));
  return [...seen.values()];
}

/** Recomputes "latest" for every key whose live versions changed. */
async function refreshKeys(tx: Tx, keys: ArtifactKeyRef[]): Promise<void> {
  for (const k of distinctKeys(keys)) await artifactRepository.refreshLatest(tx, k.workspace, k.key);
}

async function mustGetRun(tx: Tx, uid: string): Promise<RunRecord> {
  const [run] = await runRepository.getMany(tx, [uid]);
  if (!run) throw notFound('Run', uid);
  return run;
}

async function mustGetWorkspace(tx: Tx, name: string): Promise<WorkspaceRecord> {
  const [w] = await workspaceRepository.getMany(tx, [name]);
  if (!w) throw notFound('Workspace', name);
  return w;
}
