import { Authorized, Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context';
import { Artifact, toArtifact } from '../types/artifact.type';
import { PurgeReport } from '../types/lifecycle.type';
import { Run, toRun } from '../types/run.type';
import { DateTimeScalar } from '../types/scalars';
import { Workspace, toWorkspace } from '../types/workspace.type';

const RUN_ID = "The run's global id or its uid.";
const ARTIFACT_REF =
  'The artifact version: its global id, its uid, or store://artifacts/<workspace>/<key>@<uid>. A URI without @<uid> names the live latest (or tagged) version; a deleted version is named by id or uid. deleteArtifact refuses a bare "latest" URI unless allVersions is true (it would move to the next version).';
const ALL_VERSIONS = 'True: every version of the key, not only the one named.';

/**
 * Retire and clean up: soft delete, restore and purge (services/lifecycle.service.ts). Deleting
 * what is deleted, or restoring what is live, changes nothing and answers the node as it is.
 */
@Resolver()
export class LifecycleResolver {
  @Authorized()
  @Mutation(() => Run, {
    description:
      "Deletes a run with its child runs and their executions (soft: hidden from lists, restorable until purged). With artifacts: true, also the artifact versions they logged or output in the run's workspace (outputs written into another workspace are that workspace's, and stay).",
  })
  async deleteRun(
    @Arg('id', () => ID, { description: RUN_ID }) id: string,
    @Arg('artifacts', () => Boolean, {
      defaultValue: false,
      description:
        "Also delete the artifact versions the run, its child runs or their executions logged or output in the run's workspace; versions they output into another workspace stay.",
    })
    artifacts: boolean,
    @Ctx() ctx: Context,
  ): Promise<Run> {
    return toRun(await ctx.services.lifecycle.deleteRun(id, artifacts));
  }

  @Authorized()
  @Mutation(() => Run, {
    description:
      'Restores a deleted run and what was deleted with it (child runs, executions, artifacts); things deleted on their own before stay deleted.',
  })
  async restoreRun(@Arg('id', () => ID, { description: RUN_ID }) id: string, @Ctx() ctx: Context): Promise<Run> {
    return toRun(await ctx.services.lifecycle.restoreRun(id));
  }

  @Authorized()
  @Mutation(() => Artifact, {
    description:
      'Deletes an artifact version (soft: never "latest" again, hidden from lists, restorable until purged).',
  })
  async deleteArtifact(
    @Arg('ref', { description: ARTIFACT_REF }) ref: string,
    @Arg('allVersions', () => Boolean, { defaultValue: false, description: ALL_VERSIONS }) allVersions: boolean,
    @Ctx() ctx: Context,
  ): Promise<Artifact> {
    return toArtifact(await ctx.services.lifecycle.deleteArtifact(ref, allVersions));
  }

  @Authorized()
  @Mutation(() => Artifact, { description: 'Restores a deleted artifact version.' })
  async restoreArtifact(
    @Arg('ref', { description: ARTIFACT_REF }) ref: string,
    @Arg('allVersions', () => Boolean, {
      defaultValue: false,
      description: 'True: also the other versions of the key deleted together with this one.',
    })
    allVersions: boolean,
    @Ctx() ctx: Context,
  ): Promise<Artifact> {
    return toArtifact(await ctx.services.lifecycle.restoreArtifact(ref, allVersions));
  }

  @Authorized()
  @Mutation(() => Workspace, {
    description:
      'Deletes a workspace: it and everything in it are hidden from lists and refuse changes until restoreWorkspace; purged after the grace period.',
  })
  async deleteWorkspace(
    @Arg('name', { description: 'The workspace.' }) name: string,
    @Ctx() ctx: Context,
  ): Promise<Workspace> {
    return toWorkspace(await ctx.services.lifecycle.deleteWorkspace(name));
  }

  @Authorized()
  @Mutation(() => Workspace, { description: 'Restores a deleted workspace and shows what is in it again.' })
  async restoreWorkspace(
    @Arg('name', { description: 'The workspace.' }) name: string,
    @Ctx() ctx: Context,
  ): Promise<Workspace> {
    return toWorkspace(await ctx.services.lifecycle.restoreWorkspace(name));
  }

  @Authorized()
  @Mutation(() => PurgeReport, {
    description:
      'Removes for good what was deleted before olderThan, except what live lineage still needs, and deletes from the body store the bodies no artifact holds any more. The server also does this periodically.',
  })
  async purgeDeleted(
    @Ctx() ctx: Context,
    @Arg('olderThan', () => DateTimeScalar, {
      nullable: true,
      description: 'Purge what was deleted before this time; default now minus SKEIN_PURGE_GRACE (30 days).',
    })
    olderThan?: string | null,
    @Arg('workspace', () => String, {
      nullable: true,
      description:
        'Only what is in this workspace; everywhere when left out. Bodies no artifact holds are collected either way.',
    })
    workspace?: string | null,
  ): Promise<PurgeReport> {
    return ctx.services.lifecycle.purge({ olderThan, workspace });
  }
}
