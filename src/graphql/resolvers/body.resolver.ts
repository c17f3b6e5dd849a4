import { Authorized, Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { Artifact, DirectoryArtifact, toArtifact } from '../types/artifact.type';
import { CreateUploadInput } from '../types/body.input';
import {
  ArtifactDownload,
  ArtifactPathTemplate,
  BodyStoreInfo,
  ManifestEntry,
  Upload,
  toArtifactDownload,
  toUpload,
} from '../types/body.type';

const REF =
  'The artifact: its global id, its uid, or store://<artifacts|models|datasets>/<workspace>/<key>[#<iteration>][:<tag-or-version-name>][@<uid>] (no tag or uid: the newest AVAILABLE version).';

@Resolver()
export class BodyResolver {
  @Query(() => BodyStoreInfo, {
    description:
      'Where bodies are stored and the rules uploads follow (part size, limits). Open to anyone: it names the kind of store and its limits, never a bucket or a body.',
  })
  bodyStore(@Ctx() ctx: Context): BodyStoreInfo {
    const { uploadTtlSeconds, ...rules } = ctx.services.bodies.info();
    return { ...rules, uploadTtl: uploadTtlSeconds };
  }

  @Authorized()
  @Mutation(() => Upload, {
    description:
      'Records an artifact (PENDING) and returns signed URLs to upload its body, or every file of a directory, straight to the store. Bodies already stored in an artifact you may read are not uploaded again; when none is needed the artifact is AVAILABLE at once. Then call completeUpload. Takes the editor role in the workspace.',
  })
  async createUpload(@Arg('input') input: CreateUploadInput, @Ctx() ctx: Context): Promise<Upload> {
    return toUpload(await ctx.services.bodies.create(input));
  }

  @Authorized()
  @Mutation(() => Upload, {
    description: 'Fresh URLs for a PENDING upload whose URLs expired. Takes the editor role in its workspace.',
  })
  async renewUpload(
    @Arg('ref', { description: REF }) ref: string,
    @Ctx() ctx: Context,
    @Arg('expiresIn', () => Int, {
      nullable: true,
      description:
        'Seconds the URLs stay valid: 1 up to bodyStore.uploadUrlExpiresIn (the default); more is BAD_USER_INPUT.',
    })
    expiresIn?: number,
  ): Promise<Upload> {
    return toUpload(await ctx.services.bodies.renew(ref, expiresIn));
  }

  @Authorized()
  @Mutation(() => Artifact, {
    description:
      'Checks the uploaded body (every file of a directory) in the store — present, size, checksum — and marks the artifact AVAILABLE. PRECONDITION_FAILED, and still PENDING, while anything is missing.',
  })
  async completeUpload(@Arg('ref', { description: REF }) ref: string, @Ctx() ctx: Context): Promise<Artifact> {
    return toArtifact(await ctx.services.bodies.complete(ref));
  }

  @Authorized()
  @Mutation(() => Artifact, {
    description:
      'Gives up a PENDING upload: the artifact becomes ABORTED and what was uploaded for it alone is deleted.',
  })
  async abortUpload(@Arg('ref', { description: REF }) ref: string, @Ctx() ctx: Context): Promise<Artifact> {
    return toArtifact(await ctx.services.bodies.abort(ref));
  }

  @Authorized()
  @Query(() => ArtifactDownload, {
    description:
      'Signed download URLs for an artifact: its body, or every file of a directory with its relative path (a whole tree in one call), each with its SHA-256 to verify. For anyone who may read the artifact (a viewer of its workspace); each call is recorded in the audit trail.',
  })
  async artifactDownload(
    @Arg('ref', { description: REF }) ref: string,
    @Ctx() ctx: Context,
    @Arg('path', () => String, {
      nullable: true,
      description: 'DIRECTORY only: one file or subdirectory, e.g. "images/train".',
    })
    path?: string,
    @Arg('expiresIn', () => Int, {
      nullable: true,
      description:
        'Seconds the URLs stay valid: 1 up to bodyStore.downloadUrlExpiresIn (the default); more is BAD_USER_INPUT.',
    })
    expiresIn?: number,
  ): Promise<ArtifactDownload> {
    return toArtifactDownload(await ctx.services.bodies.download(ref, { path, expiresIn }));
  }

  @Authorized()
  @Query(() => ArtifactPathTemplate, {
    description: 'The artifact path template new uploads in this workspace (or run) get, and where it was set.',
  })
  async artifactPathTemplate(
    @Arg('workspace', { description: 'The workspace.' }) workspace: string,
    @Ctx() ctx: Context,
    @Arg('run', () => ID, { nullable: true, description: 'A run of the workspace.' }) run?: string,
  ): Promise<ArtifactPathTemplate> {
    return ctx.services.bodies.pathTemplate(workspace, run);
  }

  @Authorized()
  @Mutation(() => ArtifactPathTemplate, {
    description:
      "Sets the artifact path template of a workspace, or of one run (it wins over the workspace's); null clears it. Answers the template that now applies. Takes the editor role in the workspace.",
  })
  async setArtifactPathTemplate(
    @Arg('workspace', { description: 'The workspace.' }) workspace: string,
    @Arg('template', () => String, {
      nullable: true,
      description: 'e.g. "{{workspace}}/{{run.uid}}/{{key}}"; null to clear.',
    })
    template: string | null,
    @Ctx() ctx: Context,
    @Arg('run', () => ID, { nullable: true, description: 'Set it for this run only.' }) run?: string,
  ): Promise<ArtifactPathTemplate> {
    return ctx.services.bodies.setPathTemplate(workspace, run, template);
  }
}

@Resolver(() => Artifact)
export class ArtifactBodyResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description:
      'A signed URL to download the body (an https reference: its own URL); null while not AVAILABLE, for directories (see artifactDownload) and for references Skein cannot sign. Each URL handed out is recorded in the audit trail.',
  })
  async downloadUrl(
    @Root() a: Artifact,
    @Ctx() ctx: Context,
    @Arg('expiresIn', () => Int, {
      nullable: true,
      description:
        'Seconds the URL stays valid: 1 up to bodyStore.downloadUrlExpiresIn (the default); more is BAD_USER_INPUT.',
    })
    expiresIn?: number,
  ): Promise<string | null> {
    if (a.state !== 'AVAILABLE') return null;
    return ctx.services.bodies.downloadUrl(a, await ctx.loaders.bodyOf.load(a.uid), expiresIn);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Its human-readable path from the artifact path template, e.g. "my-workspace/<run uid>/models/churn"; null when not uploaded through Skein.',
  })
  async path(@Root() a: Artifact, @Ctx() ctx: Context): Promise<string | null> {
    return (await ctx.loaders.bodyOf.load(a.uid))?.path ?? null;
  }

  @FieldResolver(() => Boolean, {
    description:
      "True when Skein's store verified the digest itself (a body uploaded whole, or any body in the local store); false for references and multipart bodies in S3 (each part was verified), whose digest is as declared.",
  })
  async digestVerified(@Root() a: Artifact, @Ctx() ctx: Context): Promise<boolean> {
    return (await ctx.loaders.bodyOf.load(a.uid))?.digestVerified ?? false;
  }
}

@Resolver(() => DirectoryArtifact)
export class DirectoryArtifactResolver {
  @FieldResolver(() => [ManifestEntry], {
    description: 'Every file of the directory with its relative path, size and SHA-256, in path order.',
  })
  manifest(@Root() d: DirectoryArtifact, @Ctx() ctx: Context): Promise<ManifestEntry[]> {
    return ctx.loaders.manifestOf.load(d.uid); // the records have the fields of ManifestEntry
  }
}
