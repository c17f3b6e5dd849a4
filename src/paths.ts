import { existsSync } from 'node:fs';
import path from 'node:path';

/** The repository root, found the same way from src/ (ts-jest) and from dist/src/ (built). */
function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'migrations'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`Cannot find the Skein project root above ${start}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');
export const SCHEMA_FILE = path.join(PROJECT_ROOT, 'schema', 'schema.graphql');

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const PACKAGE_VERSION = (require(path.join(PROJECT_ROOT, 'package.json')) as { version: string }).version;
