/**
 * @module
 * The PostgreSQL adapter, for many users and several `lantern serve` instances on one server
 * (`LANTERN_DATABASE_URL=postgres://…`). It mirrors the DuckDB adapter so the rest of Lantern
 * cannot tell them apart: the same portable SQL, the same `$1` parameters, rows normalised the
 * same way (DATE → 'YYYY-MM-DD' exactly as stored, never a JS Date at local midnight, which is
 * the British Summer Time trap; BIGINT and NUMERIC → number; TIMESTAMP → ISO text).
 *
 * Connections come from a pool. A transaction, or a session (`store.session(fn)`, which an import
 * uses so its staging tables live on one connection), holds one pooled client for its whole
 * duration: an AsyncLocalStorage carries that client, so every `store.run`/`all` made inside
 * `fn` uses it, while other requests keep using the pool. Bulk loads go through COPY.
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { isoDate } from "../calendar/dates.ts";
import { LanternError } from "../core/errors.ts";
import { advisoryKey } from "./locks.ts";
import { CHANGE_CHANNEL } from "./migrations.ts";
import type { BulkColumn, BulkWriter, Row, SqlValue, Store } from "./port.ts";
import { runWorkers, SHARED_PREFIX, SHARED_PREFIX_LIKE, workerCount } from "./workers.ts";

/** Type OIDs whose text form we read ourselves. */
const OID = { int8: 20, date: 1082, timestamp: 1114, timestamptz: 1184, numeric: 1700 } as const;

/** 'YYYY-MM-DD HH:MM:SS[.fff]' (no zone, read as UTC like DuckDB does) → ISO text. */
function timestampText(s: string): string {
  const d = new Date(`${s.replace(" ", "T")}Z`);
  return Number.isNaN(d.getTime()) ? s : d.toISOString();
}

const PARSERS = new Map<number, (text: string) => unknown>([
  [OID.int8, (s) => Number(s)],
  [OID.numeric, (s) => Number(s)],
  [OID.date, (s) => s],
  [OID.timestamp, timestampText],
  [OID.timestamptz, (s) => {
    const d = new Date(s);
    return Number.isNaN(d.getTime()) ? s : d.toISOString();
  }],
]);

/** The type parsers the pool uses: ours for the types above, pg's defaults for the rest. */
export const pgTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    const mine = PARSERS.get(oid);
    if (mine && format !== "binary") return mine;
    // biome-ignore lint/suspicious/noExplicitAny: pg's overloaded signature
    return (pg.types.getTypeParser as any)(oid, format);
  },
};

/** Turn whatever pg returned into a plain SQL value (the parsers already did most of it). */
export function normalisePg(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.toISOString();
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

/** A URL without its password, for messages. */
export function redactUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/is.exec(url.trim());
  if (!m) return "postgres://…";
  let rest = m[2]!;
  // The user information ends at the last "@": a password written without percent-encoding may
  // hold "@", "/" or "#" itself, which a URL parser would split in the wrong place.
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    const info = rest.slice(0, at);
    const colon = info.indexOf(":");
    rest = `${colon >= 0 ? `${info.slice(0, colon)}:***` : info}@${rest.slice(at + 1)}`;
  }
  // A password given as a parameter (`?password=…`, which the driver accepts too).
  rest = rest.replace(/([?&](?:password|sslpassword)=)[^&#]*/gi, "$1***");
  return `${m[1]}${rest}`;
}

interface Context {
  readonly client: pg.PoolClient;
  readonly inTransaction: boolean;
}

/** Options for opening a PostgreSQL store. */
export interface PgOptions {
  /** Pool size. Default 10. */
  readonly max?: number;
  /** Name shown in pg_stat_activity. Default "lantern". */
  readonly applicationName?: string;
}

/** Connect to the PostgreSQL store at `url` (checks the connection before returning). */
export async function openPostgresStore(url: string, opts: PgOptions = {}): Promise<Store> {
  // JIT compilation costs more than it saves on the KPI queries (many short analytical queries over
  // one authority's rows; measured 10.5 s → 7.5 s for the whole library), so it is off unless the
  // URL's own `options` says otherwise.
  const hasOptions = /[?&]options=/.test(url);
  const client: pg.ClientConfig = {
    connectionString: url,
    application_name: opts.applicationName ?? "lantern",
    types: pgTypes,
    ...(hasOptions ? {} : { options: "-c jit=off" }),
  };
  const pool = new pg.Pool({ ...client, max: opts.max ?? 10 });
  // An idle client whose connection drops (server restart, pg_terminate_backend) must not crash
  // the process: the pool discards it and the next query gets a fresh one.
  pool.on("error", () => undefined);
  // The same for a client in use (a session between two queries): its next query fails instead.
  pool.on("connect", (client) => client.on("error", () => undefined));
  const location = redactUrl(url);
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    const msg = e instanceof Error ? e.message : String(e);
    throw new LanternError("LANTERN_STORE_FAILED", `Could not connect to the PostgreSQL store ${location}: ${msg}`, {
      cause: e,
      hint: "Check that the server is running and that LANTERN_DATABASE_URL names a database you may use (postgres://user:password@host:5432/database).",
    });
  }
  return new PgStore(pool, location, client);
}

