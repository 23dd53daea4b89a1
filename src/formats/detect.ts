/**
 * @module
 * Which format a file is, from its content, never its name: a zip signature is an Excel
 * workbook; text starting with an element is XML, told apart by its root (`EXPSSDA903` is the
 * 903, `Message` the CIN census); other text is CSV, told apart by its header row (the exact
 * column set of a 903 table, the header patterns of an Annex A list, or the columns of an SSD
 * table); the population file and generate's authorities.csv, which Lantern writes beside an
 * export, by theirs. A file that is none of these is reported as unknown with what was seen.
 */

import { statSync } from "node:fs";
import { basename, sep } from "node:path";
import { LanternError } from "../core/errors.ts";
import { SSD_TABLES } from "../store/ssd-schema.ts";
import { matchAnnexList } from "./annex-a.ts";
import { csvRowsFromChunks, isBlankRow } from "./csv.ts";
import type { FormatId } from "./model.ts";
import { match903, type Ssda903Table } from "./ssda903.ts";
import { decodeBuffer, headBytes, type TextEncoding } from "./text.ts";
import { notWorkbookEntries } from "./xlsx.ts";
import { xmlRootName } from "./xml.ts";

/** What a file was recognised as. */
export type Detected =
  | { readonly kind: "ssda903-csv"; readonly table: Ssda903Table; readonly exact: boolean; readonly missing: string[]; readonly extra: string[]; readonly header: string[] }
  | { readonly kind: "ssda903-xml" }
  | { readonly kind: "cin-census-xml" }
  | { readonly kind: "annex-a-xlsx" }
  | { readonly kind: "annex-a-csv"; readonly list: number; readonly missing: string[] }
  | { readonly kind: "ssd"; readonly table: string }
  /** Files Lantern writes beside an export: the population file, and generate's list of authorities. */
  | { readonly kind: "population" }
  | { readonly kind: "authorities" }
  | { readonly kind: "unknown"; readonly reason: string };

export interface DetectedFile {
  readonly path: string;
  readonly name: string;
  readonly bytes: number;
  readonly encoding?: TextEncoding;
  readonly detected: Detected;
}

/**
 * The files with their names as messages give them: the bare file name, unless another file of
 * the load has that name in another folder (2024/CIN.xml and 2025/CIN.xml), when each is named by
 * as many of its path's last folders as tell it apart. Every issue, summary and snapshot record
 * names a file by `name`, so "census.xml, line 4 … census.xml, line 4" left the analyst to guess.
 */
export function distinctNames<F extends { readonly path: string; readonly name: string }>(files: readonly F[]): F[] {
  const paths = new Map<string, Set<string>>();
  for (const f of files) paths.set(f.name.toLowerCase(), (paths.get(f.name.toLowerCase()) ?? new Set()).add(f.path));
  return files.map((f) => {
    const same = [...paths.get(f.name.toLowerCase())!];
    if (same.length < 2) return f;
    const parts = (p: string) => p.split(sep).filter(Boolean);
    const own = parts(f.path);
    for (let k = 2; k <= own.length; k++) {
      const tail = own.slice(-k).join("/");
      if (same.every((p) => p === f.path || parts(p).slice(-k).join("/").toLowerCase() !== tail.toLowerCase())) return { ...f, name: tail };
    }
    return { ...f, name: f.path };
  });
}

/** The format id of a detection (undefined for unknown). */
export function formatOf(d: Detected): FormatId | undefined {
  return d.kind === "unknown" || d.kind === "population" || d.kind === "authorities" ? undefined : d.kind;
}

/** A short description: "SSDA903 Episodes", "Annex A List 3". */
export function describeDetected(d: Detected): string {
  switch (d.kind) {
    case "ssda903-csv":
      return `SSDA903 ${d.table} (CSV)`;
    case "ssda903-xml":
      return "SSDA903 (XML)";
    case "cin-census-xml":
      return "CIN census (XML)";
    case "annex-a-xlsx":
      return "Annex A workbook";
    case "annex-a-csv":
      return `Annex A List ${d.list} (CSV)`;
    case "ssd":
      return `SSD ${d.table}`;
    case "population":
      return "population (children aged 0-17)";
    case "authorities":
      return "authorities (lantern generate)";
    default:
      return "unknown";
  }
}

