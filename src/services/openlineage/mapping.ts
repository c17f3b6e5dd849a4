import { newUid } from '../../domain/uid';
import type {
  ColumnLineageDatasetFacet,
  ColumnTransformation,
  DataQualityMetricsInputDatasetFacet,
  Facets,
  InputDataset,
  OpenLineageDataset,
  OutputDataset,
  RunEvent,
  SchemaDatasetFacet,
} from '../../domain/openlineage';
import type { ColumnSpec } from '../artifact-spec';
import { datasetKey, workspaceForNamespace } from './names';

/**
 * OpenLineage events as Skein writes them: pure functions from a validated event to the write plan
 * the repository runs in one statement (openlineage.repository.ts). Everything that needs no graph
 * is decided here (names, keys, states, facets as JSON, column lineage rows, new uids).
 */

/** A facet as stored: its JSON under `prop`, the eventTime it came with under `atProp`. */
export interface FacetWrite {
  prop: string;
  atProp: string;
  json: string;
}

/** One (output column, input field) pair of a columnLineage facet. */
export interface ColumnWrite {
  column: string;
  namespace: string;
  name: string;
  field: string;
  /** JSON text of `[{type, subtype, description, masking}]`. */
  transformations: string;
}

/** A dataset the event read: how to find it, and what a placeholder version of it would carry. */
export interface InputWrite {
  namespace: string;
  name: string;
  key: string;
  /** The uid of the placeholder version, if the dataset has no version yet. */
  uid: string;
  /** The DATASET spec (JSON) of a placeholder version: schema, row count, column stats. */
  spec: string;
  /** JSON of the dataset's facets and input facets, kept on the INPUT event. */
  facets: string;
}

/** A dataset a COMPLETE wrote: the version it makes, with its facets and column lineage. */
export interface OutputWrite extends Omit<InputWrite, 'facets'> {
  /** The dataset's facets and output facets, one property each on the version (columnLineage: as COLUMN_FROM). */
  facets: FacetWrite[];
  columns: ColumnWrite[];
}

/** Skein's state for each OpenLineage event type; OTHER changes no state (null). */
const STATE_OF: Record<string, string | null> = {
  START: 'RUNNING',
  RUNNING: 'RUNNING',
  COMPLETE: 'COMPLETED',
  FAIL: 'FAILED',
  ABORT: 'ABORTED',
  OTHER: null,
};

/**
 * Which terminal state wins when a run has two terminal events at the same eventTime (a later
 * eventTime always wins): failure over abort over success, whatever order they arrive in.
 */
const TERMINAL_RANK: Record<string, number> = { COMPLETED: 1, ABORTED: 2, FAILED: 3 };

export interface RunEventPlan {
  workspace: string;
  namespace: string;
  runId: string;
  jobName: string;
  eventTime: string;
  /** The Skein state the event sets (RUNNING, COMPLETED, FAILED, ABORTED); null for OTHER. */
  state: string | null;
  terminal: boolean;
  stateRank: number;
  /** The Skein run holding the execution: the parent run's, or the run's own. */
  run: { key: string; uid: string; name: string; namespace: string; own: boolean };
  executionUid: string;
  /** What a terminal event sets on the execution: state, finishedAt, olStateAt, olStateRank ({} otherwise). */
  ended: Record<string, string | number>;
  /** `ended`, and the errorMessage facet's message as the run's `error` when there is one. */
  runEnded: Record<string, string | number>;
  facets: FacetWrite[];
  inputs: InputWrite[];
  /** Outputs that make versions: those of a COMPLETE only. */
  outputs: OutputWrite[];
}

/** The plan of one RunEvent. `eventTime` is normalised to Skein's ISO form so times compare as text. */
export function planRunEvent(event: RunEvent): RunEventPlan {
  const eventTime = isoTime(event.eventTime);
  const state = STATE_OF[event.eventType ?? 'OTHER'] ?? null;
  const terminal = state !== null && state !== 'RUNNING';
  const parent = event.run.facets?.parent;
  const own = !parent || parent.run.runId === event.run.runId;
  const stateRank = terminal ? (TERMINAL_RANK[state] ?? 0) : 0;
  const ended: Record<string, string | number> = terminal
    ? { state, finishedAt: eventTime, olStateAt: eventTime, olStateRank: stateRank }
    : {};
  const error = terminal ? event.run.facets?.errorMessage?.message : undefined;
  const complete = event.eventType === 'COMPLETE';
  const outputs = complete ? (event.outputs ?? []).map((d) => outputWrite(d)) : [];
  return {
    workspace: workspaceForNamespace(event.job.namespace),
    namespace: event.job.namespace,
    runId: event.run.runId,
    jobName: event.job.name,
    eventTime,
    state,
    terminal,
    stateRank,
    run: own
      ? { key: event.run.runId, uid: newUid(), name: event.job.name, namespace: event.job.namespace, own: true }
      : { key: parent.run.runId, uid: newUid(), name: parent.job.name, namespace: parent.job.namespace, own: false },
    executionUid: newUid(),
    ended,
    runEnded: error === undefined ? ended : { ...ended, error },
    facets: [...facetWrites('olRunFacet', event.run.facets), ...facetWrites('olJobFacet', event.job.facets)],
    inputs: inputWrites(event.inputs ?? [], outputs),
    outputs: byKey(outputs),
  };
}

