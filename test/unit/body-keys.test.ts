import { BODY_KEY, compositeOfKey, ownKey, partsKey, wholeKey, wholeSha256OfKey } from '../../src/storage/body-store';

/** Object keys: content addresses, and one upload's own key for one (create-upload.ts). */
describe('body keys', () => {
  const hex = 'ab'.repeat(32);
  const nonce = '0123456789abcdef';

  it("names an upload's own key after the content address, and reads the digest back from either", () => {
    const whole = wholeKey(hex);
    const own = ownKey(whole, nonce);
    expect(own).toBe(`bodies/sha256/${hex}.${nonce}`);
    expect([whole, own].map((k) => BODY_KEY.test(k))).toEqual([true, true]);
    expect([whole, own].map(wholeSha256OfKey)).toEqual([hex, hex]);

    const parts = partsKey(hex, 3);
    expect(compositeOfKey(ownKey(parts, nonce))).toBe(`${hex}-3`);
    expect(wholeSha256OfKey(parts)).toBeNull();
  });

  it('refuses what is not a content key and a nonce', () => {
    expect(() => ownKey(ownKey(wholeKey(hex), nonce), nonce)).toThrow();
    expect(() => ownKey(wholeKey(hex), 'xyz')).toThrow();
    expect(() => ownKey('elsewhere/file', nonce)).toThrow();
    expect(BODY_KEY.test(`bodies/sha256/${hex}.${nonce}.${nonce}`)).toBe(false);
    expect(BODY_KEY.test(`bodies/sha256/${hex}/../x`)).toBe(false);
  });
});
