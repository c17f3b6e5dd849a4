import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../context';
import { FeedChangeView, FeedChangeConnection, toChange } from '../types/change.type';
import { Node } from '../types/node';
import { toConnection } from '../types/connection';
import { changeStream, type ChangeEvent } from '../change-stream';
import { nodeOfChange } from '../change-node';

const WORKSPACE = 'The workspace whose changes to read (the caller needs read access to it).';
const AFTER = "A change's `cursor` (or a page's `endCursor`): only changes after it. Left out: from the first change.";

@Resolver(() => FeedChangeView)
export class ChangeResolver {
  @Authorized()
  @Query(() => FeedChangeConnection, {
    description:
      "A workspace's changes in the order they committed, oldest first, after a cursor: the durable change feed. Keep the last `endCursor` and ask again with it to get exactly what changed since, however long you were away. `subscription { changes }` pushes the same changes as they commit.",
  })
  async changes(
    @Ctx() ctx: Context,
    @Arg('workspace', () => String, { description: WORKSPACE }) workspace: string,
    @Arg('after', () => String, { nullable: true, description: AFTER }) after?: string,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 1000).' }) first?: number,
  ) {
    const page = await ctx.services.changes.page({ workspace, after, first });
    return toConnection(page, (c) => toChange(c, ctx));
  }

  @Authorized()
  @Subscription(() => FeedChangeView, {
    name: 'changes',
    description:
      "A workspace's changes as they commit (over graphql-ws at /graphql): first every change after `after`, oldest first, then each new one. Reconnect with the `cursor` of the last change you received to resume without a gap.",
    subscribe: ({ args, context }) => changeStream(context as Context, args.workspace as string, args.after as string),
  })
  changesFeed(
    @Root() event: ChangeEvent,
    @Arg('workspace', () => String, { description: WORKSPACE }) _workspace: string,
    @Arg('after', () => String, { nullable: true, description: AFTER }) _after?: string,
  ): FeedChangeView {
    return toChange(event.change, event.via);
  }

  @FieldResolver(() => Node, {
    nullable: true,
    description:
      'The run, execution, artifact or workspace it acted on, as it is now; null when it is gone or you may not read it.',
  })
  node(@Root() change: FeedChangeView): Promise<unknown> {
    return nodeOfChange(change);
  }
}
