/**
 * Exit codes scripts can rely on (the server commands use 0–3 as well):
 *   0 done · 1 failed · 2 bad usage (or input the server refused as bad) · 3 a check found work
 *   to do · 4 not found · 5 verification failed (a downloaded body did not match its SHA-256)
 */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  CHECK_FAILED: 3,
  NOT_FOUND: 4,
  VERIFY_FAILED: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure reported as one line a person can act on (`skein: <message>`), exiting with `exitCode`. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(EXIT.USAGE, message);
export const failed = (message: string) => new CliError(EXIT.FAILED, message);

/** An error the GraphQL API answered, with its `extensions.code`. */
export class ApiError extends CliError {
  constructor(
    readonly code: string,
    readonly apiMessage: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(exitCodeOf(code), `${apiMessage.replace(/\.$/, '')} (${code})`);
    this.name = 'ApiError';
  }
}

function exitCodeOf(code: string): ExitCode {
  if (code === 'NOT_FOUND') return EXIT.NOT_FOUND;
  // The request itself was wrong (bad input, or more than the server's limits allow).
  if (code === 'BAD_USER_INPUT' || code === 'QUERY_TOO_COMPLEX') return EXIT.USAGE;
  return EXIT.FAILED;
}

/** Why a network call failed, in a few words ("connection refused"), from fetch's nested causes. */
export function networkReason(err: unknown): string {
  const codes: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host not found (DNS)',
    ETIMEDOUT: 'timed out',
    UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
    UND_ERR_SOCKET: 'connection closed',
    EPIPE: 'connection closed',
    CERT_HAS_EXPIRED: 'TLS certificate expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  };
  for (let e = err as { code?: string; message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code && codes[e.code]) return codes[e.code]!;
    if (e.code) return e.code;
    if (!e.cause) return e.message ?? String(e);
  }
  return String(err);
}
