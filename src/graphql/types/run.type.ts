import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { FinishedRunState, RunState } from '../../domain/run';
import { Connection } from './connection';
import { Entry, Label, toEntries } from './entry.type';
import { toGlobalId } from '../../domain/global-id';
import { Node } from './node';
import { DateTimeScalar, JSONScalar } from './scalars';
import type { EntryValue } from '../../domain/scalar';
import type { RunComparisonRecord, RunRecord } from '../../domain/run';
import { metricValueToJson } from '../../domain/metric';
registerEnumType(RunState, {
  name: 'RunState',
  description: 'Where a run is in its life. A run starts RUNNING and finishes once, in one of the other three.',
  valuesConfig: {
    RUNNING: {
      description:
        'Started and not yet finished: it may still change its params (results and metrics may be added in any state).',
    },
    COMPLETED: { description: 'Finished successfully.' },
    FAILED: { description: 'Finished with an error (see `error`).' },
    ABORTED: { description: 'Stopped before it finished (by a person or a scheduler).' },
  },
});
registerEnumType(FinishedRunState, {
  name: 'FinishedRunState',
  description: 'How a run ended: the states `finishRun` can move a RUNNING run to.',
  valuesConfig: {
    COMPLETED: { description: 'It finished successfully.' },
    FAILED: { description: 'It failed; say why in `error`.' },
    ABORTED: { description: 'It was stopped before it finished.' },
  },
});

// simpleResolvers: these fields are plain properties with no middleware, so graphql-js reads them
// directly instead of through type-graphql's per-field wrapper (pages of runs have many fields).
@ObjectType({
  implements: Node,
  simpleResolvers: true,
  description:
    'A run: one execution of training or evaluation code in a workspace, with the params it was given, the results ' +
    'it logged, its metric histories, and (for a hyperparameter search) its child iterations.',
})
export class Run extends Node {
  @Field({ description: 'The unique run id as MLRun-style clients know it (a time-ordered UUID).' })
  uid!: string;

  @Field({ description: 'The name of the workspace the run belongs to.' })
  workspace!: string;

  @Field({ description: 'The run name, e.g. "train-xgboost".' })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: 'What the run is for, in your words; null when none was given. Change it with `updateRun`.',
  })
  description!: string | null;

  @Field(() => RunState, { description: 'RUNNING until the run is finished, then how it ended.' })
  state!: RunState;

  @Field(() => String, { nullable: true, description: 'Why the run failed or was aborted, when it said.' })
  error!: string | null;

  @Field(() => DateTimeScalar, { description: 'When the run started.' })
  startedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the run finished; null while RUNNING.' })
  finishedAt!: string | null;

  @Field(() => Int, {
    description: 'The iteration number: 0 for a top-level run, 1, 2, … for the child iterations of a parent.',
  })
  iteration!: number;

  @Field(() => DateTimeScalar, { description: 'When Skein recorded the run.' })
  createdAt!: string;

  // Lifecycle (deleteRun / restoreRun).
  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'When the run was deleted (deleteRun, or with its parent); null while it is live. A deleted run is hidden from lists unless includeDeleted is set, refuses changes, and is purged for good after the grace period unless restoreRun brings it back.',
  })
  deletedAt!: string | null;

  @Field(() => [Entry], {
    description: 'The params (hyperparameters, inputs) the run was started with, sorted by key.',
  })
  params!: Entry[];

  @Field(() => [Entry], { description: 'The results the run logged (final values), sorted by key.' })
  results!: Entry[];

  @Field(() => [Label], { description: 'Labels to find the run by, sorted by key.' })
  labels!: Label[];

  @Field(() => [Entry], { description: 'Annotations: free-form notes about the run, sorted by key.' })
  annotations!: Entry[];

  @Field({ description: "True when this run is marked as its parent's best iteration." })
  isBest!: boolean;

  /** Not fields: the resolver follows them through the run loader. */
  parentUid!: string | null;
  bestChildUid!: string | null;
}

export const RunConnection = Connection(Run, 'Run', 'run');

