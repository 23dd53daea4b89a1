/**
 * @module
 * Backing the whole store up to one file, restoring it, and the table-by-table streaming both
 * share with `migrate-store`. A dump reads every table (every base table the migrations made:
 * SSD rows, snapshots, users, sessions, the audit log, computed values…; views are rebuilt by
 * migrating, not copied) inside one consistent read, in batches, and pushes them to a
 * {@link BackupSink}: the file writer here, or a loader into another store. Nothing holds a
 * whole table in memory. The file layout and the value encoding are in `backup-format.ts`.
 *
 * A restore checks the whole file first (header, versions, counts, checksum) before it opens a
 * transaction, then reads it again into the store inside that one transaction: a file that turns
 * out bad halfway, a crash or a failed insert rolls everything back and the store is as it was.
 * It deliberately does not merge: the store must be empty, or the caller says `replace`, in
 * which case every table (the audit log included) is emptied in the same transaction.
 */

import { createHash, type Hash } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import { LanternError } from "../core/errors.ts";
import { auditEvent } from "./audit.ts";
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  type BackupColumn,
  BackupDecoder,
  BackupEncoder,
  type BackupHeader,
  BackupProblem,
  type BackupTrailer,
  columnType,
  decodeRow,
  type Encoded,
  encodeValue,
  quoteIdent,
  selectExpression,
  sqlTypeOf,
  type TableHeader,
} from "./backup-format.ts";
import { AUDIT_CHAIN_START, AUDIT_CHAIN_START_VERSION, MIGRATIONS } from "./migrations.ts";
import { refuseWhileServed } from "./open.ts";
import type { BulkColumn, BulkWriter, Store } from "./port.ts";
import { SHARED_PREFIX_LIKE } from "./workers.ts";

/** One table of a store, with its columns as a backup writes them. */
export interface TableInfo {
  readonly name: string;
  readonly columns: readonly BackupColumn[];
}

/** A table and how many rows it has. */
export interface TableCount {
  readonly table: string;
  readonly rows: number;
}

/** The newest numbered migration this Lantern knows: a backup from a later schema is refused. */
export function knownSchemaVersion(): number {
  return Math.max(...MIGRATIONS.map((m) => m.version));
}

/** The migrations' own record: each store keeps its own, so a restore neither copies nor clears it. */
export const MIGRATION_TABLE = "lantern_migration";

/**
 * Tables Lantern fills by itself (the migration record, and the calendar, periods and reference
 * populations that every compute rebuilds): rows there do not make a store "hold data".
 */
export const DERIVED_TABLES: ReadonlySet<string> = new Set([MIGRATION_TABLE, "lantern_calendar", "lantern_period", "lantern_reference_population", "lantern_setting"]);

