/**
 * @module
 * The DuckDB adapter: one database file under the data directory, opened by one process at a
 * time for writing (DuckDB's rule). A lock file beside the database turns "another process has
 * it open" into a clear message instead of a driver error. Rows are normalised here and nowhere
 * else: BIGINT → number, DATE → 'YYYY-MM-DD', TIMESTAMP → ISO text.
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DOUBLE, DuckDBDateValue, DuckDBInstance, type DuckDBConnection, type DuckDBType, type DuckDBValue } from "@duckdb/node-api";
import { LanternError } from "../core/errors.ts";
import { makePrivateDir, PRIVATE_FILE_MODE } from "../core/private-files.ts";
import { NamedLocks } from "./locks.ts";
import type { BulkColumn, BulkWriter, Row, SqlValue, Store } from "./port.ts";
import { runWorkers, workerCount } from "./workers.ts";

/** Options for opening a DuckDB store. */
export interface DuckDbOptions {
  /** Open without the write lock (read-only use, e.g. benchmarks on a copy). Default false. */
  readonly readOnly?: boolean;
}

/** The database file inside a data directory. */
export function duckDbPath(dataDir: string): string {
  return join(dataDir, "lantern.duckdb");
}

function lockPath(dataDir: string): string {
  return join(dataDir, "lantern.lock");
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function takeLock(dataDir: string): void {
  const p = lockPath(dataDir);
  if (existsSync(p)) {
    const pid = Number(readFileSync(p, "utf8").trim());
    if (Number.isInteger(pid) && pid !== process.pid && pidAlive(pid)) {
      throw new LanternError("LANTERN_STORE_LOCKED", `The data store in ${dataDir} is in use by another Lantern process (pid ${pid}).`, {
        hint: "Stop the other process (for example a running `lantern serve` or `lantern demo`), or use another --data folder.",
      });
    }
  }
  writeFileSync(p, String(process.pid));
}

function toDuck(v: SqlValue): DuckDBValue {
  return v;
}

/**
 * Parameter types where the driver's own guess would fail: it binds a whole-number JS number as
 * an INTEGER or BIGINT, so 1e21 (a whole number to JavaScript, beyond BIGINT) was refused with
 * "bigint out of int64 range". Such numbers are bound as DOUBLE, which is what they are. Undefined
 * (the driver guesses) for every other parameter, or for all when none needs it.
 */
function paramTypes(params: readonly SqlValue[]): (DuckDBType | undefined)[] | undefined {
  if (!params.some((v) => typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v))) return undefined;
  return params.map((v) => (typeof v === "number" && Number.isInteger(v) && !Number.isSafeInteger(v) ? DOUBLE : undefined));
}

function normalise(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return String(v);
}

/** Rows a DuckDB bulk writer keeps before handing them to the appender. */
const WRITER_BATCH = 2048;

/** DuckDB's type id for DATE, which the driver hands back as a JS Date at UTC midnight. */
const DATE_TYPE_ID = 13;

/** The in-memory database, attached to the instance, that holds `createShared` tables. */
const SHARED_DB = "lantern_shared";

function columnSql(columns: readonly BulkColumn[]): string {
  return columns.map((c) => `"${c.name}" ${c.type === "date" ? "DATE" : c.type === "int" ? "INTEGER" : c.type === "float" ? "DOUBLE" : "VARCHAR"}`).join(", ");
}

/** One value as read, normalised; a DATE stays the calendar day it is (never local midnight). */
function fromDuck(v: unknown, typeId: number): SqlValue {
  if (v instanceof Date) return typeId === DATE_TYPE_ID ? v.toISOString().slice(0, 10) : v.toISOString();
  return normalise(v);
}

/** Said once per process: a data folder or database file Lantern could not narrow to its owner. */
let toldNotNarrowed = false;

/**
 * Narrow `path` to `mode` when others may read it; a folder or file Lantern may not change (another
 * account owns it) is left as it is, and said so once on stderr, not refused: the store still opens.
 */
function narrowTo(path: string, mode: number, warn: (line: string) => void): void {
  if (process.platform === "win32") return;
  try {
    if ((statSync(path).mode & 0o777) === mode) return;
    chmodSync(path, mode);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return;
    if (code !== "EPERM" && code !== "EACCES") throw e;
    if (toldNotNarrowed) return;
    toldNotNarrowed = true;
    warn(`lantern: ${path} may be readable by other accounts on this computer, and Lantern may not change that (${code}); it holds child-level data, so its owner should run: chmod ${mode.toString(8)} ${path}`);
  }
}

