import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { Context } from './context';
import type { GraphExecutor } from './graph/executor';
import { handleGraphQL } from './http/graphql-handler';
import { handleHealthz, handleReadyz, type Readiness } from './http/health';
import {
  PLAYGROUND_ASSETS_PATH,
  PLAYGROUND_PATH,
  servePlaygroundAsset,
  servePlaygroundPage,
  wantsPlayground,
} from './http/playground';
import { sendError } from './http/respond';
import type { Logger } from './logger';

export interface HttpDeps {
  apollo: ApolloServer<Context>;
  graph: GraphExecutor;
  logger: Logger;
  readiness: Readiness;
  maxBodyBytes: number;
  makeContext: (req: IncomingMessage) => Context;
  /** The local body store's signed URLs under /bodies/ (absent with S3). */
  bodies?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/** The HTTP server: /graphql, /playground (and its assets), /healthz, /readyz. Every other path is a 404. */
export function createHttpServer(deps: HttpDeps): Server {
  return createServer((req, res) => {
    route(deps, req, res).catch((err: unknown) => {
      deps.logger.error({ err, url: req.url }, 'unhandled error in HTTP handler');
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error.');
      else res.destroy();
    });
  });
}

async function route(deps: HttpDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (deps.bodies && path?.startsWith('/bodies/')) return deps.bodies(req, res);
  switch (path) {
    case '/graphql':
      // A browser opening the API's URL gets the playground; operations (POST, GET ?query=) go to Apollo.
      if (wantsPlayground(req)) return servePlaygroundPage(req, res);
      return handleGraphQL(deps, req, res);
    case PLAYGROUND_PATH:
    case `${PLAYGROUND_PATH}/`:
      return servePlaygroundPage(req, res);
    case '/healthz':
      return handleHealthz(res);
    case '/readyz':
      return handleReadyz(deps.graph, deps.readiness, res);
    default:
      if (path.startsWith(PLAYGROUND_ASSETS_PATH)) return servePlaygroundAsset(req, res, path);
      sendError(res, 404, 'NOT_FOUND', `Nothing is served at ${path}; the API is at /graphql.`);
  }
}
