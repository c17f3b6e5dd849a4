import { parseArtifact } from './artifact.repository';
import { windowParams, type Tx } from './executor';
import * as Q from './execution.cypher';
import { fromProps, toNewProps, toProps } from './props';
import type { EntryValue } from '../domain/scalar';
import {
  type ExecutionRecord,
  type NewExecution,
  type EventRecord,
  type NewEvent,
  type EventType,
  type ExecutionState,
} from '../domain/execution';
type Props = Record<string, unknown>;

/** An output event's time and the artifact it names. */
export interface LatestOutput {
  at: string;
  workspace: string;
  key: string;
  uid: string;
}

export function parseExecution(p: Props): ExecutionRecord {
  return {
    uid: p.uid as string,
    workspace: p.workspace as string,
    runUid: p.runUid as string,
    name: p.name as string,
    kind: p.kind as string,
    state: p.state as ExecutionState,
    startedAt: p.startedAt as string,
    finishedAt: (p.finishedAt as string | undefined) ?? null,
    codeVersion: (p.codeVersion as string | undefined) ?? null,
    description: (p.description as string | undefined) ?? null,
    createdAt: p.createdAt as string,
    params: fromProps('param', p),
    results: fromProps('result', p),
    labels: fromProps('label', p),
    annotations: fromProps('annotation', p),
    deletedAt: (p.deletedAt as string | undefined) ?? null,
  };
}

type Maps = Record<string, EntryValue>;
const mapProps = (e: { params?: Maps; results?: Maps; labels?: Maps; annotations?: Maps }) => ({
  ...toNewProps('param', e.params),
  ...toNewProps('result', e.results),
  ...toNewProps('label', e.labels),
  ...toNewProps('annotation', e.annotations),
});

/** Groups rows of `(parentKey, list)` into a map for DataLoader-style answers in key order. */
function byKey<T>(rows: Array<Record<string, unknown>>, key: string, list: string, parse: (x: Props) => T) {
  return new Map(rows.map((r) => [r[key] as string, (r[list] as Props[]).map(parse)]));
}

export const executionRepository = {
  async create(tx: Tx, e: NewExecution, now: string): Promise<ExecutionRecord | null> {
    const { params, results, labels, annotations, ...fields } = e;
    const rows = await tx.run<{ e: Props }>(Q.CREATE_EXECUTION, {
      ...fields,
      props: mapProps({ params, results, labels, annotations }),
      now,
    });
    return rows[0] ? parseExecution(rows[0].e) : null;
  },

  async getMany(tx: Tx, uids: readonly string[]): Promise<Array<ExecutionRecord | null>> {
    const rows = await tx.run<{ e: Props }>(Q.GET_EXECUTIONS, { uids });
    const byUid = new Map(rows.map((r) => [r.e.uid as string, parseExecution(r.e)]));
    return uids.map((u) => byUid.get(u) ?? null);
  },

  /** Returns the state before the call; the execution changed only when that was RUNNING. */
  async finish(
    tx: Tx,
    uid: string,
    change: { state: ExecutionState; finishedAt: string; results: Record<string, EntryValue> },
  ): Promise<{ before: ExecutionState; execution: ExecutionRecord } | null> {
    const rows = await tx.run<{ before: ExecutionState; e: Props }>(Q.FINISH_EXECUTION, {
      uid,
      state: change.state,
      finishedAt: change.finishedAt,
      props: toProps('result', change.results),
    });
    return rows[0] ? { before: rows[0].before, execution: parseExecution(rows[0].e) } : null;
  },

  /** The execution's latest-dated output event: its time and the artifact; null when it has none. */
  async latestOutput(tx: Tx, uid: string): Promise<LatestOutput | null> {
    const rows = await tx.run<LatestOutput>(Q.LATEST_OUTPUT_EVENT, { uid });
    return rows[0] ?? null;
  },

  async pageByRuns(tx: Tx, runUids: readonly string[], window: { after: string | null; limit: number }) {
    const rows = await tx.run(Q.EXECUTIONS_OF_RUNS, { runUids, ...windowParams(window) });
    return byKey(rows, 'runUid', 'executions', parseExecution);
  },

  /** Artifact uids that already have the opposite event with this execution. */
  async oppositeEvents(tx: Tx, uid: string, inputUids: string[], outputUids: string[]): Promise<string[]> {
    const rows = await tx.run<{ clashes: string[] }>(Q.OPPOSITE_EVENTS, { uid, inputUids, outputUids });
    return rows[0]?.clashes ?? [];
  },

  /** Artifacts among these that another execution already produced. */
  async otherProducers(
    tx: Tx,
    uid: string,
    artifactUids: string[],
  ): Promise<Array<{ uid: string; producerUid: string }>> {
    return tx.run(Q.PRODUCERS_OF, { uid, artifactUids });
  },

  async addEvents(tx: Tx, uid: string, type: EventType, events: NewEvent[]): Promise<void> {
    if (events.length > 0) await tx.run(type === 'INPUT' ? Q.ADD_INPUTS : Q.ADD_OUTPUTS, { uid, events });
  },

  async pageEvents(
    tx: Tx,
    uids: readonly string[],
    types: EventType[],
    window: { after: unknown[] | null; limit: number },
    readable: string[] | null = null,
  ): Promise<Map<string, EventRecord[]>> {
    const rows = await tx.run(Q.EVENTS_OF_EXECUTIONS, { uids, types, readable, ...windowParams(window) });
    return byKey(rows, 'uid', 'events', (ev) => ({
      type: ev.type as EventType,
      at: ev.at as string,
      path: (ev.path as string | null) ?? null,
      artifact: parseArtifact(ev.artifact as Props),
    }));
  },
};
