import { Authorized, Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { toConnection } from '../types/connection';
import { CreateWebhookInput } from '../types/webhook.input';
import { CreatedWebhook, Webhook, WebhookConnection, toCreatedWebhook, toWebhook } from '../types/webhook.type';

@Resolver(() => Webhook)
export class WebhookResolver {
  @Authorized()
  @Query(() => WebhookConnection, {
    description: "A workspace's webhooks in the order they were made, without their secrets (its owners and admins).",
  })
  async webhooks(
    @Arg('workspace', { description: 'The workspace.' }) workspace: string,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 1000).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after?: string,
  ) {
    return toConnection(await ctx.services.webhooks.list(workspace, { first, after }), toWebhook);
  }

  @Authorized()
  @Mutation(() => CreatedWebhook, {
    description:
      "Makes a webhook: every change in the workspace from now on is POSTed to the URL, signed with the secret answered here once (the workspace's owners and admins).",
  })
  async createWebhook(@Arg('input') input: CreateWebhookInput, @Ctx() ctx: Context): Promise<CreatedWebhook> {
    return toCreatedWebhook(await ctx.services.webhooks.create(input));
  }

  @Authorized()
  @Mutation(() => Webhook, {
    description:
      'Deletes a webhook: nothing more is sent to it (a delivery already under way may still arrive). Answers the webhook it was.',
  })
  async deleteWebhook(
    @Arg('id', () => ID, { description: "The webhook's id." }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Webhook> {
    return toWebhook(await ctx.services.webhooks.delete(id));
  }
}
