import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { requestIdFrom, type Context } from '../graphql/context';
import { SkeinError } from '../errors';
import { checkVariables, LIMIT_DEFAULTS } from '../graphql/limits';
import type { VariableLimits } from '../graphql/limits/variables';
import { readJsonBody } from './request-body';
import { sendError, sendRefusal } from './respond';

export interface GraphQLHandlerDeps {
  apollo: ApolloServer<Context>;
  maxBodyBytes: number;
  /** Authenticates the caller and builds the request's context; a SkeinError refuses the request. */
  makeContext: (req: IncomingMessage, requestId: string) => Promise<Context>;
  /** Bounds on each variable's raw JSON (README "Limits"); the defaults when absent. */
  limits?: VariableLimits;
}

export const BATCH_REFUSED =
  'Batched operations (a JSON array of operations) are not accepted; send one operation per request.';

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
  // Set before authentication, so a refused request's answer names the id its audit event has.
  const requestId = requestIdFrom(req.headers['x-request-id'] as string | undefined);
  res.setHeader('x-request-id', requestId);
  let context: Context;
  try {
    context = await deps.makeContext(req, requestId);
  } catch (err) {
    if (!(err instanceof SkeinError)) throw err;
    return sendRefusal(res, err);
  }
  // Apollo's batching is off (its default); refused here with advice instead of its terse 400.
  if (Array.isArray(body)) return sendError(res, 400, 'BAD_REQUEST', BATCH_REFUSED);
  const tooLarge = checkVariables(variablesOf(req, body), deps.limits ?? LIMIT_DEFAULTS);
  if (tooLarge) return sendError(res, 400, tooLarge.code, tooLarge.message);
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

/**
 * The variables as the client sent them, parsed but not coerced: a POST body's `variables`, or a
 * GET's `variables` parameter (a JSON text; one that does not parse is left for Apollo to refuse).
 */
function variablesOf(req: IncomingMessage, body: unknown): unknown {
  if (req.method === 'POST') return (body as { variables?: unknown } | undefined)?.variables;
  const text = new URLSearchParams(searchOf(req)).get('variables');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function searchOf(req: IncomingMessage): string {
  const i = req.url?.indexOf('?') ?? -1;
  return i >= 0 ? req.url!.slice(i) : '';
}
