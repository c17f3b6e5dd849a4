import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { EntryInput, LabelInput } from './entry.type';
import { DateTimeScalar, JSONScalar } from './scalars';
import { ArtifactState } from '../../domain/artifact';
import { ColumnStats } from './artifact.type';

@InputType({ description: 'A column of a dataset, or a feature of a model.' })
export class ColumnInput {
  @Field({ description: 'The column name.' })
  name!: string;

  @Field({ description: 'Its type, e.g. "int64".' })
  type!: string;
}

@InputType({ description: "A dataset's own fields (MLRun's log_dataset)." })
export class DatasetSpecInput {
  @Field(() => String, { nullable: true, description: 'The file format, e.g. "parquet".' })
  format?: string | null;

  @Field(() => [ColumnInput], { nullable: true, description: 'The columns and their types.' })
  schema?: ColumnInput[] | null;

  @Field(() => Float, { nullable: true, description: 'How many rows it has.' })
  rowCount?: number | null;

  @Field(() => [JSONScalar], { nullable: true, description: 'Rows to preview, each a JSON array; cut to previewRows.' })
  preview?: unknown[][] | null;

  @Field(() => Int, { nullable: true, description: 'How many preview rows to keep (default 20, at most 1000).' })
  previewRows?: number | null;

  @Field(() => [ColumnStats], { nullable: true, description: 'Per-column statistics.' })
  stats?: ColumnStats[] | null;

  @Field(() => String, { nullable: true, description: 'The column a model learns to predict.' })
  labelColumn?: string | null;
}

@InputType({ description: "A model's own fields (MLRun's log_model)." })
export class ModelSpecInput {
  @Field(() => String, { nullable: true, description: 'e.g. "sklearn".' })
  framework?: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. "RandomForestClassifier".' })
  algorithm?: string | null;

  @Field(() => [EntryInput], { nullable: true, description: 'Evaluation metrics.' })
  metrics?: EntryInput[] | null;

  @Field(() => [EntryInput], { nullable: true, description: 'Training parameters.' })
  parameters?: EntryInput[] | null;

  @Field(() => [ColumnInput], { nullable: true, description: 'The features it reads.' })
  inputFeatures?: ColumnInput[] | null;

  @Field(() => [ColumnInput], { nullable: true, description: 'What it outputs.' })
  outputFeatures?: ColumnInput[] | null;
}

@InputType({ description: 'Named metric values (numbers).' })
export class MetricsSpecInput {
  @Field(() => [EntryInput], { description: 'e.g. accuracy=0.93, f1=0.88.' })
  values!: EntryInput[];
}

@InputType({ description: 'An artifact to record, as a new version of its key.' })
export class ArtifactInput {
  @Field({ description: 'The key shared by all versions: letters, digits, "_", ".", "-", "/".' })
  key!: string;

  @Field({ description: 'DATASET, MODEL, METRICS, FILE, PLOT, DIRECTORY or another UPPER_CASE kind.' })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'What it is.' })
  description?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A name for this version, e.g. "v1.0.0", besides its number: up to 63 letters, digits, "_", "." or "-", unique per key and not a tag of the key (both are named by store://…:<name>).',
  })
  versionName?: string | null;

  @Field(() => [LabelInput], { nullable: true, description: 'Labels to find it by.' })
  labels?: LabelInput[] | null;

  @Field(() => [EntryInput], { nullable: true, description: 'Other properties.' })
  properties?: EntryInput[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'For a reference artifact: where its body already lives (s3://…, https://…); nothing is copied.',
  })
  location?: string | null;

  @Field(() => String, { nullable: true, description: 'The SHA-256 of the body (64 hex digits).' })
  digest?: string | null;

  @Field(() => Float, { nullable: true, description: 'The body size in bytes.' })
  size?: number | null;

  @Field(() => String, { nullable: true, description: 'The media type of the body, e.g. "image/png" for a plot.' })
  contentType?: string | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Tags to point at this version (moved off older versions); for an upload, once it completes.',
  })
  tags?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'MODEL only: the dataset it was trained on (id or store:// URI).',
  })
  trainingDataset?: string | null;

  @Field(() => DatasetSpecInput, { nullable: true, description: 'DATASET only: schema, preview, stats.' })
  dataset?: DatasetSpecInput | null;

  @Field(() => ModelSpecInput, { nullable: true, description: 'MODEL only: framework, metrics, parameters, features.' })
  model?: ModelSpecInput | null;

  @Field(() => MetricsSpecInput, { nullable: true, description: 'METRICS only: the values.' })
  metrics?: MetricsSpecInput | null;
}

@InputType({ description: 'An artifact logged on its own (not as an execution output).' })
export class LogArtifactInput extends ArtifactInput {
  @Field({ description: 'The workspace to record it in.' })
  workspace!: string;

  @Field(() => ID, { nullable: true, description: 'The run that logged it (its id or uid).' })
  run?: string | null;

  @Field(() => String, { nullable: true, description: 'Retrying with the same key returns the first result.' })
  idempotencyKey?: string | null;
}

@InputType({ description: 'Which artifacts to list; every field given must match.' })
export class ArtifactFilter {
  @Field(() => String, { nullable: true, description: 'Only this kind, e.g. MODEL (upper case, as logged).' })
  kind?: string | null;

  @Field(() => ArtifactState, {
    nullable: true,
    description:
      'Only in this state; without it only AVAILABLE versions are listed (not unfinished or aborted uploads).',
  })
  state?: ArtifactState | null;

  @Field(() => String, { nullable: true, description: 'Only keys starting with this.' })
  keyPrefix?: string | null;

  @Field(() => [LabelInput], { nullable: true, description: 'Only with all these labels.' })
  labels?: LabelInput[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only versions carrying this tag ("latest": each key\'s newest AVAILABLE version).',
  })
  tag?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only those logged or produced by this run (its id or uid).' })
  run?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only recorded at or after this time.' })
  createdAfter?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only recorded before this time.' })
  createdBefore?: string | null;

  // Lifecycle.
  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description:
      'Also deleted versions (and the artifacts of a deleted workspace), each with its deletedAt; false (the default) leaves them out.',
  })
  includeDeleted?: boolean | null;
}
