import { clip } from '../errors';
import { auditRepository } from '../graph/audit.repository';
import type { GraphExecutor, Prelude, Tx, WriteHook } from '../graph/executor';
import type { Principal } from '../auth/principal';
import type { RequestOrigin } from '../auth/authenticator';
import type { AuditRecord, AuditTarget } from '../domain/audit';
import { newUid } from '../domain/uid';
import { nowIso } from './validate';
import type { FeedNotifier } from './feed-notifier';

/**
 * One request's audit trail. A mutation opens its entry before any service runs (`begin`, from
 * the GraphQL layer); the use case's authorization names the workspace and object (`target`); the
 * entry is written by the request's executor in the mutation's write transaction (WriteHook), so
 * it commits with the change or not at all. Reads that hand out something (a signed URL) record
 * with `recordNow`; refusals with `deny`, in their own transaction (the refused work never runs).
 */
export class AuditTrail implements WriteHook {
  private entry: { action: string; target: AuditTarget | null } | null = null;

  /**
   * @param graph the request's executor without this hook: refusals and read-side records are
   *   written on their own, never joined to a transaction that may roll back.
   */
  constructor(
    private readonly graph: GraphExecutor,
    private readonly caller: Principal,
    private readonly origin: RequestOrigin,
    private readonly feed?: FeedNotifier,
  ) {}

  /** Opens the entry of a mutation (`action` is its name); it is written with its first write. */
  begin(action: string): void {
    this.entry = { action, target: null };
  }

  /**
   * Names what the open entry is about; the first authorization of a use case wins, except that a
   * create, authorized on its workspace, is then named by what it made (a run, an artifact version)
   * in that workspace: the change feed tells consumers which object it was.
   */
  target(target: AuditTarget): void {
    const held = this.entry?.target;
    if (this.entry && (!held || madeIn(held, target))) this.entry.target = target;
  }

  pending(): boolean {
    return this.entry !== null;
  }

  /** The mutation's entry is a change: numbered in its workspace's feed as it commits (domain/feed.ts). */
  async write(tx: Tx): Promise<void> {
    const e = this.entry;
    if (e) await auditRepository.appendChanges(tx, [this.record(e.action, 'OK', e.target, null)]);
  }

  prelude(): Prelude | null {
    const e = this.entry;
    return e ? auditRepository.changesPrelude([this.record(e.action, 'OK', e.target, null)]) : null;
  }

  /** The entry committed: followers of its workspace's change feed may read it now. */
  committed(): void {
    const workspace = this.entry?.target?.workspace;
    this.entry = null;
    if (workspace) this.feed?.notify(workspace);
  }

  /**
   * The open entry as a record for a write that writes it itself, and the entry closed: an
   * OpenLineage event applied in a group (src/services/openlineage/group.ts), whose transaction
   * holds other events' (and other requests') entries, each with its own actor, ip and request id.
   */
  takeEntry(): AuditRecord | null {
    const e = this.entry;
    this.entry = null;
    return e ? this.record(e.action, 'OK', e.target, null) : null;
  }

  /** A record taken with `takeEntry` committed: followers of its workspace's change feed may read it now. */
  announce(record: AuditRecord): void {
    if (record.workspace) this.feed?.notify(record.workspace);
  }

  /** Records something a read handed out (a signed download URL), in its own transaction. */
  recordNow(action: string, target: AuditTarget): Promise<void> {
    return this.recordAllNow(action, [target]);
  }

  /** `recordNow` for many targets in one transaction (the download URLs of a list, batched). */
  async recordAllNow(action: string, targets: readonly AuditTarget[]): Promise<void> {
    if (targets.length > 0) await this.append(targets.map((t) => this.record(action, 'OK', t, null)));
  }

  /** Records a refused request, in its own transaction (nothing of the refused work is written). */
  async deny(action: string, target: AuditTarget, reason: string): Promise<void> {
    if (this.entry) this.entry = null; // the mutation is refused: nothing else of it is recorded
    await this.append([this.record(action, 'DENIED', target, reason)]);
  }

  /** The open mutation's name, or `fallback` for a read. */
  actionOr(fallback: string): string {
    return this.entry?.action ?? fallback;
  }

  private append(records: AuditRecord[]): Promise<void> {
    return this.graph.write((tx) => auditRepository.append(tx, records), { oneStatement: true });
  }

  private record(action: string, outcome: AuditRecord['outcome'], t: AuditTarget | null, reason: string | null) {
    return {
      id: newUid(),
      at: nowIso(),
      actor: this.caller.id,
      action,
      outcome,
      workspace: clipped(t?.workspace),
      objectType: t?.objectType ?? null,
      objectId: clipped(t?.objectId),
      reason,
      ip: this.origin.ip,
      requestId: this.origin.requestId,
    } satisfies AuditRecord;
  }
}

/** True when `made` names an object inside the workspace `held` names as a whole. */
function madeIn(held: AuditTarget, made: AuditTarget): boolean {
  const isObject = made.objectType != null && made.objectType !== 'Workspace' && made.objectId != null;
  return held.objectType === 'Workspace' && isObject && made.workspace === held.workspace;
}

/** A trail that records nothing: background work (sweeps) and service-level tests. */
export class SilentAuditTrail extends AuditTrail {
  override pending(): boolean {
    return false;
  }
  override takeEntry(): AuditRecord | null {
    super.takeEntry();
    return null;
  }
  override recordAllNow(): Promise<void> {
    return Promise.resolve();
  }
  override deny(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * What a client named, as the trail keeps it: a refused request may name a 70,000-character
 * "workspace", and an indexed property that long cannot be stored (the (workspace, id) index).
 */
const clipped = (value: string | null | undefined): string | null => (value == null ? null : clip(value, AUDIT_ECHO));
const AUDIT_ECHO = 256;
