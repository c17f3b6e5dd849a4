/**
 * Who a credential is, remembered for a moment: a request then costs no identity query when the
 * same token or SSO access token came less than IDENTITY_TTL_MS ago (a client making calls in a
 * loop, a UI loading a page). Measured on the lineage bench: the identity read was ~2 ms of a
 * 3–5 ms answer.
 *
 * What it trades: a token revoked, or a role granted or taken, on ANOTHER instance holds there
 * within IDENTITY_TTL_MS; on this instance at once, because every such change bumps the epoch
 * (`accessChanged`), which empties the cache. An entry never outlives its token's or JWT's own
 * expiry.
 */
import type { Principal } from '../auth/principal';

export const IDENTITY_TTL_MS = 1_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  principal: Principal;
  until: number;
}

const entries = new Map<string, Entry>();

/** The principal this credential (its fingerprint) was, if remembered and still fresh. */
export function rememberedIdentity(key: string, now = Date.now()): Principal | null {
  const entry = entries.get(key);
  if (!entry) return null;
  if (entry.until > now) return entry.principal;
  entries.delete(key);
  return null;
}

/** Remembers who a credential is, until `expiresAt` (ms) at the latest. */
export function rememberIdentity(key: string, principal: Principal, expiresAt: number | null, now = Date.now()): void {
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  const until = Math.min(now + IDENTITY_TTL_MS, expiresAt ?? Infinity);
  if (until > now) entries.set(key, { principal, until });
}

/** A token was revoked or a grant changed (here): forget every identity, so the next request reads it. */
export function accessChanged(): void {
  entries.clear();
}
