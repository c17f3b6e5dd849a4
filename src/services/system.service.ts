import { appliedMigrations } from '../graph/migrations';
import { PACKAGE_VERSION } from '../paths';
import { type ServerInfoRecord } from '../domain/system';
import type { ServiceDeps } from './deps';

export class SystemService {
  constructor(private readonly deps: ServiceDeps) {}

  async serverInfo(): Promise<ServerInfoRecord> {
    const applied = await appliedMigrations(this.deps.graph);
    return { version: PACKAGE_VERSION, schemaVersion: applied.at(-1)?.version ?? 0 };
  }
}
