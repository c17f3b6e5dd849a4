import { createHmac, timingSafeEqual } from 'node:crypto';
import { escapeUri } from './sigv4';

/**
 * HMAC-signed, expiring URLs for the local store, which Skein answers itself. The signature
 * covers the method, the path and every query parameter (sorted), so changing any of them — the
 * expiry, the size, the checksum, the object — breaks it.
 *
 *   /bodies/sha256/<hex>?X-Skein-Expires=<unix s>&X-Skein-Size=<n>&…&X-Skein-Signature=<base64url>
 */

export const SIGNATURE_PARAM = 'X-Skein-Signature';
export const EXPIRES_PARAM = 'X-Skein-Expires';

export type Verdict =
  | { ok: true; params: Record<string, string> }
  | { ok: false; reason: 'unsigned' | 'signature' | 'expired'; message: string };

export class UrlSigner {
  constructor(private readonly secret: Buffer) {
    if (secret.length < 32) throw new Error('the URL signing secret must be at least 32 bytes');
  }

  /** The query string (without "?") for `method path` with these params, valid until `expiresAt` (unix seconds). */
  sign(method: string, path: string, params: Record<string, string>, expiresAt: number): string {
    const all = { ...params, [EXPIRES_PARAM]: String(expiresAt) };
    const query = canonicalQuery(all);
    return `${query}&${SIGNATURE_PARAM}=${this.mac(method, path, query)}`;
  }

  /** Checks a request's URL; a GET signature also admits HEAD. */
  verify(method: string, path: string, search: URLSearchParams, now: Date = new Date()): Verdict {
    const params: Record<string, string> = {};
    let signature: string | undefined;
    for (const [k, v] of search) {
      if (k === SIGNATURE_PARAM) signature = v;
      else if (k in params) return { ok: false, reason: 'signature', message: `The parameter ${k} appears twice.` };
      else params[k] = v;
    }
    if (!signature || !params[EXPIRES_PARAM]) {
      return {
        ok: false,
        reason: 'unsigned',
        message: 'This URL is not signed; ask Skein for one (createUpload or artifactDownload).',
      };
    }
    const query = canonicalQuery(params);
    const signedMethod = method === 'HEAD' ? 'GET' : method;
    const expected = Buffer.from(this.mac(signedMethod, path, query));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return {
        ok: false,
        reason: 'signature',
        message: 'The signature does not match this request (a changed URL, or another method).',
      };
    }
    const expiresAt = Number(params[EXPIRES_PARAM]);
    if (!(expiresAt * 1000 > now.getTime())) {
      return {
        ok: false,
        reason: 'expired',
        message: `This URL expired at ${new Date(expiresAt * 1000).toISOString()}; ask Skein for a new one.`,
      };
    }
    return { ok: true, params };
  }

  private mac(method: string, path: string, query: string): string {
    return createHmac('sha256', this.secret).update(`${method}\n${path}\n${query}`).digest('base64url');
  }
}

function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${escapeUri(k)}=${escapeUri(params[k]!)}`)
    .join('&');
}
