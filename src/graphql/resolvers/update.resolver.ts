import { Authorized, Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { Artifact, toArtifact } from '../types/artifact.type';
import { toConnection } from '../types/connection';
import { EntryInput } from '../types/entry.type';
import { Execution, toExecution } from '../types/execution.type';
import { ChangeConnection, toChange } from '../types/history.type';
import { Run, toRun } from '../types/run.type';
import { ArtifactChangesInput, ExecutionChangesInput, RunChangesInput } from '../types/update.input';

/** Changes after the fact (services/update.service.ts) and the `history` each one leaves. */

const PAGE = { first: 'Page size (default 50, at most 1000).', after: 'The endCursor of the previous page.' };
const HISTORY = 'Every change made to it after it was created (who, when, the value before and after), newest first.';
const REF = 'The artifact version: its global id, its uid or a store:// URI (no tag or uid: the latest version).';

@Resolver()
export class UpdateResolver {
  @Authorized()
  @Mutation(() => Run, {
    description:
      "Changes a run's description, params (only while RUNNING), results, labels and annotations in one " +
      'transaction, recording each changed entry in its `history`; returns the run as it now is.',
  })
  async updateRun(
    @Arg('id', () => ID, { description: 'The run: its global id (or its uid).' }) id: string,
    @Arg('changes', () => RunChangesInput, { description: 'What to change; fields left out stay as they are.' })
    changes: RunChangesInput,
    @Ctx() ctx: Context,
  ): Promise<Run> {
    return toRun(await ctx.services.updates.updateRun(id, changes));
  }

  @Authorized()
  @Mutation(() => Run, {
    description:
      "Adds params to a RUNNING run or changes their values (MLflow's log_param), recording each change in its " +
      '`history`; PRECONDITION_FAILED, naming the state, once the run has finished.',
  })
  async logParams(
    @Arg('run', () => ID, { description: 'The run: its global id (or its uid).' }) run: string,
    @Arg('params', () => [EntryInput], { description: 'The params, e.g. batch_size=64.' }) params: EntryInput[],
    @Ctx() ctx: Context,
  ): Promise<Run> {
    return toRun(await ctx.services.updates.logParams(run, params));
  }

  @Authorized()
  @Mutation(() => Execution, {
    description:
      "Changes an execution's description, params (only while RUNNING), results, labels and annotations in one " +
      'transaction, recording each changed entry in its `history`; returns the execution as it now is.',
  })
  async updateExecution(
    @Arg('id', () => ID, { description: 'The execution: its global id.' }) id: string,
    @Arg('changes', () => ExecutionChangesInput, {
      description: 'What to change; fields left out stay as they are.',
    })
    changes: ExecutionChangesInput,
    @Ctx() ctx: Context,
  ): Promise<Execution> {
    return toExecution(await ctx.services.updates.updateExecution(id, changes));
  }

  @Authorized()
  @Mutation(() => Artifact, {
    description:
      "Changes one artifact version's description, labels and properties in one transaction, in any state, " +
      'recording each changed entry in its `history`; returns the version as it now is.',
  })
  async updateArtifact(
    @Arg('ref', { description: REF }) ref: string,
    @Arg('changes', () => ArtifactChangesInput, { description: 'What to change; fields left out stay as they are.' })
    changes: ArtifactChangesInput,
    @Ctx() ctx: Context,
  ): Promise<Artifact> {
    return toArtifact(await ctx.services.updates.updateArtifact(ref, changes));
  }
}

/** The three `history` fields share one loader: a page per subject uid, one query per request level. */
function historyOf(ctx: Context, uid: string, first?: number, after?: string) {
  return ctx.loaders.historyOf.load({ parent: uid, first, after }).then((page) => toConnection(page, toChange));
}

@Resolver(() => Run)
export class RunHistoryResolver {
  @FieldResolver(() => ChangeConnection, { description: HISTORY })
  history(
    @Root() run: Run,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: PAGE.first }) first?: number,
    @Arg('after', () => String, { nullable: true, description: PAGE.after }) after?: string,
  ) {
    return historyOf(ctx, run.uid, first, after);
  }
}

@Resolver(() => Execution)
export class ExecutionHistoryResolver {
  @FieldResolver(() => ChangeConnection, { description: HISTORY })
  history(
    @Root() e: Execution,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: PAGE.first }) first?: number,
    @Arg('after', () => String, { nullable: true, description: PAGE.after }) after?: string,
  ) {
    return historyOf(ctx, e.uid, first, after);
  }
}

@Resolver(() => Artifact)
export class ArtifactHistoryResolver {
  @FieldResolver(() => ChangeConnection, {
    description: `${HISTORY} Tag moves are recorded on both versions involved.`,
  })
  history(
    @Root() a: Artifact,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: PAGE.first }) first?: number,
    @Arg('after', () => String, { nullable: true, description: PAGE.after }) after?: string,
  ) {
    return historyOf(ctx, a.uid, first, after);
  }
}
