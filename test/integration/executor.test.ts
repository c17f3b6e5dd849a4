import { QueryStats, type WriteHook } from '../../src/graph/executor';
import { ErrorCode, SkeinError } from '../../src/errors';
import { testGraph, uniqueName } from '../helpers/skein';

/** The one door to Neo4j: managed and one-statement writes on the real database. */
describe('the graph executor', () => {
  const { driver, graph: plain } = testGraph();
  const stats = new QueryStats();
  const graph = plain.withStats(stats);
  const label = uniqueName('ExecProbe').replace(/-/g, '_');

  // Its own label and uniqueness rule: this suite starts no Skein, so on a fresh database Skein's
  // migrations (and their Workspace rule) may not exist yet, and nodes it made there would break them.
  const rule = `${label}_name`;
  beforeAll(() => graph.runSchema(`CREATE CONSTRAINT ${rule} IF NOT EXISTS FOR (n:${label}) REQUIRE n.name IS UNIQUE`));

  afterAll(async () => {
    await graph.write((tx) => tx.run(`MATCH (n:${label}) DELETE n`));
    await graph.runSchema(`DROP CONSTRAINT ${rule} IF EXISTS`);
    await driver.close();
  });

  const count = async (name: string) =>
    (
      await graph.read((tx) => tx.run<{ n: number }>(`MATCH (x:${label} {name: $name}) RETURN count(x) AS n`, { name }))
    )[0]!.n;

  it('commits a one-statement write as its own transaction, and counts its queries', async () => {
    const before = stats.queries;
    const rows = await graph.write(
      (tx) => tx.run<{ name: string }>(`CREATE (x:${label} {name: $name}) RETURN x.name AS name`, { name: 'one' }),
      { oneStatement: true },
    );
    expect(rows).toEqual([{ name: 'one' }]);
    expect(stats.queries - before).toBe(1);
    expect(await count('one')).toBe(1);
  });

  it('leaves nothing behind when the statement fails, and reports it as a Skein error', async () => {
    const failing = graph.write(
      (tx) => tx.run(`CREATE (x:${label} {name: $name}) WITH x RETURN 1 / 0 AS boom`, { name: 'half' }),
      { oneStatement: true },
    );
    await expect(failing).rejects.toThrow(/by zero/i);
    expect(await count('half')).toBe(0);
  });

  it('turns a uniqueness violation into CONFLICT on both paths', async () => {
    const create = `CREATE (:${label} {name: $name})`;
    await graph.write((tx) => tx.run(create, { name: 'unique' }), { oneStatement: true });
    for (const oneStatement of [true, false]) {
      const again = graph.write((tx) => tx.run(create, { name: 'unique' }), { oneStatement });
      await expect(again).rejects.toBeInstanceOf(SkeinError);
      await expect(again).rejects.toMatchObject({ code: 'CONFLICT' });
    }
    expect(await count('unique')).toBe(1);
  });

  /** A hook that records by creating a probe node named `record`, as the audit trail creates its event. */
  const recording = (record: string): WriteHook => {
    let open = true;
    return {
      pending: () => open,
      write: async (tx) => void (await tx.run(`CREATE (:${label} {name: $record})`, { record })),
      prelude: () =>
        open
          ? { cypher: `CALL () { CREATE (:${label} {name: $probeRecord}) }`, params: { probeRecord: record } }
          : null,
      committed: () => void (open = false),
    };
  };
  const createIf = `UNWIND CASE WHEN $made THEN [1] ELSE [] END AS go CREATE (x:${label} {name: $name}) RETURN x.name AS name, $stands AS stands`;
  const notThere = new SkeinError(ErrorCode.NOT_FOUND, 'explained');

  it('joins a record to a one-statement write in one statement, committed with it and rolled back with it', async () => {
    const before = stats.queries;
    await graph
      .withWriteHook(recording('rec-joined'))
      .write((tx) => tx.run(createIf, { name: 'joined', made: true, stands: true }), {
        oneStatement: true,
      });
    expect(stats.queries - before).toBe(1);
    expect([await count('joined'), await count('rec-joined')]).toEqual([1, 1]);
    const explained = graph.withWriteHook(recording('rec-explained')).write(
      async (tx) => {
        if ((await tx.run(createIf, { name: 'explained', made: false, stands: true })).length === 0) throw notThere;
      },
      { oneStatement: true },
    );
    await expect(explained).rejects.toBe(notThere);
    expect(await count('rec-explained')).toBe(0);
  });

  it('writes the record on the row of a write that stands (recordIf), and only then', async () => {
    const write = (name: string, made: boolean, stands: boolean, throwing: boolean) =>
      graph.withWriteHook(recording(`rec-${name}`)).write(
        async (tx) => {
          const [row] = await tx.run<{ stands: boolean }>(createIf, { name, made, stands });
          if (throwing && (!row || !row.stands)) throw notThere;
        },
        { oneStatement: true, recordIf: 'stands' },
      );
    const before = stats.queries;
    await write('stood', true, true, true);
    expect(stats.queries - before).toBe(1); // one statement, one auto-commit transaction
    expect([await count('stood'), await count('rec-stood')]).toEqual([1, 1]);
    await expect(write('refused', true, false, true)).rejects.toBe(notThere);
    expect(await count('rec-refused')).toBe(0);
    await expect(write('missing', false, true, true)).rejects.toBe(notThere);
    expect(await count('rec-missing')).toBe(0);
    // No row, and the work answers all the same (a finish of a run that is not there): recorded.
    await write('absent', false, true, false);
    expect([await count('absent'), await count('rec-absent')]).toEqual([0, 1]);
  });

  it('keeps stack traces on for everything else after a query (capture is off only while one starts)', async () => {
    const limit = Error.stackTraceLimit;
    await graph.read((tx) => tx.run('RETURN 1 AS one'));
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('x').stack).toMatch(/\n\s+at /);
  });
});
