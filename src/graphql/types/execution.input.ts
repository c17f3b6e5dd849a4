import { Field, ID, InputType } from 'type-graphql';
import { ArtifactInput } from './artifact.input';
import { EntryInput, LabelInput } from './entry.type';
import { DateTimeScalar } from './scalars';
import { ExecutionState } from '../../domain/execution';

@InputType({ description: 'A new execution (a step) of a run.' })
export class StartExecutionInput {
  @Field(() => ID, { description: 'The run it belongs to (its id or uid).' })
  run!: string;

  @Field({ description: 'The step name, e.g. "train".' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What sort of step, e.g. TRAINER (default STEP).' })
  kind?: string | null;

  @Field(() => String, { nullable: true, description: 'The code that runs: a git commit, an image digest…' })
  codeVersion?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'What the step does, in your words (up to 64 KiB); change it later with `updateExecution`.',
  })
  description?: string | null;

  @Field(() => [EntryInput], { nullable: true, description: 'Its params.' })
  params?: EntryInput[] | null;

  @Field(() => [LabelInput], { nullable: true, description: 'Its labels.' })
  labels?: LabelInput[] | null;

  @Field(() => [LabelInput], { nullable: true, description: 'Free-form notes.' })
  annotations?: LabelInput[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it started (default now).' })
  startedAt?: string | null;

  @Field(() => String, { nullable: true, description: 'Retrying with the same key returns the first result.' })
  idempotencyKey?: string | null;
}

@InputType({ description: 'An existing artifact an execution read or wrote.' })
export class EventInput {
  @Field({ description: 'The artifact: its global id or a store://artifacts/… URI (no tag or uid: the latest).' })
  artifact!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Where the execution saw it, e.g. a file path or argument name.',
  })
  path?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When (default now).' })
  at?: string | null;
}

@InputType({ description: 'A new artifact an execution wrote.' })
export class OutputInput {
  @Field(() => ArtifactInput, { description: "The artifact to create (in the run's workspace)." })
  artifact!: ArtifactInput;

  @Field(() => String, { nullable: true, description: 'Where the execution wrote it, e.g. a file path.' })
  path?: string | null;
}

@InputType({ description: 'A whole execution at once: the step, what it read and what it wrote, in one transaction.' })
export class RecordExecutionInput extends StartExecutionInput {
  @Field(() => ExecutionState, { nullable: true, description: 'Its state (default COMPLETED).' })
  state?: ExecutionState | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it finished (default now unless RUNNING).' })
  finishedAt?: string | null;

  @Field(() => [EntryInput], { nullable: true, description: 'Its results (named scalars).' })
  results?: EntryInput[] | null;

  @Field(() => [EventInput], { nullable: true, description: 'Existing artifacts it read.' })
  inputs?: EventInput[] | null;

  @Field(() => [OutputInput], { nullable: true, description: 'New artifacts it wrote.' })
  outputs?: OutputInput[] | null;
}
