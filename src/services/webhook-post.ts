import { randomUUID } from 'node:crypto';
import { clip } from '../errors';
import type { FeedChange } from '../domain/feed';
import type { ClaimedWebhook, WebhookPayload } from '../domain/webhook';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signatureHeader } from '../domain/webhook-signature';

const ERROR_MAX = 200;

/**
 * POSTs one batch of changes to a webhook's URL, signed with its secret. Answers null when the
 * receiver acknowledged it (any 2xx), else why not, in words safe to show its owners: an HTTP
 * status, a network error's code, or a timeout (never the secret, nor the receiver's answer).
 * Redirects are not followed: a receiver that moved is a failure its owner sees in lastError.
 */
export async function postChanges(
  hook: ClaimedWebhook,
  changes: FeedChange[],
  signal: AbortSignal,
): Promise<string | null> {
  const payload: WebhookPayload<FeedChange> = { webhook: hook.uid, workspace: hook.workspace, changes };
  const body = JSON.stringify(payload);
  try {
    const res = await fetch(hook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Skein-Webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(hook.secret, body),
        [DELIVERY_HEADER]: randomUUID(),
      },
      body,
      redirect: 'manual',
      signal,
    });
    await res.body?.cancel().catch(() => undefined); // the answer's body is not read: free the connection
    if (res.status >= 200 && res.status < 300) return null;
    return clip(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, ERROR_MAX);
  } catch (err) {
    return clip(describe(err), ERROR_MAX);
  }
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'no answer within the delivery timeout';
  if (e.name === 'AbortError') return 'delivery stopped (Skein was shutting down)';
  if (e.cause?.code) return `could not deliver: ${e.cause.code}`;
  return `could not deliver: ${e.cause?.message ?? e.message ?? String(err)}`;
}
