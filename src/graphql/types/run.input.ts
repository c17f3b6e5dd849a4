import { Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { EntryInput, LabelInput } from './entry.type';
import { DateTimeScalar, ScalarValue } from './scalars';
import type { Scalar } from '../../domain/scalar';
import { RunState, SortDirection } from '../../domain/run';

@InputType({ description: 'A run to start. It begins RUNNING; finish it with `finishRun`.' })
export class StartRunInput {
  @Field({ description: 'The workspace to record the run in; it must exist.' })
  workspace!: string;

  @Field({ description: 'The run name, e.g. "train-xgboost" (1–255 characters; need not be unique).' })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: 'What the run is for, in your words (up to 64 KiB); change it later with `updateRun`.',
  })
  description?: string | null;

  @Field(() => [EntryInput], { nullable: true, description: 'The params the run is given (hyperparameters, inputs).' })
  params?: EntryInput[] | null;

  @Field(() => [LabelInput], { nullable: true, description: 'Labels to find the run by, e.g. framework=sklearn.' })
  labels?: LabelInput[] | null;

  @Field(() => [EntryInput], { nullable: true, description: 'Annotations: free-form notes about the run.' })
  annotations?: EntryInput[] | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'Makes this run a child iteration of that run (its id or uid), e.g. one point of a hyperparameter search. ' +
      'The parent must be in the same workspace.',
  })
  parent?: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'The iteration number. Left out: 0 for a top-level run, and the next number after the highest sibling for a child.',
  })
  iteration?: number | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the run started, for runs recorded after the fact; now when left out.',
  })
  startedAt?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Makes retries safe: a second call with the same key returns the first run instead of starting another. ' +
      'Reusing a key with different input is a CONFLICT.',
  })
  idempotencyKey?: string | null;
}

@InputType({
  description:
    'A test on one param or result value. Give one or more of the comparisons; all must hold. A run without the ' +
    'key fails every comparison (so `not` of one matches it). Ordering comparisons on numbers compare numerically; ' +
    'a number never equals a string. Only scalar values are compared: a key whose value is a list or an object ' +
    'matches no comparison, not even `exists: true`.',
})
export class RunValueFilter {
  @Field({ description: 'The param or result name, e.g. "learning_rate".' })
  key!: string;

  @Field(() => ScalarValue, { nullable: true, description: 'The value equals this.' })
  eq?: Scalar | null;

  @Field(() => ScalarValue, { nullable: true, description: 'The run has the key, with a value other than this.' })
  ne?: Scalar | null;

  @Field(() => ScalarValue, { nullable: true, description: 'The value is greater than this.' })
  gt?: Scalar | null;

  @Field(() => ScalarValue, { nullable: true, description: 'The value is greater than or equal to this.' })
  gte?: Scalar | null;

  @Field(() => ScalarValue, { nullable: true, description: 'The value is less than this.' })
  lt?: Scalar | null;

  @Field(() => ScalarValue, { nullable: true, description: 'The value is less than or equal to this.' })
  lte?: Scalar | null;

  @Field(() => [ScalarValue], { nullable: true, description: 'The value is one of these (at most 100).' })
  in?: Scalar[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: the run has this key at all; false: it has not.',
  })
  exists?: boolean | null;
}

@InputType({
  description:
    'A test on one label: its value, one of several values, or (with neither) that it is set. Values compare as ' +
    'strings: a label whose value is a number or a boolean matches no `value` or `in`, and one whose value is a ' +
    'list or an object matches no test at all.',
})
export class RunLabelFilter {
  @Field({ description: 'The label name, e.g. "team".' })
  key!: string;

  @Field(() => String, { nullable: true, description: 'The label has this value.' })
  value?: string | null;

  @Field(() => [String], { nullable: true, description: 'The label has one of these values (at most 100).' })
  in?: string[] | null;
}

@InputType({
  description:
    'Which runs to return. Every field given must hold (AND); combine filters with `and`, `or` and `not`, e.g. ' +
    '"accuracy > 0.9 and (lr = 0.01 or lr = 0.001)" is ' +
    '`{result: {key: "accuracy", gt: 0.9}, or: [{param: {key: "lr", eq: 0.01}}, {param: {key: "lr", eq: 0.001}}]}`. ' +
    'At most 6 levels deep, 50 conditions and 100 filter objects in all; an empty filter inside `and`, `or` or `not` is refused.',
})
export class RunFilter {
  @Field(() => [RunFilter], { nullable: true, description: 'Every one of these filters holds.' })
  and?: RunFilter[] | null;

  @Field(() => [RunFilter], { nullable: true, description: 'At least one of these filters holds.' })
  or?: RunFilter[] | null;

  @Field(() => RunFilter, { nullable: true, description: 'This filter does not hold.' })
  not?: RunFilter | null;

  @Field(() => [RunState], { nullable: true, description: 'The run is in one of these states.' })
  state?: RunState[] | null;

  @Field(() => RunLabelFilter, { nullable: true, description: 'A test on one label.' })
  label?: RunLabelFilter | null;

  @Field(() => RunValueFilter, { nullable: true, description: 'A test on one param.' })
  param?: RunValueFilter | null;

  @Field(() => RunValueFilter, { nullable: true, description: 'A test on one result.' })
  result?: RunValueFilter | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The run started at or after this time.' })
  startedAfter?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'The run started before this time.' })
  startedBefore?: string | null;

  @Field(() => ID, { nullable: true, description: 'The run is a child iteration of this run (its id or uid).' })
  parent?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The run\'s name contains this text (1 to 256 characters), ignoring case: "bert" finds "BERT-base".',
  })
  nameContains?: string | null;
}

registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: 'Which way to sort.',
  valuesConfig: {
    ASC: { description: 'Smallest (or oldest) first.' },
    DESC: { description: 'Largest (or newest) first.' },
  },
});

@InputType({
  description:
    'How to order runs: by creation time (give neither `result` nor `param`), or by the numeric value of one ' +
    'result or param. Runs without that value, or whose value is not a number (text such as "0.5" included), ' +
    'come last, in creation order (newest first when descending, oldest first when ascending).',
})
export class RunOrder {
  @Field(() => String, { nullable: true, description: 'Order by this result, e.g. "accuracy".' })
  result?: string | null;

  @Field(() => String, { nullable: true, description: 'Order by this param, e.g. "learning_rate".' })
  param?: string | null;

  @Field(() => SortDirection, {
    nullable: true,
    defaultValue: SortDirection.DESC,
    description: 'DESC (the default): newest or largest first; ASC: oldest or smallest first.',
  })
  direction?: SortDirection | null;
}
