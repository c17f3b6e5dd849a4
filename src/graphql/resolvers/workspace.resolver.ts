import { Authorized, Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { toConnection } from '../types/connection';
import { CreateWorkspaceInput, UpdateWorkspaceInput } from '../types/workspace.input';
import { Workspace, WorkspaceConnection, toWorkspace } from '../types/workspace.type';

@Resolver(() => Workspace)
export class WorkspaceResolver {
  @Authorized()
  @Query(() => Workspace, { description: 'One workspace by name; NOT_FOUND when there is none.' })
  async workspace(@Arg('name') name: string, @Ctx() ctx: Context): Promise<Workspace> {
    return toWorkspace(await ctx.services.workspaces.get(name));
  }

  @Authorized()
  @Query(() => WorkspaceConnection, { description: 'Workspaces in name order, a page at a time.' })
  async workspaces(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 1000).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after?: string,
    @Arg('namePrefix', () => String, { nullable: true, description: 'Only names starting with this.' })
    namePrefix?: string,
    @Arg('includeDeleted', () => Boolean, {
      defaultValue: false,
      description: 'Also deleted workspaces, each with its deletedAt; false (the default) leaves them out.',
    })
    includeDeleted?: boolean,
  ) {
    return toConnection(await ctx.services.workspaces.list({ first, after, namePrefix, includeDeleted }), toWorkspace);
  }

  @Authorized()
  @Mutation(() => Workspace, { description: 'Creates a workspace; CONFLICT when the name is taken.' })
  async createWorkspace(@Arg('input') input: CreateWorkspaceInput, @Ctx() ctx: Context): Promise<Workspace> {
    return toWorkspace(await ctx.services.workspaces.create(input));
  }

  @Authorized()
  @Mutation(() => Workspace, { description: "Changes a workspace's description or labels." })
  async updateWorkspace(
    @Arg('name', { description: 'The workspace to change.' }) name: string,
    @Arg('input') input: UpdateWorkspaceInput,
    @Ctx() ctx: Context,
  ): Promise<Workspace> {
    return toWorkspace(await ctx.services.workspaces.update(name, input));
  }
}
