import { badInput, notFound, quoted } from '../errors';
import { accessChanged } from './identity-cache';
import { ROLES, type Role } from '../auth/principal';
import { grantRepository as repo } from '../graph/grant.repository';
import { workspaceRepository } from '../graph/workspace.repository';
import type { GrantRecord } from '../domain/grant';
import { refuseDeleted } from './lifecycle-guard';
import { pageWindow, stringKey, toPage, type Page, type PageRequest } from './pagination';
import { nowIso } from './validate';
import type { ServiceDeps } from './deps';

/** `user:<subject>` (an SSO user) or `group:<name>` (an SSO group); printable, no spaces. */
const SUBJECT = /^(user|group):[^\s\p{Cc}]{1,255}$/u;

/** Roles in a workspace for SSO users and groups: given and taken by its owners (or admins). */
export class GrantService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Gives `subject` `role` in `workspace`, replacing the role it had there. */
  async grant(workspace: string, subject: string, role: Role): Promise<GrantRecord> {
    await this.requireOwner(workspace, subject);
    checkSubject(subject);
    checkRole(role);
    const granted = await this.deps.graph.write(async (tx) => {
      const [found] = await workspaceRepository.getMany(tx, [workspace]);
      if (!found) throw notFound('Workspace', workspace);
      await refuseDeleted(tx, { workspace });
      return repo.put(tx, { workspace, subject, role, grantedBy: this.deps.caller.id }, nowIso());
    });
    accessChanged();
    return granted;
  }

  /** Takes `subject`'s role in `workspace` away; answers the grant it was (NOT_FOUND when none). */
  async revoke(workspace: string, subject: string): Promise<GrantRecord> {
    await this.requireOwner(workspace, subject);
    checkSubject(subject);
    const removed = await this.deps.graph.write((tx) => repo.remove(tx, workspace, subject), { oneStatement: true });
    accessChanged();
    if (!removed) throw notFound('Grant', `${workspace} ${subject}`);
    return removed;
  }

  /** A workspace's grants in subject order (its owners and admins). */
  async list(workspace: string, req: PageRequest): Promise<Page<GrantRecord>> {
    await this.deps.access.require(
      'own',
      { workspace, objectType: 'Workspace', objectId: workspace },
      { action: 'workspaceGrants' },
    );
    const window = pageWindow(req, stringKey);
    const rows = await this.deps.graph.read((tx) =>
      repo.list(tx, { workspace, after: window.after, limit: window.limit }),
    );
    return toPage(rows, window, (g) => g.subject);
  }

  private async requireOwner(workspace: string, subject: string): Promise<void> {
    this.deps.audit.target({ workspace, objectType: 'Grant', objectId: subject });
    await this.deps.access.require('own', { workspace, objectType: 'Workspace', objectId: workspace });
  }
}

function checkSubject(subject: string): void {
  if (!SUBJECT.test(subject)) {
    throw badInput(
      `Subject ${quoted(subject)} is not one: use "user:<SSO subject>" for a person or "group:<SSO group>" for a group, e.g. "group:data-science".`,
      { field: 'subject' },
    );
  }
}

function checkRole(role: string): void {
  if (!ROLES.includes(role as Role)) {
    throw badInput(`Role ${quoted(role)} is not one of ${ROLES.join(', ')}.`, { field: 'role' });
  }
}