const TEXT_ESCAPE = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

function copyField(type: BulkColumn["type"], v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "\\N";
  if (type === "date") return isoDate(v as number);
  if (type === "text") return String(v).replace(TEXT_ESCAPE, (c) => ESCAPES[c]!);
  return String(v);
}

function columnType(t: BulkColumn["type"]): string {
  return t === "date" ? "DATE" : t === "int" ? "INTEGER" : t === "float" ? "DOUBLE PRECISION" : "VARCHAR";
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A table's column list for CREATE TABLE: each column quoted, with its PostgreSQL type. */
function columnDefs(columns: readonly BulkColumn[]): string {
  return columns.map((c) => `${quoteIdent(c.name)} ${columnType(c.type)}`).join(", ");
}

/** Flush a writer's buffer once it holds this many characters. */
const FLUSH_AT = 1 << 20;

class PgStore implements Store {
  readonly kind = "postgres" as const;
  readonly location: string;
  readonly #pool: pg.Pool;
  readonly #als = new AsyncLocalStorage<Context>();
  readonly #clientConfig: pg.ClientConfig;
  readonly #listeners = new Set<() => void>();
  /** The connection that LISTENs for changes (outside the pool: it is held for good). */
  #listener: pg.Client | undefined;
  #listening: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;

  constructor(pool: pg.Pool, location: string, clientConfig: pg.ClientConfig) {
    this.#pool = pool;
    this.location = location;
    this.#clientConfig = clientConfig;
  }

  async #query(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    const target = this.#als.getStore()?.client ?? this.#pool;
    return target.query(sql, params.length ? (params as SqlValue[]) : undefined);
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<void> {
    await this.#query(sql, params);
  }

  async all<T extends Row = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const res = await this.#query(sql, params);
    const names = res.fields.map((f) => f.name);
    return res.rows.map((r: Record<string, unknown>) => {
      const out: Row = {};
      for (const n of names) out[n] = normalisePg(r[n]);
      return out as T;
    });
  }

  /** Hold one client for `fn` (temp tables made inside stay visible throughout). */
  async session<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#als.getStore()) return fn();
    const client = await this.#pool.connect();
    try {
      return await this.#als.run({ client, inTransaction: false }, fn);
    } finally {
      await this.#release(client);
    }
  }

  async exclusive<T>(names: readonly string[], fn: () => Promise<T>, onWait?: () => void): Promise<T> {
    // Session-level advisory locks on the session's own connection: another process (or another
    // session of this one) asking for the same name waits; if this process dies or its connection
    // drops, the server releases them.
    return this.session(async () => {
      const keys = [...new Set(names)].sort().map(advisoryKey);
      const held: [number, number][] = [];
      try {
        let waited = false;
        for (const k of keys) {
          const [got] = await this.all<{ ok: boolean }>(`SELECT pg_try_advisory_lock($1, $2) AS ok`, k);
          if (!got?.ok) {
            if (!waited) onWait?.();
            waited = true;
            await this.run(`SELECT pg_advisory_lock($1, $2)`, k);
          }
          held.push(k);
        }
        return await fn();
      } finally {
        for (const k of held.reverse()) await this.run(`SELECT pg_advisory_unlock($1, $2)`, k).catch(() => undefined);
      }
    });
  }

  async transactionLock(name: string): Promise<void> {
    if (!this.#als.getStore()?.inTransaction) throw new Error(`transactionLock(${name}) must run inside store.transaction()`);
    await this.run(`SELECT pg_advisory_xact_lock($1, $2)`, advisoryKey(name));
  }

  async #release(client: pg.PoolClient): Promise<void> {
    // Temporary tables must not outlive the session on a pooled connection.
    let ok = true;
    try {
      await client.query("DISCARD TEMP");
    } catch {
      ok = false;
    }
    client.release(ok ? undefined : true);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.#transaction(fn, "BEGIN");
  }

  async consistentRead<T>(fn: () => Promise<T>): Promise<T> {
    // One snapshot for every statement inside, while other sessions go on committing.
    return this.#transaction(fn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }

  #cursors = 0;

  async scan(sql: string, onRows: (rows: SqlValue[][]) => Promise<void>, batchRows = 10_000): Promise<void> {
    const name = `lantern_scan_${++this.#cursors}`;
    const n = Math.max(1, Math.trunc(batchRows));
    // A cursor lives in a transaction: the caller's, or one of its own.
    await this.transaction(async () => {
      const client = this.#als.getStore()!.client;
      // Shortest exact text for every double, whatever the server's default (0 would round to 15 digits).
      await client.query("SET LOCAL extra_float_digits = 3");
      await client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`);
      for (;;) {
        const res = await client.query<unknown[]>({ text: `FETCH FORWARD ${n} FROM ${name}`, rowMode: "array" });
        if (res.rows.length) await onRows(res.rows.map((r) => r.map(normalisePg)));
        if (res.rows.length < n) break;
      }
      await client.query(`CLOSE ${name}`);
    });
  }

  async #transaction<T>(fn: () => Promise<T>, begin: string): Promise<T> {
    const ctx = this.#als.getStore();
    if (ctx?.inTransaction) return fn();
    const client = ctx?.client ?? (await this.#pool.connect());
    const own = !ctx;
    try {
      await client.query(begin);
      const result = await this.#als.run({ client, inTransaction: true }, fn);
      await client.query("COMMIT");
      return result;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      if (own) await this.#release(client);
    }
  }

  async createStaging(name: string, columns: readonly BulkColumn[], _opts?: { readonly onDisk?: boolean }): Promise<void> {
    if (!this.#als.getStore()) {
      throw new Error(`createStaging(${name}) on PostgreSQL must run inside store.session() or store.transaction(): temporary tables belong to one connection`);
    }
    await this.run(`DROP TABLE IF EXISTS pg_temp.${quoteIdent(name)}`);
    await this.run(`CREATE TEMP TABLE ${quoteIdent(name)} (${columnDefs(columns)})`);
  }

  async parallel<T>(n: number, fn: (worker: Store, index: number, failed: () => boolean) => Promise<T>): Promise<T[]> {
    // Each worker is a session of its own (a pooled connection), begun outside the caller's.
    const workers = Array.from({ length: workerCount(n) }, () => this);
    return runWorkers(workers, (w, i, failed) => this.#als.exit(() => this.session(() => fn(w, i, failed))));
  }

  async createShared(name: string, columns: readonly BulkColumn[]): Promise<string> {
    return this.session(async () => {
      await this.#dropLeftShared();
      const [me] = await this.all<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
      const table = `${SHARED_PREFIX}${me!.pid}_${name}`;
      if (Buffer.byteLength(table) > 63) throw new Error(`createShared: the name ${table} is longer than PostgreSQL keeps (63 bytes)`);
      await this.run(`DROP TABLE IF EXISTS ${quoteIdent(table)}`);
      await this.run(`CREATE UNLOGGED TABLE ${quoteIdent(table)} (${columnDefs(columns)})`);
      return quoteIdent(table);
    });
  }

  /** Shared tables whose server session has ended (a process stopped part way): nobody will drop them otherwise. */
  async #dropLeftShared(): Promise<void> {
    const left = await this.all<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE '${SHARED_PREFIX_LIKE}%' ESCAPE '\\'
         AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE c.relname LIKE '${SHARED_PREFIX_LIKE}' || a.pid || '\\_%' ESCAPE '\\')`,
    );
    for (const r of left) await this.run(`DROP TABLE IF EXISTS ${quoteIdent(r.name)}`);
  }

  async dropShared(name: string): Promise<void> {
    await this.run(`DROP TABLE IF EXISTS ${name}`);
  }

  async bulkWriter(table: string, columns: readonly BulkColumn[]): Promise<BulkWriter> {
    const ctx = this.#als.getStore();
    const client = ctx?.client ?? (await this.#pool.connect());
    const own = !ctx;
    const sql = `COPY ${quoteIdent(table)} (${columns.map((c) => quoteIdent(c.name)).join(", ")}) FROM STDIN`;
    const types = columns.map((c) => c.type);
    let buf: string[] = [];
    let size = 0;
    let chain: Promise<void> = Promise.resolve();
    let error: unknown;
    let queued = 0;
    const flush = (): void => {
      if (!buf.length) return;
      const text = buf.join("");
      buf = [];
      size = 0;
      queued++;
      chain = chain.then(async () => {
        queued--;
        if (error) return;
        try {
          await pipeline(Readable.from([text]), client.query(copyFrom(sql)));
        } catch (e) {
          error = e;
        }
      });
    };
    return {
      async drained() {
        // A producer faster than the server would otherwise queue its whole output here.
        if (queued > 2) await chain;
      },
      append(values) {
        if (error) return;
        let line = "";
        for (let i = 0; i < types.length; i++) line += (i ? "\t" : "") + copyField(types[i]!, values[i]);
        line += "\n";
        buf.push(line);
        size += line.length;
        if (size >= FLUSH_AT) flush();
      },
      async close() {
        flush();
        await chain;
        if (own) client.release(!!error);
        if (error) throw error;
      },
    };
  }

  async analyze(tables: readonly string[]): Promise<void> {
    // Fresh rows have no statistics until autovacuum comes round; without them the planner picks
    // nested loops over the indicator CTEs that take minutes instead of milliseconds.
    for (const t of tables) await this.run(`ANALYZE ${quoteIdent(t)}`);
  }

  async onChange(listener: () => void): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    try {
      this.#listening ??= this.#listen();
      await this.#listening;
    } catch (e) {
      this.#listeners.delete(listener);
      this.#listening = undefined;
      throw e;
    }
    return async () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) await this.#stopListening();
    };
  }

  #announce(): void {
    for (const l of this.#listeners) l();
  }

  async #listen(): Promise<void> {
    const client = new pg.Client(this.#clientConfig);
    client.on("notification", (m) => {
      if (m.channel === CHANGE_CHANNEL) this.#announce();
    });
    // A dropped connection (server restart, pg_terminate_backend) ends it: listen again shortly,
    // and tell the listeners, since a change may have been committed meanwhile.
    client.on("error", () => undefined);
    client.on("end", () => {
      if (this.#listener !== client) return;
      this.#listener = undefined;
      this.#listenAgain();
    });
    await client.connect();
    try {
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw e;
    }
    this.#listener = client;
  }

  #listenAgain(): void {
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (this.#listening === undefined) return;
      this.#listening = this.#listen().then(
        () => this.#announce(),
        () => this.#listenAgain(),
      );
    }, 1000);
    this.#retry.unref();
  }

  async #stopListening(): Promise<void> {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#listening = undefined;
    const c = this.#listener;
    this.#listener = undefined;
    await c?.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#stopListening();
    await this.#pool.end();
  }
}
