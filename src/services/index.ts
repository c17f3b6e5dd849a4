import { ArtifactService } from './artifact.service';
import { AuditService } from './audit.service';
import { ChangeFeedService } from './change-feed.service';
import { BodyService } from './bodies';
import { ExecutionService } from './execution.service';
import { HistoryService } from './history';
import { LifecycleService } from './lifecycle.service';
import { LineageService } from './lineage.service';
import { ColumnLineageService } from './column-lineage.service';
import { MetricService } from './metric.service';
import { RunService } from './run.service';
import { SystemService } from './system.service';
import { UpdateService } from './update.service';
import { WorkspaceService } from './workspace.service';
import { GrantService } from './grant.service';
import { TokenService } from './token.service';
import { OpenLineageService } from './openlineage';
import { WebhookService } from './webhook.service';
import { Access } from './access';
import { SilentAuditTrail } from './audit';
import { type ServiceDeps, type ServiceInit } from './deps';

/** The use cases, one module per aggregate, bound to one request. Cheap to build. */
export function createServices(init: ServiceInit) {
  const audit = init.audit ?? new SilentAuditTrail(init.graph, init.caller, { requestId: null, ip: null });
  const deps: ServiceDeps = { ...init, audit, access: new Access(init.caller, audit) };
  const artifacts = new ArtifactService(deps);
  const workspaces = new WorkspaceService(deps);
  return {
    artifacts,
    audit: new AuditService(deps),
    bodies: new BodyService(deps, artifacts),
    executions: new ExecutionService(deps, artifacts),
    lifecycle: new LifecycleService(deps, artifacts),
    lineage: new LineageService(deps),
    columnLineage: new ColumnLineageService(deps),
    metrics: new MetricService(deps),
    runs: new RunService(deps),
    system: new SystemService(deps),
    workspaces,
    // Who may do what: API tokens and SSO grants (issue 15).
    tokens: new TokenService(deps),
    grants: new GrantService(deps),
    // Changes after the fact and their history (update.service.ts, history.ts).
    updates: new UpdateService(deps, artifacts),
    history: new HistoryService(deps),
    // OpenLineage events in (issue 17): src/services/openlineage/.
    openLineage: new OpenLineageService(deps, workspaces),
    // The change feed: a workspace's changes in commit order (issue 17).
    changes: new ChangeFeedService(deps),
    // The change feed delivered to URLs (issue 17; deliveries: webhook-dispatch.ts).
    webhooks: new WebhookService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
