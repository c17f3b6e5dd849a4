import { newUid } from '../domain/uid';
import type { Tx } from './executor';
import * as Q from './openlineage.cypher';
import { propName } from './props';
import type { AuditRecord } from '../domain/audit';

/** What the service hands over for one RunEvent (src/services/openlineage/mapping.ts RunEventPlan). */
export type RunEventParams = Record<string, unknown> & { workspace: string; namespace: string };

/** One RunEvent of a group: its plan (with whether its workspace may be made) and its audit entry. */
export interface GroupedRunEvent {
  plan: RunEventParams;
  mayCreate: boolean;
  /** Null when the request records nothing (background work, service tests). */
  audit: AuditRecord | null;
}

/** What one RunEvent did, as the statement answers it. */
export interface RunEventRow {
  workspaceCreated: boolean;
  runUid: string;
  executionUid: string;
  state: string;
  /** Uids of the dataset versions the event made. */
  versionsCreated: string[];
}

/** Where a workspace made for a namespace keeps that namespace: its label `openlineage.namespace`. */
const NAMESPACE_LABEL = propName('label', 'openlineage.namespace');

const workspaceClause = (mayCreate: boolean) => (mayCreate ? Q.WORKSPACE_MAY_CREATE : Q.WORKSPACE_MUST_EXIST);

export const openLineageRepository = {
  /**
   * RunEvents in order as one statement (openlineage.cypher.ts INGEST_RUN_EVENTS), each with its
   * audit entry numbered in its workspace's feed. Each answer is the event's row, or null when its
   * workspace is missing (or deleted) and may not be made: nothing of that event was written. A
   * group of several then fails whole (the statement raises: nothing of it is written), so it may
   * run as its own auto-commit transaction; a group of one answers [null], having written nothing.
   */
  async ingestRunEvents(tx: Tx, events: readonly GroupedRunEvent[], now: string): Promise<(RunEventRow | null)[]> {
    const rows = await tx.run<RunEventRow & { i: number }>(Q.INGEST_RUN_EVENTS, {
      events: events.map((e, i) => ({ i, p: { ...e.plan, mayCreate: e.mayCreate }, audit: e.audit })),
      whole: events.length > 1,
      now,
      token: newUid(),
      namespaceLabel: NAMESPACE_LABEL,
    });
    const answers: (RunEventRow | null)[] = events.map(() => null);
    for (const { i, ...row } of rows) answers[Number(i)] = withoutNulls(row);
    return answers;
  },
};

const withoutNulls = (row: RunEventRow): RunEventRow => ({
  ...row,
  versionsCreated: row.versionsCreated.filter((u) => u !== null),
});

/** One workspace's result of a DatasetEvent. */
export interface DatasetEventRow {
  workspace: string;
  uid: string;
  madeUid: string | null;
}

export const staticEventRepository = {
  /** Makes the workspace of a namespace when missing; true when it did. */
  async ensureWorkspace(tx: Tx, workspace: string, namespace: string, now: string): Promise<boolean> {
    const rows = await tx.run<{ workspaceCreated: boolean }>(`${Q.WORKSPACE_MAY_CREATE}\nRETURN workspaceCreated`, {
      p: { workspace, namespace },
      now,
      token: newUid(),
      namespaceLabel: NAMESPACE_LABEL,
    });
    return rows[0]?.workspaceCreated ?? false;
  },

  /** The workspaces that hold a dataset already, by its OpenLineage namespace and name. */
  async datasetWorkspaces(tx: Tx, namespace: string, name: string): Promise<string[]> {
    const rows = await tx.run<{ workspace: string }>(Q.DATASET_WORKSPACES, { namespace, name });
    return rows.map((r) => r.workspace);
  },

  /** A DatasetEvent's facets on the dataset's current version in each of `workspaces` (that exist). */
  async ingestDatasetEvent(
    tx: Tx,
    input: { workspaces: string[]; dataset: Record<string, unknown>; spec: string | null; eventTime: string },
    now: string,
  ): Promise<DatasetEventRow[]> {
    return tx.run<DatasetEventRow>(Q.INGEST_DATASET_EVENT, {
      workspaces: input.workspaces.map((name) => ({ name, uid: newUid() })),
      d: input.dataset,
      spec: input.spec,
      p: { eventTime: input.eventTime },
      now,
    });
  },

  /** A JobEvent's job; null when the workspace is missing (and may not be made) or deleted. */
  async ingestJobEvent(
    tx: Tx,
    job: { workspace: string; namespace: string; name: string; eventTime: string; facets: unknown[]; declared: string },
    mayCreate: boolean,
    now: string,
  ): Promise<{ workspaceCreated: boolean } | null> {
    const rows = await tx.run<{ workspaceCreated: boolean }>(`${workspaceClause(mayCreate)}\n${Q.INGEST_JOB_EVENT}`, {
      p: job,
      now,
      token: newUid(),
      namespaceLabel: NAMESPACE_LABEL,
    });
    return rows[0] ?? null;
  },
};
