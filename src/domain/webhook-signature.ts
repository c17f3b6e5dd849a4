import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, Stripe's scheme: `Skein-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`
 * over `"<t>.<body>"` with the webhook's secret. Signing the time with the body lets a receiver
 * refuse a captured delivery replayed later (older than its tolerance); several `v1=` entries
 * are accepted so a secret can be rotated without a gap.
 */

export const SIGNATURE_HEADER = 'Skein-Signature';
export const DELIVERY_HEADER = 'Skein-Delivery';

/** The hex HMAC-SHA256 of `"<t>.<body>"` under `secret`. */
export function webhookSignature(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** The `Skein-Signature` header value for `body` sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${webhookSignature(secret, timestamp, body)}`;
}

/**
 * True when `header` (the `Skein-Signature` value) signs exactly `body` (the raw request body, as
 * received, before any JSON parsing) with `secret`, at a time within `toleranceSeconds` of `now`
 * (unix seconds). Compares in constant time.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string | Buffer,
  toleranceSeconds = 300,
  now = Math.floor(Date.now() / 1000),
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  if (!t || !/^\d{1,12}$/.test(t)) return false;
  const timestamp = Number(t);
  if (Math.abs(now - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body), 'hex');
  return parts
    .filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v))
    .some(([, v]) => timingSafeEqual(Buffer.from(v!, 'hex'), expected));
}
