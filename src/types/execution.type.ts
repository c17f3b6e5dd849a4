import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { Execution as ExecutionModel } from '../services/execution.service';
import { Connection } from './connection';
import { Entry, Label, toEntries } from './entry.type';
import { Node, toGlobalId } from './node';
import { DateTimeScalar } from './scalars';

export enum ExecutionState {
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  ABORTED = 'ABORTED',
  CACHED = 'CACHED',
}
registerEnumType(ExecutionState, {
  name: 'ExecutionState',
  description: 'Where an execution is: RUNNING, then COMPLETED, FAILED, ABORTED or CACHED (reused an earlier result).',
});

export enum EventType {
  INPUT = 'INPUT',
  OUTPUT = 'OUTPUT',
}
registerEnumType(EventType, {
  name: 'EventType',
  description: 'INPUT: the execution read the artifact. OUTPUT: the execution wrote it.',
});

@ObjectType({
  simpleResolvers: true,
  implements: Node,
  description:
    'One step of a run (ingest, clean, train…): what code ran, with which params, reading and writing which artifacts.',
})
export class Execution extends Node {
  @Field({ description: 'The unique id (UUIDv7).' })
  uid!: string;

  @Field({ description: 'The workspace of its run.' })
  workspace!: string;

  @Field(() => ID, { description: 'The global id of the run this execution belongs to.' })
  runId!: string;

  @Field({ description: 'The step name, e.g. "train".' })
  name!: string;

  @Field({ description: 'What sort of step this is, e.g. STEP, TRAINER, EVALUATOR.' })
  kind!: string;

  @Field(() => ExecutionState, { description: 'Where the execution is.' })
  state!: ExecutionState;

  @Field(() => DateTimeScalar, { description: 'When it started.' })
  startedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it finished; null while RUNNING.' })
  finishedAt!: string | null;

  @Field(() => String, { nullable: true, description: 'The code that ran: a git commit, an image digest…' })
  codeVersion!: string | null;

  @Field(() => [Entry], { description: 'Its params, sorted by key.' })
  params!: Entry[];

  @Field(() => [Entry], { description: 'Its results (named scalars), sorted by key.' })
  results!: Entry[];

  @Field(() => [Label], { description: 'Its labels, sorted by key.' })
  labels!: Label[];

  @Field(() => [Entry], { description: 'Free-form notes, sorted by key.' })
  annotations!: Entry[];

  @Field(() => DateTimeScalar, { description: 'When it was recorded.' })
  createdAt!: string;

  /** The raw run uid, for field resolvers (not in the schema). */
  runUid!: string;
}

export const ExecutionConnection = Connection(Execution, 'Execution', 'execution');

/** One literal with every field named (no spreads): a fast object shape on large answers. */
export function toExecution(e: ExecutionModel): Execution {
  const out = {
    __typename: 'Execution',
    id: toGlobalId('Execution', e.uid),
    uid: e.uid,
    workspace: e.workspace,
    runUid: e.runUid,
    runId: toGlobalId('Run', e.runUid),
    name: e.name,
    kind: e.kind,
    state: e.state,
    startedAt: e.startedAt,
    finishedAt: e.finishedAt,
    codeVersion: e.codeVersion,
    createdAt: e.createdAt,
    params: toEntries(e.params),
    results: toEntries(e.results),
    labels: toEntries(e.labels),
    annotations: toEntries(e.annotations),
  };
  return out as unknown as Execution;
}
