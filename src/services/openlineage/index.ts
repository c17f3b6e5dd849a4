import { badInput, forbidden, quoted } from '../../errors';
import { may } from '../../auth/principal';
import { openLineageRepository as repo } from '../../graph/openlineage.repository';
import {
  eventKind,
  type DatasetEvent,
  type IngestOutcome,
  type JobEvent,
  type OpenLineageEvent,
  type RunEvent,
} from '../../domain/openlineage';
import type { ServiceDeps } from '../deps';
import type { WorkspaceService } from '../workspace.service';
import { nowIso } from '../validate';
import { planRunEvent } from './mapping';
import { workspaceForNamespace } from './names';
import { ingestDatasetEvent, ingestJobEvent, type WorkspaceUse } from './static-events';

/** The audit trail's name for every ingested event (the change feed shows it). */
export const OPEN_LINEAGE_ACTION = 'openLineage';

/**
 * OpenLineage events in (issue 17): each already schema-validated event is one write transaction
 * (one statement for a RunEvent), with its `openLineage` audit entry written in it. The mapping is
 * mapping.ts (pure) and openlineage.cypher.ts (under locks); names.ts turns names into Skein's.
 */
export class OpenLineageService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly workspaces: WorkspaceService,
  ) {}

  async ingest(event: OpenLineageEvent): Promise<IngestOutcome> {
    if (Number.isNaN(Date.parse(event.eventTime))) {
      throw badInput(`eventTime ${quoted(event.eventTime)} is not a date-time; send ISO-8601 with an offset.`, {
        field: 'eventTime',
      });
    }
    this.deps.audit.begin(OPEN_LINEAGE_ACTION);
    const kind = eventKind(event);
    if (kind === 'run') return this.ingestRun(event as RunEvent);
    if (kind === 'job') return ingestJobEvent(this.deps, event as JobEvent, (ns, id) => this.use(ns, 'Job', id));
    return ingestDatasetEvent(this.deps, event as DatasetEvent, (ns, id) => this.use(ns, 'Dataset', id));
  }

  private async ingestRun(event: RunEvent): Promise<IngestOutcome> {
    const plan = planRunEvent(event);
    const use = await this.use(event.job.namespace, 'OpenLineageRun', event.run.runId);
    // One statement; the audit entry rides on its row (executor.ts recordIf): no row, no write.
    const row = await this.deps.graph.write(
      async (tx) => {
        const done = await repo.ingestRunEvent(tx, { ...plan }, use.mayCreate, nowIso());
        if (!done) throw missingWorkspace(plan.workspace, event.job.namespace);
        return done;
      },
      { oneStatement: true, recordIf: 'true' },
    );
    return {
      kind: 'run',
      workspace: plan.workspace,
      namespace: plan.namespace,
      workspaceCreated: row.workspaceCreated,
      executionUid: row.executionUid,
      runUid: row.runUid,
      state: row.state,
      versionsCreated: row.versionsCreated,
    };
  }

  /**
   * Authorizes writing into the namespace's workspace. A caller who may create workspaces (a
   * server admin, or auth off) has it made on first use in the event's own statement; an SSO user
   * has it made first (createWorkspace's rules: they become its owner); anyone else needs write
   * access to a workspace that exists.
   */
  async use(namespace: string, objectType: string, objectId: string): Promise<WorkspaceUse> {
    const workspace = workspaceForNamespace(namespace);
    const { caller, access, audit } = this.deps;
    const target = { workspace, objectType, objectId };
    if (caller.admin || may(caller, 'write', workspace)) {
      await access.require('write', target);
      return { workspace, mayCreate: caller.admin };
    }
    await access.requireSignedIn(target);
    if (caller.kind === 'sso' && !access.canRead(workspace) && (await this.createdForSso(workspace, namespace))) {
      audit.begin(OPEN_LINEAGE_ACTION); // the create wrote its own entry; the event gets one too
      audit.target(target);
      return { workspace, mayCreate: false };
    }
    await audit.deny(OPEN_LINEAGE_ACTION, target, 'FORBIDDEN');
    throw forbidden(refusal(workspace, namespace), { workspace, namespace });
  }

  /**
   * An SSO user's workspace for a namespace, made as createWorkspace makes one (they own it); false
   * when it exists already (one they may not read: they get the refusal anyone would, not CONFLICT).
   */
  private async createdForSso(workspace: string, namespace: string): Promise<boolean> {
    try {
      await this.workspaces.create({ name: workspace, labels: [{ key: 'openlineage.namespace', value: namespace }] });
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'CONFLICT') return false;
      throw err;
    }
  }
}

function refusal(workspace: string, namespace: string): string {
  return `OpenLineage namespace ${quoted(namespace)} goes to workspace ${quoted(workspace)}, which your credentials may not write to or create. Ask an owner of ${quoted(workspace)} for the EDITOR role, or an admin to create it.`;
}

function missingWorkspace(workspace: string, namespace: string) {
  return forbidden(
    `OpenLineage namespace ${quoted(namespace)} goes to workspace ${quoted(workspace)}, which does not exist (or is deleted) and your credentials may not create it. Ask an admin to create (or restore) it.`,
    { workspace, namespace },
  );
}
