import { Authorized, Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { toConnection } from '../types/connection';
import { EventConnection, toEvent } from '../types/event.type';
import { EventInput, RecordExecutionInput, StartExecutionInput } from '../types/execution.input';
import { Execution, ExecutionConnection, toExecution } from '../types/execution.type';
import { Run, toRun } from '../types/run.type';
import { EntryInput } from '../types/entry.type';
import { ExecutionState } from '../../domain/execution';

const PAGE = { first: 'Page size (default 50, at most 1000).', after: 'The endCursor of the previous page.' };

@Resolver(() => Execution)
export class ExecutionResolver {
  @Authorized()
  @Query(() => Execution, { description: 'One execution by global id.' })
  async execution(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Execution> {
    return toExecution(await ctx.services.executions.get(id));
  }

  @Authorized()
  @Mutation(() => Execution, { description: 'Starts an execution (RUNNING) in a run.' })
  async startExecution(@Arg('input') input: StartExecutionInput, @Ctx() ctx: Context): Promise<Execution> {
    return toExecution(await ctx.services.executions.start(input));
  }

  @Authorized()
  @Mutation(() => Execution, {
    description: 'Finishes a RUNNING execution; PRECONDITION_FAILED if it already finished.',
  })
  async finishExecution(
    @Arg('id', () => ID, { description: 'The execution.' }) id: string,
    @Arg('state', () => ExecutionState, { description: 'COMPLETED, FAILED, ABORTED or CACHED.' }) state: ExecutionState,
    @Ctx() ctx: Context,
    @Arg('results', () => [EntryInput], {
      nullable: true,
      description: 'Results to record; each one that replaces a result already there is recorded in `history`.',
    })
    results?: EntryInput[],
  ): Promise<Execution> {
    return toExecution(await ctx.services.executions.finish(id, state, results));
  }

  @Authorized()
  @Mutation(() => Execution, { description: 'Records existing artifacts an execution read (INPUT events).' })
  async addExecutionInputs(
    @Arg('id', () => ID, { description: 'The execution.' }) id: string,
    @Arg('inputs', () => [EventInput], { description: 'The artifacts it read.' }) inputs: EventInput[],
    @Ctx() ctx: Context,
  ): Promise<Execution> {
    return toExecution(await ctx.services.executions.addInputs(id, inputs));
  }

  @Authorized()
  @Mutation(() => Execution, { description: 'Records existing artifacts an execution wrote (OUTPUT events).' })
  async addExecutionOutputs(
    @Arg('id', () => ID, { description: 'The execution.' }) id: string,
    @Arg('outputs', () => [EventInput], { description: 'The artifacts it wrote.' }) outputs: EventInput[],
    @Ctx() ctx: Context,
  ): Promise<Execution> {
    return toExecution(await ctx.services.executions.addOutputs(id, outputs));
  }

  @Authorized()
  @Mutation(() => Execution, {
    description:
      'Records an execution with its inputs, its new outputs and all their events in one transaction: all or nothing.',
  })
  async recordExecution(@Arg('input') input: RecordExecutionInput, @Ctx() ctx: Context): Promise<Execution> {
    return toExecution(await ctx.services.executions.record(input));
  }

  @FieldResolver(() => Run, { description: 'The run it belongs to.' })
  async run(@Root() e: Execution, @Ctx() ctx: Context): Promise<Run> {
    return toRun((await ctx.loaders.runByUid.load(e.runUid))!);
  }

  @FieldResolver(() => EventConnection, { description: 'The artifacts it read, in time order.' })
  async inputs(
    @Root() e: Execution,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: PAGE.first }) first?: number,
    @Arg('after', () => String, { nullable: true, description: PAGE.after }) after?: string,
  ) {
    return toConnection(await ctx.loaders.inputsOf.load({ parent: e.uid, first, after }), toEvent);
  }

  @FieldResolver(() => EventConnection, { description: 'The artifacts it wrote, in time order.' })
  async outputs(
    @Root() e: Execution,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: PAGE.first }) first?: number,
    @Arg('after', () => String, { nullable: true, description: PAGE.after }) after?: string,
  ) {
    return toConnection(await ctx.loaders.outputsOf.load({ parent: e.uid, first, after }), toEvent);
  }

  @FieldResolver(() => EventConnection, { description: 'All its input and output events, in time order.' })
  async events(
    @Root() e: Execution,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: PAGE.first }) first?: number,
    @Arg('after', () => String, { nullable: true, description: PAGE.after }) after?: string,
  ) {
    return toConnection(await ctx.loaders.eventsOf.load({ parent: e.uid, first, after }), toEvent);
  }
}

@Resolver(() => Run)
export class RunExecutionsResolver {
  @FieldResolver(() => ExecutionConnection, { description: 'The steps of this run, oldest first.' })
  async executions(
    @Root() run: Run,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: PAGE.first }) first?: number,
    @Arg('after', () => String, { nullable: true, description: PAGE.after }) after?: string,
  ) {
    return toConnection(await ctx.loaders.executionsOfRun.load({ parent: run.uid, first, after }), toExecution);
  }
}
