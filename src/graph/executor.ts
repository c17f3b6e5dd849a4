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
  /**
   * With `oneStatement`, for a statement that RETURNs at most one row: a Cypher condition on that
   * row's columns that holds exactly when the write stands (`work` then returns without throwing),
   * where no row means the statement wrote nothing. A request's record (WriteHook) then joins the
   * statement, conditioned on it, in one auto-commit transaction: one message a mutation instead of
   * BEGIN, statement, COMMIT (recordedWithRow). `'true'` when any row means the write stood.
   */
  recordIf?: string;
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
  /**
   * What `write` writes, as a clause to put in front of a one-statement write's statement, so the
   * two go to the database as one statement (see GraphExecutor.recordedInStatement); null when
   * there is nothing to write. The clause must not change the statement's rows: a unit subquery.
   */
  prelude(): Prelude | null;
  committed(): void;
}

/** A Cypher clause (a unit subquery) and its parameters, run ahead of a statement in the same query. */
export interface Prelude {
  cypher: string;
  /** Named so that they cannot meet a statement's own parameters. */
  params: Params;
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

  /**
   * What every executor of one database connection shares, as an opaque key: for state kept per
   * process and database (OpenLineage's group committer), never to reach the driver.
   */
  get connection(): object {
    return this.driver;
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
    let recorded: Promise<T>;
    if (!options.oneStatement) recorded = this.recordedLast(work, hook);
    else if (options.recordIf) recorded = this.recordedWithRow(work, hook, options.recordIf);
    else recorded = this.recordedInStatement(work, hook);
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
   * A one-statement write and its record, in one explicit transaction holding one statement: the
   * record's CREATE goes in front of the write's statement (`WriteHook.prelude`, a unit subquery),
   * so the transaction is three messages (BEGIN, the statement, COMMIT; BEGIN and the statement go
   * out together) against four with the record as a statement of its own. The record can go first
   * because a one-statement write was authorized before it ran. The transaction still commits only
   * once the work returned: should the statement fail, or the reads after it explain a statement
   * that matched nothing by throwing, it rolls back with its record. Retried as a whole on
   * transient errors, as managed transactions are. (Writes whose row says whether they stood
   * skip BEGIN and COMMIT too: recordedWithRow.) The record in front means its change-feed lock
   * (audit.cypher.ts IN_FEED) is taken as the statement starts, not at its end: one statement's
   * run longer, where a record of its own after it would cost every such write a round trip.
   */
  private recordedInStatement<T>(work: (tx: Tx) => Promise<T>, hook: WriteHook): Promise<T> {
    const attempt = () =>
      withRetries(() =>
        this.explicit(async (tx) => {
          let joined = false;
          const joining: Tx = {
            run: <R>(query: string, params: Params = {}) => {
              const prelude = joined ? null : hook.prelude();
              joined = true;
              if (!prelude) return tx.run<R>(query, params);
              return tx.run<R>(`${prelude.cypher}\n${query}`, { ...params, ...prelude.params });
            },
          };
          const result = await work(joining);
          if (!joined) await hook.write(tx); // the work ran no statement: the record goes alone
          return result;
        }),
      ).catch((err: unknown) => {
        throw translateError(err);
      });
    return this.inSlot(attempt);
  }

  /**
   * A one-statement write whose row says whether it stood (WriteOptions.recordIf), and its record,
   * as one auto-commit statement: the write's statement runs as a subquery and the record's CREATE
   * after it, once for its row when `recordIf` holds. So the record commits exactly with a write
   * that stands, and a write that stood nowhere (no row, or the condition false: `work` explains
   * and throws) leaves none, as a rolled-back transaction would. With no row and `work` returning
   * all the same (nothing was written: a finish of a run that is not there), the record is written
   * on its own, as the transaction holding the statement would have committed it.
   */
  private async recordedWithRow<T>(work: (tx: Tx) => Promise<T>, hook: WriteHook, recordIf: string): Promise<T> {
    let rows: number | null = null; // of the statement, once it ran
    const result = await this.autoCommit('WRITE', (tx) => {
      const joining: Tx = {
        run: async <R>(query: string, params: Params = {}) => {
          const record = rows === null ? hook.prelude() : null;
          if (!record) return tx.run<R>(query, params);
          const answer = await tx.run<R>(recordedWhen(query, recordIf, record.cypher), {
            ...params,
            ...record.params,
          });
          rows = answer.length;
          return answer;
        },
      };
      return work(joining);
    });
    if (rows === 0 || (rows === null && hook.pending())) {
      await this.autoCommit('WRITE', (tx) => hook.write(tx));
    }
    return result;
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

  /**
   * A schema command or a migration's batched data change, as its own auto-commit transaction
   * (schema commands cannot share a transaction with data writes, and `CALL { … } IN
   * TRANSACTIONS` commits batch by batch and is refused inside an explicit one),
   * without the per-query timeout: a backfill of every run took minutes on 330,000 runs here, and
   * a migration cut short would stop every start until it is let finish.
   */
  async runSchema(query: string): Promise<void> {
    const session = this.driver.session({ database: this.options.database, defaultAccessMode: 'WRITE' });
    try {
      await session.run(query);
    } catch (err) {
      throw translateError(err);
    } finally {
      await session.close();
    }
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
        withRetries(() => this.rows<R>(() => session.run(query, asSent(query, params), config))),
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
      run: <T>(query: string, params: Params = {}) => this.rows<T>(() => mtx.run(query, asSent(query, params))),
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

/** `query` (answering at most one row) then `record` (a unit subquery) for its row when `condition` holds. */
function recordedWhen(query: string, condition: string, record: string): string {
  // Kept short: the text goes with every call (see namedOnly). 'true' needs no filter: a unit
  // subquery runs once for each row it is given.
  const after = condition === 'true' ? record : `CALL(*){WITH * WHERE ${condition} ${record}}`;
  return `CALL(){\n${query}\n}${after}RETURN *`;
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

/** The parameters as they go to Neo4j: only those the query names (`namedOnly`), none undefined. */
const asSent = (query: string, params: Params): Params => omittedAsNull(namedOnly(query, params));

/**
 * The parameters `query` names. Repositories may hand a record over whole (`{ ...run, maps }`), and
 * every parameter is packed and sent whether the query reads it or not: startRun's message carried
 * its params and labels twice (as the record's maps and as `$maps`), 1,547 bytes where neo4j-driver
 * writes to the socket every 1,400 (two writes a message). A parameter is kept whenever its name
 * appears anywhere in the text, so one the check might misread (in backticks, in a comment) is sent.
 */
export function namedOnly(query: string, params: Params): Params {
  const keys = Object.keys(params);
  if (keys.every((key) => query.includes(key))) return params;
  return Object.fromEntries(keys.filter((key) => query.includes(key)).map((key) => [key, params[key]]));
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
