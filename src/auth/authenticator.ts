import { OPEN, type Principal } from './principal';

/** Where a request came from: its address and its request id (both go into the audit trail). */
export interface RequestOrigin {
  ip: string | null;
  requestId: string | null;
}

/**
 * Turns a request's credentials into its principal, once per request, before GraphQL runs. A
 * SkeinError (UNAUTHENTICATED, RATE_LIMITED) refuses the request with its HTTP status.
 */
export interface Authenticator {
  /** `authorization` is the raw `Authorization` header, absent when none came. */
  authenticate(authorization: string | undefined, origin: RequestOrigin): Promise<Principal>;
}

/** Auth off (loopback only): every caller is the single user. */
export const OPEN_AUTHENTICATOR: Authenticator = { authenticate: () => Promise.resolve(OPEN) };
