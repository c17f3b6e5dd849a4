import { Field, Float, InputType, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { formatStoreUri } from '../../domain/artifact-uri';
import { Connection } from './connection';
import { Entry, Label, toEntries } from './entry.type';
import { toGlobalId } from '../../domain/global-id';
import { Node } from './node';
import { DateTimeScalar, JSONScalar } from './scalars';
import { type ArtifactRecord, ArtifactState, type ArtifactTexts } from '../../domain/artifact';
registerEnumType(ArtifactState, {
  name: 'ArtifactState',
  description: 'PENDING: recorded, body not yet confirmed. AVAILABLE: ready to use. ABORTED: the upload was given up.',
});

const TYPE_FOR_KIND: Record<string, string> = {
  DATASET: 'DatasetArtifact',
  MODEL: 'ModelArtifact',
  METRICS: 'MetricsArtifact',
  FILE: 'FileArtifact',
  PLOT: 'PlotArtifact',
  DIRECTORY: 'DirectoryArtifact',
};

/** The GraphQL type of an artifact, from its kind (synchronous: see SYNC_TYPE_RESOLVERS in schema.ts). */
export const resolveArtifactType = (a: { kind: string }): string => TYPE_FOR_KIND[a.kind] ?? 'OtherArtifact';

@InterfaceType('Artifact', {
  implements: Node,
  description:
    'A versioned thing a run reads or writes: a dataset, model, metrics, file, plot or directory. Each kind adds its own fields.',
  resolveType: resolveArtifactType,
})
export abstract class Artifact extends Node implements ArtifactTexts {
  @Field({ description: 'The unique id of this version (UUIDv7).' })
  uid!: string;

  @Field({ description: 'The URI naming exactly this version: store://artifacts/<workspace>/<key>@<uid>.' })
  uri!: string;

  @Field({ description: 'The workspace it belongs to.' })
  workspace!: string;

  @Field({ description: 'The name shared by all its versions, e.g. "training-data" or "models/churn".' })
  key!: string;

  @Field(() => Int, { description: 'The version number within its key: 1, 2, 3…' })
  version!: number;

  @Field({ description: 'DATASET, MODEL, METRICS, FILE, PLOT, DIRECTORY or another UPPER_CASE kind.' })
  kind!: string;

  @Field(() => ArtifactState, { description: 'Whether its body is ready.' })
  state!: ArtifactState;

  @Field(() => String, { nullable: true, description: 'What it is.' })
  description!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A name the logger gave this version, e.g. "v1.0.0" (besides its number, `version`); unique per key, and it names the version in URIs: store://artifacts/<workspace>/<key>:<versionName>.',
  })
  versionName!: string | null;

  @Field(() => String, { nullable: true, description: 'Where the body lives (s3://…, https://…), if it has one.' })
  location!: string | null;

  @Field(() => String, { nullable: true, description: 'The SHA-256 of the body, as 64 hex digits.' })
  digest!: string | null;

  @Field(() => Float, { nullable: true, description: 'The size of the body in bytes.' })
  size!: number | null;

  @Field(() => String, { nullable: true, description: 'The media type of the body, e.g. "text/csv" or "image/png".' })
  contentType!: string | null;

  @Field(() => [String], { description: 'Tags pointing at this version (besides "latest"), sorted.' })
  tags!: string[];

  @Field({
    description: 'True when this is the newest AVAILABLE version of its key (what store://…/<key> and :latest name).',
  })
  isLatest!: boolean;

  @Field(() => Int, {
    nullable: true,
    description:
      'The number of the newest AVAILABLE version of this key (the latest); null while the key has none (every upload unfinished or aborted).',
  })
  latestVersion!: number | null;

  @Field(() => [Label], { description: 'Labels, sorted by key.' })
  labels!: Label[];

  @Field(() => [Entry], { description: 'Other properties, sorted by key.' })
  properties!: Entry[];

  // runId and producerId are field resolvers (ArtifactResolver): they are null for a run or an
  // execution in a workspace the caller may not read.

  @Field(() => DateTimeScalar, { description: 'When this version was recorded.' })
  createdAt!: string;

  // Lifecycle (deleteArtifact / restoreArtifact).
  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'When this version was deleted (deleteArtifact, or deleteRun with artifacts: true); null while it is live. A deleted version is never "latest", is hidden from lists unless includeDeleted is set, and lineage shows it marked by this field.',
  })
  deletedAt!: string | null;

  /** Raw uids for field resolvers (not in the schema). */
  producerUid!: string | null;
  runUid!: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A column of a dataset, or a feature of a model.' })
export class Column {
  @Field({ description: 'The column name.' })
  name!: string;

