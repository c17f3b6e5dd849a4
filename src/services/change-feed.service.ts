import { changeFeedRepository } from '../graph/change-feed.repository';
import type { FeedChange } from '../domain/feed';
import { badInput } from '../errors';
import type { ServiceDeps } from './deps';
import { DEFAULT_FEED_POLL_MS, FeedNotifier } from './feed-notifier';
import { decodeCursor, pageWindow, toPage, type Page, type PageRequest } from './pagination';
import { checkName } from './validate';

/**
 * The change feed (domain/feed.ts): a workspace's changes in commit order after a cursor, for the
 * `changes` connection and subscription. Whoever may read a workspace may read its feed.
 */
export class ChangeFeedService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Refuses unless the caller may read `workspace`; answers the name, checked. */
  async authorize(workspace: string): Promise<string> {
    const name = checkName('Workspace name', 'workspace', workspace);
    await this.deps.access.require('read', { workspace: name, objectType: 'Workspace', objectId: name });
    return name;
  }

  /** A page of the workspace's changes after `after` (a cursor from this feed), oldest first. */
  async page(req: PageRequest & { workspace: string }): Promise<Page<FeedChange>> {
    const window = pageWindow(req, seqKey);
    const rows = await this.read(req.workspace, window.after ?? 0, window.limit);
    return toPage(rows, window, (c) => c.seq);
  }

  /** Up to `limit` of the workspace's changes after `afterSeq`, oldest first (a subscription's page). */
  async read(workspace: string, afterSeq: number, limit: number): Promise<FeedChange[]> {
    const name = await this.authorize(workspace);
    const changes = await changeFeedRepository.after(this.deps.graph, { workspace: name, afterSeq, limit });
    return changes.map(shownToReaders);
  }

  /** The seq a cursor names (0 for none: the feed's start). */
  seqOf(cursor: string | null | undefined): number {
    return cursor ? seqKey(decodeCursor(cursor)) : 0;
  }

  /** A wait for the workspace's next change (see FeedNotifier.waiter); a poll alone without a notifier. */
  waiter(workspace: string): { woken: Promise<void>; cancel: () => void } {
    return (this.deps.feed ?? POLL_ONLY).waiter(workspace);
  }
}

const POLL_ONLY = new FeedNotifier(DEFAULT_FEED_POLL_MS);

/** The objects a workspace's readers may know by name; they read runs, executions and artifacts anyway. */
const NAMED_IN_FEED = new Set(['Run', 'Execution', 'Artifact', 'Workspace']);

/**
 * A change as a reader of the workspace sees it. Its owners' access changes (a token made or
 * revoked, a grant given: the token's id, the grantee's subject) are in the feed, numbered like any
 * change so the feed has no gap, but without naming whom or what: only owners read the audit trail.
 */
function shownToReaders(c: FeedChange): FeedChange {
  return c.objectType === null || NAMED_IN_FEED.has(c.objectType) ? c : { ...c, objectId: null };
}

/** A feed cursor's key: a seq, a whole number from 0. */
function seqKey(raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) {
    throw badInput('That "after" cursor does not belong to the change feed.', { field: 'after' });
  }
  return raw;
}
