import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MIGRATIONS_DIR } from '../paths';
import { setTimeout as delay } from 'node:timers/promises';
import type { GraphExecutor } from './executor';
import * as Q from './migrations.cypher';

/**
 * Append-only migrations: `migrations/NNNN_name.cypher`, applied in version order, each recorded
 * as a (:SkeinMigration) node. A lease lock in the graph makes concurrent starters apply each
 * migration exactly once; the others wait for the holder and then find nothing left to do.
 * An applied migration whose file changed (or vanished) stops start-up: editing history silently
 * would leave databases that claim the same version but differ.
 */

export interface MigrationFile {
  version: number;
  name: string;
  checksum: string;
  statements: string[];
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  appliedAt: string;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.cypher$/;
/** The ledger of Skein's own migrations; tests use ledgers of their own on the shared database. */
export const DEFAULT_LEDGER = 'skein';
const LEASE_MS = 5 * 60_000;

export async function readMigrationFiles(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.cypher')).sort();
  const files = await Promise.all(names.map((n) => readMigrationFile(dir, n)));
  files.forEach((f, i) => {
    if (f.version !== i + 1)
      throw new MigrationError(`Migration versions must run 1, 2, 3…; found ${f.version} at position ${i + 1}.`);
  });
  return files;
}

async function readMigrationFile(dir: string, fileName: string): Promise<MigrationFile> {
  const match = FILE_PATTERN.exec(fileName);
  if (!match) throw new MigrationError(`Migration file "${fileName}" must be named NNNN_lower_snake_name.cypher.`);
  const text = await readFile(path.join(dir, fileName), 'utf8');
  return {
    version: Number(match[1]),
    name: match[2]!,
    checksum: createHash('sha256').update(text).digest('hex'),
    statements: splitStatements(text),
  };
}

/** One statement per `;`; `//` comment lines are dropped. Migrations hold schema commands only. */
export function splitStatements(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !line.trim().startsWith('//'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Applied migrations that no longer match their files: a non-empty answer means "refuse to start". */
export function findChangedMigrations(applied: AppliedMigration[], files: MigrationFile[]): string[] {
  const byVersion = new Map(files.map((f) => [f.version, f]));
  return applied.flatMap((a) => {
    const file = byVersion.get(a.version);
    if (!file) return [`migration ${pad(a.version)}_${a.name} was applied but its file is missing`];
    if (file.checksum !== a.checksum) {
      return [`migration ${pad(a.version)}_${a.name} was changed after it was applied (add a new migration instead)`];
    }
    return [];
  });
}

export async function appliedMigrations(graph: GraphExecutor, ledger = DEFAULT_LEDGER): Promise<AppliedMigration[]> {
  return graph.read((tx) => tx.run<AppliedMigration>(Q.APPLIED_MIGRATIONS, { ledger }));
}

/** Pending migrations, or throws when history was changed. Used by /readyz and `migrate --check`. */
export async function pendingMigrations(
  graph: GraphExecutor,
  options: { files?: MigrationFile[]; ledger?: string } = {},
): Promise<MigrationFile[]> {
  const all = options.files ?? (await readMigrationFiles());
  const applied = await appliedMigrations(graph, options.ledger);
  const changed = findChangedMigrations(applied, all);
  if (changed.length > 0) throw new MigrationError(`Refusing to start: ${changed.join('; ')}.`);
  const done = new Set(applied.map((a) => a.version));
  return all.filter((f) => !done.has(f.version));
}

export interface MigrateOptions {
  dir?: string;
  ledger?: string;
  /** Before a migration runs: some rewrite every node of a kind and take minutes on a large graph. */
  onApplying?: (m: MigrationFile) => void;
  onApplied?: (m: MigrationFile) => void;
  /** How long to wait for another instance that holds the lock. */
  waitMs?: number;
}

/** Applies every pending migration exactly once, even with several instances starting together. */
export async function migrate(graph: GraphExecutor, options: MigrateOptions = {}): Promise<MigrationFile[]> {
  const files = await readMigrationFiles(options.dir);
  const ledger = options.ledger ?? DEFAULT_LEDGER;
  for (const statement of Q.BOOTSTRAP) await runSchemaIdempotent(graph, statement);
  if ((await pendingMigrations(graph, { files, ledger })).length === 0) return [];
  const lock = { name: `migrations:${ledger}`, holder: randomUUID() };
  await acquireLock(graph, lock, options.waitMs ?? LEASE_MS);
  try {
    // Read again under the lock: another instance may have applied them while we waited.
    const pending = await pendingMigrations(graph, { files, ledger });
    for (const m of pending) {
      options.onApplying?.(m);
      await applyOne(graph, m, ledger);
      options.onApplied?.(m);
    }
    return pending;
  } finally {
    await graph.write((tx) => tx.run(Q.RELEASE_LOCK, lock));
  }
}

async function applyOne(graph: GraphExecutor, m: MigrationFile, ledger: string): Promise<void> {
  for (const statement of m.statements) await graph.runSchema(statement);
  await graph.write((tx) =>
    tx.run(Q.RECORD_MIGRATION, {
      ledger,
      version: m.version,
      name: m.name,
      checksum: m.checksum,
      appliedAt: new Date().toISOString(),
    }),
  );
}

async function acquireLock(
  graph: GraphExecutor,
  lock: { name: string; holder: string },
  waitMs: number,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    const now = Date.now();
    const rows = await graph.write((tx) =>
      tx.run<{ holder: string }>(Q.ACQUIRE_LOCK, {
        ...lock,
        now: new Date(now).toISOString(),
        expiresAt: new Date(now + LEASE_MS).toISOString(),
      }),
    );
    if (rows[0]?.holder === lock.holder) return;
    if (Date.now() > deadline) throw new MigrationError('Timed out waiting for another instance to finish migrating.');
    await delay(Math.min(1000, 50 * 2 ** attempt)); // back off while the other instance works
  }
}

/** Two instances may race on the same IF NOT EXISTS statement; the loser's error is harmless. */
async function runSchemaIdempotent(graph: GraphExecutor, statement: string): Promise<void> {
  try {
    await graph.runSchema(statement);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (!code.includes('EquivalentSchemaRuleAlreadyExists') && !code.includes('ConstraintAlreadyExists')) throw err;
  }
}

const pad = (v: number) => String(v).padStart(4, '0');
