/**
 * @module
 * The thin IO layer of the generator: streams one table's rows to a CSV file in chunks, so a large
 * authority never needs its whole file as one string. Deliberately no generation logic here.
 */

import { closeSync, openSync, writeSync } from "node:fs";
import type { SsdTable } from "../store/ssd-schema.ts";
import { csvHeader, csvLineWriter } from "./csv.ts";
import type { Row } from "./rows.ts";

const CHUNK = 1 << 20;

/** Write `rows` of `table` to `path` (header first, `\n` endings, UTF-8, no BOM); returns bytes written. */
export function writeTableCsv(path: string, table: SsdTable, rows: readonly Row[]): number {
  const line = csvLineWriter(table);
  const fd = openSync(path, "w");
  let bytes = 0;
  try {
    let buf = csvHeader(table) + "\n";
    for (const row of rows) {
      buf += line(row) + "\n";
      if (buf.length >= CHUNK) {
        bytes += writeSync(fd, buf);
        buf = "";
      }
    }
    if (buf) bytes += writeSync(fd, buf);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** Write a small text file whole (authorities.csv, population.csv); returns bytes written. */
export function writeText(path: string, text: string): number {
  const fd = openSync(path, "w");
  try {
    return writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
