import { badInput, notFound, preconditionFailed, quoted } from '../errors';
import type { ArtifactRecord } from '../domain/artifact';
import type { ChangeField } from '../domain/change';
import type { ExecutionRecord } from '../domain/execution';
import type { KeyValue } from '../domain/key-value';
import type { RunRecord } from '../domain/run';
import type { Scalar } from '../domain/scalar';
import { artifactRepository } from '../graph/artifact.repository';
import { executionRepository } from '../graph/execution.repository';
import type { Tx } from '../graph/executor';
import { runRepository } from '../graph/run.repository';
import type { ArtifactService } from './artifact.service';
import type { ServiceDeps } from './deps';
import { executionUidOf } from './execution.service';
import { applyChanges, diffEdit, lockSubject, type CurrentValues, type EditPlan, type MapEdit } from './history';
import { runUidOf } from './run.service';
import { checkText, LIMITS, toMap } from './validate';

/**
 * Changes after the fact to runs, executions and artifact versions (MLflow's rules): a run's or
 * an execution's params only while it is RUNNING; its results, description, labels and
 * annotations in any state; an artifact version's description, labels and properties in any
 * state. Each edit is one transaction: the subject is locked, its values read, the entries that
 * really change written and recorded in its history (services/history.ts), or nothing at all.
 */

/** One map's edit as a client asks for it: entries to set, keys to remove. */
interface MapRequest<V> {
  set?: ReadonlyArray<KeyValue<V>> | null;
  remove?: readonly string[] | null;
}

export interface RunChanges {
  /** Undefined: unchanged; null: cleared. */
  description?: string | null;
  /** Added or changed; only while the run is RUNNING. */
  setParams?: KeyValue[] | null;
  setResults?: KeyValue[] | null;
  removeResults?: string[] | null;
  setLabels?: KeyValue<string>[] | null;
  removeLabels?: string[] | null;
  setAnnotations?: KeyValue[] | null;
  removeAnnotations?: string[] | null;
}

/** An execution changes as a run does. */
export type ExecutionChanges = RunChanges;

export interface ArtifactChanges {
  description?: string | null;
  setLabels?: KeyValue<string>[] | null;
  removeLabels?: string[] | null;
  setProperties?: KeyValue[] | null;
  removeProperties?: string[] | null;
}

/** What a subject has that an edit may change, by field. */
type Editable = { description: string | null } & Partial<
  Record<'params' | 'results' | 'labels' | 'annotations' | 'properties', Record<string, unknown>>
>;

export class UpdateService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly artifacts: ArtifactService,
  ) {}

  /** Applies `changes` to a run (its id or uid) and returns it as it now is. */
  updateRun(id: string, changes: RunChanges): Promise<RunRecord> {
    return this.editRun(id, runPlan(changes));
  }

  /** MLflow's log_param: adds params or changes their values, only while the run is RUNNING. */
  logParams(id: string, params: KeyValue[]): Promise<RunRecord> {
    return this.editRun(id, { maps: [mapEdit('PARAM', { set: params }, { set: 'params' })] });
  }

  /** Adds or overwrites results, in any state (MLflow allows results after the run finished). */
  logResults(id: string, results: KeyValue[]): Promise<RunRecord> {
    return this.editRun(id, { maps: [mapEdit('RESULT', { set: results }, { set: 'results' })] });
  }

  /** Sets labels (overwriting those with the same key) and removes the keys in `remove`; any state. */
  setRunLabels(id: string, labels: KeyValue<string>[] | null | undefined, remove: string[] | null | undefined) {
    return this.editRun(id, { maps: [mapEdit('LABEL', { set: labels, remove }, { set: 'labels' })] });
  }

  setRunAnnotations(id: string, annotations: KeyValue[] | null | undefined, remove: string[] | null | undefined) {
    return this.editRun(id, { maps: [mapEdit('ANNOTATION', { set: annotations, remove }, { set: 'annotations' })] });
  }

  /** Applies `changes` to an execution (its global id) and returns it as it now is. */
  updateExecution(id: string, changes: ExecutionChanges): Promise<ExecutionRecord> {
    const uid = executionUidOf(id);
    const plan = runPlan(changes);
    return this.deps.graph.write(async (tx) => {
      if (!(await lockSubject(tx, 'Execution', uid))) throw notFound('Execution', id);
      const before = (await executionRepository.getMany(tx, [uid]))[0]!;
      if (changesParams(plan) && before.state !== 'RUNNING') throw paramsFinal('Execution', uid, before.state);
      await this.edit(tx, { label: 'Execution', uid, workspace: before.workspace }, currentOf(before), plan);
      return (await executionRepository.getMany(tx, [uid]))[0]!;
    });
  }

  /** Applies `changes` to one artifact version (named by `ref`) and returns it as it now is. */
  updateArtifact(ref: string, changes: ArtifactChanges): Promise<ArtifactRecord> {
    const plan: EditPlan = {
      description: checkDescription(changes.description),
      maps: [
        mapEdit('LABEL', { set: changes.setLabels, remove: changes.removeLabels }),
        mapEdit('PROPERTY', { set: changes.setProperties, remove: changes.removeProperties }),
      ],
    };
    return this.deps.graph.write(async (tx) => {
      const { uid } = await this.artifacts.resolveRefInTx(tx, ref);
      await lockSubject(tx, 'Artifact', uid);
      const before = await this.artifacts.mustGet(tx, uid);
      await this.edit(tx, { label: 'Artifact', uid, workspace: before.workspace }, currentOf(before), plan);
      return (await artifactRepository.getMany(tx, [uid]))[0]!;
    });
  }

  private editRun(id: string, plan: EditPlan): Promise<RunRecord> {
    const uid = runUidOf(id);
    return this.deps.graph.write(async (tx) => {
      if (!(await lockSubject(tx, 'Run', uid))) throw notFound('Run', id);
      const before = (await runRepository.getMany(tx, [uid]))[0]!;
      if (changesParams(plan) && before.state !== 'RUNNING') throw paramsFinal('Run', uid, before.state);
      await this.edit(tx, { label: 'Run', uid, workspace: before.workspace }, currentOf(before), plan);
      return (await runRepository.getMany(tx, [uid]))[0]!;
    });
  }

  private edit(
    tx: Tx,
    subject: { label: 'Run' | 'Execution' | 'Artifact'; uid: string; workspace: string },
    current: CurrentValues,
    plan: EditPlan,
  ): Promise<void> {
    return applyChanges(tx, this.deps.caller, subject, diffEdit(current, plan));
  }
}

