import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from './connection';
import { Entry, Label, toEntries } from './entry.type';
import { toGlobalId } from '../../domain/global-id';
import { Node } from './node';
import { DateTimeScalar } from './scalars';
import { ExecutionState, EventType, type ExecutionRecord } from '../../domain/execution';
registerEnumType(ExecutionState, {
  name: 'ExecutionState',
  description: 'Where an execution is: RUNNING, then COMPLETED, FAILED, ABORTED or CACHED (reused an earlier result).',
});
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

  @Field(() => String, {
    nullable: true,
    description: 'What the step did, in your words; null when none was given. Change it with `updateExecution`.',
  })
  description!: string | null;

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

  // Lifecycle (deleteRun / restoreRun).
  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'When it was deleted, with its run (deleteRun); null while it is live. Lineage still shows a deleted execution, marked by this field.',
  })
  deletedAt!: string | null;

  /** The raw run uid, for field resolvers (not in the schema). */
  runUid!: string;
}

export const ExecutionConnection = Connection(Execution, 'Execution', 'execution');

/**
 * An execution as the API shows it: scalars copied in one fixed shape; ids and maps are getters,
 * made only when a query selects them (lineage answers carry thousands of executions), and kept
 * (graphql-jit reads a field more than once; see RunView).
 */
class ExecutionView {
  readonly __typename = 'Execution';
  readonly uid: string;
  readonly workspace: string;
  readonly runUid: string;
  readonly name: string;
  readonly kind: string;
  readonly state: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly codeVersion: string | null;
  readonly description: string | null;
  readonly createdAt: string;
  readonly deletedAt: string | null;
  private madeRunId: string | undefined = undefined;
  private madeParams: Array<{ key: string; value: unknown }> | undefined = undefined;
  private madeResults: Array<{ key: string; value: unknown }> | undefined = undefined;
  private madeLabels: Array<{ key: string; value: unknown }> | undefined = undefined;
  private madeAnnotations: Array<{ key: string; value: unknown }> | undefined = undefined;

  constructor(
    private readonly record: ExecutionRecord,
    private knownId?: string,
  ) {
    this.uid = record.uid;
    this.workspace = record.workspace;
    this.runUid = record.runUid;
    this.name = record.name;
    this.kind = record.kind;
    this.state = record.state;
    this.startedAt = record.startedAt;
    this.finishedAt = record.finishedAt;
    this.codeVersion = record.codeVersion;
    this.description = record.description;
    this.createdAt = record.createdAt;
    this.deletedAt = record.deletedAt;
  }

  get id(): string {
    return (this.knownId ??= toGlobalId('Execution', this.uid));
  }

  get runId(): string {
    return (this.madeRunId ??= toGlobalId('Run', this.runUid));
  }

  get params() {
    return (this.madeParams ??= toEntries(this.record.params));
  }

  get results() {
    return (this.madeResults ??= toEntries(this.record.results));
  }

  get labels() {
    return (this.madeLabels ??= toEntries(this.record.labels));
  }

  get annotations() {
    return (this.madeAnnotations ??= toEntries(this.record.annotations));
  }
}

/** `id`: the execution's global id when the caller already made it (lineage answers do). */
export function toExecution(e: ExecutionRecord, id?: string): Execution {
  return new ExecutionView(e, id) as unknown as Execution;
}
