import { conflict, notFound, quoted } from '../errors';
import { accessChanged } from './identity-cache';
import { workspaceRepository as repo } from '../graph/workspace.repository';
import { pageWindow, toPage, stringKey, type Page, type PageRequest } from './pagination';
import { checkName, checkText, nowIso, toMap } from './validate';
import type { KeyValue } from '../domain/key-value';
import type { WorkspaceRecord } from '../domain/workspace';
import type { ServiceDeps } from './deps';
import { refuseDeleted } from './lifecycle-guard';
import { grantRepository } from '../graph/grant.repository';
import type { Tx } from '../graph/executor';

export interface CreateWorkspace {
  name: string;
  description?: string | null;
  labels?: KeyValue[] | null;
}

export interface UpdateWorkspace {
  description?: string | null;
  labels?: KeyValue[] | null;
}

const CREATE_REFUSAL =
  'Only a server admin or a user signed in through SSO may create a workspace; ask an admin to create it and make you its owner.';

export class WorkspaceService {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * A server admin, or an SSO user, creates a workspace; the SSO user becomes its OWNER in the same
   * transaction (an API token acts in the workspace it was made for and creates none).
   */
  async create(input: CreateWorkspace): Promise<WorkspaceRecord> {
    const name = checkName('Workspace name', 'name', input.name);
    checkText('description', input.description);
    const labels = toMap('labels', input.labels);
    const target = { workspace: name, objectType: 'Workspace', objectId: name };
    const { caller, access } = this.deps;
    if (caller.kind === 'sso' && !caller.admin) await access.requireSignedIn(target);
    else await access.requireAdmin(target, { refusal: CREATE_REFUSAL });
    try {
      const made = await this.deps.graph.write(async (tx) => {
        const created = await repo.create(tx, { name, description: input.description ?? null, labels }, nowIso());
        await this.ownedByCreator(tx, name);
        return created;
      });
      accessChanged(); // the creator's next request must see their new role (identity-cache.ts)
      return made;
    } catch (err) {
      if ((err as { code?: string }).code === 'CONFLICT')
        throw conflict(`Workspace ${quoted(name)} already exists.`, { name });
      throw err;
    }
  }

  /** An SSO user who creates a workspace owns it (admins own every workspace already). */
  private async ownedByCreator(tx: Tx, workspace: string): Promise<void> {
    const { caller } = this.deps;
    if (caller.kind !== 'sso' || caller.admin) return;
    await grantRepository.put(tx, { workspace, subject: caller.id, role: 'OWNER', grantedBy: caller.id }, nowIso());
  }

  /** A workspace's description and labels are its owners' to change. */
  async update(name: string, input: UpdateWorkspace): Promise<WorkspaceRecord> {
    checkText('description', input.description);
    const labels = input.labels ? toMap('labels', input.labels) : undefined;
    await this.deps.access.require('own', { workspace: name, objectType: 'Workspace', objectId: name });
    const updated = await this.deps.graph.write(async (tx) => {
      await refuseDeleted(tx, { workspace: name }); // a deleted workspace refuses changes
      return repo.update(tx, name, { description: input.description, labels }, nowIso());
    });
    if (!updated) throw notFound('Workspace', name);
    return updated;
  }

  /** One workspace; NOT_FOUND when there is none or the caller may not read it (the same answer). */
  async get(name: string): Promise<WorkspaceRecord> {
    await this.deps.access.require('read', { workspace: name, objectType: 'Workspace', objectId: name });
    const [found] = await this.deps.graph.read((tx) => repo.getMany(tx, [name]));
    if (!found) throw notFound('Workspace', name);
    return found;
  }

  /** Workspaces by name (a DataLoader batch); null where none exists or the caller may not read it. */
  async getMany(names: readonly string[]): Promise<Array<WorkspaceRecord | null>> {
    const found = await this.deps.graph.read((tx) => repo.getMany(tx, names));
    return found.map((w) => (w && this.deps.access.canRead(w.name) ? w : null));
  }

  /** Fails with NOT_FOUND unless the workspace exists: every create inside one checks first. */
  async mustExist(name: string): Promise<void> {
    await this.get(name);
  }

  async list(
    req: PageRequest & { namePrefix?: string | null; includeDeleted?: boolean | null },
  ): Promise<Page<WorkspaceRecord>> {
    const window = pageWindow(req, stringKey);
    await this.deps.access.requireSignedIn({ workspace: null, objectType: 'Workspace', objectId: null });
    const rows = await this.deps.graph.read((tx) =>
      repo.list(tx, {
        readable: this.deps.access.readScope(),
        prefix: req.namePrefix ?? '',
        after: window.after,
        limit: window.limit,
        includeDeleted: req.includeDeleted ?? false,
      }),
    );
    return toPage(rows, window, (w) => w.name);
  }
}
