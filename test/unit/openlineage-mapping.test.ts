import { eventKind } from '../../src/domain/openlineage';
import { columnWrites, datasetSpecOf, isoTime, planRunEvent } from '../../src/services/openlineage/mapping';
import { datasetKey, workspaceForNamespace } from '../../src/services/openlineage/names';
import { checkKey, checkName } from '../../src/services/validate';
import { dataset, parentFacet, runEvent, schemaFacet } from '../helpers/openlineage';

describe('OpenLineage names', () => {
  it('keeps a valid namespace as the workspace name, and maps any other one to a valid, distinct name', () => {
    expect(workspaceForNamespace('airflow-prod')).toBe('airflow-prod');
    const odd = ['Spark://Prod', 'spark://prod', 'spark/prod', '', '---', 'x'.repeat(200), 'ÄÖÜ'];
    const names = odd.map(workspaceForNamespace);
    for (const n of names) expect(checkName('Workspace name', 'name', n)).toBe(n);
    expect(new Set(names).size).toBe(odd.length);
    expect(workspaceForNamespace('Spark://Prod')).toMatch(/^spark-prod-[0-9a-f]{8}$/);
    expect(workspaceForNamespace('Spark://Prod')).toBe(workspaceForNamespace('Spark://Prod'));
  });

  it('keys a dataset by namespace/name when valid, otherwise a readable valid key with a digest', () => {
    expect(datasetKey('warehouse', 'public.orders')).toBe('warehouse/public.orders');
    const key = datasetKey('postgres://db:5432', 'public.orders');
    expect(key).toMatch(/^postgres\/db_5432\/public\.orders-[0-9a-f]{12}$/);
    const odd: Array<[string, string]> = [
      ['s3://bucket', '/a/../b'],
      ['s3://bucket', 'a b'],
      ['s3://bucket', 'a_b'],
      ['file', '/' + 'x'.repeat(400)],
      ['', ''],
    ];
    const keys = odd.map(([ns, n]) => datasetKey(ns, n));
    for (const k of keys) expect(checkKey('key', k)).toBe(k);
    expect(new Set(keys).size).toBe(odd.length);
  });
});

describe('OpenLineage mapping', () => {
  const run = {
    namespace: 'ns',
    job: 'job',
    runId: '0190a5e4-0000-7000-8000-000000000001',
    inputs: [dataset('b', 'in')],
    outputs: [dataset('a', 'out', { schema: schemaFacet([['id', 'int']]) })],
  };

  it('tells the three event kinds apart by their fields', () => {
    expect(eventKind(runEvent(run, 'START', '2026-01-01T00:00:00Z'))).toBe('run');
    expect(eventKind({ eventTime: 't', producer: 'p', schemaURL: 's', job: { namespace: 'n', name: 'j' } })).toBe(
      'job',
    );
    expect(eventKind({ eventTime: 't', producer: 'p', schemaURL: 's', dataset: { namespace: 'n', name: 'd' } })).toBe(
      'dataset',
    );
  });

  it('maps event types to states; only a COMPLETE makes output versions', () => {
    const at = '2026-01-01T01:00:00+01:00';
    const start = planRunEvent(runEvent(run, 'START', at));
    expect(start).toMatchObject({
      state: 'RUNNING',
      terminal: false,
      eventTime: '2026-01-01T00:00:00.000Z',
      outputs: [],
    });
    expect(start.run).toMatchObject({ key: run.runId, own: true, name: 'job' });
    const complete = planRunEvent(runEvent(run, 'COMPLETE', at));
    expect(complete).toMatchObject({ state: 'COMPLETED', terminal: true });
    expect(complete.outputs.map((o) => o.name)).toEqual(['out']);
    expect(JSON.parse(complete.outputs[0]!.spec).schema).toEqual([{ name: 'id', type: 'int' }]);
    expect(planRunEvent(runEvent(run, 'ABORT', at)).state).toBe('ABORTED');
    expect(planRunEvent(runEvent(run, 'FAIL', at)).stateRank).toBeGreaterThan(complete.stateRank);
    expect(planRunEvent(runEvent(run, 'OTHER', at))).toMatchObject({ state: null, terminal: false });
  });

  it('puts a run with a parent facet into the parent run', () => {
    const parent = parentFacet('0190a5e4-0000-7000-8000-00000000000a', 'ns', 'dag');
    const plan = planRunEvent(runEvent({ ...run, parent }, 'START', '2026-01-01T00:00:00Z'));
    expect(plan.run).toMatchObject({ key: parent.run.runId, name: 'dag', own: false });
  });

  it('turns column lineage into (column, input field) rows, older facets included', () => {
    const rows = columnWrites({
      fields: {
        total: {
          inputFields: [{ namespace: 'n', name: 'orders', field: 'amount' }],
          transformationType: 'IDENTITY',
          transformationDescription: 'SELECT amount',
        },
      },
    });
    expect(rows).toEqual([
      {
        column: 'total',
        namespace: 'n',
        name: 'orders',
        field: 'amount',
        transformations: JSON.stringify([
          { type: 'IDENTITY', subtype: null, description: 'SELECT amount', masking: null },
        ]),
      },
    ]);
  });

  it('fills row count and column stats from the data quality facet, nested schema fields flattened', () => {
    const spec = datasetSpecOf({
      schema: { fields: [{ name: 'a', type: 'struct', fields: [{ name: 'b', type: 'int' }] }] },
      dataQualityMetrics: { rowCount: 10, columnMetrics: { a: { nullCount: 1, distinctCount: 3 } } },
    });
    expect(spec).toMatchObject({
      schema: [
        { name: 'a', type: 'struct' },
        { name: 'a.b', type: 'int' },
      ],
      rowCount: 10,
      stats: [expect.objectContaining({ column: 'a', nullCount: 1, distinct: 3 })],
    });
    expect(isoTime('2026-01-01T00:00:00.123456Z')).toBe('2026-01-01T00:00:00.123Z');
  });
});
