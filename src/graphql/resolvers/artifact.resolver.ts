import { Authorized, Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
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

  @FieldResolver(() => Execution, { nullable: true, description: 'The execution that output it; null for a source.' })
  async producer(@Root() a: Artifact, @Ctx() ctx: Context): Promise<Execution | null> {
    const found = a.producerUid ? await ctx.loaders.executionByUid.load(a.producerUid) : null;
    return found ? toExecution(found) : null;
  }
}

@Resolver(() => Artifact)
export class ArtifactRunResolver {
  @FieldResolver(() => Run, { nullable: true, description: 'The run that logged or produced it.' })
  async run(@Root() a: Artifact, @Ctx() ctx: Context): Promise<Run | null> {
    const found = a.runUid ? await ctx.loaders.runByUid.load(a.runUid) : null;
    return found ? toRun(found) : null;
  }
}

@Resolver(() => ModelArtifact)
export class ModelArtifactResolver {
  @FieldResolver(() => Artifact, { nullable: true, description: 'The dataset it was trained on, when given.' })
  async trainingDataset(@Root() m: ModelArtifact, @Ctx() ctx: Context): Promise<Artifact | null> {
    const found = m.trainingDatasetUid ? await ctx.loaders.artifactByUid.load(m.trainingDatasetUid) : null;
    return found ? toArtifact(found) : null;
  }
}
