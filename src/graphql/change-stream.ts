import type { FeedChange } from '../domain/feed';
import type { Context } from './context';
import type { ChangeReader } from './types/change.type';

/** One change as a subscription yields it, with the page's context its `node` is read through. */
export interface ChangeEvent {
  change: FeedChange;
  via: ChangeReader;
}

/** How many changes a subscription reads at a time while it catches up. */
const PAGE = 100;

/**
 * `subscription { changes(workspace:, after:) }`: every change after the cursor, oldest first, then
 * each new one as it commits. The durable feed is the only source: the stream reads pages after
 * its cursor and, once caught up, waits for a wake-up (a commit in this process, or the poll
 * timer for other instances' commits: services/feed-notifier.ts), then reads again. Authorization
 * is checked before the first change, so a refused subscription fails at once, and again on
 * every read.
 */
export async function changeStream(
  ctx: Context,
  workspace: string,
  after: string | null | undefined,
): Promise<AsyncIterableIterator<ChangeEvent>> {
  const name = await ctx.services.changes.authorize(workspace);
  return new ChangeStream(ctx.fresh ?? (() => ctx), name, ctx.services.changes.seqOf(after));
}

class ChangeStream implements AsyncIterableIterator<ChangeEvent> {
  private buffered: ChangeEvent[] = [];
  private ended = false;
  private stopWaiting: (() => void) | null = null;

  /**
   * @param open a context for one page: its loaders' caches and its share of the graph (a
   *   request's record budget) must not outlive the page on a connection that lasts for days.
   */
  constructor(
    private readonly open: () => Context,
    private readonly workspace: string,
    private afterSeq: number,
  ) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<ChangeEvent> {
    return this;
  }

  async next(): Promise<IteratorResult<ChangeEvent>> {
    while (!this.ended) {
      const event = this.buffered.shift();
      if (event) return { value: event, done: false };
      await this.fill();
    }
    return { value: undefined, done: true };
  }

  /** The client stopped (or the socket closed): end now, even mid-wait. */
  return(): Promise<IteratorResult<ChangeEvent>> {
    this.ended = true;
    this.buffered = [];
    this.stopWaiting?.();
    return Promise.resolve({ value: undefined, done: true });
  }

  private async fill(): Promise<void> {
    const ctx = this.open();
    const feed = ctx.services.changes;
    // Taken before the read: a change committing between the read and the wait still wakes it.
    const wait = feed.waiter(this.workspace);
    let changes: FeedChange[];
    try {
      changes = await feed.read(this.workspace, this.afterSeq, PAGE);
    } catch (err) {
      wait.cancel();
      throw err;
    }
    if (changes.length > 0) {
      wait.cancel();
      this.buffered = changes.map((change) => ({ change, via: ctx }));
      this.afterSeq = changes[changes.length - 1]!.seq;
      return;
    }
    this.stopWaiting = wait.cancel;
    await wait.woken;
    this.stopWaiting = null;
  }
}
