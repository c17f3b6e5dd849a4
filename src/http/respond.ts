import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../errors';

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
