import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * API token texts: `skn_<id>_<secret>`. The id (12 lower-case base32 characters, 60 random bits)
 * is public: lists show it, revocation names it, the authenticator finds the stored token by it.
 * The secret (32 random bytes, base64url) is shown once and stored only as a slow hash.
 *
 * The hash is scrypt from node:crypto rather than @node-rs/argon2: it is built into Node, so
 * there is no native addon to build or ship for Node 20 and 24. Its parameters travel inside
 * the stored text (`scrypt$N$r$p$salt$hash`), so they can be raised later without breaking the
 * tokens already issued. The secrets are 256 random bits, which no guessing reaches; the slow
 * hash is what keeps a stolen copy of the database from being a list of usable tokens.
 */

const PREFIX = 'skn_';
const ID_LENGTH = 12;
const SECRET_BYTES = 32;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const TOKEN_TEXT = /^skn_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$/;

/** N = 2^15, r = 8: 32 MiB and tens of milliseconds per hash; verified once per token per process. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltBytes: 16 };

export interface TokenText {
  id: string;
  secret: string;
  /** The whole `skn_<id>_<secret>` text, as the client sends it. */
  text: string;
}

/** A new random token (id and secret); hash its secret with `hashSecret` before storing it. */
export function mintToken(): TokenText {
  const id = randomBase32(ID_LENGTH);
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { id, secret, text: `${PREFIX}${id}_${secret}` };
}

/** The token in `text`, or null when it is not one (a JWT, garbage). */
export function parseToken(text: string): TokenText | null {
  const m = TOKEN_TEXT.exec(text);
  return m ? { id: m[1]!, secret: m[2]!, text } : null;
}

/** True when `text` starts like a Skein token, even a damaged one (so a refusal can say so). */
export function looksLikeToken(text: string): boolean {
  return text.startsWith(PREFIX);
}

/** The public id in a token text that may be damaged elsewhere, for the audit trail; null if none. */
export function tokenIdOf(text: string): string | null {
  const id = text.slice(PREFIX.length, PREFIX.length + ID_LENGTH);
  return looksLikeToken(text) && /^[a-z2-7]{12}$/.test(id) ? id : null;
}

/** `scrypt$N$r$p$salt$hash` of a secret, with a fresh random salt. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltBytes);
  const { N, r, p, keyLength } = SCRYPT;
  const hash = await scryptAsync(secret, salt, keyLength, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** True when `secret` hashes to `stored`; compared in constant time. False for a malformed `stored`. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (![N, r, p].every(Number.isSafeInteger) || expected.length === 0) return false;
  const actual = await scryptAsync(secret, salt, expected.length, { N, r, p });
  return timingSafeEqual(actual, expected);
}

/** sha256 of a token text: the key of the process's cache of verified tokens (never the text). */
export function fingerprint(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function scryptAsync(secret: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  // maxmem: scrypt needs 128 * N * r bytes, exactly node's default limit at N = 2^15, r = 8.
  const maxmem = 256 * (options.N ?? 0) * (options.r ?? 8);
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, keyLength, { ...options, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function randomBase32(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}
