/**
 * @module
 * `lantern backup` and `lantern restore`: the whole store to one file and back, on either kind
 * of store (src/store/backup.ts does the work; this file parses, shows progress and reports).
 */

import { resolve } from "node:path";
import { LanternError } from "../../core/errors.ts";
import { type BackupContents, MIGRATION_TABLE, readBackup, restoreBackup, writeBackup } from "../../store/backup.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, parse } from "../command.ts";
import { type Output, progressBar } from "../output.ts";
import { commandLineUser } from "../../core/actor.ts";

const BACKUP_HELP = `lantern backup --out FILE [--data DIR] [--json]

Write the whole store to one file: every table Lantern keeps (the SSD rows of every snapshot,
the computed indicator values, targets, commentary, annotations, users and their sessions, the
audit log, ...), from the embedded store in --data or from the PostgreSQL database named by
LANTERN_DATABASE_URL. \`lantern restore\` puts it back, into either kind of store.

The file holds child-level data. Keep it only where the live data may be kept (not on a shared
drive, not in email). It is written readable by its owner only, and every backup is recorded in
the audit log (action export.backup) with who made it, the file and its SHA-256.

The file is gzip-compressed JSON lines: a header (format version, Lantern schema version, when,
from which store), then each table (its columns, their types and its row count, then its rows),
then an end marker with the counts and a SHA-256 of everything before it, so a file cut short or
damaged is refused on restore. \`zcat FILE | head -1\` shows the header. Dates, whole numbers,
decimals, true/false, empty (NULL) values and any text come back exactly as they were.

It is written as FILE.partial and renamed to FILE only when complete. On the embedded store,
stop \`lantern serve\` first (one process at a time); on PostgreSQL the backup reads one
consistent view of the database while the web application keeps running.

Options:
  --out FILE   the file to write (an existing file of that name is replaced once the new one is
               complete)

Examples:
  lantern backup --out /secure/backups/lantern-2025-06-30.backup.gz
  LANTERN_DATABASE_URL=postgres://lantern@db.internal/lantern lantern backup --out lantern.backup.gz
  lantern backup --out lantern.backup.gz --json
  lantern restore lantern.backup.gz --check        # test the file without touching any store
`;

const RESTORE_HELP = `lantern restore FILE [--replace] [--check] [--data DIR] [--json]

Put a backup written by \`lantern backup\` into the configured store: the embedded store in
--data (a new folder is fine) or the PostgreSQL database named by LANTERN_DATABASE_URL, whichever
kind the backup came from. The store is first brought up to this Lantern's schema; a backup
made by a newer Lantern is refused.

All or nothing: the whole file is checked before any store is opened (a file cut short,
damaged, not a Lantern backup or too new is refused with what was wrong and what to do), then it
is loaded in one transaction. Any failure leaves the store exactly as it was.

A store that already holds data is refused unless you add --replace, which deletes everything
in it (its audit log included) and puts the backup in its place. The restore itself is recorded
in the audit log (action store.restore) after the backup's own entries, with the file, its
SHA-256 and what was replaced. Sign-in sessions that were open when the backup was made are
ended, so everyone signs in again. Stop \`lantern serve\` while restoring: on PostgreSQL a restore
is refused while one is connected to the database.

Options:
  --replace   empty the store first; without it a store holding data is refused
  --check     only check the file (header, versions, every row, counts, checksum); no store is
              opened or changed

With --json, "file" is the backup's absolute path (a relative FILE resolved against the working
directory), with --check as without it.

Examples:
  lantern restore /secure/backups/lantern-2025-06-30.backup.gz --data ./lantern-data
  lantern restore lantern.backup.gz --check
  LANTERN_DATABASE_URL=postgres://lantern@db.internal/lantern lantern restore lantern.backup.gz
  lantern restore lantern.backup.gz --replace      # back up the current store first
`;

function count(n: number): string {
  return n.toLocaleString("en-GB");
}

function when(iso: string): string {
  return `${iso.slice(0, 19).replace("T", " ")} UTC`;
}

