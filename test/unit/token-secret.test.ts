import {
  hashSecret,
  looksLikeToken,
  mintToken,
  parseToken,
  tokenIdOf,
  verifySecret,
} from '../../src/auth/token-secret';

describe('API token texts', () => {
  it('mints skn_<12 base32>_<43 base64url> and parses it back', () => {
    const t = mintToken();
    expect(t.text).toMatch(/^skn_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/);
    expect(parseToken(t.text)).toEqual(t);
    expect(mintToken().id).not.toBe(t.id);
  });

  it('refuses what is not a whole token, but can still name a damaged one by its id', () => {
    const t = mintToken();
    for (const bad of [t.text.slice(0, -1), `${t.text}x`, t.text.toUpperCase(), 'skn_', 'a.b.c', `Bearer ${t.text}`]) {
      expect(parseToken(bad)).toBeNull();
    }
    expect(looksLikeToken(t.text.slice(0, -3))).toBe(true);
    expect(tokenIdOf(t.text.slice(0, -3))).toBe(t.id);
    expect(tokenIdOf('skn_short')).toBeNull();
  });

  it('hashes with scrypt and a random salt; verifies only the same secret', async () => {
    const { secret } = mintToken();
    const a = await hashSecret(secret);
    const b = await hashSecret(secret);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(secret);
    expect(await verifySecret(secret, a)).toBe(true);
    expect(await verifySecret(secret, b)).toBe(true);
    expect(await verifySecret(mintToken().secret, a)).toBe(false);
    expect(await verifySecret(secret, 'plain')).toBe(false);
    expect(await verifySecret(secret, 'scrypt$x$8$1$salt$hash')).toBe(false);
  });
});
