import { makePrincipal, OPEN } from '../../src/auth/principal';
import { createServices } from '../../src/services';
import { AuditTrail } from '../../src/services/audit';
import type { OpenLineageEvent } from '../../src/domain/openlineage';
import { gqlOk, uniqueName, useTestSkein } from '../helpers/skein';
import {
  columnLineageFacet,
  dataset,
  minute,
  newRunId,
  parentFacet,
  permutations,
  runEvent,
  schemaFacet,
  type JobRun,
} from '../helpers/openlineage';

/**
 * OpenLineage ingest through the service (createServices, as the HTTP endpoint calls it): the
 * mapping onto Skein's graph, read back as a normalized dump (no uids, no server clock) and through
 * GraphQL lineage; order-proof and idempotent.
 */

const t = useTestSkein();
const services = () => createServices({ graph: t.skein.graph, caller: OPEN });
const ingest = (e: OpenLineageEvent) => services().openLineage.ingest(e);
const ingestAll = async (events: readonly OpenLineageEvent[]) => {
  for (const e of events) await ingest(e);
};

/** The workspace's OpenLineage graph without uids or server times: what order must not change. */
async function dump(workspace: string) {
  const [row] = await t.skein.graph.read((tx) =>
    tx.run<Record<string, unknown[]>>(
      `
      CALL () {
        MATCH (e:Execution {workspace: $ws}) WHERE e.olRunId IS NOT NULL
        MATCH (e)-[:IN_RUN]->(r:Run)
        WITH e, r ORDER BY e.olRunId
        RETURN collect([e.name, r.name, properties(e), properties(r)]) AS executions
      }
      CALL () {
        MATCH (a:Artifact {workspace: $ws})
        WITH a ORDER BY a.key, a.version
        RETURN collect([a.key, a.version, properties(a)]) AS versions
      }
      CALL () {
        MATCH (a:Artifact {workspace: $ws})-[ev:INPUT]->(e:Execution)
        WITH a, ev, e ORDER BY e.name, a.key
        RETURN collect([a.key, a.version, 'INPUT', e.name, ev.at, ev.olFacets]) AS inputs
      }
      CALL () {
        MATCH (e:Execution {workspace: $ws})-[ev:OUTPUT]->(a:Artifact)
        WITH a, ev, e ORDER BY e.name, a.key
        RETURN collect([e.name, 'OUTPUT', a.key, a.version, ev.at]) AS outputs
      }
      CALL () {
        MATCH (o:Artifact {workspace: $ws})-[c:COLUMN_FROM]->(i:Artifact)
        WITH o, c, i ORDER BY o.key, c.column, i.key, c.field
        RETURN collect([o.key, o.version, c.column, i.key, i.version, c.field, c.transformations]) AS columns
      }
      RETURN executions, versions, inputs, outputs, columns`,
      { ws: workspace },
    ),
  );
  const drop = ['uid', 'createdAt', 'runUid', 'producerUid', 'olRunId', 'workspace'];
  const strip = (p: unknown, more: string[] = []) =>
    Object.fromEntries(Object.entries(p as Record<string, unknown>).filter(([k]) => ![...drop, ...more].includes(k)));
  return {
    executions: (row!.executions as unknown[][]).map(([e, r, pe, pr]) => [
      e,
      r,
      strip(pe, ['olNamespace']),
      strip(pr, ['olNamespace']),
    ]),
    versions: (row!.versions as unknown[][]).map(([k, v, p]) => [k, v, strip(p)]),
    inputs: row!.inputs,
    outputs: row!.outputs,
    columns: row!.columns,
  };
}

