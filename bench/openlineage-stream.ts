/**
 * The OpenLineage bench's stream (issue 17): a deterministic set of Airflow-like DAG runs, as the
 * OpenLineage events a client would post and as the GraphQL mutations that record the same runs.
 *
 * Per namespace, `pipelines` independent pipelines; each pipeline is a DAG of `jobs` tasks run
 * `rounds` times. Task j reads 1-3 datasets (the one before it, sometimes the one before that or a
 * second source; task 0 reads the sources and the last table of the previous round) and writes 1-2
 * (its table, sometimes a stats table). Every output carries a schema facet (4 columns) and a
 * columnLineage facet (each column from the first input's same column; c0 also from every other
 * input's c0). Each task run is a START and a COMPLETE with a parent facet naming its DAG run, so a
 * DAG run is a Skein run and its task runs its executions.
 *
 * The stream comes in steps: step s holds task (s mod jobs) of round (s div jobs) of every pipeline.
 * Nothing in a step reads what the same step writes, and event times grow from step to step, so a
 * step's events may be applied in any order (8 clients at once) and the next step still reads what
 * the previous one made: the same versions whichever client was faster.
 */
import { v4 } from 'uuid';

export interface StreamShape {
  /** Namespaces (workspaces) the pipelines are spread over. */
  namespaces: number;
  pipelinesPerNamespace: number;
  jobs: number;
  rounds: number;
}

export interface DatasetRef {
  /** The OpenLineage dataset namespace and name; the Skein key is `<namespace>/<name>`. */
  namespace: string;
  name: string;
}

export interface TaskRun {
  /** Index of the namespace (workspace) it runs in. */
  ns: number;
  pipeline: number;
  round: number;
  job: number;
  /** The task's job name, e.g. `p007.j3`; the DAG's is `p007.dag`. */
  jobName: string;
  dagName: string;
  runId: string;
  dagRunId: string;
  inputs: DatasetRef[];
  outputs: DatasetRef[];
  startTime: string;
  endTime: string;
}

export const COLUMNS = ['c0', 'c1', 'c2', 'c3'] as const;
const DATASET_NAMESPACE = 'warehouse';
const PRODUCER = 'https://github.com/skein-dev/skein/tree/main/bench';
const SPEC = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const facetUrl = (name: string) => `https://openlineage.io/spec/facets/1-2-0/${name}.json#/$defs/${name}`;
const BASE_MS = Date.parse('2026-01-01T00:00:00Z');
const STEP_MS = 60_000;

export const keyOf = (d: DatasetRef) => `${d.namespace}/${d.name}`;

const pad = (n: number) => String(n).padStart(3, '0');
const ds = (pipeline: number, name: string): DatasetRef => ({
  namespace: DATASET_NAMESPACE,
  name: `p${pad(pipeline)}.${name}`,
});

/** The sources every pipeline reads (logged once, never written by a task). */
export function sourcesOf(shape: StreamShape): DatasetRef[][] {
  return range(shape.namespaces).map(() =>
    range(shape.pipelinesPerNamespace).flatMap((p) => [ds(p, 'src0'), ds(p, 'src1')]),
  );
}

function inputsOf(p: number, round: number, job: number, jobs: number): DatasetRef[] {
  if (job === 0) {
    const list = [ds(p, 'src0')];
    if (p % 2 === 1) list.push(ds(p, 'src1'));
    if (round > 0) list.push(ds(p, `t${jobs - 1}`));
    return list;
  }
  const list = [ds(p, `t${job - 1}`)];
  if (job >= 2 && (p + job) % 2 === 0) list.push(ds(p, `t${job - 2}`));
  if ((p + job) % 3 === 0) list.push(ds(p, 'src1'));
  return list;
}

function outputsOf(p: number, job: number): DatasetRef[] {
  const list = [ds(p, `t${job}`)];
  if ((p + job) % 4 === 0) list.push(ds(p, `t${job}_stats`));
  return list;
}

/** The steps of the stream, in order; each step's runs in pipeline order. Run ids are fresh per call. */
export function planSteps(shape: StreamShape): TaskRun[][] {
  const dagRunIds = new Map<string, string>();
  const steps: TaskRun[][] = [];
  for (let round = 0; round < shape.rounds; round++) {
    for (let job = 0; job < shape.jobs; job++) {
      const step = round * shape.jobs + job;
      const runs: TaskRun[] = [];
      for (let ns = 0; ns < shape.namespaces; ns++) {
        for (let p = 0; p < shape.pipelinesPerNamespace; p++) {
          const dagKey = `${ns}/${p}/${round}`;
          if (!dagRunIds.has(dagKey)) dagRunIds.set(dagKey, v4());
          const start = BASE_MS + step * STEP_MS + p;
          runs.push({
            ns,
            pipeline: p,
            round,
            job,
            jobName: `p${pad(p)}.j${job}`,
            dagName: `p${pad(p)}.dag`,
            runId: v4(),
            dagRunId: dagRunIds.get(dagKey)!,
            inputs: inputsOf(p, round, job, shape.jobs),
            outputs: outputsOf(p, job),
            startTime: new Date(start).toISOString(),
            endTime: new Date(start + STEP_MS / 2).toISOString(),
          });
        }
      }
      steps.push(runs);
    }
  }
  return steps;
}

