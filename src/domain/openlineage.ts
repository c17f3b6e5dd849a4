/**
 * OpenLineage events (spec 2-0-2, https://openlineage.io/spec/2-0-2/OpenLineage.json) as Skein reads
 * them: the three event shapes and the facets Skein maps onto its own fields. Every other facet is
 * kept as it came (JSON) and typed here only as `Facet`. Events reach the service already validated
 * against the spec's JSON schema (src/http/openlineage.ts), so these types describe valid events.
 */

/** What every facet carries; the rest of a facet is its own. */
export interface Facet {
  _producer?: string;
  _schemaURL?: string;
  _deleted?: boolean;
  [field: string]: unknown;
}

export type Facets = Record<string, Facet | undefined>;

export const OpenLineageEventType = {
  START: 'START',
  RUNNING: 'RUNNING',
  COMPLETE: 'COMPLETE',
  ABORT: 'ABORT',
  FAIL: 'FAIL',
  OTHER: 'OTHER',
} as const;
export type OpenLineageEventType = (typeof OpenLineageEventType)[keyof typeof OpenLineageEventType];

/** The run's parent (Airflow: the DAG run of a task run), from the `parent` run facet. */
export interface ParentRunFacet extends Facet {
  run: { runId: string };
  job: { namespace: string; name: string };
  root?: { run: { runId: string }; job: { namespace: string; name: string } };
}

export interface SchemaField {
  name: string;
  type?: string;
  description?: string;
  fields?: SchemaField[];
}

export interface SchemaDatasetFacet extends Facet {
  fields?: SchemaField[];
}

export interface DataSourceDatasetFacet extends Facet {
  name?: string;
  uri?: string;
}

/** One step from an input column to an output column (ColumnLineageDatasetFacet 1-2-0). */
export interface ColumnTransformation {
  type: string;
  subtype?: string;
  description?: string;
  masking?: boolean;
}

export interface ColumnInputField {
  namespace: string;
  name: string;
  field: string;
  transformations?: ColumnTransformation[];
}

export interface ColumnLineageDatasetFacet extends Facet {
  fields: Record<
    string,
    {
      inputFields: ColumnInputField[];
      /** Older facets (before 1-1-0) describe the column's one transformation here. */
      transformationType?: string;
      transformationDescription?: string;
    }
  >;
  dataset?: ColumnInputField[];
}

export interface ColumnMetrics {
  nullCount?: number;
  distinctCount?: number;
  sum?: number;
  count?: number;
  min?: number;
  max?: number;
}

export interface DataQualityMetricsInputDatasetFacet extends Facet {
  rowCount?: number;
  bytes?: number;
  fileCount?: number;
  columnMetrics?: Record<string, ColumnMetrics>;
}

export interface SqlJobFacet extends Facet {
  query: string;
}

export interface ErrorMessageRunFacet extends Facet {
  message: string;
  programmingLanguage?: string;
  stackTrace?: string;
}

export interface NominalTimeRunFacet extends Facet {
  nominalStartTime: string;
  nominalEndTime?: string;
}

export interface OpenLineageRun {
  runId: string;
  facets?: Facets & {
    parent?: ParentRunFacet;
    errorMessage?: ErrorMessageRunFacet;
    nominalTime?: NominalTimeRunFacet;
  };
}

export interface OpenLineageJob {
  namespace: string;
  name: string;
  facets?: Facets & { sql?: SqlJobFacet };
}

export interface DatasetFacets extends Facets {
  schema?: SchemaDatasetFacet;
  dataSource?: DataSourceDatasetFacet;
  columnLineage?: ColumnLineageDatasetFacet;
}

export interface OpenLineageDataset {
  namespace: string;
  name: string;
  facets?: DatasetFacets;
}

export interface InputDataset extends OpenLineageDataset {
  inputFacets?: Facets & { dataQualityMetrics?: DataQualityMetricsInputDatasetFacet };
}

export interface OutputDataset extends OpenLineageDataset {
  outputFacets?: Facets;
}

interface BaseEvent {
  eventTime: string;
  producer: string;
  schemaURL: string;
}

/** Something happened to a run of a job (its state, what it read and wrote). */
export interface RunEvent extends BaseEvent {
  eventType?: OpenLineageEventType;
  run: OpenLineageRun;
  job: OpenLineageJob;
  inputs?: InputDataset[];
  outputs?: OutputDataset[];
}

/** Metadata about a dataset, outside any run. */
export interface DatasetEvent extends BaseEvent {
  dataset: OpenLineageDataset;
}

/** Metadata about a job, outside any run. */
export interface JobEvent extends BaseEvent {
  job: OpenLineageJob;
  inputs?: InputDataset[];
  outputs?: OutputDataset[];
}

export type OpenLineageEvent = RunEvent | DatasetEvent | JobEvent;

export type OpenLineageEventKind = 'run' | 'dataset' | 'job';

/**
 * Which of the three an event is. The spec tells them apart by their fields: a RunEvent has `run`
 * (and `job`), a JobEvent has `job` and no `run`, a DatasetEvent has `dataset` and neither.
 */
export function eventKind(e: OpenLineageEvent): OpenLineageEventKind {
  if ('run' in e && e.run) return 'run';
  if ('job' in e && e.job) return 'job';
  return 'dataset';
}

/** What ingesting one event did (the HTTP endpoint answers with it). */
export interface IngestOutcome {
  kind: OpenLineageEventKind;
  /** The Skein workspace the event went to. */
  workspace: string;
  /** The namespace the workspace was named after, as the event gave it. */
  namespace: string;
  /** True when this event created the workspace. */
  workspaceCreated: boolean;
  /** The execution of the event's run (run events only). */
  executionUid: string | null;
  /** The Skein run holding that execution (run events only). */
  runUid: string | null;
  /** Execution state after the event (run events only). */
  state: string | null;
  /** Uids of the dataset versions this event made (outputs of a COMPLETE, placeholders of first-seen inputs). */
  versionsCreated: string[];
}