/** Every base table of the store (views are left out: migrating rebuilds them), by name. */
export async function listTables(store: Store): Promise<TableInfo[]> {
  const rows = await store.all<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_name, c.column_name, c.data_type
     FROM information_schema.columns c
     JOIN information_schema.tables t ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE c.table_catalog = current_database() AND c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
       AND c.table_name NOT LIKE '${SHARED_PREFIX_LIKE}%' ESCAPE '\\'
     ORDER BY c.table_name, c.ordinal_position`,
  );
  const out = new Map<string, BackupColumn[]>();
  for (const r of rows) {
    const type = columnType(r.data_type);
    if (!type) {
      throw new LanternError("LANTERN_STORE_FAILED", `Column ${r.table_name}.${r.column_name} has the type ${r.data_type}, which a Lantern backup cannot carry exactly.`, {
        hint: "This column was not made by Lantern's migrations; remove it, or report it if it was.",
      });
    }
    const cols = out.get(r.table_name) ?? [];
    out.set(r.table_name, cols);
    cols.push({ name: r.column_name, type });
  }
  return [...out].map(([name, columns]) => ({ name, columns })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function countRows(store: Store, table: string): Promise<number> {
  const [r] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  return r?.n ?? 0;
}

/** The tables that hold rows, leaving out those Lantern fills by itself ({@link DERIVED_TABLES}). */
export async function tablesWithData(store: Store): Promise<TableCount[]> {
  const out: TableCount[] = [];
  for (const t of await listTables(store)) {
    if (DERIVED_TABLES.has(t.name)) continue;
    const n = await countRows(store, t.name);
    if (n) out.push({ table: t.name, rows: n });
  }
  return out;
}

/** Where a dump's or a restore's rows go, table by table; each call is awaited before the next. */
export interface BackupSink {
  header(h: BackupHeader): Promise<void>;
  table(t: TableHeader): Promise<void>;
  /** Rows of the current table, encoded ({@link encodeValue}). */
  rows(rows: readonly (readonly Encoded[])[]): Promise<void>;
  /** Called once every table has been passed on (and, when reading a file, its checksum checked). */
  end(): Promise<void>;
}

/** Progress: rows done of the total, and the table at hand. */
export type Progress = (done: number, total: number, table: string) => void;

/** What a dump read. */
export interface DumpResult {
  readonly header: BackupHeader;
  readonly tables: readonly TableCount[];
}

/**
 * Read every table of `store` inside one consistent read and push it to `sink`: the header (with
 * the table and row totals, counted first), then each table's header and its rows in batches.
 */
export async function dumpStore(store: Store, sink: BackupSink, opts: { now?: () => Date; onProgress?: Progress } = {}): Promise<DumpResult> {
  return store.consistentRead(async () => {
    const tables = await listTables(store);
    const counts: TableCount[] = [];
    for (const t of tables) counts.push({ table: t.name, rows: await countRows(store, t.name) });
    const total = counts.reduce((s, c) => s + c.rows, 0);
    const [m] = await store.all<{ v: number | null }>(`SELECT max(version) AS v FROM ${MIGRATION_TABLE} WHERE version < 1000`);
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      schemaVersion: m?.v ?? 0,
      createdAt: (opts.now ?? (() => new Date()))().toISOString(),
      source: { kind: store.kind, location: store.location },
      tables: tables.length,
      rows: total,
    };
    await sink.header(header);
    let done = 0;
    for (let i = 0; i < tables.length; i++) {
      const t = tables[i]!;
      const expected = counts[i]!.rows;
      await sink.table({ table: t.name, columns: t.columns, rows: expected });
      const types = t.columns.map((c) => c.type);
      let got = 0;
      await store.scan(`SELECT ${t.columns.map(selectExpression).join(", ")} FROM ${quoteIdent(t.name)}`, async (rows) => {
        const encoded = rows.map((r) => r.map((v, j) => encodeValue(types[j]!, v)));
        got += rows.length;
        done += rows.length;
        await sink.rows(encoded);
        opts.onProgress?.(done, total, t.name);
      });
      if (got !== expected) {
        throw new LanternError("LANTERN_STORE_FAILED", `Table ${t.name} changed while it was being read (${expected} rows counted, ${got} read).`, { hint: "Run it again; on the embedded store, stop other Lantern processes first." });
      }
      opts.onProgress?.(done, total, t.name);
    }
    await sink.end();
    return { header, tables: counts };
  });
}

/** What `writeBackup` wrote. */
export interface BackupResult {
  readonly file: string;
  /** Size of the file in bytes (compressed). */
  readonly bytes: number;
  /** SHA-256 of the file as written, as `sha256sum` prints it. */
  readonly sha256: string;
  readonly header: BackupHeader;
  readonly tables: readonly TableCount[];
  readonly elapsedMs: number;
}

/** A pass-through stream that hashes and counts what goes through it. */
function hashing(hash: Hash, counter: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      counter.bytes += chunk.length;
      cb(null, chunk);
    },
  });
}

/**
 * Write the whole store to `file` (gzip, owner-only permissions). It is written beside the target
 * under a temporary name and renamed when complete, so a failed backup never leaves a partial file
 * under the real name. Audited as `export.backup`: the file holds child-level data.
 */
export async function writeBackup(store: Store, file: string, opts: { actor: string; now?: () => Date; onProgress?: Progress }): Promise<BackupResult> {
  const t0 = performance.now();
  const path = resolve(file);
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new LanternError("LANTERN_BAD_OPTION", `--out ${file} is a folder; a backup is one file.`, { hint: `For example --out ${file.replace(/\/+$/, "")}/lantern.backup.gz` });
  }
  if (store.kind === "duckdb" && (path === store.location || path.startsWith(`${store.location}.`))) {
    throw new LanternError("LANTERN_BAD_OPTION", `--out ${file} is the store's own database file.`, { hint: "Write the backup somewhere else, for example --out lantern.backup.gz" });
  }
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    // A path through a file, or a folder that may not be made: named with what to do, not a crash to report.
    const why = (e as NodeJS.ErrnoException).code === "EEXIST" || (e as NodeJS.ErrnoException).code === "ENOTDIR" ? "part of the path is a file, not a folder" : e instanceof Error ? e.message : String(e);
    throw new LanternError("LANTERN_WRITE_FAILED", `Could not make the folder ${dirname(path)} for --out ${file}: ${why}.`, {
      cause: e,
      hint: "Choose a folder you can write to, for example --out lantern.backup.gz, and run the command again.",
    });
  }
  const partial = `${path}.partial`;
  const fileHash = createHash("sha256");
  const counter = { bytes: 0 };
  const gzip = createGzip({ level: 6 });
  const done = pipeline(gzip, hashing(fileHash, counter), createWriteStream(partial, { mode: 0o600 }));
  done.catch(() => undefined);
  const encoder = new BackupEncoder();
  let buf = "";
  const write = async (text: string, force = false): Promise<void> => {
    buf += text;
    if (buf.length < 1 << 16 && !force) return;
    const chunk = buf;
    buf = "";
    // Wait for the compressor to drain, or for the pipeline to fail (a full disk) rather than hang.
    if (!gzip.write(chunk)) await Promise.race([once(gzip, "drain"), done]);
  };
  const sink: BackupSink = {
    header: (h) => write(encoder.header(h)),
    table: (t) => write(encoder.table(t)),
    rows: async (rows) => {
      let text = "";
      for (const r of rows) text += encoder.row(r);
      await write(text);
    },
    end: () => write(encoder.trailer(), true),
  };
  let dump: DumpResult;
  try {
    dump = await dumpStore(store, sink, opts);
    gzip.end();
    await done;
    renameSync(partial, path);
  } catch (e) {
    gzip.destroy();
    await done.catch(() => undefined);
    rmSync(partial, { force: true });
    if (e instanceof LanternError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new LanternError("LANTERN_STORE_FAILED", `Could not write the backup ${file}: ${msg}`, { cause: e, hint: "Check the folder exists, is writable and has room; nothing was left under that name." });
  }
  const sha256 = fileHash.digest("hex");
  const rows = dump.header.rows;
  await auditEvent(store, {
    actor: opts.actor,
    action: "export.backup",
    target: path,
    detail: { file: path, bytes: counter.bytes, sha256, tables: dump.header.tables, rows, schemaVersion: dump.header.schemaVersion },
  });
  return { file: path, bytes: counter.bytes, sha256, header: dump.header, tables: dump.tables, elapsedMs: performance.now() - t0 };
}

