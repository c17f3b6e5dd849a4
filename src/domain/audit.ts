/**
 * One line of the audit trail: who did (or was refused) what, where, when and from where. Written
 * in the same transaction as the change it records (src/services/audit.ts), so a change and its
 * record commit together or not at all.
 */
export interface AuditRecord {
  /** UUIDv7: unique and time-ordered, so it is also the trail's order and cursor. */
  id: string;
  at: string;
  /** The principal's id (`token:<prefix>`, `user:<subject>`, `anonymous`, `system`). */
  actor: string;
  /** The use case: a mutation's name, `downloadUrl`, `uploadUrl`, `signIn`… */
  action: string;
  /** `OK` for what was done, `DENIED` for what was refused. */
  outcome: AuditOutcome;
  workspace: string | null;
  /** What was acted on: `Run`, `Artifact`, `Execution`, `Workspace`, `Token`, `Grant`… */
  objectType: string | null;
  objectId: string | null;
  /** Why a request was refused (the error code), null when it was not. */
  reason: string | null;
  /** The client's address as the server saw it (or as a trusted proxy said). */
  ip: string | null;
  requestId: string | null;
}

/** `OK` for what was done, `DENIED` for what was refused. */
export const AuditOutcome = { OK: 'OK', DENIED: 'DENIED' } as const;
export type AuditOutcome = (typeof AuditOutcome)[keyof typeof AuditOutcome];

/** What an authorization names: the workspace and the object a use case acts on. */
export interface AuditTarget {
  workspace: string | null;
  objectType?: string | null;
  objectId?: string | null;
}

export interface AuditCriteria {
  /** One workspace's events; null for every event (admins only). */
  workspace: string | null;
  after: string | null;
  limit: number;
}
