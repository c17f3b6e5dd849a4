import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import { ErrorCode, SkeinError, unauthenticated } from '../errors';
import type { SsoIdentity, SsoVerifier } from './sso';

/**
 * SSO with an OpenID Connect issuer: its JWT access tokens are verified here, against the keys it
 * publishes (its JWKS, found through its discovery document), with `jose`. Nothing is asked of
 * the issuer per request: the discovery document is read once, and the key set is cached (and
 * fetched again only when a token names a key it does not hold, as after the issuer rotates).
 */
export interface OidcSettings {
  /** The issuer's URL exactly as its tokens name it in `iss` (SKEIN_OIDC_ISSUER). */
  issuer: string;
  /** What tokens for Skein carry in `aud` (SKEIN_OIDC_AUDIENCE). */
  audience: string;
  /** The claim that lists the caller's groups; a dotted path reads nested claims (`realm_access.roles`). */
  groupsClaim: string;
  /** Members of any of these groups are server admins. */
  adminGroups: readonly string[];
  /** Seconds of clock difference with the issuer tolerated on `exp`/`nbf`/`iat`. */
  clockToleranceSeconds?: number;
}

/** Clocks on two machines differ a little; a token is not refused for that. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Signature algorithms accepted: the issuer's public keys only. Symmetric ones (HS*) would let
 * anyone who knows a shared secret mint tokens, and `none` is no signature at all.
 */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/** How long the discovery document and the key set may take to answer. */
const ISSUER_TIMEOUT_MS = 5_000;

export function createOidcVerifier(settings: OidcSettings): SsoVerifier {
  const issuer = settings.issuer;
  const tolerance = settings.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const adminGroups = new Set(settings.adminGroups);
  // Discovered lazily (Skein starts while the issuer is down) and once; a failure is not kept,
  // so the next request tries again.
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keySet = () => {
    keys ??= discoverKeys(issuer).catch((err: unknown) => {
      keys = undefined;
      throw err;
    });
    return keys;
  };

  return {
    async verify(jwt: string): Promise<SsoIdentity> {
      const jwks = await keySet();
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(jwt, jwks, {
          issuer,
          audience: settings.audience,
          algorithms: ALGORITHMS,
          clockTolerance: tolerance,
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (err) {
        throw refusal(err, settings);
      }
      const groups = groupsIn(payload, settings.groupsClaim);
      return { subject: payload.sub!, groups, admin: groups.some((g) => adminGroups.has(g)) };
    },
  };
}

/** The issuer's key set, from the `jwks_uri` its discovery document names. */
async function discoverKeys(issuer: string): Promise<ReturnType<typeof createRemoteJWKSet>> {
  const where = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let doc: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const res = await fetch(where, { signal: AbortSignal.timeout(ISSUER_TIMEOUT_MS), redirect: 'error' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    doc = (await res.json()) as typeof doc;
  } catch (err) {
    throw issuerUnavailable(`its discovery document (${where}) could not be read: ${(err as Error).message}`);
  }
  // OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was fetched for.
  if (doc.issuer !== issuer)
    throw issuerUnavailable(`its discovery document names the issuer ${JSON.stringify(doc.issuer)}, not ${issuer}`);
  if (typeof doc.jwks_uri !== 'string') throw issuerUnavailable('its discovery document has no jwks_uri');
  return createRemoteJWKSet(new URL(doc.jwks_uri), { timeoutDuration: ISSUER_TIMEOUT_MS });
}

/**
 * The issuer cannot be asked: that is Skein's (or the issuer's) trouble, not the caller's, so the
 * answer is 503 and the caller may try again; the message names no internals of the token.
 */
function issuerUnavailable(why: string): SkeinError {
  return new SkeinError(
    ErrorCode.SERVICE_UNAVAILABLE,
    `Single sign-on is unavailable: the OpenID issuer cannot be reached or is misconfigured (${why}). Try again shortly, or use an API token.`,
  );
}

/** Why a token was refused, in words the caller can act on; the token itself is never echoed. */
function refusal(err: unknown, settings: OidcSettings): SkeinError {
  const expired = 'The access token has expired; get a new one from your sign-in provider.';
  if (err instanceof errors.JWTExpired) return unauthenticated(expired, { reason: 'expired' });
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'aud':
        return unauthenticated(
          `The access token is not meant for Skein: its audience is not "${settings.audience}". Ask your sign-in provider for a token for that audience.`,
          { reason: 'audience' },
        );
      case 'iss':
        return unauthenticated(
          `The access token was not issued by ${settings.issuer}, the sign-in provider this Skein trusts.`,
          { reason: 'issuer' },
        );
      case 'nbf':
        return unauthenticated('The access token is not valid yet (its "nbf" is in the future).', {
          reason: 'not_yet_valid',
        });
      default:
        return unauthenticated(`The access token's "${err.claim}" claim is missing or invalid.`, {
          reason: 'claims',
        });
    }
  }
  if (err instanceof errors.JWKSNoMatchingKey)
    return unauthenticated(
      `The access token is signed with a key ${settings.issuer} does not publish: it was not signed by the issuer.`,
      { reason: 'unknown_key' },
    );
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return unauthenticated(`The access token's signature does not verify: it was not signed by ${settings.issuer}.`, {
      reason: 'signature',
    });
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported)
    return unauthenticated(
      'The access token is not signed with an algorithm Skein accepts (unsigned and shared-secret tokens are refused).',
      { reason: 'algorithm' },
    );
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError))
    return issuerUnavailable(`its keys could not be read: ${(err as Error).message}`);
  return unauthenticated('The access token is not a valid signed JWT.', { reason: 'malformed' });
}

/**
 * The caller's groups: the claim at `path` (dots walk into objects), when it is a list of strings
 * (or one string). Anything else gives no groups rather than refusing the token: the caller is
 * still who the issuer says, only without group roles.
 */
export function groupsIn(payload: JWTPayload, path: string): string[] {
  // A claim named with dots (Auth0's `https://example.com/groups`) is read as it is.
  if (Object.hasOwn(payload, path)) return asGroups(payload[path]);
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return [];
    value = (value as Record<string, unknown>)[key];
  }
  return asGroups(value);
}

function asGroups(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((g): g is string => typeof g === 'string') : [];
}

/**
 * The SSO verifier the configuration asks for: one for SKEIN_OIDC_ISSUER when it is set, else
 * null (no SSO; only API tokens sign in).
 */
export function createSsoVerifier(config: { oidc?: OidcSettings }): SsoVerifier | null {
  return config.oidc ? createOidcVerifier(config.oidc) : null;
}