  @Field({ description: 'Its type, e.g. "int64", "float", "string".' })
  type!: string;
}

/** Output and input in one class: the two types have the same fields, described alike. */
@ObjectType({ simpleResolvers: true, description: "Summary statistics of one dataset column (MLRun's dataset stats)." })
@InputType('ColumnStatsInput', { description: 'Statistics of one dataset column.' })
export class ColumnStats {
  @Field({ description: 'The column.' })
  column!: string;

  @Field(() => Float, { nullable: true, description: 'Number of non-null values.' })
  count?: number | null;

  @Field(() => Float, { nullable: true, description: 'Number of nulls.' })
  nullCount?: number | null;

  @Field(() => Float, { nullable: true, description: 'Number of distinct values.' })
  distinct?: number | null;

  @Field(() => Float, { nullable: true, description: 'Mean.' })
  mean?: number | null;

  @Field(() => Float, { nullable: true, description: 'Standard deviation.' })
  std?: number | null;

  @Field(() => Float, { nullable: true, description: 'Smallest value.' })
  min?: number | null;

  @Field(() => Float, { nullable: true, description: 'Largest value.' })
  max?: number | null;
}

@ObjectType({
  simpleResolvers: true,
  implements: [Artifact, Node],
  description: 'A dataset: its schema, size, a preview and column statistics.',
})
export class DatasetArtifact extends Artifact {
  @Field(() => String, { nullable: true, description: 'The file format, e.g. "parquet" or "csv".' })
  format!: string | null;

  @Field(() => [Column], { description: 'The columns and their types.' })
  schema!: Column[];

  @Field(() => Float, { nullable: true, description: 'How many rows it has.' })
  rowCount!: number | null;

  @Field(() => [JSONScalar], { description: 'The first rows (20 unless set when logged), each a JSON array.' })
  preview!: unknown[];

  @Field(() => [ColumnStats], { description: 'Per-column statistics.' })
  stats!: ColumnStats[];

  @Field(() => String, { nullable: true, description: 'The column a model learns to predict.' })
  labelColumn!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  implements: [Artifact, Node],
  description: 'A trained model: framework, metrics, parameters and features.',
})
export class ModelArtifact extends Artifact {
  @Field(() => String, { nullable: true, description: 'e.g. "sklearn", "pytorch", "xgboost".' })
  framework!: string | null;

  @Field(() => String, { nullable: true, description: 'e.g. "RandomForestClassifier".' })
  algorithm!: string | null;

  @Field(() => [Entry], { description: 'Evaluation metrics recorded with the model, sorted by key.' })
  metrics!: Entry[];

  @Field(() => [Entry], { description: 'Training parameters, sorted by key.' })
  parameters!: Entry[];

  @Field(() => [Column], { description: 'The features it reads.' })
  inputFeatures!: Column[];

  @Field(() => [Column], { description: 'What it outputs.' })
  outputFeatures!: Column[];

  // trainingDatasetId is a field resolver (ModelArtifactResolver): null for a dataset the caller may not read.

  trainingDatasetUid!: string | null;
}

@ObjectType({
  simpleResolvers: true,
  implements: [Artifact, Node],
  description: 'Named metric values, e.g. accuracy and f1 of an evaluation.',
})
export class MetricsArtifact extends Artifact {
  @Field(() => [Entry], { description: 'The values, sorted by name.' })
  values!: Entry[];
}

@ObjectType({ simpleResolvers: true, implements: [Artifact, Node], description: 'A file.' })
export class FileArtifact extends Artifact {}

@ObjectType({
  simpleResolvers: true,
  implements: [Artifact, Node],
  description: 'A plot or chart; contentType says how to show it.',
})
export class PlotArtifact extends Artifact {}

@ObjectType({ simpleResolvers: true, implements: [Artifact, Node], description: 'A directory of files.' })
export class DirectoryArtifact extends Artifact {}

@ObjectType({
  simpleResolvers: true,
  implements: [Artifact, Node],
  description: 'An artifact of a kind Skein has no special fields for.',
})
export class OtherArtifact extends Artifact {}

export const ArtifactConnection = Connection(Artifact, 'Artifact', 'artifact');

/** Every artifact class, so the schema knows the implementations even when no field names them. */
export const ARTIFACT_TYPES = [
  DatasetArtifact,
  ModelArtifact,
  MetricsArtifact,
  FileArtifact,
  PlotArtifact,
  DirectoryArtifact,
  OtherArtifact,
];

