import { appliedMigrations } from '../graph/migrations';
import { PACKAGE_VERSION } from '../paths';
import type { ServiceDeps } from '.';

export interface ServerInfo {
  version: string;
  schemaVersion: number;
}

export class SystemService {
  constructor(private readonly deps: ServiceDeps) {}

  async serverInfo(): Promise<ServerInfo> {
    const applied = await appliedMigrations(this.deps.graph);
    return { version: PACKAGE_VERSION, schemaVersion: applied.at(-1)?.version ?? 0 };
  }
}
