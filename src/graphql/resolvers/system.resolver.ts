import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { ServerInfo } from '../types/system.type';

@Resolver()
export class SystemResolver {
  @Query(() => ServerInfo, { description: 'The server version and the database schema version it runs on.' })
  serverInfo(@Ctx() ctx: Context): Promise<ServerInfo> {
    return ctx.services.system.serverInfo();
  }
}