// ---------------------------------------------------------------------------------------------
// As OpenLineage events

const facet = (name: string, body: Record<string, unknown>) => ({
  _producer: PRODUCER,
  _schemaURL: facetUrl(name),
  ...body,
});

const schemaFacet = () =>
  facet('SchemaDatasetFacet', { fields: COLUMNS.map((name) => ({ name, type: name === 'c0' ? 'BIGINT' : 'STRING' })) });

/** Each column from the first input's same column; c0 also aggregates every other input's c0. */
function columnLineageFacet(inputs: readonly DatasetRef[]) {
  const [first, ...others] = inputs;
  const fields: Record<string, unknown> = {};
  for (const column of COLUMNS) {
    const inputFields = [
      {
        ...first!,
        field: column,
        transformations: [{ type: 'DIRECT', subtype: column === 'c0' ? 'TRANSFORMATION' : 'IDENTITY', masking: false }],
      },
    ];
    if (column === 'c0') {
      for (const o of others) {
        inputFields.push({
          ...o,
          field: 'c0',
          transformations: [{ type: 'DIRECT', subtype: 'AGGREGATION', masking: false }],
        });
      }
    }
    fields[column] = { inputFields };
  }
  return facet('ColumnLineageDatasetFacet', { fields });
}

/** The COLUMN_FROM relationships one output of `run` makes. */
export const columnLinksOf = (run: TaskRun) => COLUMNS.length + run.inputs.length - 1;

/** The workspace (and OpenLineage job namespace) of namespace index `ns`. */
export const namespaceName = (prefix: string, ns: number) => `${prefix}-n${ns}`;

/** START and COMPLETE of one task run, as openlineage-python's Airflow integration sends them. */
export function eventsOf(run: TaskRun, prefix: string): [Record<string, unknown>, Record<string, unknown>] {
  const namespace = namespaceName(prefix, run.ns);
  const parent = facet('ParentRunFacet', {
    run: { runId: run.dagRunId },
    job: { namespace, name: run.dagName },
  });
  const base = (eventType: string, eventTime: string) => ({
    eventType,
    eventTime,
    producer: PRODUCER,
    schemaURL: SPEC,
    run: { runId: run.runId, facets: { parent } },
    job: { namespace, name: run.jobName },
  });
  const start = {
    ...base('START', run.startTime),
    inputs: run.inputs.map((d) => ({ ...d })),
    outputs: run.outputs.map((d) => ({ ...d })),
  };
  const complete = {
    ...base('COMPLETE', run.endTime),
    inputs: run.inputs.map((d) => ({ ...d, facets: { schema: schemaFacet() } })),
    outputs: run.outputs.map((d) => ({
      ...d,
      facets: { schema: schemaFacet(), columnLineage: columnLineageFacet(run.inputs) },
    })),
  };
  return [start, complete];
}

/** What the stream should leave in the graph: one of each per run, input, output and column link. */
export interface Expected {
  runs: number;
  dagRuns: number;
  events: number;
  executions: number;
  /** Output versions plus one placeholder version per source a task read. */
  versions: number;
  inputs: number;
  outputs: number;
  columnLinks: number;
}

export function expectedOf(steps: readonly TaskRun[][], shape: StreamShape): Expected {
  const runs = steps.flat();
  const sourcesRead = new Set(
    runs.flatMap((r) => r.inputs.filter((d) => /\.src\d$/.test(d.name)).map((d) => `${r.ns}/${keyOf(d)}`)),
  );
  const outputs = runs.reduce((n, r) => n + r.outputs.length, 0);
  return {
    runs: runs.length,
    dagRuns: shape.namespaces * shape.pipelinesPerNamespace * shape.rounds,
    events: 2 * runs.length,
    executions: runs.length,
    versions: outputs + sourcesRead.size,
    inputs: runs.reduce((n, r) => n + r.inputs.length, 0),
    outputs,
    columnLinks: runs.reduce((n, r) => n + r.outputs.length * columnLinksOf(r), 0),
  };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
