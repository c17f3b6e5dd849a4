/**
 * A webhook: a URL that receives a workspace's change feed (src/domain/feed.ts), in order, as
 * signed JSON POSTs (src/domain/webhook-signature.ts), at least once. Stored as (:Webhook), one
 * node per hook (migration 0011); its secret is stored (Skein signs with it) but never read back
 * by a list.
 */
export interface WebhookRecord {
  uid: string;
  workspace: string;
  url: string;
  description: string | null;
  createdAt: string;
  createdBy: string;
  /** The feed position (`seq`) of the last change the receiver acknowledged with a 2xx. */
  cursor: number;
  /** Failed deliveries in a row since the last success (0 when the last one succeeded). */
  failures: number;
  /** When the next delivery may be tried (now, or later after failures). */
  nextAttemptAt: string;
  /** Why the last attempt failed (an HTTP status or a network error); null after a success. */
  lastError: string | null;
  lastDeliveredAt: string | null;
}

/** A webhook as the dispatcher holds it while its lease lasts: the record and what signs it. */
export interface ClaimedWebhook extends WebhookRecord {
  secret: string;
  /** The claim's own id: only its holder may move the cursor or record a failure. */
  lease: string;
}

/** What a delivery POSTs (JSON), with the `Skein-Signature` and `Skein-Delivery` headers. */
export interface WebhookPayload<C> {
  /** The webhook's id. */
  webhook: string;
  workspace: string;
  /** Consecutive feed changes, oldest first, right after the last one the receiver acknowledged. */
  changes: C[];
}

/** The most changes one delivery carries. */
export const WEBHOOK_BATCH = 100;
/** The longest wait between two tries of a failing webhook. */
export const WEBHOOK_MAX_BACKOFF_MS = 10 * 60_000;
/** How long a delivery may take before it counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
