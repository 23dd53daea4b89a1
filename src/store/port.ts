/**
 * @module
 * The one small interface every database adapter implements (DuckDB and PostgreSQL), so
 * the rest of Lantern never sees a driver. Rows come back normalised: dates as `YYYY-MM-DD`
 * strings, integers as numbers, NULL as null. SQL given to `all`/`run` stays in the portable
 * subset both engines accept (`../shared/research/stack.md` §C2); parameters are `$1, $2, …`.
 */

/** A plain value passed to or read from SQL. */
export type SqlValue = string | number | boolean | null;

/** A row as read from the store. */
export type Row = Record<string, SqlValue>;

/** A column a bulk writer fills, with how to convert the JS value. */
export interface BulkColumn {
  readonly name: string;
  readonly type: "text" | "date" | "int" | "float";
}

/** Streams rows into one table; nothing is visible to others until the surrounding work commits. */
export interface BulkWriter {
  /** Append one row; values in the order of the writer's columns (dates as day numbers). */
  append(values: readonly (string | number | null)[]): void;
  /** Resolves when the rows appended so far are no longer waiting in this process's memory in bulk (a writer that sends them asynchronously; others resolve at once). */
  drained?(): Promise<void>;
  /** Finish; must be called before the table is read. */
  close(): Promise<void>;
}

/** A connection to the store. */
export interface Store {
  readonly kind: "duckdb" | "postgres";
  /** Human-readable location (file path or URL without password). */
  readonly location: string;
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  all<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /**
   * Run `fn` on one connection: staging tables it creates stay visible to everything it runs
   * (PostgreSQL hands out pooled connections; DuckDB has only one). Loads wrap their staging and
   * commit in a session.
   */
  session<T>(fn: () => Promise<T>): Promise<T>;
  /** Run `fn` in one transaction: all of it commits or none of it does. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Run `fn` reading one consistent view of the whole store, as of its start, while others may go
   * on writing (PostgreSQL: a REPEATABLE READ, READ ONLY transaction; DuckDB: a transaction, which
   * sees a snapshot). A backup reads every table inside one, so the tables agree with each other.
   */
  consistentRead<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Stream the result of `sql` (no parameters) to `onRows` in batches of `batchRows` rows (the last smaller),
   * each row an array in the SELECT's column order, normalised as `all` does, without holding the
   * whole result in memory. `onRows` is awaited before the next batch is read, and must not query
   * this same store (DuckDB's one connection is busy streaming). Floating-point values come back
   * in full precision whatever the server's settings.
   */
  scan(sql: string, onRows: (rows: SqlValue[][]) => Promise<void>, batchRows?: number): Promise<void>;
  /** A bulk writer into an existing table (usually a staging table). */
  bulkWriter(table: string, columns: readonly BulkColumn[]): Promise<BulkWriter>;
  /**
   * Create a session-local staging table like `table` but holding only `columns`. `onDisk`: the
   * rows may be many (a whole return), so keep them out of the process's memory: DuckDB keeps
   * temporary tables in memory, so there it is an ordinary table in the database file, compressed
   * and written out as it fills (one process owns the file, so it is private all the same) and
   * dropped like the temporary one; PostgreSQL's temporary tables already live on the server.
   */
  createStaging(name: string, columns: readonly BulkColumn[], opts?: { readonly onDisk?: boolean }): Promise<void>;
  /**
   * Run `fn` on `n` connections at once, each handed a store bound to a connection of its own
   * (its temporary tables and transactions its own, none of them the caller's), for work that
   * splits into independent statements, such as a compute's indicators. Resolves with every
   * worker's result once all have finished; if any fails, rejects with the first failure once all
   * have stopped (a worker should stop early when `failed()` says another has failed). DuckDB:
   * extra connections to the one database instance; PostgreSQL: pooled connections.
   */
  parallel<T>(n: number, fn: (worker: Store, index: number, failed: () => boolean) => Promise<T>): Promise<T[]>;
  /**
   * Create a table holding only `columns` that every connection of this store in this process can
   * fill and read (the workers of `parallel` and their caller), kept apart from the store's own
   * tables, and return the name to use for it in SQL. Drop it with `dropShared`. DuckDB: a table in
   * an in-memory database attached to the instance (gone with the process); PostgreSQL: an
   * unlogged table named after the server session that made it (a later call drops those whose
   * session has gone), left out of backups.
   */
  createShared(name: string, columns: readonly BulkColumn[]): Promise<string>;
  /** Drop a table `createShared` made, by the name it returned. */
  dropShared(name: string): Promise<void>;
  /**
   * Run `fn` holding the named locks (for example `load:202`): anyone else asking for one of the
   * same names waits until `fn` ends, in this process and, on PostgreSQL, in every process using
   * the same database (advisory locks, released by the server if the process dies). `onWait` is
   * called once if another holder makes this caller wait.
   */
  exclusive<T>(names: readonly string[], fn: () => Promise<T>, onWait?: () => void): Promise<T>;
  /**
   * Inside a transaction, hold the named lock until the transaction ends, so another process
   * writing under the same name waits for this one's commit (the audit chain's next id, a
   * snapshot's stored values). PostgreSQL: a transaction-level advisory lock; DuckDB: nothing to do,
   * since one process owns the file and its writes are already serialised.
   */
  transactionLock(name: string): Promise<void>;
  /** Refresh the planner's statistics after a bulk change (PostgreSQL needs it; DuckDB keeps its own). */
  analyze(tables: readonly string[]): Promise<void>;
  /**
   * Call `listener` after another process (or this one) commits a change to what pages show, so
   * caches built from older figures can be dropped. PostgreSQL listens for the change
   * notifications its triggers send (migration 6), and calls it also after its listening
   * connection was lost and made again (a change may have been missed); the embedded DuckDB file
   * has one writing process, so there nothing else can change it and the listener is never called.
   * Resolves, once listening, with a function that stops listening.
   */
  onChange(listener: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
