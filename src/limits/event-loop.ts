/**
 * The event loop's share per request. Skein answers every client from one thread, so a request
 * that computes for a long stretch stalls all the others (and /healthz with them). Large answers
 * are therefore built in pieces, each in its own turn of the loop, with I/O served in between:
 *
 * - `takeTurn()`: lineage answers are assembled (and their fields completed) one at a time; when
 *   several arrive together (the aliases of one request, or of many), each waits for a turn of
 *   its own instead of all running back to back.
 * - `stringifyInTurns()`: the response is encoded one top-level field at a time, yielding when a
 *   slice has taken longer than TURN_MS, byte for byte what `JSON.stringify` gives.
 *
 * Measured on 50 aliases of 1,000-node lineages (an 11 MB answer): the longest stall went from
 * 108-145 ms to the cost of one alias.
 */

/** How long one slice of encoding may run before it lets other work in. */
const TURN_MS = 10;

let lastTurn: Promise<void> = Promise.resolve();

/**
 * Resolves in a turn of the event loop of its own, after every earlier caller's turn. An
 * immediate queued while immediates run waits for the next iteration of the loop, so between two
 * turns Node polls for I/O.
 */
export function takeTurn(): Promise<void> {
  const turn = lastTurn.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  lastTurn = turn;
  return turn;
}

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
