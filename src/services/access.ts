import { forbidden, notFound, unauthenticated, type SkeinError } from '../errors';
import { isSignedIn, may, readableWorkspaceList, roleFor, roleIn, type Need, type Principal } from '../auth/principal';
import type { AuditTarget } from '../domain/audit';
import type { AuditTrail } from './audit';

/** What a use case authorizes: the workspace it acts in and the object (for the audit trail). */
export interface AccessTarget extends AuditTarget {
  workspace: string;
  /** What the refusal calls the object when it answers NOT_FOUND (`Run`, `Artifact`…). */
  objectType: string;
  /** The object as the caller named it (a uid, a URI), echoed by a NOT_FOUND refusal. */
  objectId: string;
}

export interface AccessOptions {
  /** The use case's name for the audit trail when the request is not a mutation (`downloadUrl`). */
  action?: string;
  /** requireAdmin's FORBIDDEN message when more than admins may do it (createWorkspace: SSO users too). */
  refusal?: string;
}

/**
 * The one authorization point of every use case. Each service method asks once, with the
 * workspace and the object it acts on, before it reads or writes anything of theirs:
 *
 * - what the caller may not read does not exist for them (NOT_FOUND, the same answer as for
 *   something that is not there, so ids and names do not leak);
 * - what they may read but not change is FORBIDDEN, naming the role it takes;
 * - a caller without credentials on a server that requires them is UNAUTHENTICATED.
 *
 * Every refusal is written to the audit trail before it is thrown; the first authorization of a
 * mutation names the workspace and object of its audit entry.
 */
export class Access {
  constructor(
    readonly caller: Principal,
    private readonly audit: AuditTrail,
  ) {}

  /** Workspaces a list or search may show; null when the caller may read every one. */
  readScope(): string[] | null {
    return readableWorkspaceList(this.caller);
  }

  canRead(workspace: string): boolean {
    return may(this.caller, 'read', workspace);
  }

  /** Refuses unless the caller may do `need` in the target's workspace. */
  async require(need: Need, target: AccessTarget, options: AccessOptions = {}): Promise<void> {
    this.audit.target(target);
    if (may(this.caller, need, target.workspace)) return;
    await this.refuse(this.refusal(need, target), target, options);
  }

  /** `require` for several targets at once (compareRuns): all must pass. */
  async requireAll(need: Need, targets: readonly AccessTarget[], options: AccessOptions = {}): Promise<void> {
    for (const t of targets) await this.require(need, t, options);
  }

  /** Refuses unless the caller is a server admin (admin tokens, the admin SSO groups, auth off). */
  async requireAdmin(target: AuditTarget, options: AccessOptions = {}): Promise<void> {
    this.audit.target(target);
    if (this.caller.admin) return;
    const refusal = this.signInFirst() ?? forbidden(options.refusal ?? 'Only a server admin may do this.');
    await this.refuse(refusal, target, options);
  }

  /** Refuses anonymous callers on a server that requires credentials. */
  async requireSignedIn(target: AuditTarget, options: AccessOptions = {}): Promise<void> {
    this.audit.target(target);
    const refusal = this.signInFirst();
    if (refusal) await this.refuse(refusal, target, options);
  }

  private refusal(need: Need, t: AccessTarget): SkeinError {
    const signIn = this.signInFirst();
    if (signIn) return signIn;
    if (!this.canRead(t.workspace)) return notFound(t.objectType, t.objectId);
    const role = roleIn(this.caller, t.workspace);
    return forbidden(
      `Your role in workspace "${t.workspace}" is ${role}; this takes ${roleFor(need)}. Ask an owner of "${t.workspace}" for it.`,
      { workspace: t.workspace, role, needs: roleFor(need) },
    );
  }

  private signInFirst(): SkeinError | null {
    if (isSignedIn(this.caller)) return null;
    return unauthenticated(
      'This Skein requires credentials: send "Authorization: Bearer <token>" (an API token from `skein token create`, or an access token of the SSO issuer). The CLI reads SKEIN_TOKEN.',
    );
  }

  private async refuse(err: SkeinError, target: AuditTarget, options: AccessOptions): Promise<never> {
    await this.audit.deny(this.audit.actionOr(options.action ?? 'read'), target, err.code);
    throw err;
  }
}
