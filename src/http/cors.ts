import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../errors';
import { sendError } from './respond';

/**
 * Cross-origin access to /graphql, closed unless SKEIN_CORS_ORIGINS lists the origin: a web page
 * on another site gets no `access-control-allow-origin`, so its browser neither shows it an
 * answer nor (for a request that needs a preflight: JSON, an Authorization header) sends the
 * request at all. Listed origins may send `authorization` and `content-type`; no cookies are
 * involved (credentials travel as a bearer token), so `allow-credentials` is never sent.
 *
 * A "simple" cross-site POST (text/plain, no preflight) still reaches the server: Apollo's CSRF
 * prevention refuses it, since it is neither JSON nor marked with `apollo-require-preflight`.
 */
export interface CorsPolicy {
  /**
   * Sets the CORS headers a request's origin is due; answers a preflight (OPTIONS) whole. True when
   * the request was answered (a preflight) and nothing else should run.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
/** What a listed origin's scripts may send: the token, JSON, and Apollo's CSRF marker. */
const ALLOWED_HEADERS = 'authorization, content-type, apollo-require-preflight, x-request-id';
/** What their scripts may read besides the CORS-safelisted headers. */
const EXPOSED_HEADERS = 'x-request-id, retry-after, www-authenticate';
/** How long a browser may reuse a preflight's answer, in seconds. */
const PREFLIGHT_MAX_AGE = '600';

export function corsPolicy(allowedOrigins: readonly string[]): CorsPolicy {
  const allowed = new Set(allowedOrigins.map((o) => o.toLowerCase()));
  return {
    handle(req, res) {
      const origin = req.headers.origin;
      const listed = typeof origin === 'string' && allowed.has(origin.toLowerCase());
      // The answer depends on Origin: caches must not serve one origin's answer to another.
      res.setHeader('vary', 'Origin');
      if (listed) {
        res.setHeader('access-control-allow-origin', origin);
        res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
      }
      if (req.method !== 'OPTIONS') return false;
      if (!listed) {
        sendError(
          res,
          403,
          ErrorCode.FORBIDDEN,
          origin
            ? `Cross-origin requests from ${JSON.stringify(origin).slice(0, 200)} are not allowed; the server's SKEIN_CORS_ORIGINS lists the origins that are.`
            : 'OPTIONS is answered only to browsers asking for cross-origin access (a preflight with an Origin header).',
        );
        return true;
      }
      res.writeHead(204, {
        'access-control-allow-methods': ALLOWED_METHODS,
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': PREFLIGHT_MAX_AGE,
      });
      res.end();
      return true;
    },
  };
}
