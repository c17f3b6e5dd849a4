import type { Principal } from '../auth/principal';
import type { GraphExecutor } from '../graph/executor';
import { ArtifactService } from './artifact.service';
import { ExecutionService } from './execution.service';
import { MetricService } from './metric.service';
import { RunService } from './run.service';
import { SystemService } from './system.service';
import { WorkspaceService } from './workspace.service';

/** What a service needs: the request's executor (counting its queries) and the caller. */
export interface ServiceDeps {
  graph: GraphExecutor;
  caller: Principal;
}

/** The use cases, one module per aggregate, bound to one request. Cheap to build. */
export function createServices(deps: ServiceDeps) {
  const artifacts = new ArtifactService(deps);
  return {
    artifacts,
    executions: new ExecutionService(deps, artifacts),
    metrics: new MetricService(deps),
    runs: new RunService(deps),
    system: new SystemService(deps),
    workspaces: new WorkspaceService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
