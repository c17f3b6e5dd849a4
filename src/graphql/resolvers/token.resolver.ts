import { Authorized, Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { toConnection } from '../types/connection';
import { CreateTokenInput } from '../types/token.input';
import { ApiToken, ApiTokenConnection, CreatedApiToken, toApiToken, toCreatedApiToken } from '../types/token.type';

@Resolver(() => ApiToken)
export class TokenResolver {
  @Authorized()
  @Query(() => ApiTokenConnection, {
    description:
      "API tokens, newest first, without their secrets: a workspace's (its owners and admins), or every token (admins, with no workspace).",
  })
  async tokens(
    @Ctx() ctx: Context,
    @Arg('workspace', () => String, {
      nullable: true,
      description: "Only this workspace's tokens; leave out for every token (admins only).",
    })
    workspace?: string,
    @Arg('includeRevoked', () => Boolean, {
      defaultValue: false,
      description: 'Also revoked tokens, each with its revokedAt; false (the default) leaves them out.',
    })
    includeRevoked?: boolean,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 1000).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after?: string,
  ) {
    return toConnection(await ctx.services.tokens.list({ workspace, includeRevoked, first, after }), toApiToken);
  }

  @Authorized()
  @Mutation(() => CreatedApiToken, {
    description:
      "Creates an API token (a workspace's owners and admins; admin tokens only admins). Its secret text is answered this once.",
  })
  async createToken(@Arg('input') input: CreateTokenInput, @Ctx() ctx: Context): Promise<CreatedApiToken> {
    return toCreatedApiToken(await ctx.services.tokens.create(input));
  }

  @Authorized()
  @Mutation(() => ApiToken, {
    description:
      "Revokes an API token: the next request carrying it is refused, on every Skein instance. Its workspace's owners and admins.",
  })
  async revokeToken(
    @Arg('tokenId', { description: 'The token\'s public id (the part after "skn_", as lists show it).' })
    tokenId: string,
    @Ctx() ctx: Context,
  ): Promise<ApiToken> {
    return toApiToken(await ctx.services.tokens.revoke(tokenId));
  }
}
