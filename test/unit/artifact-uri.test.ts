import { checkVersionName, formatStoreUri, parseStoreUri } from '../../src/domain/artifact-uri';
import { isUid } from '../../src/domain/uid';
import { ErrorCode, SkeinError } from '../../src/errors';

const UID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

/** The error parseStoreUri throws for `uri`, or undefined when it parses. */
function refusal(uri: string): SkeinError | undefined {
  try {
    parseStoreUri(uri);
    return undefined;
  } catch (error) {
    return error as SkeinError;
  }
}

describe('artifact URIs', () => {
  it.each([
    ['store://artifacts/ws/key', { workspace: 'ws', key: 'key', kind: null, iteration: null, tag: null, uid: null }],
    ['store://models/ws/models/churn', { workspace: 'ws', key: 'models/churn', kind: 'MODEL' }],
    ['store://datasets/ws/iris.csv:prod', { key: 'iris.csv', kind: 'DATASET', tag: 'prod' }],
    ['store://artifacts/ws/key#0', { iteration: 0, tag: null, uid: null }],
    ['store://artifacts/ws/key#12:latest', { iteration: 12, tag: 'latest' }],
    [`store://artifacts/ws/key:v1.0.0@${UID}`, { tag: 'v1.0.0', uid: UID }],
    [
      `store://artifacts/ws/a/b/c#3:best-run_2@${UID.toUpperCase()}`,
      { key: 'a/b/c', iteration: 3, tag: 'best-run_2', uid: UID },
    ],
    [`store://artifacts/ws/key@${UID}`, { tag: null, uid: UID, iteration: null }],
  ])('parses %s', (uri, expected) => {
    expect(parseStoreUri(uri)).toMatchObject(expected);
  });

  it.each([
    ['s3://bucket/key', 'expected store://<artifacts|models|datasets>'],
    ['store://plots/ws/key', 'expected store://<artifacts|models|datasets>'],
    ['store://artifacts/ws', 'expected store://'],
    ['store://artifacts/ws/', 'expected store://'],
    ['store://artifacts/ws/key#x', 'iteration "x"'],
    ['store://artifacts/ws/key#', 'iteration ""'],
    ['store://artifacts/ws/key#-1', 'iteration "-1"'],
    ['store://artifacts/ws/key#1.5:prod', 'iteration "1.5"'],
    ['store://artifacts/ws/key:', 'after ":"'],
    ['store://artifacts/ws/key:a b', 'after ":"'],
    ['store://artifacts/ws/key@', 'after "@"'],
    ['store://artifacts/ws/key@not-a-uid', 'after "@"'],
    ['store://artifacts/ws/key:prod#0', 'after ":"'],
  ])('refuses %s as BAD_USER_INPUT (%s)', (uri, says) => {
    const error = refusal(uri);
    expect(error).toBeInstanceOf(SkeinError);
    expect(error?.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error?.message).toContain(says);
  });

  it('formats every artifact as store://artifacts/<workspace>/<key>@<uid>, which parses back', () => {
    const uri = formatStoreUri({ workspace: 'ws', key: 'models/churn', uid: UID });
    expect(uri).toBe(`store://artifacts/ws/models/churn@${UID}`);
    expect(parseStoreUri(uri)).toEqual({
      workspace: 'ws',
      key: 'models/churn',
      kind: null,
      iteration: null,
      tag: null,
      uid: UID,
    });
  });

  it('tells a bare uid from a global id', () => {
    expect(isUid(UID)).toBe(true);
    expect(isUid(Buffer.from(`Artifact:${UID}`).toString('base64url'))).toBe(false);
  });

  it('checks version names as tags, with "latest" reserved', () => {
    expect(checkVersionName('v1.0.0')).toBe('v1.0.0');
    expect(() => checkVersionName('v1 final')).toThrow('e.g. "v1.0.0"');
    expect(() => checkVersionName('-v1')).toThrow('not valid');
    expect(() => checkVersionName('latest')).toThrow('"latest" always names');
  });
});
