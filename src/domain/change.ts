/**
 * Changes after the fact: every edit of a run, an execution or an artifact version after it was
 * created is recorded, one record per changed entry, so what a reader sees can always be traced
 * back to what was first recorded, who changed it and when. Creation itself is not a change.
 */

/** What was changed: a text field, an entry of one of the maps, or a tag (artifacts). */
export const ChangeField = {
  DESCRIPTION: 'DESCRIPTION',
  PARAM: 'PARAM',
  RESULT: 'RESULT',
  LABEL: 'LABEL',
  ANNOTATION: 'ANNOTATION',
  PROPERTY: 'PROPERTY',
  TAG: 'TAG',
} as const;
export type ChangeField = (typeof ChangeField)[keyof typeof ChangeField];

/** A JSON value as a change holds it: the value before or after, null when there was none. */
export type ChangeValue = unknown;

/** One recorded change of one entry. */
export interface ChangeRecord {
  uid: string;
  /** The uid of the run, execution or artifact version that changed. */
  subjectUid: string;
  workspace: string;
  field: ChangeField;
  /** The entry's key (a param name, a label, a tag); null for a text field such as the description. */
  key: string | null;
  /** Null when the entry was added. */
  oldValue: ChangeValue;
  /** Null when the entry was removed (or the text cleared). */
  newValue: ChangeValue;
  at: string;
  /** The id of the principal who made it ('anonymous' until tokens exist). */
  by: string;
}

/** What a change says before it is stored: the graph layer adds nothing but storage. */
export type NewChange = Omit<ChangeRecord, 'uid' | 'subjectUid' | 'workspace' | 'at' | 'by'>;
