import { SkeinError } from '../../src/errors';
import { parseTransformations, planColumnWalk } from '../../src/services/column-lineage.service';

/** The column lineage service's pure parts: what it accepts, and how stored transformations are shown. */
describe('column lineage', () => {
  it('plans a walk with lineage-like defaults and bounds', () => {
    expect(planColumnWalk('total', {})).toEqual({ column: 'total', direction: 'UPSTREAM', depth: 10, maxNodes: 1000 });
    expect(planColumnWalk('x', { direction: 'BOTH', depth: 100, maxNodes: 10_000 })).toMatchObject({
      direction: 'BOTH',
      depth: 100,
      maxNodes: 10_000,
    });
    for (const bad of [{ depth: 0 }, { depth: 101 }, { depth: 1.5 }, { maxNodes: 10_001 }]) {
      expect(() => planColumnWalk('x', bad)).toThrow(SkeinError);
    }
    expect(() => planColumnWalk('', {})).toThrow(/"column" must be a column name of 1 to 1024 characters/);
    expect(() => planColumnWalk('x'.repeat(1025), {})).toThrow(SkeinError);
  });

  it('shows stored transformations with every field, leaving out what cannot be read', () => {
    const stored = JSON.stringify([
      { type: 'DIRECT', subtype: 'AGGREGATION', description: 'sum(amount)', masking: false },
      { type: 'INDIRECT' },
      { subtype: 'no type' },
      'not an object',
    ]);
    expect(parseTransformations(stored, false)).toEqual([
      { type: 'DIRECT', subtype: 'AGGREGATION', description: 'sum(amount)', masking: false },
      { type: 'INDIRECT', subtype: null, description: null, masking: null },
    ]);
    expect(parseTransformations(null, false)).toEqual([]);
    expect(parseTransformations('{not json', false)).toEqual([]);
    expect(parseTransformations('{"type":"DIRECT"}', false)).toEqual([]);
  });

  it('drops descriptions when an end of the edge is hidden (they may quote its columns or SQL)', () => {
    const stored = JSON.stringify([{ type: 'DIRECT', subtype: 'IDENTITY', description: 'secret_col', masking: true }]);
    expect(parseTransformations(stored, true)).toEqual([
      { type: 'DIRECT', subtype: 'IDENTITY', description: null, masking: true },
    ]);
  });
});
