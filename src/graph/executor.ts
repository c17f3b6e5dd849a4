import neo4j, {
  Neo4jError,
  type Driver,
  type ManagedTransaction,
  type Record as Neo4jRecord,
  type Result,
  type Transaction,
} from 'neo4j-driver';
import { conflict, ErrorCode, SkeinError } from '../errors';
import { GraphRecordBudget, SessionSlots, type RequestGraphLimits } from './request-limits';
import { withRetries } from './retry';

/**
 * The one door to the database: repositories call `read` / `write`, nothing else opens a
 * session. Multi-statement writes run as managed transactions (the driver retries them on
 * transient errors); reads and one-statement writes run each query as an auto-commit
 * transaction, one round trip, retried by the same rules (retry.ts). Every query carries a
 * timeout; every round trip is counted (tests assert batching with it); Neo4j errors are
 * translated here, so driver errors never leave the graph layer.
 */

export type Params = Record<string, unknown>;

/**
 * JS numbers travel as Cypher floats (the driver cannot tell 3 from 3.0); LIMIT and other
 * integer-only slots need a real integer.
 */
export const int = (n: number) => neo4j.int(n);

/** A page window as query parameters: the cursor key and an integer LIMIT. */
export const windowParams = <K>(w: { after: K | null; limit: number }) => ({ after: w.after, limit: int(w.limit) });
export type Row = Record<string, unknown>;

/** Counts Cypher round trips, per request. */
export class QueryStats {
  queries = 0;
}

/** A transaction as repositories see it: run a named query, get plain rows back. */
export interface Tx {
  run<T = Row>(query: string, params?: Params): Promise<T[]>;
}

export interface WriteOptions {
  /**
   * True when `work` writes with one statement (it may read afterwards, e.g. to explain why the
   * statement matched nothing, but never writes again): the statement then runs as its own
   * auto-commit transaction, still all or nothing, in one round trip instead of three (BEGIN,
   * RUN, COMMIT), retried on transient errors as a managed transaction would be. Measured on the
   * tracking bench: 0.65x -> 0.75x the raw driver's write rate.
   */
  oneStatement?: boolean;
}

export interface ExecutorOptions {
  database?: string;
  timeoutMs: number;
  /** What each request's executor (`withStats`) may hold and read; unbounded when absent. */
  perRequest?: RequestGraphLimits;
}

/**
 * Runs at the end of every write transaction of a request while it has something to write (the
 * request's audit entries, src/services/audit.ts), so they commit with the change or not at all.
 * `committed` is called once the transaction committed (a retried transaction writes them again).
 */
export interface WriteHook {
  pending(): boolean;
  write(tx: Tx): Promise<void>;
  committed(): void;
}

/** One request's share of the database (src/graph/request-limits.ts). */
interface RequestShare {
  slots: SessionSlots;
  budget: GraphRecordBudget;
}

export class GraphExecutor {
  constructor(
    private readonly driver: Driver,
    private readonly options: ExecutorOptions,
    private readonly stats?: QueryStats,
    private readonly share?: RequestShare,
    private readonly hook?: WriteHook,
  ) {}

  /** The same executor (same stats and share), running `hook` in each of its write transactions. */
  withWriteHook(hook: WriteHook): GraphExecutor {
    return new GraphExecutor(this.driver, this.options, this.stats, this.share, hook);
  }

  /**
   * The same executor (same stats) outside the request's session slots and record budget: for the
   * audit trail's own one-statement writes, which may run while the request holds every slot (a
   * refusal recorded inside a transaction, or inside each of several parallel reads) and would
   * otherwise wait for a slot only they could free.
   */
  unslotted(): GraphExecutor {
    return new GraphExecutor(this.driver, this.options, this.stats);
  }

  /**
   * The same executor for one request: it counts queries into `stats`, holds at most
   * `perRequest.maxRequestSessions` sessions at once and reads at most `perRequest.maxGraphRecords`.
   */
  withStats(stats: QueryStats): GraphExecutor {
    const limits = this.options.perRequest;
    const share = limits && {
      slots: new SessionSlots(limits.maxRequestSessions),
      budget: new GraphRecordBudget(limits.maxGraphRecords),
    };
    return new GraphExecutor(this.driver, this.options, stats, share);
  }

  /** Runs `work` in one of the request's session slots (at once when it is not bounded). */
  private inSlot<T>(work: () => Promise<T>): Promise<T> {
    return this.share ? this.share.slots.use(work) : work();
  }

