import { GraphQLError } from 'graphql';

/**
 * Every error code a client can see. Clients branch on `extensions.code`, so this list is part
 * of the API: add codes deliberately, never rename one.
 */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  FORBIDDEN = 'FORBIDDEN',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  PRECONDITION_FAILED = 'PRECONDITION_FAILED',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** The codes GraphQL itself (parsing, validation, variable coercion) produces; they are safe to show. */
const GRAPHQL_OWN_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'BAD_REQUEST',
]);

/** An error the caller caused (or may act on). Its message is shown to the client as written. */
export class SkeinError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'SkeinError';
  }

  toGraphQLError(): GraphQLError {
    return new GraphQLError(this.message, { extensions: { code: this.code, ...this.details } });
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) =>
  new SkeinError(ErrorCode.BAD_USER_INPUT, message, details);
export const notFound = (what: string, id: string) =>
  new SkeinError(ErrorCode.NOT_FOUND, `${what} "${id}" does not exist.`, { id });
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new SkeinError(ErrorCode.CONFLICT, message, details);
export const preconditionFailed = (message: string, details?: Record<string, unknown>) =>
  new SkeinError(ErrorCode.PRECONDITION_FAILED, message, details);
export const forbidden = (message: string) => new SkeinError(ErrorCode.FORBIDDEN, message);

/** True when a code may be shown to a client as it is (a user error, not an internal failure). */
export function isClientFacingCode(code: unknown): boolean {
  return (
    typeof code === 'string' &&
    code !== ErrorCode.INTERNAL_SERVER_ERROR &&
    (code in ErrorCode || GRAPHQL_OWN_CODES.has(code))
  );
}
