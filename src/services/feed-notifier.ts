/**
 * Wakes change-feed followers (subscriptions, webhooks) when a write with a feed entry commits in
 * this process, so they read the durable feed at once instead of at their next poll. It carries no
 * data: the feed (src/graph/change-feed.repository.ts) stays the one source of truth, and a wake-up
 * missed (another Skein instance wrote) is made up by the poll every `pollMs`.
 */
export class FeedNotifier {
  private readonly waiting = new Map<string, Set<() => void>>();
  private readonly everyChange = new Set<() => void>();

  /** @param pollMs SKEIN_FEED_POLL_MS: the longest a follower waits before reading the feed again. */
  constructor(readonly pollMs: number) {}

  /** A change in `workspace` committed: every follower of it reads now. */
  notify(workspace: string): void {
    for (const listener of this.everyChange) listener();
    const wakers = this.waiting.get(workspace);
    if (!wakers) return;
    this.waiting.delete(workspace);
    for (const wake of wakers) wake();
  }

  /**
   * Calls `listener` after every change committed in this process, in any workspace (the webhook
   * dispatcher, which follows every workspace at once); answers what removes it.
   */
  onEveryChange(listener: () => void): () => void {
    this.everyChange.add(listener);
    return () => this.everyChange.delete(listener);
  }

  /**
   * A wait for `workspace`'s next change, or `pollMs`, whichever comes first; `cancel` ends it at once.
   * Taken BEFORE a follower reads the feed, so a change that commits between its read and its wait
   * still wakes it.
   */
  waiter(workspace: string): { woken: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const timer = setTimeout(() => done(), this.pollMs);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      this.waiting.get(workspace)?.delete(done);
      wake();
    };
    let wakers = this.waiting.get(workspace);
    if (!wakers) this.waiting.set(workspace, (wakers = new Set()));
    wakers.add(done);
    return { woken, cancel: done };
  }
}

/** SKEIN_FEED_POLL_MS's default: how often a follower reads the feed when nothing woke it. */
export const DEFAULT_FEED_POLL_MS = 1000;
