/**
 * Polls `probe` every `everyMs` until it answers something other than undefined or false, and returns
 * that answer; fails naming `what` once `timeoutMs` has passed. For conditions no event announces
 * (a process noticed a kill, a transaction started in Neo4j), so a test waits for the fact, not a time.
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