/** The lines of a gzip-compressed file, streamed; the raw bytes are hashed as they are read. */
async function* fileLines(file: string, hash: Hash): AsyncGenerator<string> {
  const src = createReadStream(file);
  const gunzip = createGunzip();
  src.on("data", (chunk) => hash.update(chunk as Buffer));
  src.on("error", (e) => gunzip.destroy(e));
  src.pipe(gunzip);
  const decoder = new StringDecoder("utf8");
  let rest = "";
  try {
    for await (const chunk of gunzip) {
      rest += decoder.write(chunk as Buffer);
      let start = 0;
      for (let i = rest.indexOf("\n"); i >= 0; i = rest.indexOf("\n", start)) {
        yield rest.slice(start, i);
        start = i + 1;
      }
      rest = rest.slice(start);
    }
  } finally {
    // Stopped early (a problem found) or not: let go of the file.
    src.destroy();
    gunzip.destroy();
  }
  rest += decoder.end();
  if (rest !== "") throw new BackupProblem("truncated", "it ends in the middle of a line");
}

const HINT_DAMAGED =
  "Nothing was restored and the store is as it was. Copy the backup again from where it is kept (or use an earlier one); `lantern restore FILE --check` tests a file without touching any store.";

/** A problem with the file (not with the store) as the error a person reads. */
function fileError(file: string, e: unknown, position: { line: number; rows: number }): unknown {
  if (e instanceof BackupProblem) {
    switch (e.kind) {
      case "not-a-backup":
        return new LanternError("LANTERN_BACKUP_INVALID", `${file} is not a Lantern backup: ${e.message}.`, {
          hint: "Give the file that `lantern backup --out FILE` wrote. Nothing was restored and the store is as it was.",
        });
      case "truncated":
        return new LanternError("LANTERN_BACKUP_INVALID", `The backup ${file} is incomplete: ${e.message}.`, { hint: HINT_DAMAGED });
      case "corrupt":
        return new LanternError("LANTERN_BACKUP_INVALID", `The backup ${file} is damaged: ${e.message}.`, { hint: HINT_DAMAGED });
      case "too-new":
        return new LanternError("LANTERN_BACKUP_TOO_NEW", `The backup ${file} cannot be restored by this Lantern: ${e.message}.`, {
          hint: "Upgrade Lantern to the version that made the backup, or a newer one, then restore. Nothing was restored and the store is as it was.",
        });
    }
  }
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string" && code.startsWith("Z_")) {
    // zlib: not gzip at all on the first line, cut short (no more input), or damaged bytes.
    const msg = (e as Error).message;
    if (code === "Z_BUF_ERROR" || /unexpected end/i.test(msg)) {
      return new LanternError("LANTERN_BACKUP_INVALID", `The backup ${file} is incomplete: the compressed data ends early (after line ${position.line}, ${position.rows} rows).`, { hint: HINT_DAMAGED });
    }
    if (position.line === 0) {
      return new LanternError("LANTERN_BACKUP_INVALID", `${file} is not a Lantern backup: it is not gzip-compressed (${msg}).`, {
        hint: "Give the file that `lantern backup --out FILE` wrote. Nothing was restored and the store is as it was.",
      });
    }
    return new LanternError("LANTERN_BACKUP_INVALID", `The backup ${file} is damaged: the compressed data is corrupt after line ${position.line} (${msg}).`, { hint: HINT_DAMAGED });
  }
  return e;
}

