import type { RequestOrigin } from '../auth/authenticator';
import { unauthenticated, SkeinError } from '../errors';
import type { Authenticator } from '../auth/authenticator';
import { ANONYMOUS, makePrincipal, ROLES, type Principal, type Role } from '../auth/principal';
import type { SsoVerifier } from '../auth/sso';
import {
  fingerprint,
  hashSecret,
  looksLikeToken,
  mintToken,
  parseToken,
  tokenIdOf,
  verifySecret,
  type TokenText,
} from '../auth/token-secret';
import { auditRepository } from '../graph/audit.repository';
import type { GraphExecutor } from '../graph/executor';
import { grantRepository } from '../graph/grant.repository';
import { tokenRepository } from '../graph/token.repository';
import type { StoredToken } from '../domain/token';
import { newUid } from '../domain/uid';
import { rememberedIdentity, rememberIdentity } from './identity-cache';

/** lastUsedAt is written at most this often per token (a write per request would cost more than the read). */
const TOUCH_EVERY_MS = 60_000;
/** Verified token fingerprints kept per process; the oldest is forgotten first. */
const VERIFIED_CACHE_SIZE = 10_000;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const SIGN_IN =
  'create an API token with `skein token create` (or ask an owner of the workspace for one) and send it as "Authorization: Bearer <token>"';

/**
 * The authenticator of a server with auth on: turns the Authorization header into the request's
 * principal, once per request.
 *
 * - no header: ANONYMOUS (public operations only; services answer UNAUTHENTICATED for the rest);
 * - `Bearer skn_…`: the API token, read by its id on every request (one index seek), so a
 *   revocation or an expiry takes effect on the next request on every instance. The scrypt check
 *   of its secret runs once per token per process: successful checks are remembered by the
 *   sha256 of the token text, together with the hash they matched;
 * - `Bearer <JWT>`: an SSO access token, verified by the SsoVerifier; its user's and groups'
 *   grants give the roles (the highest per workspace);
 * - anything else is refused with UNAUTHENTICATED, saying what to do, and the refusal is written
 *   to the audit trail (never the credential, only a token's public id).
 */
export class IdentityService implements Authenticator {
  /** fingerprint(token text) -> the stored hash its secret was verified against. */
  private readonly verified = new Map<string, string>();
  /** token id -> when this process last wrote its lastUsedAt. */
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly graph: GraphExecutor,
    private readonly sso: SsoVerifier | null,
  ) {}

  async authenticate(authorization: string | undefined, origin: RequestOrigin): Promise<Principal> {
    if (authorization === undefined || authorization.trim() === '') return ANONYMOUS;
    const credential = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    try {
      if (!credential) {
        throw unauthenticated(
          'The Authorization header must be "Bearer <token>" (an API token, skn_…, or an SSO access token).',
        );
      }
      const key = fingerprint(credential);
      const remembered = rememberedIdentity(key);
      if (remembered) return remembered;
      if (looksLikeToken(credential)) return await this.byToken(credential, key);
      if (JWT.test(credential)) return await this.bySso(credential, key);
      throw unauthenticated(
        `That bearer credential is neither a Skein API token (skn_…) nor an SSO access token; ${SIGN_IN}.`,
      );
    } catch (err) {
      const refusal =
        err instanceof SkeinError ? err : unauthenticated('That access token could not be verified; sign in again.');
      await this.recordDenial(credential ?? '', origin, refusal);
      throw refusal;
    }
  }

  private async byToken(text: string, key: string): Promise<Principal> {
    const parsed = parseToken(text);
    if (!parsed) {
      throw unauthenticated(
        `That API token is malformed (expected skn_<id>_<secret>, as \`skein token create\` printed it); check that it was copied whole.`,
      );
    }
    const stored = await this.graph.read((tx) => tokenRepository.byId(tx, parsed.id));
    if (!stored || !(await this.secretMatches(parsed, stored))) {
      throw unauthenticated(
        `That API token is not known to this Skein (mistyped, or from another server); ${SIGN_IN}.`,
      );
    }
    const now = new Date().toISOString();
    if (stored.revokedAt) {
      throw unauthenticated(`API token ${stored.id} was revoked at ${stored.revokedAt}; ${SIGN_IN}.`, {
        tokenId: stored.id,
      });
    }
    if (stored.expiresAt !== null && stored.expiresAt <= now) {
      throw unauthenticated(`API token ${stored.id} expired at ${stored.expiresAt}; ${SIGN_IN}.`, {
        tokenId: stored.id,
      });
    }
    await this.touch(stored, now);
    const principal = makePrincipal({
      kind: 'token',
      id: `token:${stored.id}`,
      admin: stored.admin,
      roles: stored.workspace ? [[stored.workspace, stored.role]] : [],
      tokenId: stored.id,
    });
    rememberIdentity(key, principal, stored.expiresAt === null ? null : Date.parse(stored.expiresAt));
    return principal;
  }

  private async secretMatches(parsed: TokenText, stored: StoredToken): Promise<boolean> {
    const key = fingerprint(parsed.text);
    if (this.verified.get(key) === stored.hash) return true;
    if (!(await verifySecret(parsed.secret, stored.hash))) return false;
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(key, stored.hash);
    return true;
  }

  /** Writes lastUsedAt when it is more than a minute old (and this process has not just done so). */
  private async touch(stored: StoredToken, now: string): Promise<void> {
    const nowMs = Date.parse(now);
    const staleBefore = new Date(nowMs - TOUCH_EVERY_MS).toISOString();
    if (stored.lastUsedAt !== null && stored.lastUsedAt >= staleBefore) return;
    if (nowMs - (this.touched.get(stored.id) ?? 0) < TOUCH_EVERY_MS) return;
    this.touched.set(stored.id, nowMs);
    if (this.touched.size > VERIFIED_CACHE_SIZE) this.touched.delete(this.touched.keys().next().value!);
    await this.graph.write((tx) => tokenRepository.touch(tx, stored.id, now, staleBefore), { oneStatement: true });
  }

  private async bySso(jwt: string, key: string): Promise<Principal> {
    if (!this.sso) {
      throw unauthenticated(
        'SSO is not configured on this Skein (no OpenID Connect issuer is set), so access tokens of an issuer are not accepted; use an API token (skn_…) instead.',
      );
    }
    const identity = await this.sso.verify(jwt);
    const subjects = [`user:${identity.subject}`, ...identity.groups.map((g) => `group:${g}`)];
    const grants = await this.graph.read((tx) => grantRepository.grantsOf(tx, subjects));
    const principal = makePrincipal({
      kind: 'sso',
      id: `user:${identity.subject}`,
      admin: identity.admin,
      roles: highestRoles(grants),
      groups: identity.groups,
    });
    rememberIdentity(key, principal, jwtExpiry(jwt));
    return principal;
  }

  private async recordDenial(credential: string, origin: RequestOrigin, refusal: SkeinError): Promise<void> {
    const tokenId = tokenIdOf(credential);
    await this.graph.write(
      (tx) =>
        auditRepository.append(tx, [
          {
            id: newUid(),
            at: new Date().toISOString(),
            actor: tokenId ? `token:${tokenId}` : 'anonymous',
            action: 'authenticate',
            outcome: 'DENIED',
            workspace: null,
            objectType: tokenId ? 'Token' : null,
            objectId: tokenId,
            reason: refusal.code,
            ip: origin.ip,
            requestId: origin.requestId,
          },
        ]),
      { oneStatement: true },
    );
  }
}

