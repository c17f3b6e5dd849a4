import { badInput, notFound, preconditionFailed, quoted } from '../errors';
import type { ArtifactRecord } from '../domain/artifact';
import type { ChangeField } from '../domain/change';
import type { ExecutionRecord } from '../domain/execution';
import type { KeyValue } from '../domain/key-value';
import type { RunRecord } from '../domain/run';
import type { EntryValue } from '../domain/scalar';
import { refuseDeleted } from './lifecycle-guard';
import { artifactRepository } from '../graph/artifact.repository';
import { executionRepository } from '../graph/execution.repository';
import type { Tx } from '../graph/executor';
import { runRepository } from '../graph/run.repository';
import type { ArtifactService } from './artifact.service';
import type { ServiceDeps } from './deps';
import { executionUidOf } from './execution.service';
import { applyChanges, diffEdit, lockSubject, type CurrentValues, type EditPlan, type MapEdit } from './history';
import type { SubjectLabel } from '../graph/history.repository';
import { runUidOf } from './run.service';
import { checkMapKey, checkText, LIMITS, toMap } from './validate';

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
  setLabels?: KeyValue[] | null;
  removeLabels?: string[] | null;
  setAnnotations?: KeyValue[] | null;
  removeAnnotations?: string[] | null;
}

/** An execution changes as a run does. */
export type ExecutionChanges = RunChanges;

export interface ArtifactChanges {
  description?: string | null;
  setLabels?: KeyValue[] | null;
  removeLabels?: string[] | null;
  setProperties?: KeyValue[] | null;
  removeProperties?: string[] | null;
}

/** What the edit reads of a subject: the values it may change, and what the rules look at. */
type Editable = { workspace: string; state: string; description: string | null } & Partial<
  Record<'params' | 'results' | 'labels' | 'annotations' | 'properties', Record<string, unknown>>
>;

/** Reads subjects by uid inside a transaction (a repository's getMany). */
type Reader<R> = (tx: Tx, uids: readonly string[]) => Promise<Array<R | null>>;

const readRuns: Reader<RunRecord> = (tx, uids) => runRepository.getMany(tx, uids);
const readExecutions: Reader<ExecutionRecord> = (tx, uids) => executionRepository.getMany(tx, uids);
const readArtifacts: Reader<ArtifactRecord> = (tx, uids) => artifactRepository.getMany(tx, uids);

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
    return this.editRun(id, { maps: [mapEdit('PARAM', { set: params }, { set: 'params', remove: 'params' })] });
  }

  /** Adds or overwrites results, in any state (MLflow allows results after the run finished). */
  logResults(id: string, results: KeyValue[]): Promise<RunRecord> {
    return this.editRun(id, { maps: [mapEdit('RESULT', { set: results }, { set: 'results', remove: 'results' })] });
  }

  /** Sets labels (overwriting those with the same key) and removes the keys in `remove`; any state. */
  setRunLabels(id: string, labels: KeyValue[] | null | undefined, remove: string[] | null | undefined) {
    return this.editRun(id, { maps: [mapEdit('LABEL', { set: labels, remove }, { set: 'labels', remove: 'remove' })] });
  }

  setRunAnnotations(id: string, annotations: KeyValue[] | null | undefined, remove: string[] | null | undefined) {
    const names = { set: 'annotations', remove: 'remove' };
    return this.editRun(id, { maps: [mapEdit('ANNOTATION', { set: annotations, remove }, names)] });
  }

  /** Applies `changes` to an execution (its global id) and returns it as it now is. */
  updateExecution(id: string, changes: ExecutionChanges): Promise<ExecutionRecord> {
    const uid = executionUidOf(id);
    const plan = runPlan(changes);
    return this.deps.graph.write(async (tx) => {
      const edited = await this.editInTx(tx, 'Execution', uid, id, readExecutions, plan);
      if (!edited) throw notFound('Execution', id);
      return edited;
    });
  }

  /** Applies `changes` to one artifact version (named by `ref`, in any state) and returns it as it now is. */
  updateArtifact(ref: string, changes: ArtifactChanges): Promise<ArtifactRecord> {
    const plan: EditPlan = {
      description: checkDescription(changes.description),
      maps: [
        mapEdit('LABEL', { set: changes.setLabels, remove: changes.removeLabels }),
        mapEdit('PROPERTY', { set: changes.setProperties, remove: changes.removeProperties }),
      ],
    };
    return this.deps.graph.write(async (tx) => {
      const { uid } = await this.artifacts.resolveRefInTx(tx, ref, 'ref', 'write');
      const edited = await this.editInTx(tx, 'Artifact', uid, ref, readArtifacts, plan);
      if (!edited) throw notFound('Artifact', ref);
      return edited;
    });
  }

  private editRun(id: string, plan: EditPlan): Promise<RunRecord> {
    const uid = runUidOf(id);
    return this.deps.graph.write(async (tx) => {
      const edited = await this.editInTx(tx, 'Run', uid, id, readRuns, plan);
      if (!edited) throw notFound('Run', id);
      return edited;
    });
  }

  /**
   * The edit itself: lock the subject, read its values, authorize the edit in the subject's
   * workspace (on what was read: no lookup of its own), check the params rule, write and record
   * what really changes; the subject as it now is, or null when there is none.
   */
  private async editInTx<R extends Editable>(
    tx: Tx,
    label: SubjectLabel,
    uid: string,
    id: string,
    read: Reader<R>,
    plan: EditPlan,
  ): Promise<R | null> {
    const { access } = this.deps;
    await access.requireSignedIn({ workspace: null, objectType: label, objectId: id });
    if (!(await lockSubject(tx, label, uid))) return null;
    const [before] = await read(tx, [uid]);
    if (!before) return null;
    await access.require('write', { workspace: before.workspace, objectType: label, objectId: id });
    await refuseDeleted(tx, liveCheckOf(label, uid, before)); // lifecycle: deleted things are not edited
    if (changesParams(plan) && before.state !== 'RUNNING') throw paramsFinal(label, uid, before.state);
    const subject = { label, uid, workspace: before.workspace };
    await applyChanges(tx, this.deps.caller, subject, diffEdit(currentOf(before), plan));
    return (await read(tx, [uid]))[0] ?? null;
  }
}

