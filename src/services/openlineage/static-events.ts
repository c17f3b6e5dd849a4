import { forbidden, quoted } from '../../errors';
import { may } from '../../auth/principal';
import { staticEventRepository as repo } from '../../graph/openlineage.repository';
import type { DatasetEvent, IngestOutcome, JobEvent } from '../../domain/openlineage';
import type { ServiceDeps } from '../deps';
import { nowIso } from '../validate';
import { datasetSpecOf, facetWrites, isoTime } from './mapping';
import { datasetKey, workspaceForNamespace } from './names';

/** How an ingest may use its workspace: write into it, and make it first when it is missing. */
export interface WorkspaceUse {
  workspace: string;
  mayCreate: boolean;
}

/** Authorizes writing into a namespace's workspace (OpenLineageService.use). */
type Use = (namespace: string, objectId: string) => Promise<WorkspaceUse>;

/**
 * A JobEvent (metadata about a job, outside any run) makes no execution: it records the job as an
 * `OpenLineageJob` node of its workspace (one per job name) with the job's facets and the datasets
 * it declares (`olDeclared`, JSON `{inputs, outputs}` of `{namespace, name, key}`), each kept from
 * the latest eventTime. One statement.
 */
export async function ingestJobEvent(deps: ServiceDeps, event: JobEvent, use: Use): Promise<IngestOutcome> {
  const { workspace, mayCreate } = await use(event.job.namespace, event.job.name);
  const declared = (list: ReadonlyArray<{ namespace: string; name: string }> | undefined) =>
    (list ?? []).map((d) => ({ namespace: d.namespace, name: d.name, key: datasetKey(d.namespace, d.name) }));
  const job = {
    workspace,
    namespace: event.job.namespace,
    name: event.job.name,
    eventTime: isoTime(event.eventTime),
    facets: facetWrites('olJobFacet', event.job.facets),
    declared: JSON.stringify({ inputs: declared(event.inputs), outputs: declared(event.outputs) }),
  };
  const row = await deps.graph.write(
    async (tx) => {
      const done = await repo.ingestJobEvent(tx, job, mayCreate, nowIso());
      if (!done) throw forbidden(`Workspace ${quoted(workspace)} does not exist (or is deleted); ask an admin.`);
      return done;
    },
    { oneStatement: true, recordIf: 'true' },
  );
  return outcome('job', workspace, event.job.namespace, row.workspaceCreated, []);
}

/**
 * A DatasetEvent (metadata about a dataset, outside any run) names no job, so no workspace: its
 * facets go onto the dataset's current version in every workspace that already holds the dataset
 * and the caller may write to; where none does, into the workspace of the dataset's own namespace
 * (names.ts), made on first use as for a job's. A dataset with no version gets a placeholder one.
 */
export async function ingestDatasetEvent(deps: ServiceDeps, event: DatasetEvent, use: Use): Promise<IngestOutcome> {
  const { namespace, name } = event.dataset;
  const holding = await deps.graph.read((tx) => repo.datasetWorkspaces(tx, namespace, name));
  let workspaces = holding.filter((w) => may(deps.caller, 'write', w));
  let mayCreate = false;
  if (workspaces.length > 0) {
    await deps.access.require('write', { workspace: workspaces[0]!, objectType: 'Dataset', objectId: name });
  } else {
    const made = await use(namespace, name);
    mayCreate = made.mayCreate;
    workspaces = [made.workspace];
  }
  const facets = event.dataset.facets ?? {};
  const hasTypedFields = facets.schema !== undefined || facets.dataQualityMetrics !== undefined;
  const dataset = {
    namespace,
    name,
    key: datasetKey(namespace, name),
    facets: facetWrites('olFacet', facets),
    spec: JSON.stringify(datasetSpecOf(facets)),
  };
  let created = false;
  const rows = await deps.graph.write(async (tx) => {
    if (mayCreate) created = await repo.ensureWorkspace(tx, workspaces[0]!, namespace, nowIso());
    return repo.ingestDatasetEvent(
      tx,
      { workspaces, dataset, spec: hasTypedFields ? dataset.spec : null, eventTime: isoTime(event.eventTime) },
      nowIso(),
    );
  });
  const versions = rows.flatMap((r) => (r.madeUid ? [r.madeUid] : []));
  return outcome('dataset', workspaces[0] ?? workspaceForNamespace(namespace), namespace, created, versions);
}

function outcome(
  kind: 'job' | 'dataset',
  workspace: string,
  namespace: string,
  workspaceCreated: boolean,
  versionsCreated: string[],
): IngestOutcome {
  return {
    kind,
    workspace,
    namespace,
    workspaceCreated,
    executionUid: null,
    runUid: null,
    state: null,
    versionsCreated,
  };
}