/**
 * The data folder, readable by its owner alone (docs/security.md): made mode 700, and an existing
 * one narrowed to 700 when it is Lantern's (it holds the database) or empty, never any other
 * folder a store is opened in (`--data /tmp` must not close /tmp to everyone else).
 */
function privateDataDir(dataDir: string, warn: (line: string) => void): void {
  const existed = existsSync(dataDir);
  makePrivateDir(dataDir);
  if (existed && (existsSync(duckDbPath(dataDir)) || readdirSync(dataDir).length === 0)) narrowTo(dataDir, 0o700, warn);
}

/** Open (creating if needed) the DuckDB store in `dataDir`. */
export async function openDuckDbStore(dataDir: string, opts: DuckDbOptions = {}, warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<Store> {
  privateDataDir(dataDir, warn);
  if (!opts.readOnly) takeLock(dataDir);
  const file = duckDbPath(dataDir);
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, {
      threads: "2",
      temp_directory: join(dataDir, "tmp"),
      ...(opts.readOnly ? { access_mode: "READ_ONLY" } : {}),
    });
  } catch (e) {
    if (!opts.readOnly) rmSync(lockPath(dataDir), { force: true });
    const msg = e instanceof Error ? e.message : String(e);
    if (/lock/i.test(msg)) {
      throw new LanternError("LANTERN_STORE_LOCKED", `The data store ${file} is open in another process.`, {
        cause: e,
        hint: "Stop the other Lantern process, or use another --data folder.",
      });
    }
    throw new LanternError("LANTERN_STORE_FAILED", `Could not open the data store ${file}: ${msg}`, { cause: e });
  }
  // DuckDB makes its files as the umask says (-rw-r--r-- under 022): the database and its
  // write-ahead log hold every child's records, so they are the owner's alone.
  for (const f of [file, `${file}.wal`]) narrowTo(f, PRIVATE_FILE_MODE, warn);
  const con = await instance.connect();
  if (!opts.readOnly) await dropLeftStaging(con);
  return new DuckDbStore(dataDir, file, instance, con, !opts.readOnly);
}

/**
 * Staging tables a load stopped part way left in the file (a load's tables are named `stg_<n>_…`
 * and dropped when it ends). Opened for writing, this process alone has the file and nothing is
 * loading yet, so any still there belong to no one.
 */
async function dropLeftStaging(con: DuckDBConnection): Promise<void> {
  const left = await con.runAndReadAll(`SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = 'main' AND table_name LIKE 'stg\\_%' ESCAPE '\\'`);
  for (const [name] of left.getRows()) await con.run(`DROP TABLE IF EXISTS main."${String(name).replaceAll('"', '""')}"`);
}