/**
 * An artifact as the API shows it: scalars copied in one fixed shape (rest/spread copies once cost
 * ~700-artifact lineage answers ~19 ms); ids, the URI and the maps are getters, made only when a
 * query selects them (lineage answers carry thousands of artifacts). The kinds' own fields
 * (DatasetArtifact's `schema`, ModelArtifact's `metrics`, …) are getters over the spec too:
 * GraphQL reads only those of the artifact's own type, and every kind shares one object shape.
 * The id, the URI and the entry lists are kept once made (graphql-jit reads a list field more than
 * once; see RunView).
 */
class ArtifactView implements ArtifactTexts {
  readonly __typename: string;
  readonly uid: string;
  readonly workspace: string;
  readonly key: string;
  readonly version: number;
  readonly kind: string;
  readonly state: string;
  readonly location: string | null;
  readonly digest: string | null;
  readonly size: number | null;
  readonly contentType: string | null;
  readonly tags: string[];
  readonly createdAt: string;
  readonly producerUid: string | null;
  readonly runUid: string | null;
  readonly deletedAt: string | null;
  /** An own field, not a getter: the `trainingDataset` field resolver reads it from its root. */
  readonly trainingDatasetUid: string | null;
  private madeUri: string | undefined = undefined;
  private madeLabels: Array<{ key: string; value: unknown }> | undefined = undefined;
  private madeProperties: Array<{ key: string; value: unknown }> | undefined = undefined;
  private madeMetrics: Array<{ key: string; value: unknown }> | undefined = undefined;
  private madeParameters: Array<{ key: string; value: unknown }> | undefined = undefined;
  private madeValues: Array<{ key: string; value: unknown }> | undefined = undefined;

  constructor(
    private readonly record: ArtifactRecord,
    private knownId?: string,
  ) {
    this.__typename = TYPE_FOR_KIND[record.kind] ?? 'OtherArtifact';
    this.uid = record.uid;
    this.workspace = record.workspace;
    this.key = record.key;
    this.version = record.version;
    this.kind = record.kind;
    this.state = record.state;
    this.location = record.location;
    this.digest = record.digest;
    this.size = record.size;
    this.contentType = record.contentType;
    this.tags = record.tags;
    this.createdAt = record.createdAt;
    this.producerUid = record.producerUid;
    this.runUid = record.runUid;
    this.deletedAt = record.deletedAt;
    this.trainingDatasetUid = (record.spec.trainingDatasetUid as string | undefined) ?? null;
  }

  get id(): string {
    return (this.knownId ??= toGlobalId('Artifact', this.uid));
  }

  get uri(): string {
    return (this.madeUri ??= formatStoreUri(this.record));
  }

  get isLatest(): boolean {
    return this.version === this.record.latestVersion;
  }

  /** The record says 0 while the key has no AVAILABLE version; the API says null. */
  get latestVersion(): number | null {
    return this.record.latestVersion || null;
  }

  get labels() {
    return (this.madeLabels ??= toEntries(this.record.labels));
  }

  get properties() {
    return (this.madeProperties ??= toEntries(this.record.properties));
  }

  // The descriptive texts (ARTIFACT_TEXT_FIELDS): one getter each, which `implements` asks for.
  get description(): string | null {
    return this.record.description;
  }

  get versionName(): string | null {
    return this.record.versionName;
  }

  // DATASET
  get format() {
    return this.specField('format', null);
  }
  get schema() {
    return this.specField('schema', []);
  }
  get rowCount() {
    return this.specField('rowCount', null);
  }
  get preview() {
    return this.specField('preview', []);
  }
  get stats() {
    return this.specField('stats', []);
  }
  get labelColumn() {
    return this.specField('labelColumn', null);
  }

  // MODEL
  get framework() {
    return this.specField('framework', null);
  }
  get algorithm() {
    return this.specField('algorithm', null);
  }
  get metrics() {
    return (this.madeMetrics ??= toEntries(this.specField('metrics', {}) as Record<string, unknown>));
  }
  get parameters() {
    return (this.madeParameters ??= toEntries(this.specField('parameters', {}) as Record<string, unknown>));
  }
  get inputFeatures() {
    return this.specField('inputFeatures', []);
  }
  get outputFeatures() {
    return this.specField('outputFeatures', []);
  }

  // METRICS
  get values() {
    return (this.madeValues ??= toEntries(this.specField('values', {}) as Record<string, unknown>));
  }

  /** A spec field, or its default when the artifact was logged without it. */
  private specField(field: string, fallback: unknown): unknown {
    return this.record.spec[field] ?? fallback;
  }
}

/** `id`: the artifact's global id when the caller already made it (lineage answers do). */
export function toArtifact(a: ArtifactRecord, id?: string): Artifact {
  return new ArtifactView(a, id) as unknown as Artifact;
}
