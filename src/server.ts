import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { Context } from './graphql/context';
import type { GraphExecutor } from './graph/executor';
import { pendingMigrations } from './graph/migrations';
import { handleGraphQL } from './http/graphql-handler';
import { Drain } from './http/drain';
import { handleHealthz, handleReadyz, type Readiness } from './http/health';
import { handleOpenLineage, OPENLINEAGE_PATH } from './http/openlineage';
import type { HostPolicy } from './http/host-check';
import type { CorsPolicy } from './http/cors';
import {
  PLAYGROUND_ASSETS_PATH,
  PLAYGROUND_PATH,
  servePlaygroundAsset,
  servePlaygroundPage,
  wantsPlayground,
} from './http/playground';
import { sendError } from './http/respond';
import type { VariableLimits } from './graphql/limits/variables';
import type { Logger } from './logger';
import { ErrorCode } from './errors';

export interface HttpDeps {
  apollo: ApolloServer<Context>;
  graph: GraphExecutor;
  logger: Logger;
  readiness: Readiness;
  maxBodyBytes: number;
  makeContext: (req: IncomingMessage, requestId: string) => Promise<Context>;
  /** The local body store's signed URLs under /bodies/ (absent with S3). */
  bodies?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** Which Host headers are served (DNS rebinding); every host when absent. */
  hosts?: HostPolicy;
  /** Bounds on each request's raw variables (src/graphql/limits/variables.ts); the defaults when absent. */
  limits?: VariableLimits;
  /** Which other sites' pages may call /graphql (src/http/cors.ts); none when absent. */
  cors?: CorsPolicy;
}

/**
 * The HTTP server: /graphql, /api/v1/lineage (OpenLineage events in), /playground (and its assets),
 * /healthz, /readyz. Every other path is a 404. `drain.close()` shuts it down gracefully (src/http/drain.ts).
 */
export function createHttpServer(deps: HttpDeps): { server: Server; drain: Drain } {
  const server = createServer((req, res) => {
    route(deps, drain, req, res).catch((err: unknown) => {
      deps.logger.error({ err, url: req.url }, 'unhandled error in HTTP handler');
      if (!res.headersSent) sendError(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error.');
      else res.destroy();
    });
  });
  const drain = new Drain(server);
  return { server, drain };
}

async function route(deps: HttpDeps, drain: Drain, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  // Probes answer whatever the Host (they reveal and change nothing) and while draining (/readyz says 503).
  if (path === '/healthz') return handleHealthz(res);
  if (path === '/readyz') {
    const pending = () => pendingMigrations(deps.graph).then((list) => list.map((m) => m.version));
    return handleReadyz(pending, deps.readiness, res);
  }
  const wrongHost = deps.hosts?.check(req);
  if (wrongHost) return sendError(res, 421, ErrorCode.FORBIDDEN, wrongHost);
  if (drain.draining) return drain.refuse(res);
  if (deps.bodies && path?.startsWith('/bodies/')) return deps.bodies(req, res);
  switch (path) {
    case '/graphql':
      if (deps.cors?.handle(req, res)) return;
      // A browser opening the API's URL gets the playground; operations (POST, GET ?query=) go to Apollo.
      if (wantsPlayground(req)) return servePlaygroundPage(req, res);
      if (refusedWhileGraphDown(deps, res)) return;
      return handleGraphQL(deps, req, res);
    case PLAYGROUND_PATH:
    case `${PLAYGROUND_PATH}/`:
      return servePlaygroundPage(req, res);
    case OPENLINEAGE_PATH:
    case `${OPENLINEAGE_PATH}/`:
      if (refusedWhileGraphDown(deps, res)) return;
      return handleOpenLineage(deps, req, res);
    default:
      if (path.startsWith(PLAYGROUND_ASSETS_PATH)) return servePlaygroundAsset(req, res, path);
      sendError(res, 404, ErrorCode.NOT_FOUND, `Nothing is served at ${path}; the API is at /graphql.`);
  }
}

/** While the local Neo4j restarts, the API says so at once instead of retrying into a timeout. */
function refusedWhileGraphDown(deps: HttpDeps, res: ServerResponse): boolean {
  if (!deps.readiness.graphDown) return false;
  res.setHeader('retry-after', '5');
  sendError(res, 503, ErrorCode.SERVICE_UNAVAILABLE, 'The graph database is restarting; try again shortly.');
  return true;
}
