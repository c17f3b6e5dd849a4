import type { ChangeField, ChangeRecord } from '../domain/change';
import type { MapKind } from '../domain/key-value';
import type { EntryValue } from '../domain/scalar';
import { windowParams, type Tx } from './executor';
import * as Q from './history.cypher';
import { propNames, toProps } from './props';

export type { SubjectLabel } from './history.cypher';

/** The map each entry field is stored in; the description is a plain property. */
const MAP_OF_FIELD: Partial<Record<ChangeField, MapKind>> = {
  PARAM: 'param',
  RESULT: 'result',
  LABEL: 'label',
  ANNOTATION: 'annotation',
  PROPERTY: 'property',
};

/** One stored value to write: `value` null removes the entry (or clears the text). */
export interface FieldWrite {
  field: ChangeField;
  key: string | null;
  value: unknown;
}

const encode = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);
const decode = (text: unknown): unknown => (typeof text === 'string' ? (JSON.parse(text) as unknown) : null);

function parseChange(p: Record<string, unknown>): ChangeRecord {
  return {
    uid: p.uid as string,
    subjectUid: p.subjectUid as string,
    workspace: p.workspace as string,
    field: p.field as ChangeField,
    key: (p.key as string | undefined) ?? null,
    oldValue: decode(p.oldValue),
    newValue: decode(p.newValue),
    at: p.at as string,
    by: p.by as string,
  };
}

/**
 * The properties a write may occupy: `description`, or both stored forms of an entry (a scalar,
 * or a list/object as JSON text; props.ts), so a removal leaves neither behind.
 */
function propertiesOf(write: FieldWrite): string[] {
  const map = MAP_OF_FIELD[write.field];
  if (map) return propNames(map, write.key!);
  if (write.field === 'DESCRIPTION') return ['description'];
  throw new Error(`No stored property for a ${write.field} change.`);
}

export const historyRepository = {
  /** Locks the subject for the rest of the transaction; false when there is no such node. */
  async lock(tx: Tx, label: Q.SubjectLabel, uid: string): Promise<boolean> {
    return (await tx.run(Q.lockSubject(label), { uid })).length > 0;
  },

  /** Writes the new values (null removes) on the subject's node. */
  async apply(tx: Tx, label: Q.SubjectLabel, uid: string, writes: readonly FieldWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const set: Record<string, unknown> = {};
    const remove: string[] = [];
    for (const w of writes) {
      if (w.value === null) remove.push(...propertiesOf(w));
      else if (w.field === 'DESCRIPTION') set.description = w.value;
      // toProps also nulls the entry's other stored form, so `SET n += $set` drops it.
      else Object.assign(set, toProps(MAP_OF_FIELD[w.field]!, { [w.key!]: w.value as EntryValue }));
    }
    await tx.run(Q.applyChanges(label), { uid, set, remove });
  },

  /** Stores the changes, all made at `at` by `by`. */
  async record(tx: Tx, changes: readonly Omit<ChangeRecord, 'at' | 'by'>[], at: string, by: string): Promise<void> {
    if (changes.length === 0) return;
    await tx.run(Q.RECORD_CHANGES, {
      at,
      by,
      changes: changes.map((c) => ({ ...c, oldValue: encode(c.oldValue), newValue: encode(c.newValue) })),
    });
  },

  /** A page (newest first) of changes for each subject, keyed by subject uid. */
  async pageOfMany(
    tx: Tx,
    uids: readonly string[],
    window: { after: string | null; limit: number },
  ): Promise<Map<string, ChangeRecord[]>> {
    const rows = await tx.run<{ subjectUid: string; changes: Array<Record<string, unknown>> }>(Q.HISTORY_OF_SUBJECTS, {
      uids,
      ...windowParams(window),
    });
    return new Map(rows.map((r) => [r.subjectUid, r.changes.map(parseChange)]));
  },

  /** The uid of the version of this artifact's key that holds `tag` (null: none), under the key's lock. */
  async tagHolder(tx: Tx, artifactUid: string, tag: string): Promise<string | null> {
    const rows = await tx.run<{ holderUid: string | null }>(Q.TAG_HOLDER, { uid: artifactUid, tag });
    return rows[0]?.holderUid ?? null;
  },
};
