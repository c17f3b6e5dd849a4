import { badInput } from '../errors';
import { checkText, toMap } from './validate';
import type { Scalar } from '../domain/scalar';
import type { KeyValue } from '../domain/key-value';

/**
 * The fields each artifact kind carries beyond the common ones (MLRun's log_dataset / log_model,
 * Kubeflow's DataSet / Model / Metrics). Validated here, stored as one JSON property.
 */

const KNOWN_KINDS = ['DATASET', 'MODEL', 'METRICS', 'FILE', 'PLOT', 'DIRECTORY'] as const;
const KIND = /^[A-Z][A-Z0-9_]{0,39}$/;
const DEFAULT_PREVIEW_ROWS = 20;
const MAX_PREVIEW_ROWS = 1000;
const MAX_SPEC_BYTES = 1024 * 1024;

export interface ColumnSpec {
  name: string;
  type: string;
}

export interface ColumnStatsSpec {
  column: string;
  count?: number | null;
  nullCount?: number | null;
  distinct?: number | null;
  mean?: number | null;
  std?: number | null;
  min?: number | null;
  max?: number | null;
}

export interface DatasetSpec {
  format?: string | null;
  schema?: ColumnSpec[] | null;
  rowCount?: number | null;
  preview?: unknown[][] | null;
  previewRows?: number | null;
  stats?: ColumnStatsSpec[] | null;
  labelColumn?: string | null;
}

export interface ModelSpec {
  framework?: string | null;
  algorithm?: string | null;
  metrics?: KeyValue[] | null;
  parameters?: KeyValue[] | null;
  inputFeatures?: ColumnSpec[] | null;
  outputFeatures?: ColumnSpec[] | null;
}

export interface MetricsSpec {
  values: KeyValue[];
}

export interface SpecInputs {
  dataset?: DatasetSpec | null;
  model?: ModelSpec | null;
  metrics?: MetricsSpec | null;
}

/**
 * The one kind rule, for what is logged and for what is filtered on: a lower-case kind is refused
 * in both (a filter on "model" would otherwise match nothing, silently).
 */
export function checkKind(kind: string, field = 'kind'): string {
  if (!KIND.test(kind)) {
    throw badInput(
      `Artifact kind "${kind}" is not valid: use one of ${KNOWN_KINDS.join(', ')} or another UPPER_CASE name.`,
      { field },
    );
  }
  return kind;
}

const SPEC_FOR: Record<string, keyof SpecInputs> = { DATASET: 'dataset', MODEL: 'model', METRICS: 'metrics' };
const SPEC_NAMES: ReadonlyArray<keyof SpecInputs> = ['dataset', 'model', 'metrics'];

/** The kind's own fields; a spec for another kind is refused so a typo cannot drop data silently. */
export function buildSpec(kind: string, inputs: SpecInputs): Record<string, unknown> {
  const expected = SPEC_FOR[kind];
  for (const name of SPEC_NAMES) {
    if (inputs[name] != null && name !== expected) {
      throw badInput(`"${name}" fields apply to ${name.toUpperCase()} artifacts, not to ${kind}.`, { field: name });
    }
  }
  const spec = specOf(kind, inputs);
  if (Buffer.byteLength(JSON.stringify(spec)) > MAX_SPEC_BYTES) {
    throw badInput(
      `The ${kind.toLowerCase()} fields are larger than ${MAX_SPEC_BYTES} bytes; keep previews and stats small.`,
    );
  }
  return spec;
}

function specOf(kind: string, inputs: SpecInputs): Record<string, unknown> {
  if (kind === 'DATASET' && inputs.dataset) return datasetSpec(inputs.dataset);
  if (kind === 'MODEL' && inputs.model) return modelSpec(inputs.model);
  if (kind === 'METRICS' && inputs.metrics) return { values: numericMap('metrics.values', inputs.metrics.values) };
  return {};
}

function datasetSpec(d: DatasetSpec): Record<string, unknown> {
  const previewRows = d.previewRows ?? DEFAULT_PREVIEW_ROWS;
  if (!Number.isInteger(previewRows) || previewRows < 0 || previewRows > MAX_PREVIEW_ROWS) {
    throw badInput(`"previewRows" must be from 0 to ${MAX_PREVIEW_ROWS}; got ${previewRows}.`, {
      field: 'previewRows',
    });
  }
  if (d.rowCount != null && (!Number.isInteger(d.rowCount) || d.rowCount < 0)) {
    throw badInput(`"rowCount" must be a whole number of rows, not ${d.rowCount}.`, { field: 'rowCount' });
  }
  checkText('format', d.format, 64);
  const schema = columns('dataset.schema', d.schema);
  if (d.labelColumn && schema.length > 0 && !schema.some((c) => c.name === d.labelColumn)) {
    throw badInput(`The label column "${d.labelColumn}" is not in the dataset's schema.`, { field: 'labelColumn' });
  }
  return {
    format: d.format ?? null,
    schema,
    rowCount: d.rowCount ?? null,
    preview: (d.preview ?? []).slice(0, previewRows),
    stats: d.stats ?? [],
    labelColumn: d.labelColumn ?? null,
  };
}

function modelSpec(m: ModelSpec): Record<string, unknown> {
  checkText('framework', m.framework, 64);
  checkText('algorithm', m.algorithm, 128);
  return {
    framework: m.framework ?? null,
    algorithm: m.algorithm ?? null,
    metrics: toMap('model.metrics', m.metrics),
    parameters: toMap('model.parameters', m.parameters),
    inputFeatures: columns('model.inputFeatures', m.inputFeatures),
    outputFeatures: columns('model.outputFeatures', m.outputFeatures),
  };
}

function columns(field: string, list: ColumnSpec[] | null | undefined): ColumnSpec[] {
  const seen = new Set<string>();
  for (const c of list ?? []) {
    if (!c.name || seen.has(c.name))
      throw badInput(`"${field}" has an empty or repeated column name "${c.name}".`, { field });
    seen.add(c.name);
  }
  return (list ?? []).map((c) => ({ name: c.name, type: c.type }));
}

function numericMap(field: string, entries: KeyValue[]): Record<string, Scalar> {
  const map = toMap(field, entries);
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'number') throw badInput(`Metric "${k}" must be a number, not ${JSON.stringify(v)}.`, { field });
  }
  return map as Record<string, Scalar>;
}
