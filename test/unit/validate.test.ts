import { ErrorCode } from '../../src/errors';
import { checkName, toMap } from '../../src/services/validate';
import { refusalOf } from '../helpers/refusal';

describe('toMap', () => {
  it('keeps keys that name Object.prototype members as ordinary keys', () => {
    const map = toMap<number | string>('params', [
      { key: 'constructor', value: 1 },
      { key: 'toString', value: 'x' },
      { key: '__proto__', value: 2 },
    ]);
    expect(Object.entries(map)).toEqual([
      ['constructor', 1],
      ['toString', 'x'],
      ['__proto__', 2],
    ]);
  });

  it('still refuses a key given twice', () => {
    const err = refusalOf(() =>
      toMap<number>('params', [
        { key: 'lr', value: 1 },
        { key: 'lr', value: 2 },
      ]),
    );
    expect(err.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(err.message).toBe('"params" has the key "lr" twice.');
  });
});

describe('echoed input', () => {
  it('is clipped in messages, so a huge value gives a short error', () => {
    const err = refusalOf(() => checkName('Workspace', 'name', 'X'.repeat(100_000)));
    expect(err.message.length).toBeLessThan(300);
    expect(err.message).toMatch(/^Workspace "X+…" is not valid/);
  });
});