async function runBackup(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("backup", argv, { out: { type: "string" } });
  if (!values.out) throw new LanternError("LANTERN_USAGE", "Say where to write the backup with --out FILE.", { hint: "For example `lantern backup --out lantern.backup.gz`." });
  const store = await openStore(storeConfig(values.data), { existing: true });
  try {
    const bar = progressBar(o, "Backing up");
    const r = await writeBackup(store, values.out, { actor: commandLineUser(), onProgress: (d, t, l) => bar.update(d, t, l) });
    bar.done();
    const h = r.header;
    if (values.json) {
      const out = { file: r.file, bytes: r.bytes, sha256: r.sha256, createdAt: h.createdAt, source: h.source, formatVersion: h.formatVersion, schemaVersion: h.schemaVersion, rows: h.rows, tables: r.tables, elapsedMs: Math.round(r.elapsedMs) };
      o.out(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    o.out(`Backed up ${count(h.rows)} rows in ${r.tables.length} tables from ${store.location}\n`);
    o.out(`to ${r.file} (${(r.bytes / 1e6).toFixed(1)} MB, sha256 ${r.sha256}) in ${(r.elapsedMs / 1000).toFixed(1)} s.\n`);
    o.out(`It holds child-level data: keep it as safely as the store itself. Check it any time with\n  lantern restore ${values.out} --check\n`);
    return 0;
  } finally {
    await store.close();
  }
}

function describe(c: BackupContents): string {
  const h = c.header;
  const from = h.source.kind === "duckdb" ? "the embedded store" : "PostgreSQL";
  return `made ${when(h.createdAt)} from ${from} ${h.source.location} (schema ${h.schemaVersion}): ${count(h.rows)} rows in ${h.tables} tables`;
}

async function runRestore(argv: readonly string[], o: Output): Promise<number> {
  const { values, positionals } = parse("restore", argv, { replace: { type: "boolean", default: false }, check: { type: "boolean", default: false } }, ["FILE"]);
  if (!positionals.length) throw new LanternError("LANTERN_USAGE", "Say which backup file to restore.", { hint: "For example `lantern restore lantern.backup.gz`." });
  const file = positionals[0]!;
  // The file is checked end to end before any store is opened: a bad file creates and changes nothing.
  let bar = progressBar(o, "Checking");
  const checked = await readBackup(file, undefined, (d, t, l) => bar.update(d, t, l));
  bar.done();
  if (values.check) {
    if (values.json) {
      // The path read, resolved against the working directory, as backup's and restore's JSON give
      // it: the argument as typed means nothing to a script reading the output from elsewhere.
      o.out(`${JSON.stringify({ file: resolve(file), ok: true, sha256: checked.sha256, ...checked.header, tables: checked.tables.map((t) => ({ table: t.table, rows: t.rows })) }, null, 2)}\n`);
      return 0;
    }
    o.out(`${file} is a complete Lantern backup, ${describe(checked)}; its checksum matches.\n`);
    return 0;
  }
  const store = await openStore(storeConfig(values.data));
  try {
    bar = progressBar(o, "Restoring");
    const r = await restoreBackup(store, file, { actor: commandLineUser(), replace: values.replace, checked, onProgress: (d, t, l) => bar.update(d, t, l) });
    bar.done();
    if (values.json) {
      const out = { file: r.file, sha256: r.sha256, store: store.location, createdAt: r.header.createdAt, source: r.header.source, schemaVersion: r.header.schemaVersion, rows: r.rows, tables: r.tables, replaced: r.replaced, sessionsEnded: r.sessionsEnded, elapsedMs: Math.round(r.elapsedMs) };
      o.out(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    o.out(`Restored ${count(r.rows)} rows in ${r.tables.length} tables into ${store.location} in ${(r.elapsedMs / 1000).toFixed(1)} s,\n`);
    o.out(`from the backup ${describe(checked)}.\n`);
    const own = checked.tables.find((t) => t.table === MIGRATION_TABLE);
    if (own) o.out(`(The backup's record of migrations, ${count(own.rows)} rows, is not copied: each store keeps its own.)\n`);
    if (r.sessionsEnded) o.out(`${count(r.sessionsEnded)} sign-in session(s) open in the backup were ended: everyone signs in again.\n`);
    if (r.replaced.length) o.out(`It replaced ${count(r.replaced.reduce((s, t) => s + t.rows, 0))} rows in ${r.replaced.length} tables (recorded in the audit log).\n`);
    return 0;
  } finally {
    await store.close();
  }
}

export const backupCommand: Command = { name: "backup", help: BACKUP_HELP, run: runBackup };
export const restoreCommand: Command = { name: "restore", help: RESTORE_HELP, run: runRestore };
