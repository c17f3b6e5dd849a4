import { badInput, conflict, notFound, preconditionFailed, quoted } from '../errors';
import type { Tx } from '../graph/executor';
import { executionRepository as repo } from '../graph/execution.repository';
import { idempotent } from '../graph/idempotency';
import { newUid } from '../domain/uid';
import { fromGlobalId } from '../domain/global-id';
import type { ArtifactService, LogArtifact } from './artifact.service';
import { pageWindow, toPage, type Page, type PageRequest, type PageWindow } from './pagination';
import { checkIdempotencyKey } from './idempotency-key';
import { lockSubject, recordSets, replacedEntries } from './history';
import { refuseDeleted, refuseDeletedRecord } from './lifecycle-guard';
import { runUidOf } from './run.service';
import { checkText, nowIso, toMap } from './validate';
import { checkEventTimes, checkExecutionWindow, checkFinishTime, defaultEventTime } from './event-times';
import type { KeyValue } from '../domain/key-value';
import type { ExecutionRecord, EventRecord, NewEvent, EventType, ExecutionState } from '../domain/execution';
import type { ServiceDeps } from './deps';
import type { Need } from '../auth/principal';
import { Ownership, readableOnly } from './ownership';

const FINAL_STATES: readonly ExecutionState[] = ['COMPLETED', 'FAILED', 'ABORTED', 'CACHED'];
const MAX_EVENTS = 1000;

export interface EventSpec {
  /** The artifact: a global id or a store:// URI. */
  artifact: string;
  path?: string | null;
  at?: string | null;
}

export interface OutputSpec {
  /** The new artifact to create; its workspace is the run's and may be left out. */
  artifact: Omit<LogArtifact, 'workspace' | 'idempotencyKey'> & { workspace?: string | null };
  path?: string | null;
}

export interface StartExecution {
  /** The run (its id or uid) the execution is a step of. */
  run: string;
  name: string;
  kind?: string | null;
  codeVersion?: string | null;
  /** What the step does (up to 64 KiB of text). */
  description?: string | null;
  params?: KeyValue[] | null;
  labels?: KeyValue[] | null;
  annotations?: KeyValue[] | null;
  startedAt?: string | null;
  idempotencyKey?: string | null;
}

export interface RecordExecution extends Omit<StartExecution, 'idempotencyKey'> {
  state?: ExecutionState | null;
  finishedAt?: string | null;
  results?: KeyValue[] | null;
  inputs?: EventSpec[] | null;
  outputs?: OutputSpec[] | null;
  idempotencyKey?: string | null;
}

