import type { ServerResponse } from 'node:http';
import type { ErrorCode, SkeinError } from '../errors';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * An HTTP-level error (not a GraphQL one) in the same shape GraphQL errors have, with a code from
 * the one list (or graphql-http's BAD_REQUEST for a request that is not GraphQL at all).
 */
export function sendError(res: ServerResponse, status: number, code: ErrorCode | 'BAD_REQUEST', message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

/**
 * A request refused before GraphQL (or the local store) runs: bad credentials (401), too many
 * requests (429, with Retry-After from the error's `retryAfterSeconds`), the graph away (503).
 */
export function sendRefusal(res: ServerResponse, err: SkeinError): void {
  const status = HTTP_STATUS[err.code] ?? 400;
  if (status === 401) res.setHeader('www-authenticate', 'Bearer realm="skein"');
  const retryAfter = err.details.retryAfterSeconds;
  if (typeof retryAfter === 'number') res.setHeader('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
  sendError(res, status, err.code, err.message);
}

const HTTP_STATUS: Partial<Record<string, number>> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};
