import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { toArtifact } from '../types/artifact.type';
import { toExecution } from '../types/execution.type';
import { toRun } from '../types/run.type';
import { fromGlobalId } from '../../domain/global-id';
import { isStoreUri } from '../../domain/artifact-uri';
import { isUid } from '../../domain/uid';
import { ErrorCode, SkeinError } from '../../errors';
import { Node } from '../types/node';
import { toWorkspace } from '../types/workspace.type';

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description:
      "Anything by its global id (Relay), a bare uid of a run, execution or artifact, or an artifact's store:// URI; null when it does not exist.",
  })
  async node(
    @Arg('id', () => ID, {
      description: 'A global id from any `id` field, a run/execution/artifact uid, or a store://… artifact URI.',
    })
    id: string,
    @Ctx() ctx: Context,
  ) {
    if (isStoreUri(id)) return byStoreUri(id, ctx);
    if (isUid(id)) return byUid(id.toLowerCase(), ctx);
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

/** A uid is unique across runs, executions and artifacts (UUIDv7): one batched lookup of each. */
async function byUid(uid: string, ctx: Context) {
  const [run, execution, artifact] = await Promise.all([
    ctx.loaders.runByUid.load(uid),
    ctx.loaders.executionByUid.load(uid),
    ctx.loaders.artifactByUid.load(uid),
  ]);
  if (run) return toRun(run);
  if (execution) return toExecution(execution);
  return mapOrNull(artifact, toArtifact);
}

/** The artifact a store:// URI names; null when it names none (a malformed URI is still an error). */
async function byStoreUri(uri: string, ctx: Context) {
  try {
    return toArtifact(await ctx.services.artifacts.resolveRef(uri, 'id'));
  } catch (error) {
    if (error instanceof SkeinError && error.code === ErrorCode.NOT_FOUND) return null;
    throw error;
  }
}

function mapOrNull<T, R>(value: T | null, map: (v: T) => R): R | null {
  return value === null ? null : map(value);
}
