import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ErrorCode, SkeinError } from '../errors';
import { ANONYMOUS, type Principal } from '../auth/principal';

/**
 * Requests per caller, counted in this process (rate-limiter-flexible's memory store): a caller
 * may make `perMinute` requests in any minute, and at most `burstPerSecond` of them in one second.
 * A refused request counts too, so a client that keeps hammering stays refused until it waits.
 */
export interface RateLimitSettings {
  /** SKEIN_RATE_LIMIT: requests a minute per caller; 0 turns limiting off. */
  perMinute: number;
  /** SKEIN_RATE_LIMIT_BURST: the most requests a caller may make in one second. */
  burstPerSecond: number;
}

export const RATE_LIMIT_DEFAULTS: RateLimitSettings = { perMinute: 1200, burstPerSecond: 100 };

export interface RateLimiter {
  /**
   * Authenticates with `authenticate`, then counts the request (limitRate). A refused sign-in
   * (a wrong or expired token) counts against the client's address, so guessing tokens from one
   * address is limited like anonymous requests are.
   */
  authenticated(ip: string | null, authenticate: () => Promise<Principal>): Promise<Principal>;
  /**
   * Counts one GraphQL request of `caller` (after authentication): by API token, else by SSO
   * subject, else by client address. Throws RATE_LIMITED (HTTP 429, Retry-After) when over.
   */
  limitRate(caller: Principal, ip: string | null): Promise<void>;
  /** Counts one request to the local store's /bodies/ endpoints, by client address. */
  limitBodies(ip: string | null): Promise<void>;
}

/** No limits: auth off (the single loopback user), or SKEIN_RATE_LIMIT=0. */
export const NO_RATE_LIMIT: RateLimiter = {
  authenticated: (_ip, authenticate) => authenticate(),
  limitRate: async () => undefined,
  limitBodies: async () => undefined,
};

export function createRateLimiter(settings: RateLimitSettings): RateLimiter {
  if (settings.perMinute === 0) return NO_RATE_LIMIT;
  const window = (points: number, duration: number, keyPrefix: string) =>
    new RateLimiterMemory({ points, duration, keyPrefix });
  // The API and the body endpoints count separately: a multipart upload's many part PUTs must
  // not use up the requests its client needs to complete the upload.
  const api = [window(settings.perMinute, 60, 'api-min'), window(settings.burstPerSecond, 1, 'api-sec')];
  const bodies = [window(settings.perMinute, 60, 'bodies-min'), window(settings.burstPerSecond, 1, 'bodies-sec')];
  const limitRate = (caller: Principal, ip: string | null) => consume(api, rateKey(caller, ip));
  return {
    async authenticated(ip, authenticate) {
      let caller: Principal;
      try {
        caller = await authenticate();
      } catch (err) {
        await limitRate(ANONYMOUS, ip); // throws RATE_LIMITED once the address is over
        throw err;
      }
      await limitRate(caller, ip);
      return caller;
    },
    limitRate,
    limitBodies: (ip) => consume(bodies, `ip:${ip ?? 'unknown'}`),
  };
}

/**
 * Whose requests are counted together: a token's (however many machines use it), a user's
 * (however many tokens the issuer gave them), or an address's (anonymous callers).
 */
export function rateKey(caller: Principal, ip: string | null): string {
  if (caller.tokenId) return `token:${caller.tokenId}`;
  if (caller.kind === 'sso') return caller.id;
  return `ip:${ip ?? 'unknown'}`;
}

async function consume(limiters: RateLimiterMemory[], key: string): Promise<void> {
  for (const limiter of limiters) {
    try {
      await limiter.consume(key);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      throw rateLimited(res.msBeforeNext, limiter.points, limiter.duration);
    }
  }
}

function rateLimited(msBeforeNext: number, points: number, duration: number): SkeinError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  const per = duration === 1 ? 'a second' : 'a minute';
  return new SkeinError(
    ErrorCode.RATE_LIMITED,
    `Too many requests: at most ${points} ${per} are allowed per caller. Try again in ${retryAfterSeconds} s.`,
    { retryAfterSeconds },
  );
}
