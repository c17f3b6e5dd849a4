import { mkdtemp, writeFile, appendFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  MigrationError,
  appliedMigrations,
  migrate,
  pendingMigrations,
  readMigrationFiles,
} from '../../src/graph/migrations';
import { testGraph, uniqueName } from '../helpers/skein';

/** Each test migrates its own ledger (and its own index names), so it never disturbs Skein's. */
describe('migrations on the real Neo4j', () => {
  const { driver, graph } = testGraph();
  let dir: string;
  let ledger: string;

  beforeEach(async () => {
    ledger = uniqueName('ledger').replace(/-/g, '_');
    dir = await mkdtemp(path.join(os.tmpdir(), 'skein-migrations-'));
    await writeFile(
      path.join(dir, '0001_first.cypher'),
      `CREATE INDEX ${ledger}_a IF NOT EXISTS FOR (n:${ledger}) ON (n.a);\n`,
    );
    await writeFile(
      path.join(dir, '0002_second.cypher'),
      `CREATE INDEX ${ledger}_b IF NOT EXISTS FOR (n:${ledger}) ON (n.b);\n`,
    );
  });

  afterEach(async () => {
    await graph.write((tx) => tx.run('MATCH (m:SkeinMigration {ledger: $ledger}) DELETE m', { ledger }));
    for (const suffix of ['a', 'b']) await graph.runSchema(`DROP INDEX ${ledger}_${suffix} IF EXISTS`);
    await rm(dir, { recursive: true, force: true });
  });

  afterAll(() => driver.close());

  it('applies each migration exactly once when two instances start together', async () => {
    const appliedBy: string[] = [];
    const [a, b] = await Promise.all([
      migrate(graph, { dir, ledger, onApplied: (m) => appliedBy.push(`a:${m.version}`) }),
      migrate(graph, { dir, ledger, onApplied: (m) => appliedBy.push(`b:${m.version}`) }),
    ]);
    expect(a.length + b.length).toBe(2);
    expect(appliedBy.map((s) => s.split(':')[1]).sort()).toEqual(['1', '2']);
    const applied = await appliedMigrations(graph, ledger);
    expect(applied.map((m) => [m.version, m.name])).toEqual([
      [1, 'first'],
      [2, 'second'],
    ]);
    expect(applied.every((m) => /^\d{4}-\d\d-\d\dT/.test(m.appliedAt) && m.checksum.length === 64)).toBe(true);
    const indexes = await graph.read((tx) =>
      tx.run<{ name: string }>('SHOW INDEXES YIELD name WHERE name STARTS WITH $p RETURN name', { p: ledger }),
    );
    expect(indexes.map((i) => i.name).sort()).toEqual([`${ledger}_a`, `${ledger}_b`]);
    expect(await migrate(graph, { dir, ledger })).toEqual([]);
  });

  it('refuses to run when an applied migration file has changed', async () => {
    await migrate(graph, { dir, ledger });
    await appendFile(path.join(dir, '0001_first.cypher'), '// an innocent-looking edit\n');
    await expect(migrate(graph, { dir, ledger })).rejects.toThrow(MigrationError);
    await expect(migrate(graph, { dir, ledger })).rejects.toThrow(/0001_first was changed after it was applied/);
    // /readyz asks the same question, so a changed migration also keeps the service not-ready.
    await expect(pendingMigrations(graph, { ledger, files: await readMigrationFiles(dir) })).rejects.toThrow(
      MigrationError,
    );
  });

  it('applies only what is new', async () => {
    await migrate(graph, { dir, ledger });
    await writeFile(path.join(dir, '0003_third.cypher'), `DROP INDEX ${ledger}_b IF EXISTS;\n`);
    const applied = await migrate(graph, { dir, ledger });
    expect(applied.map((m) => m.version)).toEqual([3]);
  });
});

/** Data migrations shipped with Skein, run against nodes shaped as older versions stored them. */
describe('project data migrations', () => {
  const { driver, graph } = testGraph();
  afterAll(() => driver.close());

  it("0007 copies a model's training dataset out of its spec onto the node", async () => {
    const [file] = (await readMigrationFiles()).filter((f) => f.name === 'training_dataset_link');
    const backfill = file!.statements.find((s) => s.startsWith('MATCH'))!;
    const uid = uniqueName('model');
    const spec = JSON.stringify({ framework: 'sklearn', trainingDatasetUid: 'dataset-uid-1', metrics: { a: 1 } });
    await graph.write((tx) =>
      tx.run('CREATE (:Artifact {uid: $uid, workspace: $uid, key: "m", spec: $spec})', { uid, spec }),
    );
    try {
      await graph.runSchema(backfill);
      const [row] = await graph.read((tx) =>
        tx.run<{ link: string | null }>('MATCH (a:Artifact {uid: $uid}) RETURN a.trainingDatasetUid AS link', { uid }),
      );
      expect(row!.link).toBe('dataset-uid-1');
    } finally {
      await graph.write((tx) => tx.run('MATCH (a:Artifact {uid: $uid}) DELETE a', { uid }));
    }
  });
});