/**
 * The datasets the run read: its inputs, and every dataset a COMPLETE's column lineage names as a
 * source (a column came from it, so the run read it), one each, in key order (transactions that
 * lock several keys take them in one order, which keeps them from deadlocking).
 */
function inputWrites(inputs: readonly InputDataset[], outputs: readonly OutputWrite[]): InputWrite[] {
  const seen = new Map<string, InputWrite>();
  for (const d of inputs) {
    const w = inputWrite(d, { ...(d.facets ?? {}), ...(d.inputFacets ?? {}) });
    if (!seen.has(w.key)) seen.set(w.key, w);
  }
  for (const c of outputs.flatMap((o) => o.columns)) {
    const w = inputWrite({ namespace: c.namespace, name: c.name }, {});
    if (!seen.has(w.key)) seen.set(w.key, w);
  }
  return byKey([...seen.values()]);
}

function inputWrite(d: OpenLineageDataset, facets: Facets): InputWrite {
  return {
    namespace: d.namespace,
    name: d.name,
    key: datasetKey(d.namespace, d.name),
    uid: newUid(),
    spec: JSON.stringify(datasetSpecOf(facets)),
    facets: JSON.stringify(facets),
  };
}

function outputWrite(d: OutputDataset): OutputWrite {
  const { columnLineage, ...facets } = { ...(d.facets ?? {}), ...(d.outputFacets ?? {}) };
  return {
    namespace: d.namespace,
    name: d.name,
    key: datasetKey(d.namespace, d.name),
    uid: newUid(),
    facets: facetWrites('olFacet', facets),
    spec: JSON.stringify(datasetSpecOf(facets)),
    columns: columnWrites(columnLineage as ColumnLineageDatasetFacet | undefined),
  };
}

const byKey = <T extends { key: string }>(list: T[]) =>
  list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/**
 * Facets as node properties, one per facet: `<prefix>_<facet name>` holds its JSON and
 * `<prefix>At_<facet name>` the eventTime it came with, so a later event's facet replaces an
 * earlier one's whatever order they arrive in. Deleted facets (`_deleted`) are kept as sent.
 */
export function facetWrites(prefix: string, facets: Facets | undefined): FacetWrite[] {
  return Object.entries(facets ?? {})
    .filter(([, f]) => f !== undefined)
    .map(([name, f]) => ({ prop: `${prefix}_${name}`, atProp: `${prefix}At_${name}`, json: JSON.stringify(f) }));
}

/**
 * The typed DATASET fields a dataset's facets fill (artifact-spec.ts DatasetSpec): the schema
 * facet's fields (nested fields flattened as `parent.child`), the data quality facet's row count
 * and column metrics.
 */
export function datasetSpecOf(facets: Facets): Record<string, unknown> {
  const schema = flattenFields((facets.schema as SchemaDatasetFacet | undefined)?.fields ?? [], '');
  const quality = facets.dataQualityMetrics as DataQualityMetricsInputDatasetFacet | undefined;
  const stats = Object.entries(quality?.columnMetrics ?? {}).map(([column, m]) => ({
    column,
    count: m.count ?? null,
    nullCount: m.nullCount ?? null,
    distinct: m.distinctCount ?? null,
    mean: null,
    std: null,
    min: m.min ?? null,
    max: m.max ?? null,
  }));
  return { format: null, schema, rowCount: quality?.rowCount ?? null, preview: [], stats, labelColumn: null };
}

function flattenFields(fields: readonly NonNullable<SchemaDatasetFacet['fields']>[number][], prefix: string) {
  const out: ColumnSpec[] = [];
  const seen = new Set<string>();
  const walk = (list: typeof fields, at: string) => {
    for (const f of list) {
      const name = at + f.name;
      if (!seen.has(name)) out.push({ name, type: f.type ?? 'unknown' });
      seen.add(name);
      if (f.fields) walk(f.fields, `${name}.`);
    }
  };
  walk(fields, prefix);
  return out;
}

/**
 * One row per (output column, input field) of a columnLineage facet. An older facet describes a
 * column's transformation on the column (`transformationType`, `transformationDescription`): it
 * becomes that column's one transformation for each of its input fields.
 */
export function columnWrites(facet: ColumnLineageDatasetFacet | undefined): ColumnWrite[] {
  const rows: ColumnWrite[] = [];
  for (const [column, spec] of Object.entries(facet?.fields ?? {})) {
    const legacy: ColumnTransformation[] = spec.transformationType
      ? [{ type: spec.transformationType, description: spec.transformationDescription }]
      : [];
    for (const input of spec.inputFields ?? []) {
      const transformations = (input.transformations ?? legacy).map((t) => ({
        type: t.type,
        subtype: t.subtype ?? null,
        description: t.description ?? null,
        masking: t.masking ?? null,
      }));
      rows.push({
        column,
        namespace: input.namespace,
        name: input.name,
        field: input.field,
        transformations: JSON.stringify(transformations),
      });
    }
  }
  return rows;
}

/**
 * An OpenLineage eventTime (any ISO-8601 date-time with an offset) as Skein stores times: UTC with
 * milliseconds, which sort as text. Sub-millisecond digits are dropped.
 */
export function isoTime(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value;
  return new Date(ms).toISOString();
}
