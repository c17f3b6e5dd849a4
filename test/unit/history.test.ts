import { diffEdit, sameValue, tagMoveChanges } from '../../src/services/history';

describe('changes after the fact: what counts as a change', () => {
  it('compares values as JSON, object keys in any order, types apart', () => {
    expect(sameValue({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(sameValue(1, '1')).toBe(false);
    expect(sameValue(true, 'true')).toBe(false);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue(null, undefined)).toBe(true);
  });

  it('lists only the entries an edit really changes: description first, then each map, removals before sets', () => {
    const current = { description: 'd', maps: { PARAM: { lr: 0.1, depth: 3 }, LABEL: { team: 'nlp' } } };
    const changes = diffEdit(current, {
      description: 'd',
      maps: [
        { field: 'PARAM', set: { lr: 0.1, depth: 4, seed: 1 }, remove: [] },
        { field: 'LABEL', set: { stage: 'dev' }, remove: ['absent', 'team'] },
      ],
    });
    expect(changes).toEqual([
      { field: 'PARAM', key: 'depth', oldValue: 3, newValue: 4 },
      { field: 'PARAM', key: 'seed', oldValue: null, newValue: 1 },
      { field: 'LABEL', key: 'team', oldValue: 'nlp', newValue: null },
      { field: 'LABEL', key: 'stage', oldValue: null, newValue: 'dev' },
    ]);
    expect(diffEdit({ description: 'd', maps: {} }, { description: null, maps: [] })).toEqual([
      { field: 'DESCRIPTION', key: null, oldValue: 'd', newValue: null },
    ]);
    expect(diffEdit({ description: 'd', maps: {} }, { maps: [] })).toEqual([]);
  });

  it('records a tag move on both versions, and nothing when the tag stays', () => {
    expect(tagMoveChanges('ws', 'prod', 'v1', 'v2')).toEqual([
      { field: 'TAG', key: 'prod', oldValue: 'v1', newValue: 'v2', workspace: 'ws', subjectUid: 'v1' },
      { field: 'TAG', key: 'prod', oldValue: 'v1', newValue: 'v2', workspace: 'ws', subjectUid: 'v2' },
    ]);
    expect(tagMoveChanges('ws', 'prod', null, 'v2').map((c) => c.subjectUid)).toEqual(['v2']);
    expect(tagMoveChanges('ws', 'prod', 'v1', null).map((c) => c.subjectUid)).toEqual(['v1']);
    expect(tagMoveChanges('ws', 'prod', 'v1', 'v1')).toEqual([]);
  });
});