class DuckDbStore implements Store {
  readonly kind = "duckdb" as const;
  readonly location: string;
  readonly #dataDir: string;
  readonly #instance: DuckDBInstance;
  readonly #con: DuckDBConnection;
  readonly #locked: boolean;
  /** A `parallel` worker: closing it closes its connection alone. */
  readonly #worker: boolean;
  /** Marks the async work that belongs to the open transaction. */
  readonly #inside = new AsyncLocalStorage<true>();
  /** Settles when the open transaction (if any) has committed or rolled back. */
  #current: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string, file: string, instance: DuckDBInstance, con: DuckDBConnection, locked: boolean, worker = false) {
    this.location = file;
    this.#dataDir = dataDir;
    this.#instance = instance;
    this.#con = con;
    this.#locked = locked;
    this.#worker = worker;
  }

  /**
   * One connection serves the whole process, so work that is not part of the open transaction
   * waits for it to end instead of slipping into it (a web request's audit entry must not be
   * rolled back with another request's failed load).
   */
  async #outside(): Promise<void> {
    if (this.#inside.getStore()) return;
    for (;;) {
      const c = this.#current;
      await c.catch(() => undefined);
      if (c === this.#current) return;
    }
  }

  /** Settles when the work now using the connection (a statement, a stream, an appender's rows) is done. */
  #using: Promise<void> = Promise.resolve();
  /** True from a transaction's BEGIN to its COMMIT or ROLLBACK. */
  #open = false;
  /** Work now running on the connection (0 or 1). */
  #busy = 0;

  /** The connection may be used now by the caller: no transaction is open but (perhaps) the caller's own. */
  #mayUse(): boolean {
    return !!this.#inside.getStore() || !this.#open;
  }

  /**
   * Use the connection alone, outside any transaction but one's own. Concurrent work (two loads,
   * a load and a web request) takes turns statement by statement: DuckDB closes a connection's
   * pending query when an appender on it flushes, and a statement must not run inside another
   * caller's transaction (checked again once the connection is ours: a transaction may have
   * begun while this call waited).
   */
  async #alone<T>(fn: () => Promise<T>): Promise<T> {
    for (;;) {
      await this.#outside();
      const before = this.#using;
      let release!: () => void;
      this.#using = new Promise<void>((r) => {
        release = r;
      });
      await before;
      try {
        if (this.#mayUse()) {
          this.#busy++;
          try {
            return await fn();
          } finally {
            this.#busy--;
          }
        }
      } finally {
        release();
      }
    }
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    await this.#alone(() => this.#con.run(sql, params.length ? params.map(toDuck) : undefined, paramTypes(params) as DuckDBType[] | undefined));
  }

  async all<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const reader = await this.#alone(() => this.#con.runAndReadAll(sql, params.length ? params.map(toDuck) : undefined, paramTypes(params) as DuckDBType[] | undefined));
    const rows = reader.getRowObjectsJS();
    const names = reader.columnNames();
    const types = reader.columnTypes();
    return rows.map((r) => {
      const out: Row = {};
      for (let i = 0; i < names.length; i++) out[names[i]!] = fromDuck(r[names[i]!], types[i]!.typeId);
      return out as T;
    });
  }

  /** Holds the connection until the whole result is read: `onRows` must not use this store. */
  async scan(sql: string, onRows: (rows: SqlValue[][]) => Promise<void>, batchRows = 10_000): Promise<void> {
    await this.#alone(async () => {
      const result = await this.#con.stream(sql);
      const types = result.columnTypes().map((t) => t.typeId);
      let batch: SqlValue[][] = [];
      for await (const rows of result.yieldRowsJs()) {
        for (const r of rows) {
          batch.push(r.map((v, i) => fromDuck(v, types[i]!)));
          if (batch.length >= batchRows) {
            await onRows(batch);
            batch = [];
          }
        }
      }
      if (batch.length) await onRows(batch);
    });
  }

  async consistentRead<T>(fn: () => Promise<T>): Promise<T> {
    // A DuckDB transaction reads the snapshot it began with; this process is the only writer anyway.
    return this.transaction(fn);
  }

  async session<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }

  readonly #locks = new NamedLocks();

  async transactionLock(_name: string): Promise<void> {
    // One process owns the file, and its writers are serialised already.
  }

  async exclusive<T>(names: readonly string[], fn: () => Promise<T>, onWait?: () => void): Promise<T> {
    // One process owns the file, so an in-process queue serialises every holder.
    if (this.#locks.busy(names)) onWait?.();
    return this.#locks.run(names, fn);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#inside.getStore()) return fn();
    // Queue behind the transaction before this one (set synchronously, so two callers never both begin).
    const before = this.#current;
    const work = (async () => {
      await before.catch(() => undefined);
      return this.#inside.run(true, () => this.#begin(fn));
    })();
    this.#current = work;
    return work;
  }

  async #begin<T>(fn: () => Promise<T>): Promise<T> {
    await this.#alone(async () => {
      await this.#con.run("BEGIN TRANSACTION");
      this.#open = true;
    });
    try {
      const result = await fn();
      await this.#alone(() => this.#con.run("COMMIT"));
      return result;
    } catch (e) {
      await this.#alone(() => this.#con.run("ROLLBACK")).catch(() => undefined);
      throw e;
    } finally {
      // A failed COMMIT has ended the transaction too (DuckDB rolls it back).
      this.#open = false;
    }
  }

  /** Staging tables made in the database file (`onDisk`), not the temporary catalog. */
  readonly #onDisk = new Set<string>();

  async createStaging(name: string, columns: readonly BulkColumn[], opts: { readonly onDisk?: boolean } = {}): Promise<void> {
    await this.#alone(() => this.#createStaging(name, columns, opts));
  }

  async #createStaging(name: string, columns: readonly BulkColumn[], opts: { readonly onDisk?: boolean }): Promise<void> {
    const cols = columnSql(columns);
    if (opts.onDisk) {
      // A temporary table of the same name would hide it from the statements that follow.
      await this.#con.run(`DROP TABLE IF EXISTS temp.main."${name}"`);
      await this.#con.run(`CREATE OR REPLACE TABLE main."${name}" (${cols})`);
      this.#onDisk.add(name);
    } else {
      await this.#con.run(`CREATE OR REPLACE TEMP TABLE "${name}" (${cols})`);
      this.#onDisk.delete(name);
    }
  }

  /**
   * Appending can flush, and a flush must not meet another caller's statement: rows go straight to
   * DuckDB's appender while nothing else is running on the connection (the usual case, one load
   * at a time), else they wait in a batch handed over on this writer's turn (see `#alone`).
   * `drained` waits for the batches handed over so far. Fill and close a writer on the side of a
   * transaction it was made on: a batch handed over outside waits for any open transaction to end.
   */
  async bulkWriter(table: string, columns: readonly BulkColumn[]): Promise<BulkWriter> {
    const temp = table.startsWith("stg_") && !this.#onDisk.has(table);
    const appender = await this.#alone(() => this.#con.createAppender(table, temp ? "main" : null, temp ? "temp" : null));
    const types = columns.map((c) => c.type);
    const write = (batch: readonly (readonly (string | number | null)[])[]) => {
      for (const values of batch) {
        for (let i = 0; i < types.length; i++) {
          const v = values[i];
          if (v === null || v === undefined) appender.appendNull();
          else if (types[i] === "date") appender.appendDate(new DuckDBDateValue(v as number));
          else if (types[i] === "int") appender.appendInteger(v as number);
          else if (types[i] === "float") appender.appendDouble(v as number);
          else appender.appendVarchar(String(v));
        }
        appender.endRow();
      }
    };
    let batch: (readonly (string | number | null)[])[] = [];
    let handed: Promise<void> = Promise.resolve();
    let waiting = 0;
    const hand = () => {
      const rows = batch;
      batch = [];
      waiting++;
      handed = handed.then(() =>
        this.#alone(async () => {
          write(rows);
          waiting--;
        }),
      );
      // Awaited by `drained` or `close`; not left unhandled meanwhile.
      handed.catch(() => undefined);
    };
    return {
      append: (values) => {
        if (!waiting && this.#busy === 0 && this.#mayUse()) {
          if (batch.length) {
            write(batch);
            batch = [];
          }
          write([values]);
          return;
        }
        // A copy: callers may reuse their array for the next row.
        batch.push(values.slice());
        if (batch.length >= WRITER_BATCH) hand();
      },
      drained: () => handed,
      close: async () => {
        await handed;
        await this.#alone(async () => {
          write(batch);
          batch = [];
          appender.flushSync();
          appender.closeSync();
        });
      },
    };
  }

  async parallel<T>(n: number, fn: (worker: Store, index: number, failed: () => boolean) => Promise<T>): Promise<T[]> {
    // Connections to the same instance: each runs its own statements, and DuckDB's threads are
    // shared among them (a compute's statements are too small to keep two threads busy alone).
    const workers: DuckDbStore[] = [];
    try {
      for (let i = 0; i < workerCount(n); i++) workers.push(new DuckDbStore(this.#dataDir, this.location, this.#instance, await this.#instance.connect(), false, true));
      return await runWorkers(workers, fn);
    } finally {
      for (const w of workers) await w.close();
    }
  }

  async createShared(name: string, columns: readonly BulkColumn[]): Promise<string> {
    const table = `${SHARED_DB}.main."${name.replaceAll('"', '""')}"`;
    await this.#alone(async () => {
      await this.#con.run(`ATTACH IF NOT EXISTS ':memory:' AS ${SHARED_DB}`);
      await this.#con.run(`CREATE OR REPLACE TABLE ${table} (${columnSql(columns)})`);
    });
    return table;
  }

  async dropShared(name: string): Promise<void> {
    await this.run(`DROP TABLE IF EXISTS ${name}`);
  }

  async analyze(_tables: readonly string[]): Promise<void> {}

  async onChange(_listener: () => void): Promise<() => Promise<void>> {
    return async () => {};
  }

  async close(): Promise<void> {
    this.#con.closeSync();
    if (this.#worker) return;
    this.#instance.closeSync();
    if (this.#locked) rmSync(lockPath(this.#dataDir), { force: true });
  }
}
