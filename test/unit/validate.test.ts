import { ErrorCode, SkeinError } from '../../src/errors';
import { checkName, toMap } from '../../src/services/validate';

function refusal(fn: () => unknown): SkeinError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SkeinError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

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
    const err = refusal(() =>
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
    const err = refusal(() => checkName('Workspace', 'name', 'X'.repeat(100_000)));
    expect(err.message.length).toBeLessThan(300);
    expect(err.message).toMatch(/^Workspace "X+…" is not valid/);
  });
});
