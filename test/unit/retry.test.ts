import { Neo4jError } from 'neo4j-driver';
import { withRetries, DEFAULT_RETRY, type RetryPolicy } from '../../src/graph/retry';

const deadlock = () => new Neo4jError('deadlock', 'Neo.TransientError.Transaction.DeadlockDetected', '', '');
const syntax = () => new Neo4jError('bad', 'Neo.ClientError.Statement.SyntaxError', '', '');
const fast: RetryPolicy = { ...DEFAULT_RETRY, initialDelayMs: 1, maxRetryTimeMs: 1_000 };

/** Fails with the given errors in turn, then answers "done". */
function flaky(errors: Error[]) {
  const attempt = jest.fn(async () => {
    const next = errors.shift();
    if (next) throw next;
    return 'done';
  });
  return attempt;
}

describe('retrying auto-commit statements', () => {
  it('retries transient errors until the statement succeeds', async () => {
    const attempt = flaky([deadlock(), deadlock()]);
    await expect(withRetries(attempt, fast)).resolves.toBe('done');
    expect(attempt).toHaveBeenCalledTimes(3);
  });

  it('does not retry an error that would fail again', async () => {
    const attempt = flaky([syntax()]);
    await expect(withRetries(attempt, fast)).rejects.toThrow('bad');
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('gives up once the time budget is spent, with the last error', async () => {
    const attempt = jest.fn(async () => {
      throw deadlock();
    });
    await expect(withRetries(attempt, { ...fast, maxRetryTimeMs: 30 })).rejects.toThrow('deadlock');
    expect(attempt.mock.calls.length).toBeGreaterThan(1);
    expect(attempt.mock.calls.length).toBeLessThan(10);
  });
});
