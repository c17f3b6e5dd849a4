import { Transform } from 'node:stream';
import pMap from 'p-map';

/** Small helpers shared by the upload and download engines. */

/**
 * Runs `fn` over `items`, `concurrency` at a time (p-map's pool). After the first failure no new item
 * starts and the ones already running finish, so their own clean-up (a temp file removed, a part
 * left unsent) is done before the first failure is thrown. p-map alone either rejects at once,
 * leaving them running (stopOnError), or starts every remaining item (without).
 */
export async function mapUntilFailure<T, R>(
  items: readonly T[],
  fn: (item: T) => Promise<R>,
  concurrency: number,
): Promise<Array<R | undefined>> {
  let failure: { error: unknown } | undefined;
  const results = await pMap(
    items,
    async (item) => {
      if (failure) return undefined;
      try {
        return await fn(item);
      } catch (error) {
        failure ??= { error };
        return undefined;
      }
    },
    { concurrency },
  );
  if (failure) throw failure.error;
  return results;
}

/** A stream carried more or fewer bytes than it should have. */
export class LengthMismatch extends Error {
  override name = 'LengthMismatch';
}

/**
 * A pass-through that counts bytes (reporting each chunk) and fails the stream when it carries
 * more or fewer than `expected` bytes, so a request never hangs waiting for bytes that never come.
 */
export function byteCounter(expected: number | null, onBytes: (n: number) => void, what: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      seen += chunk.length;
      if (expected !== null && seen > expected) {
        callback(new LengthMismatch(`${what} is longer than ${expected} bytes`));
        return;
      }
      onBytes(chunk.length);
      callback(null, chunk);
    },
    flush(callback) {
      callback(
        expected !== null && seen !== expected
          ? new LengthMismatch(`${what} has ${seen} bytes, not ${expected}`)
          : null,
      );
    },
  });
}

/** The gist of a store's error answer: S3's XML <Code>/<Message>, or Skein's JSON { errors: [...] }. */
export function storeErrorReason(status: number, statusText: string, body: string): string {
  const xmlCode = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const xmlMessage = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  if (xmlCode) return `HTTP ${status} ${xmlCode}${xmlMessage ? `: ${xmlMessage}` : ''}`;
  try {
    const json = JSON.parse(body) as { errors?: Array<{ message?: string; extensions?: { code?: string } }> };
    const first = json.errors?.[0];
    if (first?.message) return `HTTP ${status} ${first.extensions?.code ?? ''}: ${first.message}`.replace(' :', ':');
  } catch {
    // not JSON
  }
  return `HTTP ${status} ${statusText}`.trim();
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Status codes worth another try: the store or a proxy had a moment. */
export const retryable = (status: number) => status === 408 || status === 429 || status >= 500;
