/**
 * @module
 * Writing a new snapshot's bookkeeping: its row, its source files, the tables it loaded, the
 * tables it carries forward from the authority's previous snapshot, its warnings and the audit
 * entry. Every importer calls this inside its one transaction, after staging its rows; the rows
 * themselves are the importer's business.
 */

import type { DataIssue } from "../core/errors.ts";
import { audit } from "./audit.ts";
import { advisoryKey } from "./locks.ts";
import type { Store } from "./port.ts";

/** A source file of a load. */
export interface SourceFile {
  readonly name: string;
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  /** The table it fed (null for reference files such as population.csv). */
  readonly table: string | null;
  readonly rows: number;
}

/** Everything about a new snapshot except its rows. */
export interface NewSnapshot {
  readonly authority: string;
  readonly authorityName?: string;
  readonly format: string;
  readonly loadedBy: string;
  readonly at: string;
  readonly forced: boolean;
  readonly fingerprint: string;
  readonly files: readonly SourceFile[];
  /** Row counts of the tables this load replaces. */
  readonly tables: ReadonlyMap<string, number>;
  readonly warnings: readonly DataIssue[];
}

/** Insert a snapshot's records and return its id. Call inside a transaction. */
export async function writeSnapshot(store: Store, s: NewSnapshot): Promise<number> {
  // Ids are the highest so far plus one, so loads committing at once (for other authorities, or
  // from other instances on PostgreSQL) take them one at a time: the lock is held until this
  // transaction ends. (DuckDB's transactions already run one after another in its one process.)
  if (store.kind === "postgres") await store.run(`SELECT pg_advisory_xact_lock($1, $2)`, advisoryKey("snapshot-id"));
  const [next] = await store.all<{ id: number | null }>(`SELECT max(snapshot_id) AS id FROM lantern_snapshot`);
  const snapshotId = (next?.id ?? 0) + 1;
  const [prev] = await store.all<{ snapshot_id: number }>(`SELECT snapshot_id FROM lantern_latest_snapshot WHERE la_code = $1`, [s.authority]);
  await store.run(
    `INSERT INTO lantern_authority (la_code, la_name, like_code, created_at) VALUES ($1, $2, NULL, $3)
     ON CONFLICT (la_code) DO UPDATE SET la_name = coalesce(excluded.la_name, lantern_authority.la_name)`,
    [s.authority, s.authorityName || null, s.at],
  );
  const total = [...s.tables.values()].reduce((a, b) => a + b, 0);
  await store.run(
    `INSERT INTO lantern_snapshot (snapshot_id, la_code, loaded_at, loaded_by, source_format, forced, fingerprint, total_rows, warnings) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [snapshotId, s.authority, s.at, s.loadedBy, s.format, s.forced, s.fingerprint, total, s.warnings.length],
  );
  for (const f of s.files) {
    await store.run(
      `INSERT INTO lantern_snapshot_file (snapshot_id, file_name, source_path, sha256, bytes, table_name, row_count) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [snapshotId, f.name, f.path, f.sha256, f.bytes, f.table, f.rows],
    );
  }
  for (const [table, n] of s.tables) {
    await store.run(`INSERT INTO lantern_snapshot_table (snapshot_id, table_name, row_count, rows_snapshot_id) VALUES ($1, $2, $3, $1)`, [snapshotId, table, n]);
  }
  if (prev) {
    const carried = await store.all<{ table_name: string; row_count: number; rows_snapshot_id: number }>(
      `SELECT table_name, row_count, rows_snapshot_id FROM lantern_snapshot_table WHERE snapshot_id = $1`,
      [prev.snapshot_id],
    );
    for (const c of carried) {
      if (s.tables.has(c.table_name)) continue;
      await store.run(`INSERT INTO lantern_snapshot_table (snapshot_id, table_name, row_count, rows_snapshot_id) VALUES ($1, $2, $3, $4)`, [
        snapshotId,
        c.table_name,
        c.row_count,
        c.rows_snapshot_id,
      ]);
    }
  }
  for (const w of s.warnings) {
    await store.run(
      `INSERT INTO lantern_snapshot_issue (snapshot_id, severity, code, file_name, row_number, column_name, value, message) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [snapshotId, w.severity, w.code, w.file ?? null, w.row ?? null, w.column ?? null, w.value ?? null, w.message],
    );
  }
  await audit(
    store,
    { actor: s.loadedBy, action: "data.load", la_code: s.authority, detail: { snapshotId, format: s.format, files: s.files.map((f) => ({ name: f.name, sha256: f.sha256 })), rows: total, forced: s.forced } },
    () => new Date(s.at),
  );
  return snapshotId;
}

/** The latest snapshot of an authority whose files had this fingerprint, if any. */
export async function identicalSnapshot(store: Store, authority: string, fingerprint: string): Promise<{ snapshotId: number; loadedAt: string } | undefined> {
  const [hit] = await store.all<{ snapshot_id: number; loaded_at: string }>(
    `SELECT snapshot_id, loaded_at FROM lantern_snapshot WHERE la_code = $1 AND fingerprint = $2 ORDER BY snapshot_id DESC LIMIT 1`,
    [authority, fingerprint],
  );
  return hit ? { snapshotId: hit.snapshot_id, loadedAt: hit.loaded_at } : undefined;
}
