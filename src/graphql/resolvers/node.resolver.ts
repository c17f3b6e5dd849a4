import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { toArtifact } from '../types/artifact.type';
import { toExecution } from '../types/execution.type';
import { toRun } from '../types/run.type';
import { fromGlobalId } from '../../domain/global-id';
import { Node } from '../types/node';
import { toWorkspace } from '../types/workspace.type';

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Anything by its global id (Relay); null when it does not exist.' })
  async node(
    @Arg('id', () => ID, { description: 'A global id from any `id` field.' }) id: string,
    @Ctx() ctx: Context,
  ) {
    const { type, key } = fromGlobalId(id);
    switch (type) {
      case 'Workspace':
        return mapOrNull(await ctx.loaders.workspaceByName.load(key), toWorkspace);
      case 'Execution':
        return mapOrNull(await ctx.loaders.executionByUid.load(key), toExecution);
      case 'Artifact':
        return mapOrNull(await ctx.loaders.artifactByUid.load(key), toArtifact);
      case 'Run':
        return mapOrNull(await ctx.loaders.runByUid.load(key), toRun);
    }
  }
}

function mapOrNull<T, R>(value: T | null, map: (v: T) => R): R | null {
  return value === null ? null : map(value);
}
