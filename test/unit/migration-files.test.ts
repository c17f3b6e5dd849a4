import { findChangedMigrations, readMigrationFiles, splitStatements } from '../../src/graph/migrations';

describe('migration files', () => {
  it('splits statements on semicolons and drops comment lines', () => {
    const text =
      '// a comment; with a semicolon\nCREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x);\n\nCREATE INDEX b IF NOT EXISTS\n  FOR (n:B) ON (n.y);\n';
    expect(splitStatements(text)).toEqual([
      'CREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x)',
      'CREATE INDEX b IF NOT EXISTS\n  FOR (n:B) ON (n.y)',
    ]);
  });

  it('reads the project migrations in order, numbered from 1', async () => {
    const files = await readMigrationFiles();
    expect(files.map((f) => f.version)).toEqual(files.map((_, i) => i + 1));
    expect(files[0]?.name).toBe('core_model');
    expect(files[0]?.statements.length).toBeGreaterThan(5);
  });

  it('reports applied migrations whose file changed or vanished', () => {
    const files = [{ version: 1, name: 'one', checksum: 'aaa', statements: [] }];
    const applied = [
      { version: 1, name: 'one', checksum: 'bbb', appliedAt: '2026-01-01T00:00:00.000Z' },
      { version: 2, name: 'two', checksum: 'ccc', appliedAt: '2026-01-01T00:00:00.000Z' },
    ];
    expect(findChangedMigrations(applied, files)).toEqual([
      'migration 0001_one was changed after it was applied (add a new migration instead)',
      'migration 0002_two was applied but its file is missing',
    ]);
    expect(findChangedMigrations(applied.slice(0, 1), [{ ...files[0]!, checksum: 'bbb' }])).toEqual([]);
  });
});
