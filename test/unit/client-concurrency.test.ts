import { mapUntilFailure } from '../../src/client/http';

/** A task that can be finished from outside, so a test decides the order things happen in. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('mapUntilFailure (the CLI uploads and downloads a few files at a time)', () => {
  it('answers in input order, never running more than `concurrency` at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapUntilFailure(
      [5, 1, 4, 2, 3],
      async (n) => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return n * 10;
      },
      2,
    );
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('starts nothing after a failure, lets running work finish, then throws the first failure', async () => {
    const slow = gate();
    const started: number[] = [];
    const finished: number[] = [];
    const work = mapUntilFailure(
      [1, 2, 3, 4],
      async (n) => {
        started.push(n);
        if (n === 1) await slow.opened; // still running when 2 fails
        if (n === 2) throw new Error('item 2 failed');
        finished.push(n);
      },
      2,
    );
    let settled = false;
    const outcome = work.then(
      () => (settled = true),
      (error: unknown) => {
        settled = true;
        return error;
      },
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false); // item 1 is still running: the failure waits for it
    slow.open();
    expect(await outcome).toEqual(new Error('item 2 failed'));
    expect(finished).toEqual([1]);
    expect(started).toEqual([1, 2]); // 3 and 4 never started
  });
});
