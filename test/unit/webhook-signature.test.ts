import { createHmac } from 'node:crypto';
import { signatureHeader, verifyWebhookSignature } from '../../src/domain/webhook-signature';
import { retryDelayMs } from '../../src/services/webhook-backoff';

const secret = 'whsec-test-0123456789abcdef';
const body = '{"webhook":"w","workspace":"ws","changes":[{"seq":1}]}';
const t = 1_800_000_000;

describe('webhook signatures (Skein-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>)', () => {
  it('signs "<t>.<body>" with HMAC-SHA256, as a receiver in any language can recompute', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signatureHeader(secret, body, t)).toBe(`t=${t},v1=${expected}`);
  });

  it('accepts the exact body within the tolerance, as a string or the raw bytes', () => {
    const header = signatureHeader(secret, body, t);
    expect(verifyWebhookSignature(secret, header, body, 300, t + 299)).toBe(true);
    expect(verifyWebhookSignature(secret, header, Buffer.from(body), 300, t - 299)).toBe(true);
  });

  it('refuses another body, another secret, an old or future time, and malformed headers', () => {
    const header = signatureHeader(secret, body, t);
    expect(verifyWebhookSignature(secret, header, body.replace('"seq":1', '"seq":2'), 300, t)).toBe(false);
    expect(verifyWebhookSignature('another-secret-0123456789', header, body, 300, t)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, 300, t + 301)).toBe(false); // a replay, later
    expect(verifyWebhookSignature(secret, header, body, 300, t - 301)).toBe(false);
    for (const bad of [undefined, '', 'v1=abc', `t=${t}`, `t=x,v1=${'0'.repeat(64)}`, `t=${t},v1=zz`]) {
      expect(verifyWebhookSignature(secret, bad, body, 300, t)).toBe(false);
    }
  });

  it('accepts a header carrying several v1 signatures when one matches (a secret being rotated)', () => {
    const mine = signatureHeader(secret, body, t).split(',')[1]!;
    const other = signatureHeader('the-old-secret-0123456789', body, t).split(',')[1]!;
    expect(verifyWebhookSignature(secret, `t=${t},${other},${mine}`, body, 300, t)).toBe(true);
    expect(verifyWebhookSignature(secret, `t=${t},${other}`, body, 300, t)).toBe(false);
  });
});

describe('webhook retry backoff', () => {
  it('doubles per failure from the base, jittered to between half and all of it', () => {
    expect([1, 2, 3, 4].map((f) => retryDelayMs(f, 1000, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect([1, 2, 3, 4].map((f) => retryDelayMs(f, 1000, () => 0))).toEqual([500, 1000, 2000, 4000]);
  });

  it('never waits more than 10 minutes, however many failures', () => {
    expect(retryDelayMs(40, 1000, () => 1)).toBe(600_000);
    expect(retryDelayMs(1000, 1000, () => 0.999)).toBeLessThanOrEqual(600_000);
  });
});
