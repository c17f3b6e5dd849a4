import { auditRepository } from '../graph/audit.repository';
import type { AuditRecord } from '../domain/audit';
import type { ServiceDeps } from './deps';
import { pageWindow, stringKey, toPage, type Page, type PageRequest } from './pagination';
import { checkName } from './validate';

/** Reading the audit trail: a workspace's owners read theirs, admins read everything. */
export class AuditService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Events oldest first, a page at a time; `workspace` null (or absent) is every event, for admins. */
  async list(req: PageRequest & { workspace?: string | null }): Promise<Page<AuditRecord>> {
    const workspace = req.workspace == null ? null : checkName('Workspace name', 'workspace', req.workspace);
    const options = { action: 'auditEvents' };
    if (workspace === null) await this.deps.access.requireAdmin({ workspace: null }, options);
    else {
      const target = { workspace, objectType: 'Workspace', objectId: workspace };
      await this.deps.access.require('own', target, options);
    }
    const window = pageWindow(req, stringKey);
    const rows = await this.deps.graph.read((tx) => auditRepository.list(tx, { workspace, ...window }));
    return toPage(rows, window, (e) => e.id);
  }
}
