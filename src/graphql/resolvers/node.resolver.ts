import { Authorized, Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { toArtifact } from '../types/artifact.type';
import { toExecution } from '../types/execution.type';
import { toRun } from '../types/run.type';
import { fromGlobalId, toGlobalId } from '../../domain/global-id';
import { isStoreUri } from '../../domain/artifact-uri';
import { isUid } from '../../domain/uid';
import { ErrorCode, SkeinError } from '../../errors';
import { Node } from '../types/node';
import { toWorkspace } from '../types/workspace.type';

@Resolver()
export class NodeResolver {
  @Authorized()
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
    // Through each service's one-object read: what the caller may not read is null, as a missing
    // node is, and the refusal is in the audit trail.
    const { services } = ctx;
    if (isStoreUri(id)) return orNull(services.artifacts.resolveRef(id, 'id'), toArtifact);
    if (isUid(id)) return byUid(id.toLowerCase(), ctx);
    const { type, key } = fromGlobalId(id);
    switch (type) {
      case 'Workspace':
        return orNull(services.workspaces.get(key), toWorkspace);
      case 'Execution':
        return orNull(services.executions.get(id), toExecution);
      case 'Artifact':
        return orNull(services.artifacts.resolveRef(key, 'id'), toArtifact);
      case 'Run':
        return orNull(services.runs.get(key), toRun);
    }
  }
}

/** A uid is unique across runs, executions and artifacts (UUIDv7): a lookup of each, at once. */
async function byUid(uid: string, ctx: Context) {
  const { services } = ctx;
  const [run, execution, artifact] = await Promise.all([
    orNull(services.runs.get(uid), toRun),
    orNull(services.executions.get(toGlobalId('Execution', uid)), toExecution),
    orNull(services.artifacts.resolveRef(uid, 'id'), toArtifact),
  ]);
  return run ?? execution ?? artifact;
}

/** The found object, mapped; null for NOT_FOUND (a malformed id is still an error). */
async function orNull<T, R>(found: Promise<T>, map: (v: T) => R): Promise<R | null> {
  try {
    return map(await found);
  } catch (error) {
    if (error instanceof SkeinError && error.code === ErrorCode.NOT_FOUND) return null;
    throw error;
  }
}