/** The highest role per workspace among a user's own grants and their groups' grants. */
export function highestRoles(grants: ReadonlyArray<{ workspace: string; role: Role }>): Map<string, Role> {
  const roles = new Map<string, Role>();
  for (const g of grants) {
    const had = roles.get(g.workspace);
    if (!had || ROLES.indexOf(g.role) > ROLES.indexOf(had)) roles.set(g.workspace, g.role);
  }
  return roles;
}

export interface AdminTokenProvision {
  /** The token text minted by this start (print it once); null when none was minted. */
  minted: string | null;
  /** Something the operator should know (SKEIN_ADMIN_TOKEN was revoked…); null when all is well. */
  warning: string | null;
}

/**
 * The first admin, on start with auth on. With SKEIN_ADMIN_TOKEN set, that token is stored
 * (hashed) unless it already is; without it, when no usable admin token exists, one is minted
 * and answered here to be printed once. Both run under one lock (a SkeinLock node, held by the
 * transaction), so instances starting together provision one token.
 */
export async function provisionAdminToken(
  graph: GraphExecutor,
  options: { adminToken?: string },
): Promise<AdminTokenProvision> {
  const now = new Date().toISOString();
  const given = options.adminToken ? parseToken(options.adminToken) : null;
  if (options.adminToken && !given) throw new Error('SKEIN_ADMIN_TOKEN is not an API token (skn_<id>_<secret>).');
  if (given) {
    const hash = await hashSecret(given.secret);
    return graph.write(async (tx) => {
      await tokenRepository.lockAndCountAdminTokens(tx, now);
      const stored = await tokenRepository.byId(tx, given.id);
      if (!stored) {
        await tokenRepository.create(tx, adminToken(given.id, hash, 'SKEIN_ADMIN_TOKEN', now));
        return { minted: null, warning: null };
      }
      if (!stored.admin || !(await verifySecret(given.secret, stored.hash))) {
        throw new Error(
          `SKEIN_ADMIN_TOKEN's id ${given.id} belongs to another token; generate a new one with \`skein token generate\`.`,
        );
      }
      const warning = stored.revokedAt
        ? `SKEIN_ADMIN_TOKEN (token ${given.id}) was revoked at ${stored.revokedAt} and is refused; set a new one with \`skein token generate\`.`
        : null;
      return { minted: null, warning };
    });
  }
  return graph.write(async (tx) => {
    if ((await tokenRepository.lockAndCountAdminTokens(tx, now)) > 0) return { minted: null, warning: null };
    const minted = mintToken();
    await tokenRepository.create(tx, adminToken(minted.id, await hashSecret(minted.secret), 'bootstrap admin', now));
    return { minted: minted.text, warning: null };
  });
}

function adminToken(id: string, hash: string, name: string, now: string) {
  return {
    id,
    name,
    hash,
    workspace: null,
    role: 'OWNER' as const,
    admin: true,
    owner: 'system',
    createdAt: now,
    expiresAt: null,
  };
}

/** When a JWT expires (ms), from its `exp` claim, read after the verifier accepted it; null if absent. */
function jwtExpiry(jwt: string): number | null {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  } catch {
    return null;
  }
}