/** What must be live for an edit: the artifact, or the run (an execution is deleted with its run). */
function liveCheckOf(label: SubjectLabel, uid: string, subject: Editable): Parameters<typeof refuseDeleted>[1] {
  if (label === 'Artifact') return { artifactUid: uid };
  return { runUid: label === 'Run' ? uid : (subject as ExecutionRecord).runUid };
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

/** The maps an edit may change. */
type MapField = Exclude<ChangeField, 'DESCRIPTION' | 'TAG'>;

/** The names of each map's set and remove lists in the changes inputs, as errors name them. */
const INPUT_NAMES: Record<MapField, { set: string; remove: string }> = {
  PARAM: { set: 'setParams', remove: 'removeParams' },
  RESULT: { set: 'setResults', remove: 'removeResults' },
  LABEL: { set: 'setLabels', remove: 'removeLabels' },
  ANNOTATION: { set: 'setAnnotations', remove: 'removeAnnotations' },
  PROPERTY: { set: 'setProperties', remove: 'removeProperties' },
};

/** One map's edit, checked: entries by toMap, removals bounded, no key both set and removed. */
function mapEdit<V extends EntryValue>(
  field: MapField,
  request: MapRequest<V>,
  names: { set: string; remove: string } = INPUT_NAMES[field],
): MapEdit {
  const set = toMap(names.set, request.set);
  const remove = [...new Set(request.remove ?? [])];
  if (remove.length > LIMITS.mapEntries) {
    throw badInput(`"${names.remove}" has ${remove.length} keys; the limit is ${LIMITS.mapEntries}.`, {
      field: names.remove,
    });
  }
  for (const key of remove) checkMapKey(names.remove, key);
  const both = remove.find((k) => Object.hasOwn(set, k));
  if (both) throw badInput(`${quoted(both)} is both set and removed; do one or the other.`, { field: names.remove });
  return { field, set, remove };
}

function checkDescription(value: string | null | undefined): string | null | undefined {
  checkText('description', value);
  return value;
}

const changesParams = (plan: EditPlan) => plan.maps.some((m) => m.field === 'PARAM' && Object.keys(m.set).length > 0);

function paramsFinal(what: SubjectLabel, uid: string, state: string) {
  const noun = what.toLowerCase();
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