/** What reading a backup found. */
export interface BackupContents {
  readonly file: string;
  /** SHA-256 of the file's bytes. */
  readonly sha256: string;
  readonly header: BackupHeader;
  readonly tables: readonly TableHeader[];
  readonly trailer: BackupTrailer;
}

/**
 * Read a backup from start to end, checking it as it goes, and pass what it holds to `sink` (none:
 * just check it). Rows reach the sink before the end is checked, so a sink that writes must do so
 * inside a transaction that this function's error rolls back.
 */
export async function readBackup(file: string, sink?: BackupSink, onProgress?: Progress): Promise<BackupContents> {
  if (!existsSync(file) || statSync(file).isDirectory()) {
    throw new LanternError("LANTERN_FILE_NOT_FOUND", `There is no backup file ${file}.`, { hint: "Give the path of a file that `lantern backup --out FILE` wrote." });
  }
  if (statSync(file).size === 0) throw fileError(file, new BackupProblem("not-a-backup", "the file is empty"), { line: 0, rows: 0 });
  const decoder = new BackupDecoder(knownSchemaVersion());
  const hash = createHash("sha256");
  const tables: TableHeader[] = [];
  let batch: Encoded[][] = [];
  let done = 0;
  let table = "";
  const flush = async (): Promise<void> => {
    if (!batch.length) return;
    const rows = batch;
    batch = [];
    done += rows.length;
    await sink?.rows(rows);
    onProgress?.(done, decoder.header?.rows ?? 0, table);
  };
  let fileProblem = true;
  try {
    for await (const text of fileLines(file, hash)) {
      const d = decoder.line(text);
      fileProblem = false;
      if (d.kind === "row") {
        batch.push(d.values as Encoded[]);
        if (batch.length >= 5000) await flush();
      } else if (d.kind === "table") {
        await flush();
        tables.push(d.table);
        table = d.table.table;
        await sink?.table(d.table);
      } else if (d.kind === "header") {
        await sink?.header(d.header);
      } else {
        await flush();
      }
      fileProblem = true;
    }
    const trailer = decoder.finish();
    fileProblem = false;
    await sink?.end();
    return { file, sha256: hash.digest("hex"), header: decoder.header!, tables, trailer };
  } catch (e) {
    // Errors from the sink (the store) are the store's; only the file's own are rephrased.
    throw fileProblem ? fileError(file, e, decoder.position) : e;
  }
}

/** Check a backup without touching any store. */
export function verifyBackup(file: string, onProgress?: Progress): Promise<BackupContents> {
  return readBackup(file, undefined, onProgress);
}

/** Rows written to a staging table before they are moved into their table. */
const CHUNK_ROWS = 50_000;
const STAGING = "stg_restore";

