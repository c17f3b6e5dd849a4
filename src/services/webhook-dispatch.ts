import { randomUUID } from 'node:crypto';
import { changeFeedRepository } from '../graph/change-feed.repository';
import type { GraphExecutor } from '../graph/executor';
import { webhookRepository as repo, type DueWebhook } from '../graph/webhook.repository';
import type { FeedChange } from '../domain/feed';
import { WEBHOOK_BATCH, WEBHOOK_TIMEOUT_MS, type ClaimedWebhook } from '../domain/webhook';
import type { Logger } from '../logger';
import { retryDelayMs } from './webhook-backoff';
import { postChanges } from './webhook-post';

export interface WebhookDispatchOptions {
  /** How often due webhooks are looked for (SKEIN_WEBHOOK_POLL_MS). */
  pollMs: number;
  /** The first retry's delay; it doubles per failure up to 10 minutes (SKEIN_WEBHOOK_RETRY_BASE_MS). */
  retryBaseMs: number;
  /** How long one delivery may take (WEBHOOK_TIMEOUT_MS when absent). */
  timeoutMs?: number;
}

export interface WebhookDispatcher {
  /** Looks for work now instead of at the next poll (a change was just committed). */
  wake(): void;
  /** Stops polling, cuts deliveries under way short and gives their leases back. */
  stop(): Promise<void>;
}

/** Webhooks looked at per round; the rest wait for the next one. */
const ROUND = 100;
/** The least time between the starts of two rounds when commits wake the dispatcher. */
const WAKE_GAP_MS = 20;
/** Feed reads a round runs at once (one per due webhook). */
const READS_AT_ONCE = 10;
/** How long a claim holds a webhook; every acknowledged batch renews it. */
const LEASE_MS = 60_000;
/** Batches one claim delivers before it lets the hook go (other hooks and instances get a turn). */
const BATCHES_PER_CLAIM = 20;

/**
 * Delivers the change feed to every webhook, from every Skein instance at once. Each round reads
 * the due webhooks that have changes after their cursor, leases them (webhookRepository.claim: one
 * instance delivers a hook at a time), and starts POSTing each its changes in feed order, a batch
 * of up to 100 at a time. An acknowledged batch moves the cursor; a failed one leaves it, counts a failure
 * and puts the next attempt off (retryDelayMs). So every change arrives in order, at least once:
 * a receiver may see a batch again if Skein stopped between its 2xx and the cursor's move.
 */
export function startWebhookDispatcher(
  graph: GraphExecutor,
  logger: Logger,
  options: WebhookDispatchOptions,
): WebhookDispatcher {
  const stopping = new AbortController();
  // Deliveries run on their own, not inside the round that claimed them: a receiver slow to answer
  // (up to the 10 s timeout) holds only its own webhook, leased meanwhile, never the next round.
  const inFlight = new Set<Promise<void>>();
  const deliver = (hook: ClaimedWebhook, first: () => Promise<FeedChange[]>) => {
    const delivery = first()
      .then((changes) => deliverClaimed(graph, hook, changes, options, stopping.signal))
      .catch((err: unknown) =>
        // The lease lapses on its own and another round retries the hook.
        logger.warn({ err, webhook: hook.uid }, 'webhook delivery failed on Skein’s side; it is retried'),
      )
      .finally(() => {
        inFlight.delete(delivery);
        wake(); // changes committed while the hook was leased were skipped by the rounds meanwhile
      });
    inFlight.add(delivery);
  };
  let timer: NodeJS.Timeout | undefined;
  let timerAt = 0; // when the timer fires
  let running: Promise<void> | undefined;
  let startedAt = 0; // of the last round
  let again = false;
  let failing = false; // a round failed: the next failures of this outage are logged at debug only
  const schedule = (delayMs: number) => {
    if (timer) clearTimeout(timer);
    timerAt = Date.now() + delayMs;
    timer = setTimeout(run, delayMs);
    timer.unref();
  };
  // A woken round waits for the last one to be WAKE_GAP_MS old: a stream of commits (an ingest
  // at 1,000 events/s) costs at most one round (one query when nothing is due) per gap.
  const soonest = () => Math.max(0, startedAt + WAKE_GAP_MS - Date.now());
  const run = () => {
    timer = undefined;
    startedAt = Date.now();
    running = round(graph, deliver, stopping.signal)
      .then(() => {
        failing = false;
      })
      .catch((err: unknown) => {
        if (failing) logger.debug({ err }, 'webhook round failed again');
        else logger.warn({ err }, 'webhook round failed; rounds go on trying every poll (further failures at debug)');
        failing = true;
      })
      .finally(() => {
        running = undefined;
        if (stopping.signal.aborted) return;
        schedule(again ? soonest() : options.pollMs);
        again = false;
      });
  };
  schedule(options.pollMs);
  function wake() {
    if (stopping.signal.aborted) return;
    if (running) again = true;
    else if (timerAt > Date.now() + soonest()) schedule(soonest());
  }
  return {
    wake,
    async stop() {
      stopping.abort();
      if (timer) clearTimeout(timer);
      await running;
      await Promise.all([...inFlight]);
    },
  };
}

