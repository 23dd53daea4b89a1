/**
 * @module
 * The SSD export writer: an authority's latest snapshot written back out as the
 * `ssd_<table>.csv` folder that `lantern import` reads — the way to move an authority's data to
 * another Lantern, hand it to another tool, or keep a plain-text copy of exactly what a published
 * figure was computed from. Pure CSV building here; the store reading and file writing are at the
 * bottom and thin. Every export is audited: the files hold child-level data.
 */

import { makePrivateDir, writePrivateFile } from "../../core/private-files.ts";
import { join } from "node:path";
import { LanternError, noDataLoaded } from "../../core/errors.ts";
import { auditEvent } from "../../store/audit.ts";
import type { Row, Store } from "../../store/port.ts";
import { SSD_TABLES, type SsdTable } from "../../store/ssd-schema.ts";

const NEEDS_QUOTES = /[",\n\r]/;

function field(v: Row[string] | undefined): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "boolean" ? (v ? "Y" : "N") : String(v);
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One table as CSV text: the registry's columns in order, ISO dates, RFC 4180 quoting. */
export function ssdCsv(table: SsdTable, rows: readonly Row[]): string {
  const names = table.columns.map((c) => c.name);
  return [names.join(","), ...rows.map((r) => names.map((n) => field(r[n])).join(","))].join("\n") + "\n";
}

/** What an export wrote. */
export interface SsdExportResult {
  readonly authority: string;
  readonly snapshot: number;
  readonly files: { file: string; rows: number }[];
}

/** Write the authority's latest snapshot to `out` as `ssd_<table>.csv` files (tables with rows only). */
export async function exportSsd(store: Store, opts: { authority?: string; out: string; actor: string }): Promise<SsdExportResult> {
  const latest = await store.all<{ la_code: string; snapshot_id: number }>(
    `SELECT la_code, snapshot_id FROM lantern_latest_snapshot ${opts.authority ? "WHERE la_code = $1" : ""} ORDER BY la_code`,
    opts.authority ? [opts.authority] : [],
  );
  // An empty store is told how to fill it: listing the snapshots would only say there are none.
  if (!latest.length && !opts.authority) throw noDataLoaded("export", "so there is nothing to export");
  if (!latest.length) throw new LanternError("LANTERN_BAD_OPTION", `No data has been loaded for authority ${opts.authority}.`, { hint: "Run `lantern snapshots` to see the authorities loaded." });
  if (latest.length > 1) {
    throw new LanternError("LANTERN_BAD_OPTION", `The store holds ${latest.length} authorities (${latest.map((l) => l.la_code).join(", ")}); an export is for one.`, {
      hint: "Add --authority CODE.",
    });
  }
  const { la_code, snapshot_id } = latest[0]!;
  makePrivateDir(opts.out);
  const files: { file: string; rows: number }[] = [];
  for (const t of SSD_TABLES) {
    const key = t.columns[0]!.name;
    const rows = await store.all(`SELECT ${t.columns.map((c) => c.name).join(", ")} FROM current_${t.name} WHERE la_code = $1 ORDER BY ${key}`, [la_code]);
    if (!rows.length) continue;
    const file = `${t.name}.csv`;
    writePrivateFile(join(opts.out, file), ssdCsv(t, rows));
    files.push({ file, rows: rows.length });
  }
  // The authority's own population file, so its rates come back the same when the folder is loaded.
  const pop = await store.all<{ year: number; population_0_17: number }>(`SELECT year, population_0_17 FROM lantern_population WHERE la_code = $1 ORDER BY year`, [la_code]);
  if (pop.length) {
    writePrivateFile(join(opts.out, "population.csv"), ["la_code,year,population_0_17", ...pop.map((p) => `${field(la_code)},${p.year},${p.population_0_17}`)].join("\n") + "\n");
    files.push({ file: "population.csv", rows: pop.length });
  }
  await auditEvent(store, { actor: opts.actor, action: "export.ssd", target: opts.out, laCode: la_code, detail: { snapshot: snapshot_id, files: files.length, rows: files.reduce((s, f) => s + f.rows, 0) } });
  return { authority: la_code, snapshot: snapshot_id, files };
}