/**
 * A sink that writes into `store`'s tables (call it inside a transaction, on tables already
 * emptied). Each chunk of rows goes into a text staging table through the adapter's bulk writer
 * (COPY on PostgreSQL, the appender on DuckDB), then into the table with a CAST to each column's
 * type, so every value arrives exactly as its text says. The migration record is skipped.
 */
export function storeLoader(store: Store, target: readonly TableInfo[], onProgress?: Progress): BackupSink & { readonly loaded: TableCount[] } {
  const byName = new Map(target.map((t) => [t.name, t]));
  const loaded: TableCount[] = [];
  let total = 0;
  let done = 0;
  let cur: { header: TableHeader; insert: string; staging: BulkColumn[]; writer: BulkWriter; pending: number; rows: number } | undefined;
  let skip = false;

  const openWriter = async (staging: BulkColumn[]): Promise<BulkWriter> => {
    await store.createStaging(STAGING, staging);
    return store.bulkWriter(STAGING, staging);
  };
  const flush = async (reopen: boolean): Promise<void> => {
    if (!cur) return;
    await cur.writer.close();
    if (cur.pending) await store.run(cur.insert);
    cur.pending = 0;
    if (reopen) cur.writer = await openWriter(cur.staging);
    else await store.run(`DROP TABLE ${STAGING}`);
  };
  const finishTable = async (): Promise<void> => {
    if (!cur) return;
    await flush(false);
    loaded.push({ table: cur.header.table, rows: cur.rows });
    cur = undefined;
  };

  return {
    loaded,
    async header(h) {
      total = h.rows;
    },
    async table(t) {
      await finishTable();
      skip = t.table === MIGRATION_TABLE;
      if (skip) return;
      const into = byName.get(t.table);
      const types = new Map(into?.columns.map((c) => [c.name, c.type]));
      const missing = t.columns.filter((c) => !types.has(c.name)).map((c) => c.name);
      if (!into || missing.length) {
        const what = into ? `table ${t.table} has column(s) ${missing.join(", ")}` : `there is a table ${t.table}`;
        throw new LanternError("LANTERN_BACKUP_TOO_NEW", `The data comes from a newer Lantern: ${what} that the store ${store.location} does not have.`, { hint: "Upgrade this Lantern to the same version as the other one first." });
      }
      const staging: BulkColumn[] = t.columns.map((_, i) => ({ name: `c${i}`, type: "text" }));
      const select = t.columns.map((c, i) => {
        const type = types.get(c.name)!;
        return type === "text" ? `c${i}` : `CAST(c${i} AS ${sqlTypeOf(type)})`;
      });
      const insert = `INSERT INTO ${quoteIdent(t.table)} (${t.columns.map((c) => quoteIdent(c.name)).join(", ")}) SELECT ${select.join(", ")} FROM ${STAGING}`;
      cur = { header: t, insert, staging, writer: await openWriter(staging), pending: 0, rows: 0 };
    },
    async rows(rows) {
      if (skip) {
        done += rows.length;
        return;
      }
      if (!cur) throw new BackupProblem("corrupt", "rows before any table header");
      for (const r of rows) {
        cur.writer.append(decodeRow(cur.header.columns, r));
        cur.pending++;
        cur.rows++;
        if (cur.pending >= CHUNK_ROWS) await flush(true);
      }
      done += rows.length;
      onProgress?.(done, total, cur.header.table);
    },
    async end() {
      await finishTable();
    },
  };
}

/** Empty every table but the migration record (inside the caller's transaction). */
export async function clearTables(store: Store, tables: readonly TableInfo[]): Promise<void> {
  for (const t of tables) if (t.name !== MIGRATION_TABLE) await store.run(`DELETE FROM ${quoteIdent(t.name)}`);
}

/** The refusal to write over a store that holds data. */
export function notEmptyError(where: string, held: readonly TableCount[], flagHint: string): LanternError {
  const list = held
    .slice(0, 6)
    .map((h) => `${h.table} (${h.rows})`)
    .join(", ");
  return new LanternError("LANTERN_STORE_NOT_EMPTY", `The store ${where} already holds data: ${list}${held.length > 6 ? `, and ${held.length - 6} more table(s)` : ""}. Nothing was changed.`, { hint: flagHint });
}

/** What a restore did. */
export interface RestoreResult {
  readonly file: string;
  readonly sha256: string;
  readonly header: BackupHeader;
  readonly tables: readonly TableCount[];
  readonly rows: number;
  /** What the store held before, when it was replaced. */
  readonly replaced: readonly TableCount[];
  /** Sign-in sessions in the backup that were still open, ended by the restore. */
  readonly sessionsEnded: number;
  readonly elapsedMs: number;
}

