import { Authorized, Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { toConnection } from '../types/connection';
import { AuditEvent, AuditEventConnection, toAuditEvent } from '../types/audit.type';

@Resolver(() => AuditEvent)
export class AuditResolver {
  @Authorized()
  @Query(() => AuditEventConnection, {
    description:
      "The audit trail, oldest first: every change, signed URL handed out, token created or revoked, and refused request. A workspace's owners read its events; without `workspace`, every event (server admins only).",
  })
  async auditEvents(
    @Ctx() ctx: Context,
    @Arg('workspace', () => String, { nullable: true, description: "Only this workspace's events." })
    workspace?: string,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 1000).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after?: string,
  ) {
    return toConnection(await ctx.services.audit.list({ workspace, first, after }), toAuditEvent);
  }
}