@ObjectType({ simpleResolvers: true, description: "One row of a run comparison: a key and each run's value for it." })
export class RunComparisonRow {
  @Field({ description: 'The param, result or metric name.' })
  key!: string;

  @Field(() => [JSONScalar], {
    nullable: 'items',
    description:
      'One value per compared run, in the order of `runs`; null where that run has no such key. Params and results ' +
      'are JSON (lists and objects too); metric values are numbers, or "NaN", "Infinity", "-Infinity" as in MetricValue.',
  })
  values!: Array<EntryValue | null>;

  @Field({ description: 'True when the runs do not all have the same value (a missing value counts as different).' })
  differs!: boolean;
}

@ObjectType({
  simpleResolvers: true,
  description:
    "Runs side by side, as a table: the columns are `runs`, each row is a key with every run's value for it.",
})
export class RunComparison {
  @Field(() => [Run], { description: 'The compared runs: the columns of every row, in the order they were asked for.' })
  runs!: Run[];

  @Field(() => [RunComparisonRow], { description: 'Every param any of the runs has, sorted by key.' })
  params!: RunComparisonRow[];

  @Field(() => [RunComparisonRow], { description: 'Every result any of the runs has, sorted by key.' })
  results!: RunComparisonRow[];

  @Field(() => [RunComparisonRow], {
    description: 'Every metric any of the runs logged, with its latest value (at the highest step), sorted by key.',
  })
  metrics!: RunComparisonRow[];
}

/**
 * A run as the API shows it. The scalar fields are copied in one fixed shape; the id and the four
 * maps are getters, so a page pays for sorting and wrapping entries only in the lists a query
 * selects (a 500-run page holds ~12,000 entries when it asks for all of them). Each getter keeps
 * what it made: graphql-jit's compiled code reads a list field more than once (a null check, then
 * the walk), and rebuilding it each time was 10% of a 500-run page.
 */
class RunView {
  readonly __typename = 'Run';
  readonly uid: string;
  readonly workspace: string;
  readonly name: string;
  readonly description: string | null;
  readonly state: RunState;
  readonly error: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly iteration: number;
  readonly parentUid: string | null;
  readonly createdAt: string;
  readonly bestChildUid: string | null;
  readonly isBest: boolean;
  readonly deletedAt: string | null;
  private madeId: string | undefined = undefined;
  private madeParams: Entry[] | undefined = undefined;
  private madeResults: Entry[] | undefined = undefined;
  private madeLabels: Label[] | undefined = undefined;
  private madeAnnotations: Entry[] | undefined = undefined;

  constructor(private readonly record: RunRecord) {
    this.uid = record.uid;
    this.workspace = record.workspace;
    this.name = record.name;
    this.description = record.description;
    this.state = record.state as RunState;
    this.error = record.error;
    this.startedAt = record.startedAt;
    this.finishedAt = record.finishedAt;
    this.iteration = record.iteration;
    this.parentUid = record.parentUid;
    this.createdAt = record.createdAt;
    this.bestChildUid = record.bestChildUid;
    this.isBest = record.isBest;
    this.deletedAt = record.deletedAt;
  }

  get id(): string {
    return (this.madeId ??= toGlobalId('Run', this.uid));
  }

  get params(): Entry[] {
    return (this.madeParams ??= toEntries(this.record.params) as Entry[]);
  }

  get results(): Entry[] {
    return (this.madeResults ??= toEntries(this.record.results) as Entry[]);
  }

  get labels(): Label[] {
    return (this.madeLabels ??= toEntries(this.record.labels) as Label[]);
  }

  get annotations(): Entry[] {
    return (this.madeAnnotations ??= toEntries(this.record.annotations) as Entry[]);
  }
}

export function toRun(r: RunRecord): Run {
  return new RunView(r) as unknown as Run;
}

export function toRunComparison(c: RunComparisonRecord): RunComparison {
  // Metric values may be NaN or ±Infinity, which JSON cannot hold: they go by name, as MetricValue.
  const metrics = c.metrics.map((row) => ({
    ...row,
    values: row.values.map((v) => (typeof v === 'number' ? metricValueToJson(v) : v)),
  }));
  return { ...c, metrics, runs: c.runs.map(toRun) };
}
