import type { GrantRole } from './grant';

/**
 * An API token as lists show it: everything but its secret, which is never stored (only its
 * hash, src/auth/token-secret.ts) and shown once, when the token is created.
 */
export interface ApiTokenRecord {
  /** The public id: the `<id>` of `skn_<id>_<secret>`, shown in lists and named to revoke it. */
  id: string;
  name: string;
  /** The workspace it acts in; null for an admin token. */
  workspace: string | null;
  /** Its role in that workspace (OWNER for admin tokens). */
  role: GrantRole;
  /** A server admin token: owner of every workspace. */
  admin: boolean;
  /** Who created it (a principal id: `user:<subject>`, `token:<id>`, `system`). */
  owner: string;
  createdAt: string;
  /** Null: it does not expire (only the admin tokens Skein provisions itself). */
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What the authenticator reads of a token on every request: the record plus the secret's hash. */
export interface StoredToken extends ApiTokenRecord {
  /** `scrypt$N$r$p$salt$hash` of the secret. */
  hash: string;
}

export interface TokenCriteria {
  /** One workspace's tokens; null for every token (admins only). */
  workspace: string | null;
  includeRevoked: boolean;
  /** The cursor: [createdAt, id] of the last token seen (newest first). */
  after: [string, string] | null;
  limit: number;
}

/** Default and longest lifetimes of a created token (SKEIN_TOKEN_MAX_TTL lowers the longest). */
export const DEFAULT_TOKEN_TTL_SECONDS = 90 * 24 * 3600;
export const MAX_TOKEN_TTL_SECONDS = 365 * 24 * 3600;
