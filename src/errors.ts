/**
 * Every error code a client can see. Clients branch on `extensions.code`, so this list is part
 * of the API: add codes deliberately (each with an operation that returns it and a test), never
 * rename one.
 */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  /**
   * No credentials, or ones Skein does not accept (unknown, revoked or expired token; a JWT the
   * issuer did not sign): HTTP 401. The message says how to sign in.
   */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /**
   * The caller is known but may not do this (a viewer writing, an editor granting), or a request
   * refused whoever asks (a signed URL that is invalid or expired, a Host header not served).
   * Things the caller may not read are NOT_FOUND instead, so their existence does not leak.
   */
  FORBIDDEN = 'FORBIDDEN',
  PRECONDITION_FAILED = 'PRECONDITION_FAILED',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  /**
   * The request asks for more than one request may (README "Limits": depth, aliases, tokens,
   * cost, graph records…); the message names the limit, its variable and the measured value.
   */
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  /** Too many requests from one token (or address) in a short time: HTTP 429 with Retry-After. */
  RATE_LIMITED = 'RATE_LIMITED',
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
}

export const badInput = (message: string, details?: Record<string, unknown>) =>
  new SkeinError(ErrorCode.BAD_USER_INPUT, message, details);
export const notFound = (what: string, id: string) =>
  new SkeinError(ErrorCode.NOT_FOUND, `${what} ${quoted(id)} does not exist.`, { id: clip(id) });
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new SkeinError(ErrorCode.CONFLICT, message, details);
export const forbidden = (message: string, details?: Record<string, unknown>) =>
  new SkeinError(ErrorCode.FORBIDDEN, message, details);
export const unauthenticated = (message: string, details?: Record<string, unknown>) =>
  new SkeinError(ErrorCode.UNAUTHENTICATED, message, details);
export const preconditionFailed = (message: string, details?: Record<string, unknown>) =>
  new SkeinError(ErrorCode.PRECONDITION_FAILED, message, details);

/** True when a code may be shown to a client as it is (a user error, not an internal failure). */
export function isClientFacingCode(code: unknown): boolean {
  return (
    typeof code === 'string' &&
    code !== ErrorCode.INTERNAL_SERVER_ERROR &&
    (code in ErrorCode || GRAPHQL_OWN_CODES.has(code))
  );
}

/**
 * How much of a client's value an error message echoes. Enough to recognise the value; a 100 KB
 * ref or a 5 MB name would otherwise come back (and be logged) whole, once in the message and
 * again in the details.
 */
export const ECHO_LIMIT = 100;

/** `value` cut to ECHO_LIMIT characters, with "…" when something was cut. */
export function clip(value: string, limit = ECHO_LIMIT): string {
  return value.length <= limit ? value : `${value.slice(0, limit)}…`;
}

/**
 * A client's value as an error message quotes it: in double quotes, JSON-escaped (so control
 * characters and quotes in it cannot garble the message) and clipped. Use it wherever a message
 * echoes input: `Workspace ${quoted(name)} does not exist.`
 */
export function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(clip(text));
}

/** The longest message a client gets; anything past it was an echo that escaped `quoted`. */
export const MAX_MESSAGE_LENGTH = 1000;

/**
 * The last bound on what a message echoes, applied to every message a client gets (formatError):
 * each double-quoted run longer than ECHO_LIMIT is clipped in place (GraphQL's own variable errors
 * quote the client's value, twice, before saying what is wrong with it), then the whole message
 * is capped. Linear, by `indexOf` jumps: a 10 MB value makes a 20 MB message.
 */
export function boundMessage(message: string): string {
  if (message.length <= ECHO_LIMIT) return message;
  let out = '';
  let copied = 0; // message[copied…] is not in `out` yet
  let scan = 0;
  // Stop once what is kept already fills the cap: the rest would be cut anyway.
  while (scan < message.length && out.length + (scan - copied) <= MAX_MESSAGE_LENGTH) {
    const open = message.indexOf('"', scan);
    if (open < 0) break;
    const close = closingQuote(message, open + 1);
    if (close - open - 1 > ECHO_LIMIT) {
      out += `${message.slice(copied, open + 1 + ECHO_LIMIT)}…`;
      copied = close; // the closing quote, if any, is kept
    }
    scan = close + 1;
  }
  return clip(out + message.slice(copied, copied + MAX_MESSAGE_LENGTH + 1), MAX_MESSAGE_LENGTH);
}

/**
 * The index of the quote that closes a run starting at `start` (escaped quotes skipped), or the
 * end of the text: also when the run has so many escaped quotes that finding its end would cost
 * more than the echo is worth.
 */
function closingQuote(text: string, start: number): number {
  for (let at = start, escaped = 0; escaped < MAX_ESCAPED_QUOTES; escaped += 1) {
    const quote = text.indexOf('"', at);
    if (quote < 0) return text.length;
    let backslashes = 0;
    while (quote - backslashes - 1 >= start && text[quote - backslashes - 1] === '\\') backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    at = quote + 1;
  }
  return text.length;
}

const MAX_ESCAPED_QUOTES = 1000;

/**
 * V8's "Maximum call stack size exceeded". graphql-js walks documents and variable values
 * recursively, so input nested deeply enough (a 10,000-fragment chain, a 10,000-deep filter) ends
 * this way: the client's input, not a fault of the server.
 */
export function isStackExhaustion(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
