/**
 * @module
 * What the statutory-return writers share: which snapshot an export is made from (the
 * authority's latest), the collection year a `--period` names, reading an SSD table of that
 * snapshot, and the small value helpers (DD/MM/YYYY dates, CSV cells). The writers themselves
 * (ssda903.ts, cin-census.ts, annex-a.ts) are pure mappings from SSD rows to records.
 */

import { type Period, parsePeriod, periodAsWritten } from "../../calendar/periods.ts";
import { LanternError, noDataLoaded } from "../../core/errors.ts";
import type { Row, Store } from "../../store/port.ts";
import { SSD_TABLES } from "../../store/ssd-schema.ts";

/** An SSD row as the store returns it (dates as `YYYY-MM-DD` strings). */
export type SsdRow = Row;

/** The authority's latest snapshot, refusing an empty store or an ambiguous one. */
export async function latestOf(store: Store, authority: string | undefined): Promise<{ la_code: string; snapshot_id: number }> {
  const latest = await store.all<{ la_code: string; snapshot_id: number }>(
    `SELECT la_code, snapshot_id FROM lantern_latest_snapshot ${authority ? "WHERE la_code = $1" : ""} ORDER BY la_code`,
    authority ? [authority] : [],
  );
  // An empty store is told how to fill it: listing the snapshots would only say there are none.
  if (!latest.length && !authority) throw noDataLoaded("export", "so there is nothing to export");
  if (!latest.length) throw new LanternError("LANTERN_BAD_OPTION", `No data has been loaded for authority ${authority}.`, { hint: "Run `lantern snapshots` to see the authorities loaded." });
  if (latest.length > 1) {
    throw new LanternError("LANTERN_BAD_OPTION", `The store holds ${latest.length} authorities (${latest.map((l) => l.la_code).join(", ")}); an export is for one.`, { hint: "Add --authority CODE." });
  }
  return latest[0]!;
}

/** The collection year of a return: a financial year such as `2024-25` (1 April to 31 March). */
export function collectionYear(id: string | undefined, format: string): Period {
  if (!id) throw new LanternError("LANTERN_USAGE", `The ${format} export needs --period, the collection year.`, { hint: "For example --period 2024-25 (1 April 2024 to 31 March 2025)." });
  const p = parsePeriod(id);
  if (p?.kind !== "year") {
    const meant = p ? undefined : periodAsWritten(id);
    const year = meant && parsePeriod(meant)?.kind === "year" ? `: Lantern writes that year ${meant}` : `; the ${format} return covers one`;
    throw new LanternError("LANTERN_BAD_OPTION", `--period ${id} is not a financial year${year}.`, { hint: "Write the collection year as 2024-25." });
  }
  return p;
}

/** Every row of an SSD table in the authority's current snapshot, in key order. */
export async function currentRows(store: Store, table: string, la: string): Promise<SsdRow[]> {
  const t = SSD_TABLES.find((x) => x.name === table);
  if (!t) throw new Error(`unknown SSD table ${table}`);
  return store.all(`SELECT ${t.columns.map((c) => c.name).join(", ")} FROM current_${t.name} WHERE la_code = $1 ORDER BY ${t.columns[0]!.name}`, [la]);
}

/** A value as text ("" for null). */
export function text(v: SsdRow[string] | undefined): string {
  if (v === null || v === undefined) return "";
  return typeof v === "boolean" ? (v ? "Y" : "N") : String(v);
}

/** An ISO date as DD/MM/YYYY ("" for null). */
export function ddmmyyyy(v: SsdRow[string] | undefined): string {
  const s = text(v);
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : s;
}

/** An ISO date ("" for null), without any time part. */
export function iso(v: SsdRow[string] | undefined): string {
  return text(v).slice(0, 10);
}

/** Does [start, end] (end null = open) overlap [from, to]? ISO strings compare as dates. */
export function overlaps(start: string, end: string, from: string, to: string): boolean {
  return start !== "" && start <= to && (end === "" || end >= from);
}

/** One CSV file's text from a header and rows (RFC 4180 quoting). */
export function csvText(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return [header.join(","), ...rows.map((r) => r.map(cell).join(","))].join("\r\n") + "\r\n";
}

/** Group rows by a column's text. */
export function groupBy(rows: readonly SsdRow[], col: string): Map<string, SsdRow[]> {
  const out = new Map<string, SsdRow[]>();
  for (const r of rows) {
    const k = text(r[col]);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}
