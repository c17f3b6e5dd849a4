import { SkeinError } from '../../src/errors';

/** The SkeinError `work` refuses with; fails the test when it is accepted (or throws anything else). */
export function refusalOf(work: () => unknown, what = 'the input'): SkeinError {
  try {
    work();
  } catch (err) {
    if (err instanceof SkeinError) return err;
    throw err;
  }
  throw new Error(`${what} was accepted`);
}
