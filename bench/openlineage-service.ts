/**
 * OpenLineage ingest rate at the service (no HTTP): `CLIENTS` concurrent callers of
 * `services.openLineage.ingest`, each taking the next event of a generated stream of job runs
 * (START then COMPLETE; inputs, an output with schema and column-lineage facets). Prints events/s.
 *
 *   set -a; . <env file with NEO4J_URI, NEO4J_PASSWORD, S3_*>; set +a
 *   node -r ./test/setup/register-ts.js bench/openlineage-service.ts [runs=1000] [clients=8]
 *
 * Then checks every event was applied once, and measures as many one-node writes from as many
 * clients: on a shared machine the absolute rate swings with the load, the ratio less.
 */
import { randomUUID } from 'node:crypto';
import { startSkein } from '../src/app';
import { OPEN } from '../src/auth/principal';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { createServices } from '../src/services';
import type { RunEvent } from '../src/domain/openlineage';
import type { GraphExecutor } from '../src/graph/executor';

const RUNS = Number(process.argv[2] ?? 1000);
const CLIENTS = Number(process.argv[3] ?? 8);
const DATASETS = 200;
const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

const facet = { _producer: PRODUCER, _schemaURL: 'https://openlineage.io/spec/facets/1-0-0/x.json' };
const COLUMNS = ['id', 'amount', 'customer', 'ts'];

function datasetOf(i: number) {
  return { namespace: 'postgres://warehouse:5432', name: `public.table_${i % DATASETS}` };
}

/** Job run `i` reads tables i-1 and i-2 and writes table i, with schema and column lineage. */
function jobRun(ns: string, i: number, at: number): RunEvent[] {
  const runId = randomUUID();
  const inputs = [datasetOf(i + DATASETS - 1), datasetOf(i + DATASETS - 2)].map((d) => ({
    ...d,
    facets: { schema: { ...facet, fields: COLUMNS.map((name) => ({ name, type: 'string' })) } },
  }));
  const out = datasetOf(i);
  const columnLineage = {
    ...facet,
    fields: Object.fromEntries(
      COLUMNS.map((c) => [
        c,
        {
          inputFields: inputs.map((d) => ({
            namespace: d.namespace,
            name: d.name,
            field: c,
            transformations: [{ type: 'DIRECT', subtype: 'IDENTITY' }],
          })),
        },
      ]),
    ),
  };
  const outputs = [
    {
      ...out,
      facets: { schema: { ...facet, fields: COLUMNS.map((name) => ({ name, type: 'string' })) }, columnLineage },
    },
  ];
  const base = {
    producer: PRODUCER,
    schemaURL: SCHEMA_URL,
    run: { runId, facets: {} },
    job: { namespace: ns, name: `job_${i % 50}`, facets: {} },
    inputs,
    outputs,
  };
  return [
    { ...base, eventType: 'START', eventTime: new Date(at).toISOString() },
    { ...base, eventType: 'COMPLETE', eventTime: new Date(at + 1000).toISOString() },
  ];
}

/** Every event applied once: one completed execution per job run, one output version each. */
async function check(graph: GraphExecutor, ns: string) {
  const [row] = await graph.read((tx) =>
    tx.run<Record<string, number>>(
      `MATCH (e:Execution {workspace: $ns})
       OPTIONAL MATCH (e)-[o:OUTPUT]->()
       WITH e, count(o) AS outputs
       RETURN count(e) AS executions, sum(CASE WHEN e.state = 'COMPLETED' THEN 1 ELSE 0 END) AS completed,
         min(outputs) AS minOutputs, max(outputs) AS maxOutputs`,
      { ns },
    ),
  );
  const ok = row!.executions === RUNS && row!.completed === RUNS && row!.minOutputs === 1 && row!.maxOutputs === 1;
  return { ok, ...row };
}

/** Writes/s of a one-node write (CREATE, DELETE) from CLIENTS callers: what the machine does now. */
async function trivialWrites(graph: GraphExecutor, n: number): Promise<number> {
  let left = n;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (left-- > 0)
        await graph.write((tx) => tx.run('CREATE (x:BenchProbe {at: 1}) DELETE x'), { oneStatement: true });
    }),
  );
  return Math.round(n / ((performance.now() - began) / 1000));
}

async function main() {
  const config = loadConfig({ ...process.env, SKEIN_PORT: '0', SKEIN_WARMUP: 'false' });
  const skein = await startSkein(config, { logger: createLogger('error'), progress: () => undefined });
  const ns = `olbench-${Date.now().toString(36)}`;
  const start = Date.parse('2026-01-01T00:00:00Z');
  const events = Array.from({ length: RUNS }, (_, i) => jobRun(ns, i, start + i * 2000)).flat();
  const services = createServices({ graph: skein.graph, caller: OPEN });
  await services.openLineage.ingest(events[0]!); // the workspace, made once
  let next = 1;
  let errors = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < events.length) {
        const e = events[next++]!;
        await createServices({ graph: skein.graph, caller: OPEN })
          .openLineage.ingest(e)
          .catch((err: unknown) => {
            errors++;
            if (errors < 5) console.error(err);
          });
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  const n = events.length - 1;
  const applied = await check(skein.graph, ns);
  const floor = await trivialWrites(skein.graph, n);
  console.log(
    JSON.stringify({
      events: n,
      clients: CLIENTS,
      seconds: +seconds.toFixed(2),
      eventsPerSecond: Math.round(n / seconds),
      errors,
      applied,
      // As many one-node writes (CREATE, DELETE) from as many clients: this machine's floor just now.
      trivialWritesPerSecond: floor,
      ratio: +(n / seconds / floor).toFixed(2),
    }),
  );
  await skein.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