  /**
   * Reads run each query as its own auto-commit transaction: a managed read transaction adds a
   * BEGIN and a COMMIT round trip and buys nothing, because Neo4j reads are read-committed
   * inside a transaction too (two queries in one can see different commits). Transient failures
   * are retried as the driver retries managed transactions.
   */
  read<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.autoCommit('READ', work);
  }

  write<T>(work: (tx: Tx) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    const hook = this.hook;
    if (!hook?.pending()) return options.oneStatement ? this.autoCommit('WRITE', work) : this.managed(work);
    // With something to record, the write is no longer one statement: the record joins it.
    const recorded = options.oneStatement ? this.recordedFirst(work, hook) : this.recordedLast(work, hook);
    return recorded.then((result) => {
      hook.committed();
      return result;
    });
  }

  /**
   * A multi-statement write and its record: the record is written last, because the work may
   * still name what it is about (an authorization inside the transaction).
   */
  private recordedLast<T>(work: (tx: Tx) => Promise<T>, hook: WriteHook): Promise<T> {
    return this.managed(async (tx) => {
      const result = await work(tx);
      if (hook.pending()) await hook.write(tx);
      return result;
    });
  }

  /**
   * A one-statement write and its record, in one explicit transaction whose messages are
   * pipelined: BEGIN, the record's CREATE and the statement go out together, then COMMIT; two
   * round trips instead of the managed transaction's four (BEGIN, statement, record, COMMIT).
   * The record can go first because a one-statement write was authorized before it ran. Should
   * the statement fail, the transaction rolls back with its record. Retried as a whole on
   * transient errors, as managed transactions are.
   */
  private recordedFirst<T>(work: (tx: Tx) => Promise<T>, hook: WriteHook): Promise<T> {
    const attempt = () =>
      withRetries(() =>
        this.explicit(async (tx) => {
          const record = hook.write(tx); // sent now (not awaited), ahead of the statement
          const settled = record.then(
            () => null,
            (err: unknown) => err,
          );
          const result = await work(tx);
          const failed = await settled;
          if (failed) throw failed;
          return result;
        }),
      ).catch((err: unknown) => {
        throw translateError(err);
      });
    return this.inSlot(attempt);
  }

  private async explicit<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.options.database, defaultAccessMode: 'WRITE' });
    const tx = session.beginTransaction({ timeout: this.options.timeoutMs });
    try {
      const result = await work(this.wrap(tx));
      await tx.commit();
      return result;
    } catch (err) {
      if (tx.isOpen()) await tx.rollback().catch(() => undefined);
      throw err; // translated by the caller, after the retries have seen the driver's error
    } finally {
      await session.close();
    }
  }

  /** Schema commands (CREATE CONSTRAINT …) cannot share a transaction with data writes. */
  /**
   * A schema command or a migration's batched data change, as its own auto-commit transaction:
   * `CALL { … } IN TRANSACTIONS` commits batch by batch and is refused inside an explicit one.
   */
  async runSchema(query: string): Promise<void> {
    await this.write((tx) => tx.run(query), { oneStatement: true });
  }

  private managed<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.inSlot(() => this.managedSession(work));
  }

  private async managedSession<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.options.database, defaultAccessMode: 'WRITE' });
    const config = { timeout: this.options.timeoutMs };
    const body = (mtx: ManagedTransaction) => work(this.wrap(mtx));
    try {
      return await session.executeWrite(body, config);
    } catch (err) {
      throw translateError(err);
    } finally {
      await session.close();
    }
  }

  /** Each query of `work` is its own transaction (see `read` and WriteOptions.oneStatement). */
  private autoCommit<T>(mode: 'READ' | 'WRITE', work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.inSlot(() => this.autoCommitSession(mode, work));
  }

  private async autoCommitSession<T>(mode: 'READ' | 'WRITE', work: (tx: Tx) => Promise<T>): Promise<T> {
    const session = this.driver.session({ database: this.options.database, defaultAccessMode: mode });
    const config = { timeout: this.options.timeoutMs };
    const tx: Tx = {
      run: <R>(query: string, params: Params = {}) =>
        withRetries(() => this.rows<R>(() => session.run(query, omittedAsNull(params), config))),
    };
    try {
      return await work(tx);
    } catch (err) {
      throw translateError(err);
    } finally {
      await session.close();
    }
  }

  private wrap(mtx: ManagedTransaction | Transaction): Tx {
    return {
      run: <T>(query: string, params: Params = {}) => this.rows<T>(() => mtx.run(query, omittedAsNull(params))),
    };
  }

  private async rows<T>(start: () => Result): Promise<T[]> {
    if (this.stats) this.stats.queries += 1;
    const result = await withoutStackCapture(start);
    const rows = result.records.map((r: Neo4jRecord) => r.toObject() as T);
    this.share?.budget.spend(rows as Row[]);
    return rows;
  }
}

/**
 * The driver takes a stack trace for every query it starts (to graft onto a failure reported
 * later), and formatting it was ~6% of a write request's CPU. Skein reports failures with its own
 * context, so queries are started with capture off: the driver reads `Error.stackTraceLimit`
 * synchronously, inside `start`, and nothing else runs in between.
 */
function withoutStackCapture<T>(start: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return start();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * An optional GraphQL argument the client left out arrives as `undefined`, and the driver leaves an
 * undefined parameter out of the query, which Neo4j then refuses ("Expected parameter(s):
 * template"). Left out means null, in every query: repositories need not care which it was.
 * (Inside maps and lists the driver already sends undefined as null or drops the key, which Cypher
 * reads as null.)
 */
export function omittedAsNull(params: Params): Params {
  for (const key in params) {
    if (params[key] === undefined) {
      return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v === undefined ? null : v]));
    }
  }
  return params;
}

const UNAVAILABLE = new Set(['ServiceUnavailable', 'SessionExpired']);

/** Neo4j errors become Skein errors at this edge; anything unknown stays internal (masked later). */
export function translateError(err: unknown): unknown {
  if (err instanceof SkeinError || !(err instanceof Neo4jError)) return err;
  if (err.code === 'Neo.ClientError.Schema.ConstraintValidationFailed') {
    return conflict('That already exists (a uniqueness rule was violated); retry with another name or key.');
  }
  if (UNAVAILABLE.has(err.code)) {
    return new SkeinError(ErrorCode.SERVICE_UNAVAILABLE, 'The graph database is unavailable; try again shortly.');
  }
  return err;
}
