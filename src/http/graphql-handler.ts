import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Context } from '../context';
import { SkeinError } from '../errors';
import { readJsonBody } from './body';
import { sendError } from './respond';

export interface GraphQLHandlerDeps {
  apollo: ApolloServer<Context>;
  maxBodyBytes: number;
  makeContext: (req: IncomingMessage) => Context;
}

/** Hands one HTTP request to Apollo Server and streams its answer back. */
export async function handleGraphQL(
  deps: GraphQLHandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let body: unknown;
  try {
    body = req.method === 'POST' ? await readJsonBody(req, deps.maxBodyBytes) : undefined;
  } catch (err) {
    if (!(err instanceof SkeinError)) throw err;
    sendError(res, err.code === 'PAYLOAD_TOO_LARGE' ? 413 : 400, err.code, err.message);
    return;
  }
  const context = deps.makeContext(req);
  res.setHeader('x-request-id', context.requestId);
  const response = await deps.apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: req.method ?? 'GET', headers: toHeaderMap(req), search: searchOf(req), body },
    context: async () => context,
  });
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    // Encoded once: given a string, Node measures it and then converts it again to send it.
    const bytes = Buffer.from(response.body.string);
    res.setHeader('content-length', bytes.length);
    res.end(bytes);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

function toHeaderMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

function searchOf(req: IncomingMessage): string {
  const i = req.url?.indexOf('?') ?? -1;
  return i >= 0 ? req.url!.slice(i) : '';
}
