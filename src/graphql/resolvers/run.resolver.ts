import type { GraphQLResolveInfo } from 'graphql';
import { Authorized, Arg, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { selectsAny } from '../selection';
import { toConnection } from '../types/connection';
import { EntryInput, LabelInput } from '../types/entry.type';
import { LatestMetric, MetricPointInput, MetricSeries, toMetricSeries } from '../types/metric.type';
import { RunFilter, RunOrder, StartRunInput } from '../types/run.input';
import { Run, RunComparison, RunConnection, toRun, toRunComparison } from '../types/run.type';
import { DateTimeScalar, StepScalar } from '../types/scalars';
import { FinishedRunState } from '../../domain/run';

const PAGE = { first: 'Page size (default 50, at most 1000).', after: 'The endCursor of the previous page.' };
const RUN_ID = 'The run: its global id (or its uid).';
const RUN_QUERY =
  "Which runs, in MLflow's search syntax, e.g. \"params.lr = '0.01' and metrics.accuracy > 0.9 and " +
  "tags.team = 'nlp' order by metrics.accuracy desc\". Fields: params.<key>, metrics.<key> (the run's results), " +
  "tags.<key> (its labels), status, name (with LIKE '%text%'), started, parent; operators = != < <= > >= IN, " +
  'NOT IN, IS [NOT] NULL, combined with and, or, not and parentheses; an optional order by (ascending unless desc). ' +
  'With filter, both must hold; with order by in the query, leave orderBy out. A mistake answers BAD_USER_INPUT ' +
  'with the column.';

@Resolver(() => Run)
export class RunResolver {
  @Authorized()
  @Query(() => Run, { description: 'One run by id (or uid); NOT_FOUND when there is none.' })
  async run(@Arg('id', () => ID, { description: RUN_ID }) id: string, @Ctx() ctx: Context): Promise<Run> {
    return toRun(await ctx.services.runs.get(id));
  }

  @Authorized()
  @Query(() => RunConnection, {
    description:
      'Searches runs by state, labels, params, results, name and start time (combined with and/or/not), in one ' +
      'workspace or in every workspace you may read, newest first or ordered by a result or param, a page at a time.',
  })
  async runs(
    @Arg('workspace', () => String, {
      nullable: true,
      description:
        'The workspace to search; NOT_FOUND when it does not exist. Leave it out to search every workspace you may read.',
    })
    workspace: string | null | undefined,
    @Ctx() ctx: Context,
    @Arg('filter', () => RunFilter, { nullable: true, description: 'Which runs; all of them when left out.' })
    filter?: RunFilter,
    @Arg('query', () => String, { nullable: true, description: RUN_QUERY })
    query?: string,
    @Arg('orderBy', () => RunOrder, { nullable: true, description: 'The order; newest first when left out.' })
    orderBy?: RunOrder,
    @Arg('first', () => Int, { nullable: true, description: PAGE.first }) first?: number,
    @Arg('after', () => String, { nullable: true, description: PAGE.after }) after?: string,
    @Info() info?: GraphQLResolveInfo,
    @Arg('includeDeleted', () => Boolean, {
      defaultValue: false,
      description:
        'Also deleted runs (and the runs of a deleted workspace), each with its deletedAt; false (the default) leaves them out.',
    })
    includeDeleted?: boolean,
  ) {
    const withMaps = !info || selectsAny(info, ['edges', 'node'], RUN_MAPS);
    const withBest = !info || selectsAny(info, ['edges', 'node'], RUN_BEST);
    const page = await ctx.services.runs.search({
      workspace,
      query,
      filter,
      orderBy,
      first,
      after,
      withMaps,
      withBest,
      includeDeleted,
    });
    return toConnection(page, toRun);
  }

  @Authorized()
  @Query(() => RunComparison, {
    description: 'Up to 100 runs side by side: every param, result and latest metric value, one row per key.',
  })
  async compareRuns(
    @Arg('ids', () => [ID], { description: 'The runs to compare (ids or uids), in column order.' }) ids: string[],
    @Ctx() ctx: Context,
  ): Promise<RunComparison> {
    return toRunComparison(await ctx.services.runs.compare(ids));
  }

  @Authorized()
  @Mutation(() => Run, { description: 'Starts a run (RUNNING) in a workspace, optionally as a child iteration.' })
  async startRun(@Arg('input') input: StartRunInput, @Ctx() ctx: Context): Promise<Run> {
    return toRun(await ctx.services.runs.start(input));
  }

  @Authorized()
  @Mutation(() => Run, {
    description: 'Finishes a RUNNING run; PRECONDITION_FAILED, naming the current state, for any other run.',
  })
  async finishRun(
    @Arg('id', () => ID, { description: RUN_ID }) id: string,
    @Arg('state', () => FinishedRunState, { description: 'How the run ended.' }) state: FinishedRunState,
    @Ctx() ctx: Context,
    @Arg('error', () => String, { nullable: true, description: 'Why it failed or was aborted.' }) error?: string,
    @Arg('results', () => [EntryInput], {
      nullable: true,
      description:
        'Final results to record with it; each one that replaces a result already there is recorded in `history`.',
    })
    results?: EntryInput[],
    @Arg('finishedAt', () => DateTimeScalar, { nullable: true, description: 'When it ended; now when left out.' })
    finishedAt?: string,
  ): Promise<Run> {
    return toRun(await ctx.services.runs.finish(id, { state, error, results, finishedAt }));
  }

  @Authorized()
  @Mutation(() => Run, {
    description:
      'Records results on a run in any state (MLflow allows results after a run finished), overwriting results ' +
      'with the same key; each change is recorded in `history`.',
  })
  async logResults(
    @Arg('id', () => ID, { description: RUN_ID }) id: string,
    @Arg('results', () => [EntryInput], { description: 'The results, e.g. accuracy=0.93.' }) results: EntryInput[],
    @Ctx() ctx: Context,
  ): Promise<Run> {
    return toRun(await ctx.services.updates.logResults(id, results));
  }

  @Authorized()
  @Mutation(() => Run, {
    description: "Sets and removes a run's labels, in any state; each change is recorded in `history`.",
  })
  async setRunLabels(
    @Arg('id', () => ID, { description: RUN_ID }) id: string,
    @Ctx() ctx: Context,
    @Arg('labels', () => [LabelInput], { nullable: true, description: 'Labels to set, overwriting the same keys.' })
    labels?: LabelInput[],
    @Arg('remove', () => [String], { nullable: true, description: 'Label keys to remove.' }) remove?: string[],
  ): Promise<Run> {
    return toRun(await ctx.services.updates.setRunLabels(id, labels, remove));
  }

  @Authorized()
  @Mutation(() => Run, {
    description: "Sets and removes a run's annotations, in any state; each change is recorded in `history`.",
  })
  async setRunAnnotations(
    @Arg('id', () => ID, { description: RUN_ID }) id: string,
    @Ctx() ctx: Context,
    @Arg('annotations', () => [EntryInput], {
      nullable: true,
      description: 'Annotations to set, overwriting the same keys.',
    })
    annotations?: EntryInput[],
    @Arg('remove', () => [String], { nullable: true, description: 'Annotation keys to remove.' }) remove?: string[],
  ): Promise<Run> {
    return toRun(await ctx.services.updates.setRunAnnotations(id, annotations, remove));
  }

  @Authorized()
  @Mutation(() => Run, {
    description:
      "Marks one child iteration as its parent's best, moving the mark from any other child; returns the parent.",
  })
  async markBestChild(
    @Arg('parent', () => ID, { description: 'The parent run (id or uid).' }) parent: string,
    @Arg('child', () => ID, { description: 'One of its child runs (id or uid).' }) child: string,
    @Ctx() ctx: Context,
  ): Promise<Run> {
    return toRun(await ctx.services.runs.markBestChild(parent, child));
  }

  @Authorized()
  @Mutation(() => Run, {
    description:
      'Marks the best child iteration by an MLRun selector: "max.<key>" or "min.<key>" picks the child whose ' +
      'result with that key is highest or lowest, or, for a child without that result, its latest value of the ' +
      'metric with that key. Children with neither are passed over; a tie goes to the lower iteration. The mark ' +
      'moves as markBestChild moves it; returns the parent. BAD_USER_INPUT for a malformed selector, ' +
      'PRECONDITION_FAILED when no child has the key.',
  })
  async selectBestChild(
    @Arg('parent', () => ID, { description: 'The parent run (id or uid).' }) parent: string,
    @Arg('selector', { description: 'Which child is best, e.g. "max.accuracy" or "min.loss".' }) selector: string,
    @Ctx() ctx: Context,
  ): Promise<Run> {
    return toRun(await ctx.services.runs.selectBestChild(parent, selector));
  }

  @Authorized()
  @Mutation(() => Run, {
    description:
      'Appends up to 1,000 metric points (any mix of keys) to a run, e.g. the loss at each step; returns the run. ' +
      'A finished run takes metrics too, as MLflow allows.',
  })
  async logMetrics(
    @Arg('run', () => ID, { description: RUN_ID }) run: string,
    @Arg('points', () => [MetricPointInput], { description: 'The points, 1 to 1,000.' }) points: MetricPointInput[],
    @Ctx() ctx: Context,
  ): Promise<Run> {
    return toRun(await ctx.services.metrics.log(run, points));
  }

  @FieldResolver(() => Run, { nullable: true, description: 'The run this one is an iteration of; null at the top.' })
  async parent(@Root() run: Run, @Ctx() ctx: Context): Promise<Run | null> {
    return loadRun(ctx, run.parentUid);
  }

  @FieldResolver(() => Run, { nullable: true, description: 'The child iteration marked best; null when none is.' })
  async bestChild(@Root() run: Run, @Ctx() ctx: Context): Promise<Run | null> {
    return loadRun(ctx, run.bestChildUid);
  }

  @FieldResolver(() => RunConnection, { description: 'The child iterations, in iteration order.' })
  async children(
    @Root() run: Run,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: PAGE.first }) first?: number,
    @Arg('after', () => String, { nullable: true, description: PAGE.after }) after?: string,
    @Arg('includeDeleted', () => Boolean, {
      defaultValue: false,
      description: 'Also deleted child runs, each with its deletedAt; false (the default) leaves them out.',
    })
    includeDeleted?: boolean,
  ) {
    const loader = includeDeleted ? ctx.loaders.childrenOfRunWithDeleted : ctx.loaders.childrenOfRun;
    return toConnection(await loader.load({ parent: run.uid, first, after }), toRun);
  }

  @FieldResolver(() => [String], { description: 'The names of the metrics this run logged, sorted.' })
  metricKeys(@Root() run: Run, @Ctx() ctx: Context): Promise<string[]> {
    return ctx.loaders.metricKeysOfRun.load(run.uid);
  }

  @FieldResolver(() => [LatestMetric], {
    description:
      "Every metric's latest point, sorted by key: its value at the highest step (the newest one when several " +
      'share that step), in one field.',
  })
  latestMetrics(@Root() run: Run, @Ctx() ctx: Context): Promise<LatestMetric[]> {
    return ctx.loaders.latestMetricsOfRun.load(run.uid);
  }

  @FieldResolver(() => MetricSeries, {
    description: "One metric's history, in step order (no points when the run never logged it).",
  })
  async metric(
    @Root() run: Run,
    @Arg('key', { description: 'The metric name, e.g. "loss".' }) key: string,
    @Ctx() ctx: Context,
    @Arg('fromStep', () => StepScalar, { nullable: true, description: 'Only points at this step or later.' })
    fromStep?: number,
    @Arg('toStep', () => StepScalar, { nullable: true, description: 'Only points at this step or earlier.' })
    toStep?: number,
  ): Promise<MetricSeries> {
    const request = { runUid: run.uid, key, fromStep: fromStep ?? null, toStep: toStep ?? null };
    return toMetricSeries(key, await ctx.loaders.metricSeries.load(request));
  }
}

/** Run fields made from its map properties, and from the best-child marks: a search reads those only when selected. */
const RUN_MAPS = new Set(['params', 'results', 'labels', 'annotations']);
const RUN_BEST = new Set(['isBest', 'bestChild']);

async function loadRun(ctx: Context, uid: string | null): Promise<Run | null> {
  const found = uid ? await ctx.loaders.runByUid.load(uid) : null;
  return found ? toRun(found) : null;
}
