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
  const status = statusOf(err.code);
  refusalHeaders(res, err, status);
  sendError(res, status, err.code, err.message);
}

/** The headers a refusal's status asks for: how to sign in (401), when to come back (Retry-After). */
export function refusalHeaders(res: ServerResponse, err: SkeinError, status: number): void {
  if (status === 401) res.setHeader('www-authenticate', 'Bearer realm="skein"');
  const retryAfter = err.details.retryAfterSeconds;
  if (typeof retryAfter === 'number') res.setHeader('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
}

/** The HTTP status of an error code, for endpoints that answer a use case's errors over plain HTTP. */
export function statusOf(code: ErrorCode): number {
  return HTTP_STATUS[code] ?? 400;
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  QUERY_TOO_COMPLEX: 400,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};
