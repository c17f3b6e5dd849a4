import { Authorized, Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { toConnection } from '../types/connection';
import { GrantRoleInput } from '../types/grant.input';
import { Grant, GrantConnection, toGrant } from '../types/grant.type';

@Resolver(() => Grant)
export class GrantResolver {
  @Authorized()
  @Query(() => GrantConnection, {
    description: "A workspace's roles given to SSO users and groups, in subject order (its owners and admins).",
  })
  async workspaceGrants(
    @Arg('workspace', { description: 'The workspace.' }) workspace: string,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 1000).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after?: string,
  ) {
    return toConnection(await ctx.services.grants.list(workspace, { first, after }), toGrant);
  }

  @Authorized()
  @Mutation(() => Grant, {
    description:
      "Gives an SSO user or group a role in a workspace, replacing the one it had there (the workspace's owners and admins).",
  })
  async grantRole(@Arg('input') input: GrantRoleInput, @Ctx() ctx: Context): Promise<Grant> {
    return toGrant(await ctx.services.grants.grant(input.workspace, input.subject, input.role));
  }

  @Authorized()
  @Mutation(() => Grant, {
    description:
      "Takes an SSO user's or group's role in a workspace away; answers the grant it was (NOT_FOUND when there was none).",
  })
  async revokeRole(
    @Arg('workspace', { description: 'The workspace.' }) workspace: string,
    @Arg('subject', { description: '`user:<SSO subject>` or `group:<SSO group>`.' }) subject: string,
    @Ctx() ctx: Context,
  ): Promise<Grant> {
    return toGrant(await ctx.services.grants.revoke(workspace, subject));
  }
}
