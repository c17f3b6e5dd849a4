import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { toViewer, Viewer } from '../types/viewer.type';

@Resolver()
export class ViewerResolver {
  @Query(() => Viewer, {
    description: 'Who you are to this server (your token or SSO user), whether you are an admin, and your roles.',
  })
  viewer(@Ctx() ctx: Context): Viewer {
    return toViewer(ctx.caller);
  }
}
