/**
 * The event loop's share per request. Skein answers every client from one thread, so a request
 * that computes for a long stretch stalls all the others (and /healthz with them). The longest
 * single stretch of a large answer was encoding it: `JSON.stringify` of the 11 MB answer of 50
 * lineage aliases held the loop for 108-145 ms (measured standalone, NODE_ENV=production).
 * `stringifyInTurns` encodes it a top-level field at a time, letting I/O in between slices; the
 * longest stall of that request is now one alias's work (~40-100 ms, mostly its completion by
 * graphql-js and garbage collection).
 *
 * Tried and left out: giving each lineage answer's assembly a loop turn of its own, in a queue.
 * It shortened the stalls of that request by a few ms, but under the mixed load bench it held
 * lineage reads to one per loop iteration (p50 328 ms against ~45 ms for searches).
 */

/** How long one slice of encoding may run before it lets other work in. */
const TURN_MS = 10;

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * `JSON.stringify(result)` for a GraphQL response, with the fields of `data` encoded one at a
 * time and a turn of the loop between slices that took longer than TURN_MS.
 */
export async function stringifyInTurns(result: object): Promise<string> {
  const parts: string[] = [];
  let sliceStarted = performance.now();
  for (const [key, value] of Object.entries(result)) {
    if (value === undefined) continue;
    if (key !== 'data' || !isPlainObject(value)) {
      parts.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
      continue;
    }
    const fields: string[] = [];
    for (const [field, fieldValue] of Object.entries(value)) {
      if (fieldValue === undefined) continue;
      if (performance.now() - sliceStarted > TURN_MS) {
        await nextTick();
        sliceStarted = performance.now();
      }
      fields.push(`${JSON.stringify(field)}:${JSON.stringify(fieldValue)}`);
    }
    parts.push(`"data":{${fields.join(',')}}`);
  }
  return `{${parts.join(',')}}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
