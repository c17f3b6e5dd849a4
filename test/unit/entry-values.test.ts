import { ErrorCode } from '../../src/errors';
import { canonicalJson, nestingDepth, VALUE_LIMITS, type EntryValue } from '../../src/domain/scalar';
import { fromPropPairs, fromProps, mapPropCondition, mapSlot, matchProps, toProps } from '../../src/graph/props';
import { toMap } from '../../src/services/validate';
import { refusalOf } from '../helpers/refusal';

describe('structured entry values', () => {
  it('are canonical JSON: object keys sorted at every level, no spaces', () => {
    expect(canonicalJson({ b: [1, { z: true, a: null }], a: 'x' })).toBe('{"a":"x","b":[1,{"a":null,"z":true}]}');
    expect(canonicalJson([])).toBe('[]');
  });

  it('count their nesting', () => {
    expect(nestingDepth(3)).toBe(0);
    expect(nestingDepth({ layers: [10, 3, 1] })).toBe(2);
    expect(nestingDepth([[[]]])).toBe(3);
  });

  it('are stored as text under their own prefix, and a scalar of the same key is removed (and vice versa)', () => {
    expect(toProps('param', { layers: [10, 3, 1], lr: 0.1 })).toEqual({
      'paramJSON.layers': '[10,3,1]',
      'param.layers': null,
      'param.lr': 0.1,
      'paramJSON.lr': null,
    });
  });

  it('read back as the JSON they were, scalars as they were, from a node or from lineage pairs', () => {
    const props = { uid: 'u', 'param.lr': 0.1, 'paramJSON.layers': '{"a":[1,2]}', 'label.team': 'nlp' };
    expect(fromProps('param', props)).toEqual({ lr: 0.1, layers: { a: [1, 2] } });
    expect(fromPropPairs('param', Object.entries(props))).toEqual({ lr: 0.1, layers: { a: [1, 2] } });
    expect(fromProps('label', props)).toEqual({ team: 'nlp' });
    expect(mapSlot('uid')).toBeNull();
    expect(mapSlot('paramJSON.a.b')).toEqual({ kind: 'param', key: 'a.b', structured: true });
    expect(mapSlot('result.a.b')).toEqual({ kind: 'result', key: 'a.b', structured: false });
  });

  it('match a label filter by their canonical text', () => {
    expect(matchProps('label', { team: 'nlp', dims: { b: 1, a: 2 } })).toEqual([
      { name: 'label.team', value: 'nlp' },
      { name: 'labelJSON.dims', value: '{"a":2,"b":1}' },
    ]);
  });

  it('belong to their kind in Cypher, in both forms', () => {
    expect(mapPropCondition('k', 'label')).toBe("(k STARTS WITH 'label.' OR k STARTS WITH 'labelJSON.')");
  });
});

describe('toMap on structured values', () => {
  it('accepts lists and objects beside scalars', () => {
    const map = toMap<EntryValue>('params', [
      { key: 'layers', value: [10, 3, 1] },
      { key: 'opt', value: { name: 'adam', betas: [0.9, 0.999] } },
      { key: 'lr', value: 0.1 },
    ]);
    expect(map.layers).toEqual([10, 3, 1]);
    expect(map.opt).toEqual({ name: 'adam', betas: [0.9, 0.999] });
  });

  it('refuses a value over 64 KiB as JSON, saying the limit and what to do', () => {
    const big = ['x'.repeat(VALUE_LIMITS.structuredChars)];
    const err = refusalOf(() => toMap('params', [{ key: 'big', value: big }]));
    expect(err.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(err.message).toMatch(/"params" value for "big" is 65540 characters as JSON; the limit is 65536\./);
  });

  it('refuses nesting deeper than 16 levels', () => {
    let deep: unknown = 1;
    for (let i = 0; i < VALUE_LIMITS.structuredDepth + 1; i++) deep = [deep];
    const err = refusalOf(() => toMap('results', [{ key: 'deep', value: deep as never }]));
    expect(err.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(err.message).toMatch(/more than 16 levels deep/);
    let ok: unknown = 1;
    for (let i = 0; i < VALUE_LIMITS.structuredDepth; i++) ok = [ok];
    expect(() => toMap('results', [{ key: 'deep', value: ok as never }])).not.toThrow();
  });

  it('refuses null and non-finite numbers as values', () => {
    expect(refusalOf(() => toMap('params', [{ key: 'n', value: null as never }])).message).toMatch(/is null/);
    expect(refusalOf(() => toMap('params', [{ key: 'n', value: Number.NaN }])).code).toBe(ErrorCode.BAD_USER_INPUT);
  });
});
