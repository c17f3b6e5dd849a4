import fc from 'fast-check';
import { stringifyInTurns } from '../../src/graphql/limits/event-loop';

describe('stringifyInTurns', () => {
  it('encodes a response byte for byte as JSON.stringify does', async () => {
    const response = fc.record(
      {
        errors: fc.array(fc.record({ message: fc.string(), path: fc.array(fc.oneof(fc.string(), fc.nat())) })),
        data: fc.oneof(fc.constant(null), fc.dictionary(fc.string(), fc.jsonValue())),
        extensions: fc.dictionary(fc.string(), fc.jsonValue()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(response, async (r) => {
        expect(await stringifyInTurns(r)).toBe(JSON.stringify(r));
      }),
      { numRuns: 300 },
    );
  });

  it('lets the event loop serve other work while it encodes a large answer', async () => {
    // 200 fields of ~100 KB each: far more than one slice's worth of encoding.
    const data = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`a${i}`, Array.from({ length: 2000 }, (_, j) => ({ uid: `${i}-${j}` }))]),
    );
    let timerRuns = 0;
    const timer = setInterval(() => (timerRuns += 1), 0);
    const text = await stringifyInTurns({ data });
    clearInterval(timer);
    expect(text.length).toBe(JSON.stringify({ data }).length);
    expect(timerRuns).toBeGreaterThan(1);
  });
});
