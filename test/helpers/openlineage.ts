import { randomUUID } from 'node:crypto';
import type {
  InputDataset,
  OpenLineageEventType,
  OutputDataset,
  ParentRunFacet,
  RunEvent,
} from '../../src/domain/openlineage';

/** OpenLineage events for tests, shaped as the spec's examples are. */

export const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python';
export const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

const facetBase = (name: string) => ({
  _producer: PRODUCER,
  _schemaURL: `https://openlineage.io/spec/facets/1-0-0/${name}.json`,
});

export function schemaFacet(fields: Array<[string, string]>) {
  return { ...facetBase('SchemaDatasetFacet'), fields: fields.map(([name, type]) => ({ name, type })) };
}

export function parentFacet(runId: string, namespace: string, name: string): ParentRunFacet {
  return { ...facetBase('ParentRunFacet'), run: { runId }, job: { namespace, name } };
}

/** A column-lineage facet: each output column from [namespace, name, field] inputs, one DIRECT/IDENTITY step. */
export function columnLineageFacet(columns: Record<string, Array<[string, string, string]>>) {
  return {
    ...facetBase('ColumnLineageDatasetFacet'),
    fields: Object.fromEntries(
      Object.entries(columns).map(([column, inputs]) => [
        column,
        {
          inputFields: inputs.map(([namespace, name, field]) => ({
            namespace,
            name,
            field,
            transformations: [{ type: 'DIRECT', subtype: 'IDENTITY', description: '', masking: false }],
          })),
        },
      ]),
    ),
  };
}

export const dataset = (namespace: string, name: string, facets: Record<string, unknown> = {}) =>
  ({ namespace, name, facets }) as InputDataset & OutputDataset;

export interface JobRun {
  namespace: string;
  job: string;
  runId: string;
  parent?: ParentRunFacet;
  inputs?: InputDataset[];
  outputs?: OutputDataset[];
}

export const newRunId = (): string => randomUUID();

/** One event of a job run at `eventTime`. */
export function runEvent(
  run: JobRun,
  eventType: OpenLineageEventType,
  eventTime: string,
  extra: Partial<RunEvent> = {},
) {
  return {
    eventType,
    eventTime,
    producer: PRODUCER,
    schemaURL: SCHEMA_URL,
    run: { runId: run.runId, facets: run.parent ? { parent: run.parent } : {} },
    job: { namespace: run.namespace, name: run.job, facets: {} },
    inputs: run.inputs ?? [],
    outputs: run.outputs ?? [],
    ...extra,
  } satisfies RunEvent;
}

/** Minute `n` after a fixed start, as an ISO time. */
export const minute = (n: number): string =>
  new Date(Date.parse('2026-06-01T00:00:00.000Z') + n * 60_000).toISOString();

/** Every ordering of `items`. */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}