/** A run's or an execution's changes, checked (before any transaction). */
function runPlan(changes: RunChanges): EditPlan {
  return {
    description: checkDescription(changes.description),
    maps: [
      mapEdit('PARAM', { set: changes.setParams }),
      mapEdit('RESULT', { set: changes.setResults, remove: changes.removeResults }),
      mapEdit('LABEL', { set: changes.setLabels, remove: changes.removeLabels }),
      mapEdit('ANNOTATION', { set: changes.setAnnotations, remove: changes.removeAnnotations }),
    ],
  };
}

/** The input names of each map's set and remove lists (the changes inputs' own, unless told). */
const INPUT_NAMES: Record<ChangeField, { set: string; remove: string }> = {
  DESCRIPTION: { set: 'description', remove: 'description' },
  PARAM: { set: 'setParams', remove: 'removeParams' },
  RESULT: { set: 'setResults', remove: 'removeResults' },
  LABEL: { set: 'setLabels', remove: 'removeLabels' },
  ANNOTATION: { set: 'setAnnotations', remove: 'removeAnnotations' },
  PROPERTY: { set: 'setProperties', remove: 'removeProperties' },
  TAG: { set: 'tag', remove: 'tag' },
};

/** One map's edit, checked: entries by toMap, removals bounded, no key both set and removed. */
function mapEdit<V extends Scalar>(
  field: ChangeField,
  request: MapRequest<V>,
  names: { set?: string; remove?: string } = {},
): MapEdit {
  const setName = names.set ?? INPUT_NAMES[field].set;
  const removeName = names.remove ?? (names.set ? 'remove' : INPUT_NAMES[field].remove);
  const set = toMap(setName, request.set);
  const remove = [...new Set(request.remove ?? [])];
  if (remove.length > LIMITS.mapEntries) {
    throw badInput(`"${removeName}" has ${remove.length} keys; the limit is ${LIMITS.mapEntries}.`, {
      field: removeName,
    });
  }
  const both = remove.find((k) => Object.hasOwn(set, k));
  if (both) throw badInput(`${quoted(both)} is both set and removed; do one or the other.`, { field: removeName });
  return { field, set, remove };
}

function checkDescription(value: string | null | undefined): string | null | undefined {
  checkText('description', value);
  return value;
}

const changesParams = (plan: EditPlan) => plan.maps.some((m) => m.field === 'PARAM' && Object.keys(m.set).length > 0);

function paramsFinal(what: 'Run' | 'Execution', uid: string, state: string) {
  const noun = what === 'Run' ? 'run' : 'execution';
  return preconditionFailed(
    `${what} ${uid} is ${state}, so its params cannot change; params are added or changed only while a ${noun} is RUNNING (results, labels, annotations and the description can change in any state).`,
    { state },
  );
}

/** The editable values of a run, an execution or an artifact version, by change field. */
function currentOf(record: Editable): CurrentValues {
  return {
    description: record.description,
    maps: {
      PARAM: record.params,
      RESULT: record.results,
      LABEL: record.labels,
      ANNOTATION: record.annotations,
      PROPERTY: record.properties,
    },
  };
}