/**
 * One round: the due webhooks with changes waiting (one query when none are), their first batch
 * read, claimed, and their deliveries started (they go on after the round, in parallel).
 */
async function round(
  graph: GraphExecutor,
  deliver: (hook: ClaimedWebhook, first: () => Promise<FeedChange[]>) => void,
  stop: AbortSignal,
): Promise<void> {
  const now = new Date();
  const due = await repo.due(graph, now.toISOString(), ROUND);
  const waiting = new Map<string, { due: DueWebhook; changes: FeedChange[] }>();
  for (let i = 0; i < due.length; i += READS_AT_ONCE) {
    const hooks = due.slice(i, i + READS_AT_ONCE);
    const batches = await Promise.all(hooks.map((h) => changesAfter(graph, h.workspace, h.cursor)));
    hooks.forEach((hook, j) => {
      if (batches[j]!.length > 0) waiting.set(hook.uid, { due: hook, changes: batches[j]! });
    });
  }
  if (waiting.size === 0 || stop.aborted) return;
  const claimed = await repo.claim(graph, {
    uids: [...waiting.keys()],
    now: now.toISOString(),
    lease: randomUUID(),
    leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString(),
  });
  for (const hook of claimed) {
    const seen = waiting.get(hook.uid)!;
    // Another instance may have delivered some between our read and our claim: read again then.
    const same = seen.due.cursor === hook.cursor;
    deliver(hook, () => (same ? Promise.resolve(seen.changes) : changesAfter(graph, hook.workspace, hook.cursor)));
  }
}

/**
 * Delivers a claimed webhook's changes batch after batch while the receiver acknowledges them and
 * the claim's share lasts; a failure records itself and ends the claim.
 */
async function deliverClaimed(
  graph: GraphExecutor,
  hook: ClaimedWebhook,
  first: FeedChange[],
  options: WebhookDispatchOptions,
  stop: AbortSignal,
): Promise<void> {
  let cursor = hook.cursor;
  let changes = first;
  for (let batch = 1; changes.length > 0; batch++) {
    const signal = AbortSignal.any([stop, AbortSignal.timeout(options.timeoutMs ?? WEBHOOK_TIMEOUT_MS)]);
    const error = await postChanges(hook, changes, signal);
    if (stop.aborted) return repo.release(graph, [hook.uid], hook.lease);
    const now = new Date();
    if (error) {
      const wait = retryDelayMs(hook.failures + 1, options.retryBaseMs);
      const nextAttemptAt = new Date(now.getTime() + wait).toISOString();
      await repo.failed(graph, { uid: hook.uid, lease: hook.lease, error, nextAttemptAt });
      return;
    }
    const to = changes[changes.length - 1]!.seq;
    const more = changes.length === WEBHOOK_BATCH && batch < BATCHES_PER_CLAIM;
    const leaseUntil = more ? new Date(now.getTime() + LEASE_MS).toISOString() : null;
    const stood = await repo.delivered(graph, {
      uid: hook.uid,
      lease: hook.lease,
      from: cursor,
      to,
      now: now.toISOString(),
      leaseUntil,
    });
    if (!stood) return repo.release(graph, [hook.uid], hook.lease); // deleted, or moved under us
    if (!more) return; // done for this claim (the lease was given back with the cursor's move)
    cursor = to;
    hook = { ...hook, failures: 0 };
    changes = await changesAfter(graph, hook.workspace, cursor);
  }
  await repo.release(graph, [hook.uid], hook.lease);
}

const changesAfter = (graph: GraphExecutor, workspace: string, afterSeq: number) =>
  changeFeedRepository.after(graph, { workspace, afterSeq, limit: WEBHOOK_BATCH });