describe('OpenLineage ingest', () => {
  it('maps a job run (START, COMPLETE) onto a run, an execution and dataset versions', async () => {
    const ns = uniqueName('ol');
    const run: JobRun = {
      namespace: ns,
      job: 'load_orders',
      runId: newRunId(),
      inputs: [dataset('postgres://db:5432', 'public.raw_orders', { schema: schemaFacet([['id', 'int']]) })],
      outputs: [
        dataset('s3://lake', 'orders', {
          schema: schemaFacet([
            ['id', 'int'],
            ['total', 'double'],
          ]),
          columnLineage: columnLineageFacet({ id: [['postgres://db:5432', 'public.raw_orders', 'id']] }),
        }),
      ],
    };
    const started = await ingest(runEvent(run, 'START', minute(0)));
    expect(started).toMatchObject({ kind: 'run', workspace: ns, workspaceCreated: true, state: 'RUNNING' });
    expect(started.versionsCreated).toHaveLength(1); // the input's placeholder version
    const done = await ingest(runEvent(run, 'COMPLETE', minute(5)));
    expect(done).toMatchObject({ executionUid: started.executionUid, runUid: started.runUid, state: 'COMPLETED' });
    expect(done.versionsCreated).toHaveLength(1);
    const d = await dump(ns);
    expect(d.executions).toEqual([
      [
        'load_orders',
        'load_orders',
        expect.objectContaining({ state: 'COMPLETED', startedAt: minute(0), finishedAt: minute(5) }),
        expect.objectContaining({ state: 'COMPLETED', startedAt: minute(0), finishedAt: minute(5) }),
      ],
    ]);
    expect(d.outputs).toEqual([
      ['load_orders', 'OUTPUT', expect.stringMatching(/^s3\/lake\/orders-[0-9a-f]{12}$/), 1, minute(5)],
    ]);
    expect(d.columns).toHaveLength(1);
    const again = await ingest(runEvent(run, 'COMPLETE', minute(5)));
    expect(again.versionsCreated).toEqual([]);
    expect(await dump(ns)).toEqual(d);
  });

  /** A small job: reads a table, writes one with schema and column lineage. */
  const smallJob = (namespace: string, extra: Partial<JobRun> = {}): JobRun => ({
    namespace,
    job: 'daily_totals',
    runId: newRunId(),
    inputs: [dataset('postgres://db', 'public.orders', { schema: schemaFacet([['total', 'double']]) })],
    outputs: [
      dataset('s3://lake', 'totals', {
        schema: schemaFacet([['total', 'double']]),
        columnLineage: columnLineageFacet({ total: [['postgres://db', 'public.orders', 'total']] }),
      }),
    ],
    ...extra,
  });

  const errorFacet = { _producer: 'x', _schemaURL: 'y', message: 'division by zero', programmingLanguage: 'python' };

  const orders: Array<[string, (run: JobRun) => OpenLineageEvent[]]> = [
    [
      'START, RUNNING, COMPLETE',
      (run) => [
        runEvent(run, 'START', minute(0)),
        runEvent(run, 'RUNNING', minute(1), {
          run: {
            runId: run.runId,
            facets: { nominalTime: { _producer: 'x', _schemaURL: 'y', nominalStartTime: minute(0) } },
          },
        }),
        runEvent(run, 'COMPLETE', minute(2)),
      ],
    ],
    [
      'START, RUNNING, FAIL',
      (run) => [
        runEvent(run, 'START', minute(0)),
        runEvent(run, 'RUNNING', minute(1)),
        runEvent(run, 'FAIL', minute(2), { run: { runId: run.runId, facets: { errorMessage: errorFacet } } }),
      ],
    ],
  ];

  it.each(orders)('ends in the same graph for every order of %s, each event sent twice', async (_, events) => {
    const ordered = uniqueName('olp');
    await ingestAll(events(smallJob(ordered)));
    const expected = await dump(ordered);
    expect(expected.executions).toHaveLength(1);
    for (const order of permutations([0, 1, 2])) {
      const ns = uniqueName('olp');
      const stream = events(smallJob(ns));
      for (const i of order) {
        await ingest(stream[i]!);
        await ingest(stream[i]!);
      }
      expect({ order, graph: await dump(ns) }).toEqual({ order, graph: expected });
    }
  });

  it('keeps the failure: state, finish time and the error message on the run', async () => {
    const ns = uniqueName('olf');
    const run = smallJob(ns);
    await ingestAll(orders[1]![1](run).reverse());
    const d = await dump(ns);
    const [, , execution, skeinRun] = d.executions[0] as [
      string,
      string,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect(execution).toMatchObject({ state: 'FAILED', startedAt: minute(0), finishedAt: minute(2) });
    expect(skeinRun).toMatchObject({ state: 'FAILED', error: 'division by zero' });
    expect(JSON.parse(execution.olRunFacet_errorMessage as string)).toMatchObject({ message: 'division by zero' });
    expect(d.outputs).toEqual([]); // a failed run made no version
  });

  it('resolves an input to the version current at the event time', async () => {
    const ns = uniqueName('olv');
    const table = dataset('s3://lake', 'events');
    const producer = () => ({ namespace: ns, job: 'produce', runId: newRunId(), outputs: [table] });
    const consumer = (at: number) => ({ namespace: ns, job: `consume_${at}`, runId: newRunId(), inputs: [table] });
    for (const at of [1, 3]) await ingest(runEvent(producer(), 'COMPLETE', minute(at)));
    for (const at of [4, 2]) {
      const run = consumer(at);
      await ingest(runEvent(run, 'START', minute(at)));
      await ingest(runEvent(run, 'COMPLETE', minute(at)));
    }
    const d = await dump(ns);
    const versionOf = Object.fromEntries((d.inputs as unknown[][]).map((i) => [i[3], i[1]]));
    expect(versionOf).toEqual({ consume_2: 1, consume_4: 2 });
  });

  it('maps an Airflow-like DAG run onto one run, and GraphQL lineage answers the chain', async () => {
    const ns = uniqueName('olair');
    const dag: JobRun = { namespace: ns, job: 'etl_dag', runId: newRunId() };
    const parent = parentFacet(dag.runId, ns, 'etl_dag');
    const a = dataset('s3://lake', 'a');
    const b = dataset('s3://lake', 'b');
    const model = dataset('s3://models', 'churn');
    const tasks: JobRun[] = [
      { namespace: ns, job: 'etl_dag.t1', runId: newRunId(), parent, outputs: [a] },
      { namespace: ns, job: 'etl_dag.t2', runId: newRunId(), parent, inputs: [a], outputs: [b] },
      { namespace: ns, job: 'etl_dag.t3', runId: newRunId(), parent, inputs: [b], outputs: [model] },
    ];
    await ingest(runEvent(dag, 'START', minute(0)));
    let at = 1;
    for (const task of tasks) {
      await ingest(runEvent(task, 'START', minute(at++)));
      await ingest(runEvent(task, 'COMPLETE', minute(at++)));
    }
    const done = await ingest(runEvent(dag, 'COMPLETE', minute(at)));
    const runs = await t.skein.graph.read((tx) =>
      tx.run<{ name: string; state: string; executions: string[] }>(
        `MATCH (r:Run {workspace: $ws}) OPTIONAL MATCH (e:Execution)-[:IN_RUN]->(r)
         WITH r, e ORDER BY e.name RETURN r.name AS name, r.state AS state, collect(e.name) AS executions`,
        { ws: ns },
      ),
    );
    expect(runs).toEqual([
      { name: 'etl_dag', state: 'COMPLETED', executions: ['etl_dag', 'etl_dag.t1', 'etl_dag.t2', 'etl_dag.t3'] },
    ]);
    expect(done.runUid).toBeTruthy();
    const [modelKey] = ((await dump(ns)).outputs as unknown[]).flatMap((o) => {
      const [, , key] = o as [string, string, string];
      return key.startsWith('s3/models/churn') ? [key] : [];
    });
    const { lineage } = await gqlOk<{ lineage: { nodes: Array<{ __typename: string; key?: string; name?: string }> } }>(
      t.url,
      `query($of: String!) { lineage(of: $of, depth: 10) { nodes { __typename ... on Artifact { key } ... on Execution { name } } } }`,
      { of: `store://artifacts/${ns}/${modelKey}` },
    );
    const names = lineage.nodes.map((n) => n.key?.replace(/-[0-9a-f]{12}$/, '') ?? n.name).sort();
    expect(names).toEqual(['etl_dag.t1', 'etl_dag.t2', 'etl_dag.t3', 's3/lake/a', 's3/lake/b', 's3/models/churn']);
  });

  it('fills the typed dataset schema from the schema facet, visible through GraphQL', async () => {
    const ns = uniqueName('ols');
    const run = smallJob(ns);
    const done = await ingest(runEvent(run, 'COMPLETE', minute(1)));
    const [uid] = done.versionsCreated.slice(-1);
    const { artifact } = await gqlOk<{ artifact: Record<string, unknown> }>(
      t.url,
      `query($ref: String!) { artifact(ref: $ref) { kind state ... on DatasetArtifact { schema { name type } } } }`,
      { ref: uid },
    );
    expect(artifact).toEqual({ kind: 'DATASET', state: 'AVAILABLE', schema: [{ name: 'total', type: 'double' }] });
    const d = await dump(ns);
    expect(d.columns).toEqual([
      [
        expect.stringMatching(/^s3\/lake\/totals-/),
        1,
        'total',
        expect.stringMatching(/^postgres\/db\/public.orders-/),
        1,
        'total',
        JSON.stringify([{ type: 'DIRECT', subtype: 'IDENTITY', description: '', masking: false }]),
      ],
    ]);
  });

  it('records DatasetEvents on the current version and JobEvents on the job', async () => {
    const ns = uniqueName('olds');
    const table = `totals_${ns}`; // a DatasetEvent reaches every workspace holding the dataset: this one only
    await ingest(runEvent(smallJob(ns, { outputs: [dataset('s3://lake', table)] }), 'COMPLETE', minute(1)));
    const out = await ingest({
      eventTime: minute(5),
      producer: 'x',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent',
      dataset: { namespace: 's3://lake', name: table, facets: { schema: schemaFacet([['total', 'decimal']]) } },
    });
    expect(out).toMatchObject({ kind: 'dataset', workspace: ns, versionsCreated: [] });
    const d = await dump(ns);
    const totals = (d.versions as Array<[string, number, Record<string, unknown>]>).find(([k]) =>
      k.startsWith(`s3/lake/${table}`),
    );
    expect(JSON.parse(totals![2].spec as string).schema).toEqual([{ name: 'total', type: 'decimal' }]);
    const job = await ingest({
      eventTime: minute(6),
      producer: 'x',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent',
      job: {
        namespace: ns,
        name: 'daily_totals',
        facets: { sql: { _producer: 'x', _schemaURL: 'y', query: 'SELECT 1' } },
      },
      inputs: [dataset('postgres://db', 'public.orders')],
      outputs: [dataset('s3://lake', table)],
    });
    expect(job).toMatchObject({ kind: 'job', workspace: ns });
    const [stored] = await t.skein.graph.read((tx) =>
      tx.run<{ j: Record<string, string> }>('MATCH (j:OpenLineageJob {workspace: $ws}) RETURN properties(j) AS j', {
        ws: ns,
      }),
    );
    expect(JSON.parse(stored!.j.olJobFacet_sql!)).toMatchObject({ query: 'SELECT 1' });
    expect(JSON.parse(stored!.j.olDeclared!).outputs).toEqual([
      { namespace: 's3://lake', name: table, key: expect.stringMatching(/^s3\/lake\/totals_/) },
    ]);
  });

  it('refuses a namespace the caller may not write to or create, writing nothing', async () => {
    const ns = uniqueName('olx');
    const caller = makePrincipal({ kind: 'token', id: 'token:olx', roles: [['elsewhere', 'EDITOR']] });
    const refused = createServices({ graph: t.skein.graph, caller }).openLineage.ingest(
      runEvent(smallJob(ns), 'START', minute(0)),
    );
    await expect(refused).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const [row] = await t.skein.graph.read((tx) =>
      tx.run<{ n: number }>('MATCH (w:Workspace {name: $ws}) RETURN count(w) AS n', { ws: ns }),
    );
    expect(row!.n).toBe(0);
  });

  it("writes one openLineage audit entry per event, in the event's transaction", async () => {
    const ns = uniqueName('ola');
    const run = smallJob(ns);
    const requestId = uniqueName('req');
    const audited = (caller = OPEN) => {
      const audit = new AuditTrail(t.skein.graph, caller, { requestId, ip: '127.0.0.1' });
      return createServices({ graph: t.skein.graph.withWriteHook(audit), caller, audit }).openLineage;
    };
    await audited().ingest(runEvent(run, 'START', minute(0)));
    await audited().ingest(runEvent(run, 'COMPLETE', minute(1)));
    const intruder = makePrincipal({ kind: 'token', id: 'token:ola', roles: [['elsewhere', 'EDITOR']] });
    await expect(audited(intruder).ingest(runEvent(run, 'RUNNING', minute(0)))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const entries = await t.skein.graph.read((tx) =>
      tx.run<Record<string, string>>(
        `MATCH (a:AuditEvent {requestId: $requestId}) RETURN a.action AS action, a.outcome AS outcome,
           a.workspace AS workspace, a.objectType AS objectType, a.objectId AS objectId ORDER BY a.id`,
        { requestId },
      ),
    );
    const entry = { action: 'openLineage', workspace: ns, objectType: 'OpenLineageRun', objectId: run.runId };
    expect(entries).toEqual([
      { ...entry, outcome: 'OK' },
      { ...entry, outcome: 'OK' },
      { ...entry, outcome: 'DENIED' },
    ]);
  });

  it('applies an event once however many copies arrive at the same time', async () => {
    const ns = uniqueName('olc');
    const run = smallJob(ns);
    const starts = await Promise.all(Array.from({ length: 8 }, () => ingest(runEvent(run, 'START', minute(0)))));
    expect(new Set(starts.map((o) => o.executionUid)).size).toBe(1);
    expect(starts.filter((o) => o.workspaceCreated)).toHaveLength(1);
    expect(starts.flatMap((o) => o.versionsCreated)).toHaveLength(1); // one placeholder of the input
    const complete = runEvent(run, 'COMPLETE', minute(1));
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => ingest(complete)));
    expect(outcomes.flatMap((o) => o.versionsCreated)).toHaveLength(1);
    const d = await dump(ns);
    expect(d.outputs).toHaveLength(1);
    expect(d.versions).toHaveLength(2); // the input's placeholder and the one output version
  });

  it('makes the workspace for an SSO user, who owns it; a token may only write where it may', async () => {
    const ns = uniqueName('olsso');
    const alice = makePrincipal({ kind: 'sso', id: `user:${ns}` });
    const made = await createServices({ graph: t.skein.graph, caller: alice }).openLineage.ingest(
      runEvent(smallJob(ns), 'START', minute(0)),
    );
    expect(made).toMatchObject({ workspace: ns, state: 'RUNNING' });
    const [grant] = await t.skein.graph.read((tx) =>
      tx.run<{ role: string; label: string }>(
        `MATCH (g:Grant {workspace: $ws, subject: $subject}) MATCH (w:Workspace {name: $ws})
         RETURN g.role AS role, w.\`label.openlineage.namespace\` AS label`,
        { ws: ns, subject: alice.id },
      ),
    );
    expect(grant).toEqual({ role: 'OWNER', label: ns });
    // Another SSO user may not write into it (nor learn it exists): the same refusal as for any namespace.
    const bob = makePrincipal({ kind: 'sso', id: `user:${ns}-bob` });
    await expect(
      createServices({ graph: t.skein.graph, caller: bob }).openLineage.ingest(
        runEvent(smallJob(ns), 'START', minute(0)),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // A token of the workspace writes into it, but makes no other.
    const token = makePrincipal({ kind: 'token', id: `token:${ns}`, roles: [[ns, 'EDITOR']] });
    const services = createServices({ graph: t.skein.graph, caller: token }).openLineage;
    await expect(services.ingest(runEvent(smallJob(ns), 'COMPLETE', minute(1)))).resolves.toMatchObject({
      state: 'COMPLETED',
    });
    await expect(services.ingest(runEvent(smallJob(`${ns}-other`), 'START', minute(0)))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it("adopts a key Skein's own artifacts already use, so their lineage meets", async () => {
    const ns = uniqueName('olk');
    await services().workspaces.create({ name: ns });
    const logged = await services().artifacts.log({ workspace: ns, key: 'warehouse/public.orders', kind: 'DATASET' });
    const run: JobRun = {
      namespace: ns,
      job: 'reader',
      runId: newRunId(),
      inputs: [dataset('warehouse', 'public.orders')],
    };
    const started = await ingest(runEvent(run, 'START', new Date(Date.now() + 60_000).toISOString()));
    expect(started.versionsCreated).toEqual([]); // the logged version is current: no placeholder
    const d = await dump(ns);
    expect(d.inputs).toEqual([['warehouse/public.orders', 1, 'INPUT', 'reader', expect.any(String), '{}']]);
    expect(logged.version).toBe(1);
  });

  describe('in groups (several events a transaction)', () => {
    const ingestMany = (events: readonly OpenLineageEvent[], caller = OPEN) =>
      createServices({ graph: t.skein.graph, caller }).openLineage.ingestMany(events);

    it.each(orders)('ends in the same graph for every order of %s sent as ONE batch, each twice', async (_, events) => {
      const ordered = uniqueName('olg');
      await ingestAll(events(smallJob(ordered)));
      const expected = await dump(ordered);
      for (const order of permutations([0, 1, 2])) {
        const ns = uniqueName('olg');
        const stream = events(smallJob(ns));
        const batch = order.flatMap((i) => [stream[i]!, stream[i]!]);
        const { results, failure } = await ingestMany(batch);
        expect({ order, failure, applied: results.length }).toEqual({ order, failure: null, applied: 6 });
        expect({ order, graph: await dump(ns) }).toEqual({ order, graph: expected });
      }
    });

    it("ends in the same graph when a run's events arrive as 8 concurrent single requests", async () => {
      const [, events] = orders[0]!;
      const ordered = uniqueName('olg');
      await ingestAll(events(smallJob(ordered)));
      const expected = await dump(ordered);
      const ns = uniqueName('olg');
      const stream = events(smallJob(ns));
      const sent = [2, 0, 1, 2, 1, 0, 2, 0].map((i) => stream[i]!);
      const outcomes = await Promise.all(sent.map((e) => ingest(e)));
      expect(new Set(outcomes.map((o) => o.executionUid)).size).toBe(1);
      expect(await dump(ns)).toEqual(expected);
    });

    it('lets a later event of one batch see the writes of an earlier one', async () => {
      const ns = uniqueName('olg');
      const table = dataset('s3://lake', 'shared');
      const producer: JobRun = { namespace: ns, job: 'produce', runId: newRunId(), outputs: [table] };
      const consumer: JobRun = { namespace: ns, job: 'consume', runId: newRunId(), inputs: [table] };
      const { failure, results } = await ingestMany([
        runEvent(producer, 'START', minute(0)),
        runEvent(producer, 'COMPLETE', minute(1)),
        runEvent(consumer, 'START', minute(2)),
        runEvent(consumer, 'COMPLETE', minute(3)),
      ]);
      expect(failure).toBeNull();
      expect(results.map((r) => r.state)).toEqual(['RUNNING', 'COMPLETED', 'RUNNING', 'COMPLETED']);
      const d = await dump(ns);
      // The consumer read the version the producer's COMPLETE made earlier in the same statement.
      expect(d.outputs).toEqual([['produce', 'OUTPUT', expect.any(String), 1, minute(1)]]);
      expect(d.inputs).toEqual([[expect.any(String), 1, 'INPUT', 'consume', minute(2), '{}']]);
      expect(d.versions).toHaveLength(1);
    });

    it('names the failing event of a batch; the events before it are applied once, the rest not', async () => {
      const ns = uniqueName('olg');
      const gone = uniqueName('olg-gone');
      await ingest(runEvent(smallJob(ns), 'START', minute(0))); // makes the workspace
      // EDITOR of a workspace that does not exist: authorized, but its event finds no workspace as
      // the group writes, so the group is rolled back and applied one event per transaction.
      const token = makePrincipal({
        kind: 'token',
        id: `token:${ns}`,
        roles: [
          [ns, 'EDITOR'],
          [gone, 'EDITOR'],
        ],
      });
      const a = smallJob(ns);
      const b = smallJob(ns);
      const batch = [
        runEvent(a, 'START', minute(0)),
        runEvent(a, 'COMPLETE', minute(1)),
        runEvent(smallJob(gone), 'START', minute(0)),
        runEvent(b, 'START', minute(0)),
      ];
      const { results, failure } = await ingestMany(batch, token);
      expect(results.map((r) => r.state)).toEqual(['RUNNING', 'COMPLETED']);
      expect(failure).toMatchObject({ index: 2, error: { code: 'FORBIDDEN' } });
      const runIds = async () =>
        t.skein.graph.read((tx) =>
          tx.run<{ id: string; state: string; outputs: number }>(
            `MATCH (e:Execution {workspace: $ws}) OPTIONAL MATCH (e)-[o:OUTPUT]->()
             RETURN e.olRunId AS id, e.state AS state, count(o) AS outputs`,
            { ws: ns },
          ),
        );
      const rows = await runIds();
      expect(rows.find((r) => r.id === a.runId)).toEqual({ id: a.runId, state: 'COMPLETED', outputs: 1 });
      expect(rows.find((r) => r.id === b.runId)).toBeUndefined();
      // Resending the whole batch changes nothing before the failing event.
      const again = await ingestMany(batch, token);
      expect(again.failure).toMatchObject({ index: 2 });
      expect(again.results.flatMap((r) => r.versionsCreated)).toEqual([]);
    });

    it('numbers each event of a batch and of concurrent requests in the feed, gap-free, with its own request id', async () => {
      const ns = uniqueName('olf');
      const audited = (requestId: string) => {
        const audit = new AuditTrail(t.skein.graph, OPEN, { requestId, ip: '127.0.0.1' });
        return createServices({ graph: t.skein.graph.withWriteHook(audit), caller: OPEN, audit }).openLineage;
      };
      const batchId = uniqueName('req');
      const runs = [smallJob(ns), smallJob(ns)];
      const batch = runs.flatMap((r) => [runEvent(r, 'START', minute(0)), runEvent(r, 'COMPLETE', minute(1))]);
      expect((await audited(batchId).ingestMany(batch)).failure).toBeNull();
      const singles = Array.from({ length: 8 }, (_, i) => [uniqueName('req'), smallJob(ns), i] as const);
      await Promise.all(singles.map(([id, run, i]) => audited(id).ingest(runEvent(run, 'START', minute(i)))));
      const entries = await t.skein.graph.read((tx) =>
        tx.run<{ seq: number; requestId: string; objectId: string }>(
          `MATCH (a:AuditEvent {workspace: $ws}) WHERE a.seq IS NOT NULL
           RETURN a.seq AS seq, a.requestId AS requestId, a.objectId AS objectId ORDER BY a.seq`,
          { ws: ns },
        ),
      );
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(entries.slice(0, 4).map((e) => [e.requestId, e.objectId])).toEqual(
        batch.map((e) => [batchId, (e as { run: { runId: string } }).run.runId]),
      );
      expect(new Set(entries.slice(4).map((e) => `${e.requestId} ${e.objectId}`))).toEqual(
        new Set(singles.map(([id, run]) => `${id} ${run.runId}`)),
      );
    });
  });
});
