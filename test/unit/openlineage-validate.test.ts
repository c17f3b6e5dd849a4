import { openLineageValidator } from '../../src/http/openlineage-validate';

const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.54.0/client/python';
const FACETS = 'https://openlineage.io/spec/facets';

function runEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventType: 'COMPLETE',
    eventTime: '2026-12-07T10:00:00.000Z',
    run: { runId: '3b452093-782c-4ef2-9c0c-aafe2aa6f34d' },
    job: { namespace: 'scheduler', name: 'myjob.mytask' },
    inputs: [{ namespace: 'warehouse', name: 'db.schema.input' }],
    outputs: [{ namespace: 'warehouse', name: 'db.schema.output' }],
    producer: PRODUCER,
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    ...overrides,
  };
}

const schemaFacet = (fields: unknown) => ({
  _producer: PRODUCER,
  _schemaURL: `${FACETS}/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet`,
  fields,
});

describe('OpenLineage event validation (vendored spec 2-0-2)', () => {
  const validator = openLineageValidator();

  it('accepts the spec’s RunEvent, DatasetEvent and JobEvent', () => {
    expect(validator.specVersion).toBe('2-0-2');
    expect(validator.problems(runEvent(), 0)).toEqual([]);
    const dataset = {
      eventTime: '2026-12-07T10:00:00Z',
      dataset: { namespace: 'warehouse', name: 'db.t', facets: { schema: schemaFacet([{ name: 'a' }]) } },
      producer: PRODUCER,
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent',
    };
    expect(validator.problems(dataset, 0)).toEqual([]);
    const job = { ...dataset, dataset: undefined, job: { namespace: 'n', name: 'j' } };
    delete job.dataset;
    expect(validator.problems(job, 0)).toEqual([]);
  });

  it('names the failing field by JSON Pointer and the event by its index', () => {
    const bad = runEvent({ run: { runId: 'not-a-uuid' } });
    expect(validator.problems(bad, 3)).toEqual([{ index: 3, path: '/run/runId', message: 'must match format "uuid"' }]);
    const wrongType = validator.problems(runEvent({ eventType: 'DONE' }), 0);
    expect(wrongType).toEqual([{ index: 0, path: '/eventType', message: expect.stringContaining('COMPLETE') }]);
    // openlineage-python's own examples leave the zone out; the spec's date-time needs it.
    const noZone = validator.problems(runEvent({ eventTime: '2021-11-03T10:53:52.427343' }), 0);
    expect(noZone).toEqual([{ index: 0, path: '/eventTime', message: expect.stringContaining('time zone') }]);
  });

  it('points at a missing required property where it should be', () => {
    const noJob = runEvent();
    delete noJob.job;
    expect(validator.problems(noJob, 0)).toEqual([
      { index: 0, path: '/job', message: 'is required (a RunEvent needs it)' },
    ]);
    const noRunId = runEvent({ run: {} });
    expect(validator.problems(noRunId, 0)).toEqual([{ index: 0, path: '/run/runId', message: 'is required' }]);
    expect(validator.problems({ eventTime: 'x' }, 1)[0]).toMatchObject({ index: 1, path: '' });
    expect(validator.problems([], 0)[0]!.message).toMatch(/JSON object/);
  });

  it('checks a facet that names a known facet schema against it', () => {
    const event = runEvent({
      outputs: [{ namespace: 'w', name: 't', facets: { schema: schemaFacet([{ type: 'INT' }]) } }],
    });
    expect(validator.problems(event, 0)).toEqual([
      { index: 0, path: '/outputs/0/facets/schema/fields/0/name', message: 'is required' },
    ]);
  });

  it('lets custom facets, other versions of known ones and deleted facets pass', () => {
    const custom = { _producer: PRODUCER, _schemaURL: 'https://example.com/MyFacet.json', anything: [1, 2] };
    const older = { ...schemaFacet('not a list'), _schemaURL: `${FACETS}/1-0-0/SchemaDatasetFacet.json` };
    const deleted = { ...schemaFacet('not a list'), _deleted: true };
    const event = runEvent({ outputs: [{ namespace: 'w', name: 't', facets: { custom, older, deleted } }] });
    expect(validator.problems(event, 0)).toEqual([]);
  });

  it('still requires every facet’s _producer and _schemaURL (the spec’s base facet)', () => {
    const event = runEvent({ run: { runId: '3b452093-782c-4ef2-9c0c-aafe2aa6f34d', facets: { x: { a: 1 } } } });
    const problems = validator.problems(event, 0);
    expect(problems.map((p) => p.path)).toEqual(['/run/facets/x/_producer', '/run/facets/x/_schemaURL']);
  });
});