async function firstRow(text: string, name: string): Promise<string[] | undefined> {
  // Only the first line(s) matter: cut at a few lines so a partial last line cannot break parsing.
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (!lines.length) return undefined;
  async function* one() {
    yield `${lines[0]}\n`;
  }
  try {
    for await (const r of csvRowsFromChunks(one(), name)) return r.cells;
  } catch {
    return undefined;
  }
  return undefined;
}

/** Recognise one file by its content. */
export async function detectFile(path: string): Promise<DetectedFile> {
  const name = basename(path);
  const bytes = statSync(path).size;
  const head = headBytes(path, 65536);
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    const inside = notWorkbookEntries(path);
    if (inside) {
      const listed = `${inside.slice(0, 3).join(", ")}${inside.length > 3 ? ` and ${inside.length - 3} more` : ""}`;
      const reason = `a zip archive, not an Excel workbook: it holds ${inside.length} file${inside.length === 1 ? "" : "s"}${inside.length ? ` (${listed})` : ""}; unzip it and give the folder it unpacks to (or the files in it)`;
      return { path, name, bytes, detected: { kind: "unknown", reason } };
    }
    return { path, name, bytes, detected: { kind: "annex-a-xlsx" } };
  }
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    return { path, name, bytes, detected: { kind: "unknown", reason: "an old-style Excel .xls workbook; save it as .xlsx (Excel Workbook) or as CSV UTF-8" } };
  }
  if (bytes === 0) return { path, name, bytes, detected: { kind: "unknown", reason: "the file is empty" } };
  let text: string;
  let encoding: TextEncoding;
  try {
    // Decode whole UTF-16 code units only.
    const cut = head.length % 2 === 0 ? head : head.subarray(0, head.length - 1);
    ({ text, encoding } = decodeBuffer(cut, name));
  } catch (e) {
    if (e instanceof LanternError) {
      // A UTF-8 sequence cut by the 64 KB window is not an error: retry on a shorter prefix.
      try {
        ({ text, encoding } = decodeBuffer(head.subarray(0, Math.max(0, head.length - 4)), name));
      } catch {
        return { path, name, bytes, detected: { kind: "unknown", reason: e.message } };
      }
    } else throw e;
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith("<")) {
    const root = xmlRootName(trimmed);
    if (root === "EXPSSDA903") return { path, name, bytes, encoding, detected: { kind: "ssda903-xml" } };
    if (root === "Message" || root === "CINcensus") return { path, name, bytes, encoding, detected: { kind: "cin-census-xml" } };
    return { path, name, bytes, encoding, detected: { kind: "unknown", reason: `XML with root element <${root ?? "?"}>; Lantern reads <EXPSSDA903> (SSDA903) and <Message> (CIN census)` } };
  }
  const header = await firstRow(text, name);
  if (!header || isBlankRow(header)) return { path, name, bytes, encoding, detected: { kind: "unknown", reason: "no header row could be read" } };
  const m903 = match903(header);
  if (m903?.exact) return { path, name, bytes, encoding, detected: { kind: "ssda903-csv", table: m903.table, exact: true, missing: [], extra: [], header } };
  const lower = header.map((h) => h.trim().toLowerCase());
  if (lower.includes("year") && lower.includes("population_0_17")) return { path, name, bytes, encoding, detected: { kind: "population" } };
  if (lower.includes("la_code") && lower.includes("la_name")) return { path, name, bytes, encoding, detected: { kind: "authorities" } };
  for (const t of SSD_TABLES) {
    if (lower.includes(t.key) && t.columns.filter((c) => c.required).every((c) => lower.includes(c.name))) return { path, name, bytes, encoding, detected: { kind: "ssd", table: t.name } };
  }
  const annex = matchAnnexList(header);
  if (annex) return { path, name, bytes, encoding, detected: { kind: "annex-a-csv", list: annex.list, missing: annex.missing } };
  if (m903) return { path, name, bytes, encoding, detected: { kind: "ssda903-csv", table: m903.table, exact: false, missing: m903.missing, extra: m903.extra, header } };
  return {
    path,
    name,
    bytes,
    encoding,
    detected: { kind: "unknown", reason: `its header (${header.slice(0, 6).join(", ")}${header.length > 6 ? ", …" : ""}) is not an SSDA903 table, an Annex A list or an SSD table` },
  };
}
