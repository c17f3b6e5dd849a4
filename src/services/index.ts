import type { Principal } from '../auth/principal';
import type { GraphExecutor } from '../graph/executor';
import { SystemService } from './system.service';
import { WorkspaceService } from './workspace.service';

/** What a service needs: the request's executor (counting its queries) and the caller. */
export interface ServiceDeps {
  graph: GraphExecutor;
  caller: Principal;
}

/** The use cases, one module per aggregate, bound to one request. Cheap to build. */
export function createServices(deps: ServiceDeps) {
  return {
    system: new SystemService(deps),
    workspaces: new WorkspaceService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
