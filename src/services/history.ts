import type { Principal } from '../auth/principal';
import type { ChangeField, ChangeRecord, NewChange } from '../domain/change';
import { canonicalJson, type Json } from '../domain/scalar';
import { newUid } from '../domain/uid';
import type { Tx } from '../graph/executor';
import { historyRepository as repo, type SubjectLabel } from '../graph/history.repository';
import type { ServiceDeps } from './deps';
import { pageWindow, stringKey, toPage, type Page, type PageRequest } from './pagination';
import { nowIso } from './validate';

/**
 * Recording changes after the fact. Every edit of a run, an execution or an artifact version goes
 * through `applyChanges` inside the edit's own transaction: the new values and one change record
 * per changed entry commit together or not at all. A set to the value already there is no change
 * and records nothing.
 */

/** The node a change is made to. */
export interface Subject {
  label: SubjectLabel;
  uid: string;
  workspace: string;
}

/** One map's edit: entries to set (already checked by toMap) and keys to remove. */
export interface MapEdit {
  field: ChangeField;
  set: Record<string, unknown>;
  remove: readonly string[];
}

/** An edit as the caller asked for it; `description` undefined leaves it, null clears it. */
export interface EditPlan {
  description?: string | null;
  maps: readonly MapEdit[];
}

/** The subject's values now, as the edit compares against them. */
export interface CurrentValues {
  description: string | null;
  maps: Partial<Record<ChangeField, Record<string, unknown>>>;
}

/** The entries an edit really changes, in a fixed order (description, then each map by key). */
export function diffEdit(current: CurrentValues, plan: EditPlan): NewChange[] {
  const changes: NewChange[] = [];
  if (plan.description !== undefined && !sameValue(current.description, plan.description)) {
    changes.push({ field: 'DESCRIPTION', key: null, oldValue: current.description, newValue: plan.description });
  }
  for (const edit of plan.maps) {
    const now = current.maps[edit.field] ?? {};
    for (const key of [...edit.remove].sort()) {
      if (Object.hasOwn(now, key)) changes.push({ field: edit.field, key, oldValue: now[key], newValue: null });
    }
    for (const key of Object.keys(edit.set).sort()) {
      const before = Object.hasOwn(now, key) ? now[key] : null;
      if (!sameValue(before, edit.set[key])) {
        changes.push({ field: edit.field, key, oldValue: before, newValue: edit.set[key] });
      }
    }
  }
  return changes;
}

/** Writes the changed values on the subject and records each change, in the caller's transaction. */
export async function applyChanges(
  tx: Tx,
  caller: Principal,
  subject: Subject,
  changes: readonly NewChange[],
): Promise<void> {
  if (changes.length === 0) return;
  await repo.apply(
    tx,
    subject.label,
    subject.uid,
    changes.map((c) => ({ field: c.field, key: c.key, value: c.newValue })),
  );
  await recordChanges(
    tx,
    caller,
    changes.map((c) => ({ ...c, subjectUid: subject.uid, workspace: subject.workspace })),
  );
}

/** Records changes (of one or several subjects) already written by the caller. */
export async function recordChanges(
  tx: Tx,
  caller: Principal,
  changes: ReadonlyArray<NewChange & { subjectUid: string; workspace: string }>,
): Promise<void> {
  if (changes.length === 0) return;
  await repo.record(
    tx,
    changes.map((c) => ({ uid: newUid(), ...c })),
    nowIso(),
    caller.id,
  );
}

/**
 * The entries of `after` that replace one of `before`: what a finish records. Results a finish sets
 * for the first time are the thing's results, not a change; one it replaces is.
 */
export function replacedEntries<V>(before: Record<string, unknown>, after: Record<string, V>): Record<string, V> {
  return Object.fromEntries(Object.entries(after).filter(([key]) => before[key] !== undefined));
}

/**
 * Records the entries of one map that a write of the caller's own already set (a finish with
 * results), against the values read, under the subject's lock, before it.
 */
export function recordSets(
  tx: Tx,
  caller: Principal,
  subject: Subject,
  field: ChangeField,
  before: Record<string, unknown>,
  set: Record<string, unknown>,
): Promise<void> {
  const changes = diffEdit({ description: null, maps: { [field]: before } }, { maps: [{ field, set, remove: [] }] });
  return recordChanges(
    tx,
    caller,
    changes.map((c) => ({ ...c, subjectUid: subject.uid, workspace: subject.workspace })),
  );
}

/** Locks the subject for the rest of the transaction; false when it does not exist. */
export function lockSubject(tx: Tx, label: SubjectLabel, uid: string): Promise<boolean> {
  return repo.lock(tx, label, uid);
}

/**
 * A tag move's changes, to record after it: the version that gains the tag (old value: the version
 * that held it, or null) and the one that loses it (new value: the version it moved to, null when
 * untagged). Values are version uids. `holderBefore` comes from `tagHolder`, read before the move.
 */
export function tagMoveChanges(
  workspace: string,
  tag: string,
  holderBefore: string | null,
  holderAfter: string | null,
): Array<NewChange & { subjectUid: string; workspace: string }> {
  if (holderBefore === holderAfter) return [];
  const change = { field: 'TAG' as const, key: tag, oldValue: holderBefore, newValue: holderAfter, workspace };
  const subjects = [holderBefore, holderAfter].filter((u): u is string => u !== null);
  return subjects.map((subjectUid) => ({ ...change, subjectUid }));
}

/** Which version of the artifact's key holds `tag` now (null: none), under the key's lock. */
export function tagHolder(tx: Tx, artifactUid: string, tag: string): Promise<string | null> {
  return repo.tagHolder(tx, artifactUid, tag);
}

/**
 * Two values are the same when their JSON is, object keys in any order (a re-sent structured
 * value is not a change because its keys came in another order).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson((a ?? null) as Json) === canonicalJson((b ?? null) as Json);
}

/** Reading histories. */
export class HistoryService {
  constructor(private readonly deps: ServiceDeps) {}

  /** A page of changes (newest first) for each subject uid, in one round trip (a DataLoader batch). */
  async pageOfMany(uids: readonly string[], req: PageRequest): Promise<Map<string, Page<ChangeRecord>>> {
    const window = pageWindow(req, stringKey);
    const bySubject = await this.deps.graph.read((tx) => repo.pageOfMany(tx, uids, window));
    return new Map(uids.map((uid) => [uid, toPage(bySubject.get(uid) ?? [], window, (c) => c.uid)]));
  }
}
