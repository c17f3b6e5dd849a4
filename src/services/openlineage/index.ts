import { badInput, forbidden, quoted } from '../../errors';
import { may } from '../../auth/principal';
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
import { planRunEvent } from './mapping';
import { applyInOrder, committerFor, GROUP_MAX, type InOrder, type PreparedRun } from './group';
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

  /**
   * One event. A RunEvent goes to the process's group committer (group.ts): it shares a transaction
   * with the RunEvents other requests send meanwhile, each with its own audit entry.
   */
  async ingest(event: OpenLineageEvent): Promise<IngestOutcome> {
    if (eventKind(event) === 'run') {
      return committerFor(this.deps.graph).submit(this.deps.graph, await this.prepareRun(event as RunEvent));
    }
    checkTime(event);
    this.deps.audit.begin(OPEN_LINEAGE_ACTION);
    if (eventKind(event) === 'job') {
      return ingestJobEvent(this.deps, event as JobEvent, (ns, id) => this.use(ns, 'Job', id));
    }
    return ingestDatasetEvent(this.deps, event as DatasetEvent, (ns, id) => this.use(ns, 'Dataset', id));
  }

  /**
   * A request's events, in order: consecutive RunEvents in groups of up to GROUP_MAX, each group one
   * transaction (group.ts; a failed group is applied again one event per transaction); Dataset and
   * Job events one transaction each. Stops at the first event that cannot be applied: `failure`
   * names it (its index) and every event before it is applied, once.
   */
  async ingestMany(
    events: readonly OpenLineageEvent[],
  ): Promise<{ results: IngestOutcome[]; failure: IngestFailure | null }> {
    if (events.length === 1) {
      try {
        return { results: [await this.ingest(events[0]!)], failure: null };
      } catch (error) {
        return { results: [], failure: { index: 0, error } };
      }
    }
    const results: IngestOutcome[] = [];
    let group: PreparedRun[] = [];
    const flush = async (): Promise<IngestFailure | null> => {
      const applied: InOrder = await applyInOrder(this.deps.graph, group);
      group = [];
      results.push(...applied.outcomes);
      return applied.failure && { index: results.length, error: applied.failure.error };
    };
    for (const event of events) {
      let failure: IngestFailure | null = null;
      try {
        if (eventKind(event) === 'run') {
          group.push(await this.prepareRun(event as RunEvent));
          if (group.length >= GROUP_MAX) failure = await flush();
        } else {
          failure = await flush();
          if (!failure) results.push(await this.ingest(event));
        }
      } catch (error) {
        // This event was refused before any write: the events before it are applied first.
        failure = (await flush()) ?? { index: results.length, error };
      }
      if (failure) return { results, failure };
    }
    return { results, failure: await flush() };
  }

  /** A RunEvent checked, authorized (a refusal recorded as ever), planned, with its audit entry. */
  private async prepareRun(event: RunEvent): Promise<PreparedRun> {
    checkTime(event);
    this.deps.audit.begin(OPEN_LINEAGE_ACTION);
    const plan = planRunEvent(event);
    const use = await this.use(event.job.namespace, 'OpenLineageRun', event.run.runId);
    return { plan, mayCreate: use.mayCreate, audit: this.deps.audit.takeEntry(), trail: this.deps.audit };
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

/** An event that could not be applied: its index in the request, and why. */
export interface IngestFailure {
  index: number;
  error: unknown;
}

function checkTime(event: OpenLineageEvent): void {
  if (Number.isNaN(Date.parse(event.eventTime))) {
    throw badInput(`eventTime ${quoted(event.eventTime)} is not a date-time; send ISO-8601 with an offset.`, {
      field: 'eventTime',
    });
  }
}
