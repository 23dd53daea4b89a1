/**
 * @module
 * Reading what has been loaded: snapshots with their files and per-table row counts. Every
 * earlier snapshot stays queryable; `tableRows(store, table, snapshotId)` gives the rows a
 * snapshot saw for a table (its own rows, or those it carried forward from an earlier load).
 */

import type { Row, Store } from "./port.ts";
import { requireSsdTable } from "./ssd-schema.ts";

/** One snapshot as listed to users. */
export interface SnapshotInfo {
  readonly snapshotId: number;
  readonly authority: string;
  readonly loadedAt: string;
  readonly loadedBy: string;
  readonly format: string;
  readonly forced: boolean;
  readonly rows: number;
  readonly warnings: number;
  readonly files: { readonly name: string; readonly sha256: string; readonly table: string | null; readonly rows: number }[];
  readonly tables: Record<string, number>;
}

/** Every snapshot, newest first (optionally for one authority). */
export async function listSnapshots(store: Store, authority?: string): Promise<SnapshotInfo[]> {
  const snaps = await store.all<{
    snapshot_id: number;
    la_code: string;
    loaded_at: string;
    loaded_by: string;
    source_format: string;
    forced: boolean;
    total_rows: number;
    warnings: number;
  }>(
    `SELECT snapshot_id, la_code, loaded_at, loaded_by, source_format, forced, total_rows, warnings FROM lantern_snapshot
     ${authority ? "WHERE la_code = $1" : ""} ORDER BY snapshot_id DESC`,
    authority ? [authority] : [],
  );
  const files = await store.all<{ snapshot_id: number; file_name: string; sha256: string; table_name: string | null; row_count: number }>(
    `SELECT snapshot_id, file_name, sha256, table_name, row_count FROM lantern_snapshot_file ORDER BY snapshot_id, file_name`,
  );
  const tables = await store.all<{ snapshot_id: number; table_name: string; row_count: number }>(
    `SELECT snapshot_id, table_name, row_count FROM lantern_snapshot_table ORDER BY snapshot_id, table_name`,
  );
  return snaps.map((s) => ({
    snapshotId: s.snapshot_id,
    authority: s.la_code,
    loadedAt: s.loaded_at,
    loadedBy: s.loaded_by,
    format: s.source_format,
    forced: s.forced,
    rows: s.total_rows,
    warnings: s.warnings,
    files: files.filter((f) => f.snapshot_id === s.snapshot_id).map((f) => ({ name: f.file_name, sha256: f.sha256, table: f.table_name, rows: f.row_count })),
    tables: Object.fromEntries(tables.filter((t) => t.snapshot_id === s.snapshot_id).map((t) => [t.table_name, t.row_count])),
  }));
}

/** The rows of an SSD table as a given snapshot saw them. */
export async function tableRows(store: Store, table: string, snapshotId: number): Promise<Row[]> {
  const t = requireSsdTable(table);
  return store.all(
    `SELECT t.* FROM ${t.name} t JOIN lantern_snapshot_table st ON st.snapshot_id = $1 AND st.table_name = '${t.name}' AND t.snapshot_id = st.rows_snapshot_id
     JOIN lantern_snapshot s ON s.snapshot_id = st.snapshot_id AND s.la_code = t.la_code ORDER BY t.${t.key}`,
    [snapshotId],
  );
}

/** The tables an authority's latest snapshot holds (carried forward or loaded), with their row counts; empty before its first load. */
export async function latestTables(store: Store, authority: string): Promise<Map<string, number>> {
  const rows = await store.all<{ table_name: string; row_count: number }>(
    `SELECT st.table_name, st.row_count FROM lantern_latest_snapshot l JOIN lantern_snapshot_table st ON st.snapshot_id = l.snapshot_id WHERE l.la_code = $1`,
    [authority],
  );
  return new Map(rows.map((r) => [r.table_name, Number(r.row_count)]));
}

/** Row counts of the current data per authority and table. */
export async function currentCounts(store: Store): Promise<{ la_code: string; table_name: string; row_count: number; snapshot_id: number }[]> {
  return store.all(
    `SELECT l.la_code, st.table_name, st.row_count, l.snapshot_id FROM lantern_latest_snapshot l
     JOIN lantern_snapshot_table st ON st.snapshot_id = l.snapshot_id ORDER BY l.la_code, st.table_name`,
  );
}
