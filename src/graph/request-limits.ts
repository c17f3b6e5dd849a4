import { formatCount, limitExceeded, type LimitsConfig } from '../domain/limits';

/** What one request may hold of Neo4j and read from it (GraphExecutor.withStats makes one per request). */
export type RequestGraphLimits = Pick<LimitsConfig, 'maxRequestSessions' | 'maxGraphRecords'>;

/**
 * At most `max` Neo4j sessions of one request at once; the others wait their turn. The driver's
 * pool holds 100 connections for the whole process: 1,000 lineage aliases in one request took
 * them all, and a trivial query from another client waited 22 s for one.
 *
 * Not re-entrant: the work of a `read` or `write` must not open another session of the same
 * request (nothing does: one use case is one `read` or `write`), or `max` such outer calls
 * would wait for ever on each other. Re-entrancy would need AsyncLocalStorage, whose promise
 * hook Node 20 then runs on every promise of the process.
 */
export class SessionSlots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number) {
    this.free = max;
  }

  async use<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so a newcomer cannot overtake it.
    if (next) next();
    else this.free += 1;
  }
}

/**
 * The records one request has read from Neo4j: rows, plus the items of every list a row
 * carries (lineage answers come back as a few rows of collected nodes and events). Past the
 * limit the next read fails with QUERY_TOO_COMPLEX, so no further answer is fetched or assembled:
 * a backstop behind the cost limit for lists whose size the query does not show.
 */
export class GraphRecordBudget {
  private spent = 0;

  constructor(readonly max: number) {}

  spend(rows: readonly Record<string, unknown>[]): void {
    let records = rows.length;
    for (const row of rows) {
      for (const value of Object.values(row)) if (Array.isArray(value)) records += value.length;
    }
    this.spent += records;
    if (this.spent > this.max) {
      throw limitExceeded(
        'maxGraphRecords',
        `The request read ${formatCount(this.spent)} records from the graph`,
        this.max,
        'Ask for fewer nodes (maxNodes, first) or fewer aliases per request.',
      );
    }
  }
}
