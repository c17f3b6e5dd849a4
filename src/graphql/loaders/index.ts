import DataLoader from 'dataloader';
import type { Services } from '../../services';
import { lineageLoader } from './lineage.loader';
import { byKeyLoader, pagedLoader } from './paged';
import { runLoaders } from './run.loader';
import type { ManifestEntryRecord } from '../../domain/body';

/**
 * Every DataLoader, made anew for every request (their caches must never serve one caller's data to
 * another, nor outlive a write). `byKeyLoader`s batch records by uid (or name) and answer in key
 * order; `pagedLoader`s batch one page of a list for many parents; the lineage and run loaders
 * (lineage.loader.ts, run.loader.ts) batch their own keys (a walk, a series) the same way.
 */
export function createLoaders(services: Services) {
  return {
    artifactByUid: byKeyLoader((uids) => services.artifacts.getMany(uids)),
    executionByUid: byKeyLoader((uids) => services.executions.getMany(uids)),
    runByUid: byKeyLoader((uids) => services.runs.getMany(uids)),
    workspaceByName: byKeyLoader((names) => services.workspaces.getMany(names)),
    bodyOf: byKeyLoader((uids) => services.bodies.summaries(uids)),
    manifestOf: new DataLoader<string, ManifestEntryRecord[]>((uids) => services.bodies.manifests(uids)),
    executionsOfRun: pagedLoader((runUids, page) => services.executions.pageByRuns(runUids, page)),
    inputsOf: pagedLoader((uids, page) => services.executions.pageEvents(uids, ['INPUT'], page)),
    outputsOf: pagedLoader((uids, page) => services.executions.pageEvents(uids, ['OUTPUT'], page)),
    eventsOf: pagedLoader((uids, page) => services.executions.pageEvents(uids, ['INPUT', 'OUTPUT'], page)),
    lineage: lineageLoader(services.lineage),
    /** A page of a run's, an execution's or an artifact version's changes, keyed by its uid. */
    historyOf: pagedLoader((uids, page) => services.history.pageOfMany(uids, page)),
    ...runLoaders(services),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