export class ExecutionService {
  private readonly ownership: Ownership;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly artifacts: ArtifactService,
  ) {
    this.ownership = new Ownership(deps);
  }

  async start(input: StartExecution): Promise<ExecutionRecord> {
    await this.checkIdempotentCall(input);
    return this.deps.graph.write(async (tx) => {
      const { idempotencyKey, ...rest } = input;
      const { uid } = await idempotent(
        tx,
        {
          operation: 'startExecution',
          scope: rest.run,
          key: idempotencyKey,
          input: rest,
          ttlSeconds: this.deps.idempotencyTtlSeconds,
        },
        async () => (await this.createInTx(tx, { ...rest, state: 'RUNNING' })).uid,
      );
      return this.mustGetInTx(tx, uid);
    });
  }

  finish(id: string, state: ExecutionState, results?: KeyValue[] | null): Promise<ExecutionRecord> {
    if (!FINAL_STATES.includes(state)) {
      throw badInput(`An execution finishes as ${FINAL_STATES.join(', ')}; not ${state}.`, { field: 'state' });
    }
    const uid = this.executionUidOf(id);
    const resultMap = toMap('results', results);
    return this.deps.graph.write(async (tx) => {
      const finishedAt = nowIso();
      await this.checkFinishInTx(tx, uid, id, finishedAt);
      // Results given with the finish are changes too (history.ts): read them under the lock first.
      const withResults = Object.keys(resultMap).length > 0 && (await lockSubject(tx, 'Execution', uid));
      const before = withResults ? (await repo.getMany(tx, [uid]))[0] : null;
      const done = await repo.finish(tx, uid, { state, finishedAt, results: resultMap });
      if (!done) throw notFound('Execution', id);
      if (done.before !== 'RUNNING') {
        throw preconditionFailed(
          `Execution ${quoted(id)} is already ${done.before}; only a RUNNING execution can finish.`,
        );
      }
      if (before) {
        const subject = { label: 'Execution' as const, uid, workspace: before.workspace };
        // Only results it replaces are changes; the ones it sets first are the execution's results.
        const replaced = replacedEntries(before.results, resultMap);
        await recordSets(tx, this.deps.caller, subject, 'RESULT', before.results, replaced);
      }
      return done.execution;
    });
  }

  /** Event times stay inside the window a finish closes (checkFinishTime); only a RUNNING one is checked. */
  private async checkFinishInTx(tx: Tx, uid: string, id: string, finishedAt: string): Promise<void> {
    await this.deps.access.requireSignedIn({ workspace: null, objectType: 'Execution', objectId: id });
    const [current] = await repo.getMany(tx, [uid]);
    // Authorized on what the check reads anyway: no lookup of its own.
    if (current) await this.requireOn('write', current, id);
    if (current?.state !== 'RUNNING') return; // NOT_FOUND or PRECONDITION_FAILED follow from repo.finish
    checkFinishTime(current, finishedAt, await repo.latestOutput(tx, uid));
  }

  /** Records that an execution read these existing artifacts. */
  addInputs(id: string, inputs: EventSpec[]): Promise<ExecutionRecord> {
    return this.addEvents(id, inputs, []);
  }

  /** Records that an execution wrote these existing artifacts. */
  addOutputs(id: string, outputs: EventSpec[]): Promise<ExecutionRecord> {
    return this.addEvents(id, [], outputs);
  }

  private addEvents(id: string, inputs: EventSpec[], outputs: EventSpec[]): Promise<ExecutionRecord> {
    const uid = this.executionUidOf(id);
    return this.deps.graph.write(async (tx) => {
      await this.deps.access.requireSignedIn({ workspace: null, objectType: 'Execution', objectId: id });
      const [execution] = await repo.getMany(tx, [uid]);
      if (!execution) throw notFound('Execution', id);
      await this.requireOn('write', execution, id);
      refuseDeletedRecord('Execution', execution); // lifecycle
      checkEventTimes(execution, 'INPUT', inputs);
      checkEventTimes(execution, 'OUTPUT', outputs);
      await this.linkInTx(
        tx,
        execution,
        await this.toEvents(tx, inputs, defaultEventTime(execution), true),
        await this.toEvents(tx, outputs, defaultEventTime(execution)),
      );
      return execution;
    });
  }

  /**
   * MLMD's PutExecution: the execution, its input events, its new output artifacts and their
   * events, in one transaction. Any bad part (unknown input, bad output) leaves nothing behind.
   */
  async record(input: RecordExecution): Promise<ExecutionRecord> {
    if ((input.inputs?.length ?? 0) + (input.outputs?.length ?? 0) > MAX_EVENTS) {
      throw badInput(`An execution records at most ${MAX_EVENTS} inputs and outputs in one call.`);
    }
    await this.checkIdempotentCall(input);
    return this.deps.graph.write(async (tx) => {
      const { idempotencyKey, ...rest } = input;
      const { uid } = await idempotent(
        tx,
        {
          operation: 'recordExecution',
          scope: rest.run,
          key: idempotencyKey,
          input: rest,
          ttlSeconds: this.deps.idempotencyTtlSeconds,
        },
        () => this.recordInTx(tx, rest),
      );
      return this.mustGetInTx(tx, uid);
    });
  }

  private async recordInTx(tx: Tx, input: Omit<RecordExecution, 'idempotencyKey'>): Promise<string> {
    const state = input.state ?? 'COMPLETED';
    const execution = await this.createInTx(tx, { ...input, state });
    checkEventTimes(execution, 'INPUT', input.inputs ?? []);
    // A whole execution at once: what it read, it read when it started; what it wrote, by its finish.
    const inputEvents = await this.toEvents(tx, input.inputs ?? [], execution.startedAt, true);
    const outputEvents: NewEvent[] = [];
    for (const out of input.outputs ?? []) {
      const workspace = out.artifact.workspace ?? execution.workspace;
      if (workspace !== execution.workspace) {
        throw badInput(
          `Outputs are created in the run's workspace ${quoted(execution.workspace)}, not ${quoted(workspace)}.`,
        );
      }
      const artifact = await this.artifacts.createInTx(tx, { ...out.artifact, workspace, run: null });
      outputEvents.push({
        artifactUid: artifact.uid,
        path: out.path ?? null,
        at: defaultEventTime(execution),
      });
    }
    await this.linkInTx(tx, execution, inputEvents, outputEvents);
    return execution.uid;
  }

  private async createInTx(
    tx: Tx,
    input: Omit<StartExecution, 'idempotencyKey'> & {
      state: ExecutionState;
      finishedAt?: string | null;
      results?: KeyValue[] | null;
    },
  ): Promise<ExecutionRecord> {
    checkText('name', input.name, 256);
    checkText('codeVersion', input.codeVersion, 256);
    checkText('description', input.description);
    if (!input.name) throw badInput('An execution needs a name, e.g. "train".', { field: 'name' });
    const final = input.state !== 'RUNNING';
    const runUid = runUidOf(input.run, 'run');
    await refuseDeleted(tx, { runUid }); // lifecycle: a deleted run (or workspace) takes no executions
    const startedAt = input.startedAt ?? nowIso();
    const finishedAt = input.finishedAt ?? (final ? nowIso() : null);
    checkExecutionWindow(startedAt, finishedAt);
    const created = await repo.create(
      tx,
      {
        uid: newUid(),
        runUid,
        name: input.name,
        kind: input.kind ?? 'STEP',
        state: input.state,
        startedAt,
        finishedAt,
        codeVersion: input.codeVersion ?? null,
        description: input.description ?? null,
        params: toMap('params', input.params),
        results: toMap('results', input.results),
        labels: toMap('labels', input.labels),
        annotations: toMap('annotations', input.annotations),
      },
      nowIso(),
    );
    if (!created) throw notFound('Run', input.run);
    this.ownership.named('Execution', created);
    return created;
  }

  /**
   * The events to link; `defaultAt` dates those the client gave no time (see defaultEventTime).
   * Inputs must be AVAILABLE versions (an unfinished or aborted upload is refused, naming its state).
   */
  private async toEvents(tx: Tx, list: EventSpec[], defaultAt: string, asInputs = false): Promise<NewEvent[]> {
    const events: NewEvent[] = [];
    for (const e of list) {
      checkText('path', e.path, 1024);
      // An input is read (the caller may read it); an output's producer is written (they may write it).
      const artifact = asInputs
        ? await this.artifacts.resolveInputInTx(tx, e.artifact)
        : await this.artifacts.resolveRefInTx(tx, e.artifact, 'ref', 'write');
      refuseDeletedRecord('Artifact', artifact); // lifecycle: a deleted version is no input or output
      events.push({ artifactUid: artifact.uid, path: e.path ?? null, at: e.at ?? defaultAt });
    }
    return events;
  }

  /** Adds events after checking the two rules: never input and output at once; one producer per artifact. */
  private async linkInTx(tx: Tx, execution: ExecutionRecord, inputs: NewEvent[], outputs: NewEvent[]): Promise<void> {
    const inputUids = inputs.map((e) => e.artifactUid);
    const outputUids = outputs.map((e) => e.artifactUid);
    const both = inputUids.filter((u) => outputUids.includes(u));
    const clashes = [...both, ...(await repo.oppositeEvents(tx, execution.uid, inputUids, outputUids))];
    if (clashes.length > 0) {
      throw conflict(`An artifact cannot be both an input and an output of one execution (artifact ${clashes[0]}).`);
    }
    const produced = await repo.otherProducers(tx, execution.uid, outputUids);
    if (produced.length > 0) {
      throw conflict(
        `Artifact ${produced[0]!.uid} was already output by execution ${produced[0]!.producerUid}; log a new version instead.`,
      );
    }
    await repo.addEvents(tx, execution.uid, 'INPUT', inputs);
    await repo.addEvents(tx, execution.uid, 'OUTPUT', outputs);
  }

  /** One execution; NOT_FOUND when there is none or the caller may not read it (the same answer). */
  async get(id: string): Promise<ExecutionRecord> {
    const uid = this.executionUidOf(id);
    await this.deps.access.requireSignedIn({ workspace: null, objectType: 'Execution', objectId: id });
    const [found] = await this.deps.graph.read((tx) => repo.getMany(tx, [uid]));
    if (!found) throw notFound('Execution', id);
    await this.requireOn('read', found, id);
    return found;
  }

  /** Executions by uid (a DataLoader batch); null where none exists or the caller may not read it. */
  async getMany(uids: readonly string[]): Promise<Array<ExecutionRecord | null>> {
    return readableOnly(this.deps, await this.deps.graph.read((tx) => repo.getMany(tx, uids)));
  }

  private requireOn(need: Need, execution: ExecutionRecord, id: string): Promise<void> {
    return this.deps.access.require(need, { workspace: execution.workspace, objectType: 'Execution', objectId: id });
  }

  private async mustGetInTx(tx: Tx, uid: string): Promise<ExecutionRecord> {
    const [found] = await repo.getMany(tx, [uid]);
    if (!found) throw notFound('Execution', uid);
    return found;
  }

  /** A page of executions for each run, in one round trip (DataLoader batches call this). */
  async pageByRuns(runUids: readonly string[], page: PageRequest): Promise<Map<string, Page<ExecutionRecord>>> {
    const window = pageWindow(page, (raw) => String(raw));
    const byRun = await this.deps.graph.read((tx) => repo.pageByRuns(tx, runUids, window));
    return mapPages(runUids, byRun, window, (e) => e.uid);
  }

  /**
   * A page of events for each execution, in time order, in one round trip. An execution may read
   * (or, rarely, write) another workspace's artifacts: those the caller may not read are left out
   * in the query, so pages stay full and their cursors honest.
   */
  async pageEvents(
    uids: readonly string[],
    types: EventType[],
    page: PageRequest,
  ): Promise<Map<string, Page<EventRecord>>> {
    const window = pageWindow(page, (raw) => raw as unknown[]);
    const readable = this.deps.access.readScope();
    const byExecution = await this.deps.graph.read((tx) => repo.pageEvents(tx, uids, types, window, readable));
    return mapPages(uids, byExecution, window, (e) => [e.at, e.type, e.artifact.uid]);
  }

  /**
   * The idempotency key and its scope (the run), before the key is claimed; and the caller's right
   * to write in the run, before a replay could hand out what the key made.
   */
  private async checkIdempotentCall(input: { run: string; idempotencyKey?: string | null }): Promise<void> {
    const runUid = runUidOf(input.run, 'run');
    checkIdempotencyKey(input.idempotencyKey);
    await this.ownership.require('write', 'Run', runUid, input.run);
  }

  private executionUidOf(id: string): string {
    return executionUidOf(id);
  }
}

/** An execution's uid from its global id; another node's id is BAD_USER_INPUT on `field`. */
export function executionUidOf(id: string, field = 'id'): string {
  const { type, key } = fromGlobalId(id);
  if (type !== 'Execution') throw badInput(`${quoted(id)} is the id of a ${type}, not of an execution.`, { field });
  return key;
}

function mapPages<T>(
  keys: readonly string[],
  rows: Map<string, T[]>,
  window: PageWindow<unknown>,
  keyOf: (t: T) => unknown,
) {
  return new Map(keys.map((k) => [k, toPage(rows.get(k) ?? [], window, keyOf)]));
}