/** End every sign-in session still open (none when the store has no session table); how many. */
async function endSessions(store: Store, tables: readonly { name: string }[], now: Date): Promise<number> {
  if (!tables.some((t) => t.name === "lantern_session")) return 0;
  const [open] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_session WHERE revoked_at IS NULL`);
  await store.run(`UPDATE lantern_session SET revoked_at = $1 WHERE revoked_at IS NULL`, [now.toISOString()]);
  return Number(open?.n ?? 0);
}

/**
 * Restore `file` into `store` (already migrated), all or nothing: the file is checked end to end
 * first, then loaded in one transaction with its audit entry (`store.restore`). Refuses a store
 * that holds data unless `replace`. Sign-in sessions the backup held open are ended.
 */
export async function restoreBackup(
  store: Store,
  file: string,
  opts: {
    actor: string;
    replace?: boolean;
    /** The file's check, when the caller has already made it (before opening the store). */
    checked?: BackupContents;
    onProgress?: Progress;
    /** The clock sessions are ended by (tests). */
    now?: () => Date;
  },
): Promise<RestoreResult> {
  const t0 = performance.now();
  const checked = opts.checked ?? (await verifyBackup(file, opts.onProgress));
  const target = await listTables(store);
  // The schema check before anything is written: every table and column must exist here.
  for (const t of checked.tables) {
    if (t.table === MIGRATION_TABLE) continue;
    const into = target.find((x) => x.name === t.table);
    const missing = into ? t.columns.filter((c) => !into.columns.some((x) => x.name === c.name)) : [];
    if (!into || missing.length) {
      throw fileError(file, new BackupProblem("too-new", into ? `table ${t.table} has column(s) ${missing.map((c) => c.name).join(", ")} that this Lantern's store does not have` : `it holds a table ${t.table} that this Lantern's store does not have`), { line: 0, rows: 0 });
    }
  }
  await refuseWhileServed(store, "a restore");
  const held = await tablesWithData(store);
  if (held.length && !opts.replace) {
    throw notEmptyError(store.location, held, "Restore into an empty store (a new --data folder or an empty database), or add --replace to delete everything in this one, its audit log included, and put the backup in its place.");
  }
  const path = resolve(file);
  let result: RestoreResult | undefined;
  await store.transaction(async () => {
    await clearTables(store, target);
    const loader = storeLoader(store, target, opts.onProgress);
    const read = await readBackup(file, loader);
    if (read.sha256 !== checked.sha256) {
      throw new LanternError("LANTERN_BACKUP_INVALID", `The backup ${file} changed while it was being restored.`, { hint: "Restore from a copy nobody is writing to. Nothing was restored and the store is as it was." });
    }
    const rows = loader.loaded.reduce((s, t) => s + t.rows, 0);
    // A backup from before migration 8 has no record of where its audit chain starts, and the
    // store's own was emptied with every other table: without one, hashes stripped from every
    // entry would pass the check. Recorded from the restored entries, as the migration would.
    if (read.header.schemaVersion < AUDIT_CHAIN_START_VERSION) {
      const [start] = await store.all(`SELECT value FROM lantern_setting WHERE name = 'audit_chain_after'`);
      if (!start) await store.run(AUDIT_CHAIN_START);
    }
    // Sessions open when the backup was made would otherwise be live again, including any signed
    // out, revoked by a password change or belonging to a user disabled since: after a restore
    // everyone signs in again.
    const sessionsEnded = await endSessions(store, target, opts.now?.() ?? new Date());
    await auditEvent(store, {
      actor: opts.actor,
      action: "store.restore",
      target: path,
      detail: {
        file: path,
        sha256: read.sha256,
        createdAt: read.header.createdAt,
        source: read.header.source,
        schemaVersion: read.header.schemaVersion,
        tables: loader.loaded.length,
        rows,
        replaced: held,
        sessionsEnded,
      },
    });
    result = { file: path, sha256: read.sha256, header: read.header, tables: loader.loaded, rows, replaced: held, sessionsEnded, elapsedMs: 0 };
  });
  await store.analyze(target.map((t) => t.name));
  return { ...result!, elapsedMs: performance.now() - t0 };
}
