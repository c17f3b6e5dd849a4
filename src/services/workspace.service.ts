import { conflict, notFound, quoted } from '../errors';
import { workspaceRepository as repo } from '../graph/workspace.repository';
import { pageWindow, toPage, stringKey, type Page, type PageRequest } from './pagination';
import { checkName, checkText, nowIso, toMap } from './validate';
import type { KeyValue } from '../domain/key-value';
import type { WorkspaceRecord } from '../domain/workspace';
import type { ServiceDeps } from './deps';
import { refuseDeleted } from './lifecycle-guard';

export interface CreateWorkspace {
  name: string;
  description?: string | null;
  labels?: KeyValue[] | null;
}

export interface UpdateWorkspace {
  description?: string | null;
  labels?: KeyValue[] | null;
}

export class WorkspaceService {
  constructor(private readonly deps: ServiceDeps) {}

  async create(input: CreateWorkspace): Promise<WorkspaceRecord> {
    const name = checkName('Workspace name', 'name', input.name);
    checkText('description', input.description);
    const labels = toMap('labels', input.labels);
    try {
      return await this.deps.graph.write((tx) =>
        repo.create(tx, { name, description: input.description ?? null, labels }, nowIso()),
      );
    } catch (err) {
      if ((err as { code?: string }).code === 'CONFLICT')
        throw conflict(`Workspace ${quoted(name)} already exists.`, { name });
      throw err;
    }
  }

  async update(name: string, input: UpdateWorkspace): Promise<WorkspaceRecord> {
    checkText('description', input.description);
    const labels = input.labels ? toMap('labels', input.labels) : undefined;
    const updated = await this.deps.graph.write(async (tx) => {
      await refuseDeleted(tx, { workspace: name }); // a deleted workspace refuses changes
      return repo.update(tx, name, { description: input.description, labels }, nowIso());
    });
    if (!updated) throw notFound('Workspace', name);
    return updated;
  }

  async get(name: string): Promise<WorkspaceRecord> {
    const [found] = await this.getMany([name]);
    if (!found) throw notFound('Workspace', name);
    return found;
  }

  getMany(names: readonly string[]): Promise<Array<WorkspaceRecord | null>> {
    return this.deps.graph.read((tx) => repo.getMany(tx, names));
  }

  /** Fails with NOT_FOUND unless the workspace exists: every create inside one checks first. */
  async mustExist(name: string): Promise<void> {
    await this.get(name);
  }

  async list(
    req: PageRequest & { namePrefix?: string | null; includeDeleted?: boolean | null },
  ): Promise<Page<WorkspaceRecord>> {
    const window = pageWindow(req, stringKey);
    const rows = await this.deps.graph.read((tx) =>
      repo.list(tx, {
        prefix: req.namePrefix ?? '',
        after: window.after,
        limit: window.limit,
        includeDeleted: req.includeDeleted ?? false,
      }),
    );
    return toPage(rows, window, (w) => w.name);
  }
}
