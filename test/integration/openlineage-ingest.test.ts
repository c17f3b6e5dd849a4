import { OPEN } from '../../src/auth/principal';
import { createServices } from '../../src/services';
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
        RETURN collect([a.key, a.version, 'INPUT', e.name, ev.at]) AS inputs
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
  const strip = (p: unknown) => {
    const { uid, createdAt, runUid, producerUid, olRunId, ...rest } = p as Record<string, unknown>;
    (void uid, createdAt, runUid, producerUid, olRunId);
    return rest;
  };
  return {
    executions: (row!.executions as unknown[][]).map(([e, r, pe, pr]) => [e, r, strip(pe), strip(pr)]),
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
      ['load_orders', 'OUTPUT', expect.stringMatching(/^s3\/lake\/orders-[0-9a-f]{8}$/), 1, minute(5)],
    ]);
    expect(d.columns).toHaveLength(1);
    const again = await ingest(runEvent(run, 'COMPLETE', minute(5)));
    expect(again.versionsCreated).toEqual([]);
    expect(await dump(ns)).toEqual(d);
  });
});
