import { Authorized, Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../../domain/global-id';
import type { Context } from '../context';
import { ArtifactState } from '../../domain/artifact';
import { ArtifactFilter, LogArtifactInput } from '../types/artifact.input';
import { Artifact, ArtifactConnection, ModelArtifact, toArtifact } from '../types/artifact.type';
import { toConnection } from '../types/connection';
import { Execution, toExecution } from '../types/execution.type';
import { Run, toRun } from '../types/run.type';

const REF =
  'The artifact: its global id, its uid, or store://<artifacts|models|datasets>/<workspace>/<key>[#<iteration>][:<tag-or-version-name>][@<uid>] ' +
  '(models/datasets: only artifacts of that kind; #n: logged by the run of iteration n, 0 for a top-level run; ' +
  'no selector or :latest: the newest AVAILABLE version; every selector given must name the same version).';

@Resolver(() => Artifact)
export class ArtifactResolver {
  @Authorized()
  @Query(() => Artifact, { description: 'One artifact version, by id, uid or store:// URI.' })
  async artifact(@Arg('ref', { description: REF }) ref: string, @Ctx() ctx: Context): Promise<Artifact> {
    return toArtifact(await ctx.services.artifacts.resolveRef(ref));
  }

  @Authorized()
  @Query(() => ArtifactConnection, {
    description:
      'Artifacts of a workspace, newest first, filtered. Only AVAILABLE versions unless the filter asks for a state.',
  })
  async artifacts(
    @Arg('workspace', { description: 'The workspace.' }) workspace: string,
    @Ctx() ctx: Context,
    @Arg('filter', () => ArtifactFilter, { nullable: true, description: 'Which artifacts.' }) filter?: ArtifactFilter,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 1000).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after?: string,
  ) {
    return toConnection(await ctx.services.artifacts.list(workspace, filter ?? {}, { first, after }), toArtifact);
  }

  @Authorized()
  @Mutation(() => Artifact, { description: 'Records an artifact as the next version of its key.' })
  async logArtifact(@Arg('input') input: LogArtifactInput, @Ctx() ctx: Context): Promise<Artifact> {
    return toArtifact(await ctx.services.artifacts.log(input));
  }

  @Authorized()
  @Mutation(() => Artifact, {
    description:
      'Points a tag (e.g. "production") at this version, moving it off any other. Only AVAILABLE versions are tagged; a tag cannot repeat a version name of the key.',
  })
  async tagArtifact(
    @Arg('ref', { description: REF }) ref: string,
    @Arg('tag', {
      description: 'The tag name (letters, digits, "_", ".", "-"); "latest" is automatic and cannot be set.',
    })
    tag: string,
    @Ctx() ctx: Context,
  ): Promise<Artifact> {
    return toArtifact(await ctx.services.artifacts.tag(ref, tag));
  }

  @Authorized()
  @Mutation(() => Artifact, { description: 'Removes a tag from this version.' })
  async untagArtifact(
    @Arg('ref', { description: REF }) ref: string,
    @Arg('tag', { description: 'The tag name.' }) tag: string,
    @Ctx() ctx: Context,
  ): Promise<Artifact> {
    return toArtifact(await ctx.services.artifacts.untag(ref, tag));
  }

  @FieldResolver(() => ArtifactConnection, {
    description: 'The versions of this key, newest first: the AVAILABLE ones, or those in `state` when given.',
  })
  async versions(
    @Root() a: Artifact,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 1000).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after?: string,
    @Arg('state', () => ArtifactState, {
      nullable: true,
      description: 'Only versions in this state (PENDING or ABORTED uploads are listed only when asked for).',
    })
    state?: ArtifactState | null,
    @Arg('includeDeleted', () => Boolean, {
      defaultValue: false,
      description: 'Also deleted versions, each with its deletedAt; false (the default) leaves them out.',
    })
    includeDeleted?: boolean,
  ) {
    const versions = await ctx.services.artifacts.versions(a, { first, after }, state ?? null, includeDeleted);
    return toConnection(versions, toArtifact);
  }

  @FieldResolver(() => ID, {
    nullable: true,
    description:
      'The global id of the execution that output it; null for a source, or when that execution is in a workspace you may not read.',
  })
  producerId(@Root() a: Artifact, @Ctx() ctx: Context): string | null | Promise<string | null> {
    return visibleId(ctx, 'Execution', a.producerUid, ctx.loaders.executionByUid);
  }

  @FieldResolver(() => Execution, { nullable: true, description: 'The execution that output it; null for a source.' })
  async producer(@Root() a: Artifact, @Ctx() ctx: Context): Promise<Execution | null> {
    const found = a.producerUid ? await ctx.loaders.executionByUid.load(a.producerUid) : null;
    return found ? toExecution(found) : null;
  }
}

@Resolver(() => Artifact)
export class ArtifactRunResolver {
  @FieldResolver(() => ID, {
    nullable: true,
    description:
      'The global id of the run that logged or produced it; null when none did, or when that run is in a workspace you may not read.',
  })
  runId(@Root() a: Artifact, @Ctx() ctx: Context): string | null | Promise<string | null> {
    return visibleId(ctx, 'Run', a.runUid, ctx.loaders.runByUid);
  }

  @FieldResolver(() => Run, { nullable: true, description: 'The run that logged or produced it.' })
  async run(@Root() a: Artifact, @Ctx() ctx: Context): Promise<Run | null> {
    const found = a.runUid ? await ctx.loaders.runByUid.load(a.runUid) : null;
    return found ? toRun(found) : null;
  }
}

@Resolver(() => ModelArtifact)
export class ModelArtifactResolver {
  @FieldResolver(() => ID, {
    nullable: true,
    description:
      'The global id of the dataset it was trained on, when given; null when that dataset is in a workspace you may not read.',
  })
  trainingDatasetId(@Root() m: ModelArtifact, @Ctx() ctx: Context): string | null | Promise<string | null> {
    return visibleId(ctx, 'Artifact', m.trainingDatasetUid, ctx.loaders.artifactByUid);
  }

  @FieldResolver(() => Artifact, { nullable: true, description: 'The dataset it was trained on, when given.' })
  async trainingDataset(@Root() m: ModelArtifact, @Ctx() ctx: Context): Promise<Artifact | null> {
    const found = m.trainingDatasetUid ? await ctx.loaders.artifactByUid.load(m.trainingDatasetUid) : null;
    return found ? toArtifact(found) : null;
  }
}

/**
 * The global id of a node an artifact points at (its producer, its run, its training dataset), or
 * null when the caller may not read the node: a uid names something in another workspace and tells
 * when it was made (UUIDv7), so a hidden one is answered as an absent one. A caller who may read
 * every workspace (admins, auth off) gets the id at once, with no query; anyone else's ids are
 * checked through the request's loader for that node, the one the `producer`, `run` and
 * `trainingDataset` fields use: one batched query per answer (shared with those fields), never one
 * per artifact. The loaders answer null for a node the caller may not read (readableOnly).
 */
function visibleId(
  ctx: Context,
  type: 'Execution' | 'Run' | 'Artifact',
  uid: string | null,
  loader: { load(uid: string): Promise<unknown> },
): string | null | Promise<string | null> {
  if (!uid) return null;
  if (ctx.caller.readableWorkspaces === 'ALL') return toGlobalId(type, uid);
  return loader.load(uid).then((found) => (found ? toGlobalId(type, uid) : null));
}
