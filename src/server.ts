import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { Context } from './context';
import type { GraphExecutor } from './graph/executor';
import { handleGraphQL } from './http/graphql-handler';
import { handleHealthz, handleReadyz, type Readiness } from './http/health';
import { sendError } from './http/respond';
import type { Logger } from './logger';

export interface HttpDeps {
  apollo: ApolloServer<Context>;
  graph: GraphExecutor;
  logger: Logger;
  readiness: Readiness;
  maxBodyBytes: number;
  makeContext: (req: IncomingMessage) => Context;
}

/** The HTTP server: /graphql, /healthz, /readyz. Every other path is a 404. */
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
  const path = (req.url ?? '/').split('?')[0];
  switch (path) {
    case '/graphql':
      return handleGraphQL(deps, req, res);
    case '/healthz':
      return handleHealthz(res);
    case '/readyz':
      return handleReadyz(deps.graph, deps.readiness, res);
    default:
      sendError(res, 404, 'NOT_FOUND', `Nothing is served at ${path}; the API is at /graphql.`);
  }
}
