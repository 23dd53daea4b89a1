/**
 * @module
 * What every statutory-format reader shares: a located source record, the sink readers map SSD
 * rows into, and the format ids. A reader never writes to the store: it emits SSD rows (with the
 * file and row they came from) and issues to the {@link LoadSink}; the loader checks, stages and
 * commits them all or nothing through the ordinary snapshot path.
 */

import type { DataIssue } from "../core/errors.ts";
import type { CellValue } from "../ingest/values.ts";

/** The formats Lantern reads by content. */
export const FORMATS = ["ssd", "ssda903-csv", "ssda903-xml", "cin-census-xml", "annex-a-xlsx", "annex-a-csv"] as const;
export type FormatId = (typeof FORMATS)[number];

/** Where a value came from. */
export interface Loc {
  readonly file: string;
  readonly row?: number;
}

/** One source record of a flat format: its fields by (upper-case) name. */
export interface SourceRecord {
  readonly file: string;
  readonly row: number;
  readonly f: Record<string, string>;
  /** Parsed dates, filled on first use (rules read the same dates many times). */
  d?: Record<string, number | null>;
}

/** Receives what a reader produces. */
export interface LoadSink {
  /**
   * One SSD row; values by SSD column name (dates as day numbers). `reported`: columns whose source
   * cell the reader has reported already, in the file's own words: left blank because the cell was
   * refused with an error (the row is not stored), or a date before the one it follows (a 903
   * DEC before its DECOM, DfE rule 356). Neither is reported a second time in the words of an SSD
   * column the file does not have.
   */
  emit(table: string, values: Record<string, CellValue>, loc: Loc, reported?: ReadonlySet<string>): void;
  issue(i: DataIssue): void;
  /** Wait while rows emitted so far are still queued for the store (bounded memory on a slow store). */
  drained?(): Promise<void>;
}

/** The value of a field, trimmed, or "" when blank. */
export function field(r: SourceRecord, name: string): string {
  return (r.f[name] ?? "").trim();
}
