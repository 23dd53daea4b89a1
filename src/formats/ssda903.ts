/**
 * @module
 * The SSDA903 (children looked after) return: its tables, each recognised by its exact column
 * set as the DfE's own validator does (file names do not matter), its code sets, its CSV and
 * XML (`EXPSSDA903`) readers into one per-child model, and the mapping of that model into SSD
 * tables. The 903 has no contacts, referrals, assessments, CP or early help: those tables are
 * left as they were (see docs/formats.md).
 */

import { dayOf, isoDate, ymd } from "../calendar/dates.ts";
import { isProblem, parseDate } from "../ingest/values.ts";
import type { CellProblem, CellValue } from "../ingest/values.ts";
import { type LoadSink, type SourceRecord, field } from "./model.ts";
import { childrenNamed, type XmlNode } from "./xml.ts";

/** 903 tables by the validator's names, with their exact column sets. */
export const SSDA903_TABLES = {
  Header: ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
  Episodes: ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
  Reviews: ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
  UASC: ["CHILD", "SEX", "DOB", "DUC"],
  OC2: ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"],
  OC3: ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
  AD1: ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"],
  PlacedAdoption: ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
  PrevPerm: ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
  Missing: ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
  SWEpisodes: ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
  DoLo: ["CHILD", "DOB", "DOLO_START", "DOLO_END"],
} as const;
export type Ssda903Table = keyof typeof SSDA903_TABLES;

/** Date columns of the 903 (any table). */
export const SSDA903_DATES = new Set(["DOB", "MC_DOB", "DECOM", "DEC", "REVIEW", "DUC", "DATE_INT", "DATE_MATCH", "DATE_PLACED", "DATE_PLACED_CEASED", "DATE_PERM", "MIS_START", "MIS_END", "SW_DECOM", "SW_DEC", "DOLO_START", "DOLO_END"]);

/** Normalise a header cell: trimmed, upper case, spaces and hyphens as underscores. */
export function normHeader(h: string): string {
  return h.replace(/^\uFEFF/, "").trim().toUpperCase().replace(/[\s-]+/g, "_");
}

/** The 903 table whose column set the header is exactly, or the closest (for a located error). */
export function match903(header: readonly string[]): { table: Ssda903Table; exact: boolean; missing: string[]; extra: string[] } | undefined {
  const have = new Set(header.map(normHeader));
  let best: { table: Ssda903Table; exact: boolean; missing: string[]; extra: string[]; score: number } | undefined;
  for (const [table, cols] of Object.entries(SSDA903_TABLES) as [Ssda903Table, readonly string[]][]) {
    const missing = cols.filter((c) => !have.has(c));
    const extra = [...have].filter((c) => !cols.includes(c));
    const score = cols.length - missing.length - extra.length / 2;
    if (!missing.length && !extra.length) return { table, exact: true, missing, extra };
    // Near misses: most of the table's distinctive columns are present.
    if (missing.length <= Math.max(1, Math.floor(cols.length / 4)) && cols.length - missing.length >= 3 && (!best || score > best.score)) {
      best = { table, exact: false, missing, extra, score };
    }
  }
  return best && { table: best.table, exact: false, missing: best.missing, extra: best.extra };
}

const range = (p: string, a: number, b: number): string[] => Array.from({ length: b - a + 1 }, (_, i) => `${p}${a + i}`);

/** Code sets (every code valid in some return year from 2017 on). */
export const CODES_903 = {
  SEX: ["1", "2", "M", "F", "U"],
  ETHNIC: ["WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"],
  RNE: ["S", "L", "P", "T", "B", "U"],
  LS: ["C1", "C2", "D1", "E1", "V2", "V3", "V4", "J1", "J2", "J3", "L1", "L2", "L3"],
  CIN: range("N", 1, 8),
  PLACE: ["A3", "A4", "A5", "A6", "H5", "K1", "K2", "K3", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1", "Z11", "Z12", "Z13", "Z14"],
  PLACE_PROVIDER: range("PR", 0, 5),
  REC: ["E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E41", "E45", "E46", "E47", "E48", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "X1"],
  REASON_PLACE_CHANGE: ["CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ", "PLACE", "CUSTOD", "OTHER"],
  REVIEW_CODE: range("PN", 0, 7),
  SDQ_REASON: range("SDQ", 1, 5),
  IN_TOUCH: ["YES", "NO", "DIED", "REFU", "NREQ", "RHOM"],
  ACTIV: ["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"],
  ACCOM: ["0", ...["B", "C", "D", "E", "G", "H", "K", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"].flatMap((l) => [`${l}1`, `${l}2`])],
  PREV_PERM: ["P1", "P2", "P3", "P4", "Z1"],
  REASON_PLACED_CEASED: ["RD1", "RD2", "RD3", "RD4"],
  FOSTER_CARE: ["0", "1"],
  NB_ADOPTR: ["1", "2"],
  SEX_ADOPTR: ["M1", "F1", "MM", "FF", "MF"],
  LS_ADOPTR: ["L0", "L11", "L12", "L2", "L3", "L4"],
  MOTHER: ["0", "1"],
  MISSING: ["M", "A"],
  SW_REASON: ["MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED", "OTHERS"],
} as const satisfies Record<string, readonly string[]>;

/** One child's 903 records, from CSV tables or the XML. */
export interface Child903 {
  readonly id: string;
  header?: SourceRecord;
  readonly records: { [T in Ssda903Table]?: SourceRecord[] };
}

/** All children of one 903 load, in first-seen order. */
export class Model903 {
  readonly children = new Map<string, Child903>();
  child(id: string): Child903 {
    let c = this.children.get(id);
    if (!c) {
      c = { id, records: {} };
      this.children.set(id, c);
    }
    return c;
  }
  add(table: Ssda903Table, rec: SourceRecord): void {
    const id = field(rec, "CHILD");
    const c = this.child(id);
    const list = c.records[table] ?? [];
    c.records[table] = list;
    list.push(rec);
    if (table === "Header" && !c.header) c.header = rec;
  }
}

/** The records of a table for a child (empty when none). */
export function recs(c: Child903, t: Ssda903Table): readonly SourceRecord[] {
  return c.records[t] ?? [];
}

/** A 903 date field as a day number; null when blank or unreadable (unreadable is reported elsewhere). */
export function day(r: SourceRecord | undefined, name: string): number | null {
  if (!r) return null;
  let cache = r.d;
  if (!cache) {
    cache = {};
    r.d = cache;
  }
  const hit = cache[name];
  if (hit !== undefined) return hit;
  const v = field(r, name);
  let out: number | null = null;
  if (v) {
    const d = parseDate(v);
    out = isProblem(d) ? null : d;
  }
  cache[name] = out;
  return out;
}

const SORTED = new WeakMap<Child903, SourceRecord[]>();

/** Episodes in start order (unreadable starts last); computed once per child. */
export function episodesOf(c: Child903): SourceRecord[] {
  const hit = SORTED.get(c);
  if (hit) return hit;
  const out = [...recs(c, "Episodes")].sort((a, b) => (day(a, "DECOM") ?? 1e9) - (day(b, "DECOM") ?? 1e9));
  SORTED.set(c, out);
  return out;
}

/**
 * The collection year a return is for: the financial year holding its latest episode date (a
 * day number), less a week's grace for the odd date just after the year's end.
 */
export function collectionYearOf(latest: number): { readonly start: number; readonly end: number } {
  const l = ymd(latest - 7);
  const y = l.m >= 4 ? l.y : l.y - 1;
  return { start: dayOf(y, 4, 1), end: dayOf(y + 1, 3, 31) };
}

// ---- XML --------------------------------------------------------------------------------------

const XML_HEADER_FIELDS = ["CHILDID", "UPN", "SEX", "DOB", "ETHNIC", "UASC", "DUC", "MOTHER", "MC_DOB"];

/** Turn one `<CHILD>` of an EXPSSDA903 file into the same records the CSV tables give. */
export function child903FromXml(node: XmlNode, file: string, model: Model903): void {
  const header = childrenNamed(node, "HEADER")[0];
  const f = (n: XmlNode | undefined, names: readonly string[]): Record<string, string> => {
    const out: Record<string, string> = {};
    if (!n) return out;
    for (const c of n.children) if (names.includes(c.name)) out[c.name] = c.text;
    return out;
  };
  const h = f(header, XML_HEADER_FIELDS);
  const id = h["CHILDID"] ?? "";
  const base = { CHILD: id, DOB: h["DOB"] ?? "" };
  const rec = (n: XmlNode | undefined, fields: Record<string, string>): SourceRecord => ({ file, row: n?.line ?? node.line, f: fields });
  model.add("Header", rec(header, { CHILD: id, SEX: h["SEX"] ?? "", DOB: h["DOB"] ?? "", ETHNIC: h["ETHNIC"] ?? "", UPN: h["UPN"] ?? "", MOTHER: h["MOTHER"] ?? "", MC_DOB: h["MC_DOB"] ?? "" }));
  if ((h["UASC"] ?? "") === "1" || h["DUC"]) model.add("UASC", rec(header, { CHILD: id, SEX: h["SEX"] ?? "", DOB: h["DOB"] ?? "", DUC: h["DUC"] ?? "" }));
  if (header) {
    // An adoption or care-leaver record only when one of its own fields is there: the
    // header's CHILD and DOB, which these tables repeat, are on every child.
    const own = (r: Record<string, string>) => Object.entries(r).some(([k, v]) => v && k !== "CHILD" && k !== "DOB");
    const ad = f(header, SSDA903_TABLES.AD1);
    if (own(ad)) model.add("AD1", rec(header, { ...base, ...ad }));
    const oc3 = f(header, SSDA903_TABLES.OC3);
    if (own(oc3)) model.add("OC3", rec(header, { ...base, ...oc3 }));
    for (const r of childrenNamed(header, "AREVIEW")) model.add("Reviews", rec(r, { ...base, ...f(r, SSDA903_TABLES.Reviews) }));
    for (const r of childrenNamed(header, "AMISSING")) model.add("Missing", rec(r, { ...base, ...f(r, SSDA903_TABLES.Missing) }));
    for (const r of childrenNamed(header, "PERMANENCE")) model.add("PrevPerm", rec(r, { ...base, ...f(r, SSDA903_TABLES.PrevPerm) }));
    for (const r of childrenNamed(header, "OC2")) model.add("OC2", rec(r, { ...base, ...f(r, SSDA903_TABLES.OC2) }));
    for (const r of childrenNamed(header, "AD_PLACED")) model.add("PlacedAdoption", rec(r, { ...base, ...f(r, SSDA903_TABLES.PlacedAdoption) }));
  }
  for (const e of childrenNamed(node, "EPISODE")) {
    const ef = f(e, [...SSDA903_TABLES.Episodes, "PL"]);
    if (ef["PL"] !== undefined) {
      ef["PLACE"] = ef["PL"];
      delete ef["PL"];
    }
    model.add("Episodes", rec(e, { CHILD: id, ...ef }));
  }
}

// ---- Mapping into the SSD --------------------------------------------------------------------

/**
 * The SSD tables each 903 table feeds. A load replaces only the tables fed by the 903 tables it
 * holds: a return of Header and Episodes alone says nothing of missing episodes or social
 * workers, and replacing those tables with none would make their figures 0 where they are
 * unknown (they are left as they were, so a 903-only store gives them no value, with the reason).
 */
export const SSDA903_TABLE_FEEDS: Readonly<Record<Ssda903Table, readonly string[]>> = {
  Header: ["ssd_person"],
  Episodes: ["ssd_cla_episodes", "ssd_cla_placement", "ssd_legal_status"],
  Reviews: ["ssd_cla_reviews"],
  UASC: ["ssd_immigration_status"],
  OC2: [],
  OC3: ["ssd_care_leavers"],
  AD1: ["ssd_permanence"],
  PlacedAdoption: ["ssd_permanence"],
  PrevPerm: [],
  Missing: ["ssd_missing"],
  SWEpisodes: ["ssd_professionals", "ssd_involvements"],
  DoLo: [],
};

/** SSD tables a 903 can feed. */
export const SSDA903_FEEDS = [...new Set(Object.values(SSDA903_TABLE_FEEDS).flat())];

/** The 903 tables an EXPSSDA903 XML file holds (every section {@link child903FromXml} reads; it has no social worker episodes). */
export const SSDA903_XML_TABLES: readonly Ssda903Table[] = ["Header", "Episodes", "Reviews", "UASC", "OC2", "OC3", "AD1", "PlacedAdoption", "PrevPerm", "Missing"];

/** The SSD sex code for a 903 SEX (old 1/2 or new M/F/U). */
export function sex903(v: string): string | null {
  const s = v.trim().toUpperCase();
  return s === "1" || s === "M" ? "M" : s === "2" || s === "F" ? "F" : s === "U" ? "U" : null;
}

const blank = (v: string): string | null => (v.trim() === "" ? null : v.trim());
const PLACEMENT_CHANGE = new Set(["S", "P", "T", "B", "U"]);
const STATUS_CHANGE = new Set(["S", "L", "T", "U"]);

/**
 * Emit a child's SSD rows. `refused` holds the cells ({@link cellKey}) already refused with an
 * error: an SSD column left blank because its cell was refused is not reported again in SSD
 * terms (clae_cla_episode_start_date for a DECOM the file holds but Lantern cannot read).
 */
export function map903(c: Child903, sink: LoadSink, workers: Set<string>, refused: ReadonlySet<string> = new Set()): void {
  const id = c.id;
  const h = c.header;
  const loc = (r: SourceRecord) => ({ file: r.file, row: r.row });
  /** The SSD column given by a 903 cell, when that cell was refused. */
  const from = (r: SourceRecord, column: string, ssd: string): ReadonlySet<string> | undefined => (refused.has(cellKey(r, column)) ? new Set([ssd]) : undefined);
  /**
   * An episode-made row (episode, placement, legal status) that ends before it starts can only
   * come from an episode whose DEC is before its DECOM, which DfE rule 356 names at its row and
   * column: its end column is not named again (three times, in SSD words).
   */
  const inOrder = (start: CellValue | undefined, end: CellValue | undefined, endColumn: string, given: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined =>
    typeof start === "number" && typeof end === "number" && end < start ? new Set([...(given ?? []), endColumn]) : given;
  /** A Missing or SWEpisodes record that ends before it starts: said once, in the 903's words; the SSD column it gives is not named again. */
  const ordered = (r: SourceRecord, table: Ssda903Table, startCol: string, endCol: string, endColumn: string, given: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined => {
    const s0 = day(r, startCol);
    const e0 = day(r, endCol);
    if (s0 === null || e0 === null || e0 >= s0) return given;
    sink.issue({ code: "FORMAT_DATE_ORDER", severity: "warning", file: r.file, row: r.row, column: endCol, value: field(r, endCol), message: `${table}: ${endCol} is before ${startCol} (${field(r, startCol)}); the record is kept but durations from it are unreliable.`, expected: `${endCol} on or after ${startCol}` });
    return new Set([...(given ?? []), endColumn]);
  };
  if (h) {
    const upn = field(h, "UPN");
    sink.emit(
      "ssd_person",
      {
        pers_person_id: id,
        // The UPN column holds a UPN, or a UN code saying why there is none: kept apart, as the
        // CIN census and the SSD keep them (so a census written from this has UPNunknown, not a UPN of "UN1").
        ...(/^UN\d+$/i.test(upn) ? { pers_upn: null, pers_upn_unknown: upn.toUpperCase() } : { pers_upn: blank(upn) }),
        pers_sex: sex903(field(h, "SEX")),
        pers_ethnicity: blank(field(h, "ETHNIC")),
        pers_dob: day(h, "DOB"),
        pers_is_mother: field(h, "MOTHER") === "1" ? "Y" : field(h, "MOTHER") === "0" ? "N" : null,
      },
      loc(h),
    );
  }
  const eps = episodesOf(c);
  let claId = "";
  let placementId = "";
  let legal: { id: string; status: string; start: number | null; rec: SourceRecord } | undefined;
  let placementStart: { values: Record<string, CellValue>; rec: SourceRecord } | undefined;
  let entered: number | null = null;
  const flushPlacement = (end: number | null) => {
    if (placementStart) {
      const v = placementStart.values;
      v["clap_cla_placement_end_date"] = end;
      sink.emit("ssd_cla_placement", v, loc(placementStart.rec), inOrder(v["clap_cla_placement_start_date"], end, "clap_cla_placement_end_date", from(placementStart.rec, "DECOM", "clap_cla_placement_start_date")));
      placementStart = undefined;
    }
  };
  const flushLegal = (end: number | null) => {
    if (legal) {
      sink.emit("ssd_legal_status", { lega_legal_status_id: legal.id, lega_person_id: id, lega_legal_status: legal.status, lega_legal_status_start_date: legal.start, lega_legal_status_end_date: end }, loc(legal.rec), inOrder(legal.start, end, "lega_legal_status_end_date", from(legal.rec, "DECOM", "lega_legal_status_start_date")));
      legal = undefined;
    }
  };
  let prevEnd: number | null = null;
  eps.forEach((e, i) => {
    const rne = field(e, "RNE").toUpperCase();
    const start = day(e, "DECOM");
    const end = day(e, "DEC");
    const continues = i > 0 && prevEnd !== null && start === prevEnd && rne !== "S";
    if (!continues) {
      claId = `${id}-C${i + 1}`;
      entered = start;
    }
    const n = i + 1;
    if (!continues || PLACEMENT_CHANGE.has(rne)) {
      flushPlacement(start);
      placementId = `${id}-P${n}`;
      placementStart = {
        rec: e,
        values: {
          clap_cla_placement_id: placementId,
          clap_cla_id: claId,
          clap_person_id: id,
          clap_cla_placement_start_date: start,
          clap_cla_placement_type: blank(field(e, "PLACE")),
          clap_cla_placement_urn: blank(field(e, "URN")),
          clap_cla_placement_provider: blank(field(e, "PLACE_PROVIDER")),
          clap_cla_placement_postcode: blank(field(e, "PL_POST")),
          clap_cla_placement_end_date: null,
          clap_cla_placement_change_reason: blank(field(e, "REASON_PLACE_CHANGE")),
        },
      };
    }
    const ls = field(e, "LS");
    if (!continues || STATUS_CHANGE.has(rne) || (legal && legal.status !== ls)) {
      flushLegal(start);
      if (ls) legal = { id: `${id}-L${n}`, status: ls, start, rec: e };
    }
    sink.emit(
      "ssd_cla_episodes",
      {
        clae_cla_episode_id: `${id}-E${n}`,
        clae_person_id: id,
        clae_cla_placement_id: placementId,
        clae_cla_episode_start_date: start,
        clae_cla_episode_start_reason: blank(rne),
        clae_cla_primary_need_code: blank(field(e, "CIN")),
        clae_cla_episode_ceased_date: end,
        clae_cla_episode_ceased_reason: blank(field(e, "REC")),
        clae_cla_id: claId,
        clae_entered_care_date: entered,
      },
      loc(e),
      inOrder(start, end, "clae_cla_episode_ceased_date", from(e, "DECOM", "clae_cla_episode_start_date")),
    );
    if (placementStart) placementStart.values["clap_cla_placement_end_date"] = end;
    prevEnd = end;
    if (end === null || i === eps.length - 1) {
      // An open episode or the last one: close the running placement and legal status at its end.
      const rec = field(e, "REC");
      if (end === null || rec !== "X1") {
        flushPlacement(end);
        flushLegal(end);
      }
    }
  });
  flushPlacement(prevEnd);
  flushLegal(prevEnd);
  recs(c, "Reviews").forEach((r, i) => {
    sink.emit("ssd_cla_reviews", { clar_cla_review_id: `${id}-R${i + 1}`, clar_cla_person_id: id, clar_cla_review_date: day(r, "REVIEW"), clar_cla_review_participation: blank(field(r, "REVIEW_CODE")) }, loc(r));
  });
  recs(c, "UASC").forEach((r, i) => {
    sink.emit("ssd_immigration_status", { immi_immigration_status_id: `${id}-U${i + 1}`, immi_person_id: id, immi_immigration_status: "UASC", immi_immigration_status_end_date: day(r, "DUC") }, loc(r));
  });
  recs(c, "Missing").forEach((r, i) => {
    const m = field(r, "MISSING").toUpperCase();
    sink.emit(
      "ssd_missing",
      { miss_table_id: `${id}-M${i + 1}`, miss_person_id: id, miss_missing_episode_start_date: day(r, "MIS_START"), miss_missing_episode_type: m === "M" ? "Missing" : m === "A" ? "Absent" : blank(m), miss_missing_episode_end_date: day(r, "MIS_END") },
      loc(r),
      ordered(r, "Missing", "MIS_START", "MIS_END", "miss_missing_episode_end_date", from(r, "MIS_START", "miss_missing_episode_start_date")),
    );
  });
  recs(c, "OC3").forEach((r, i) => {
    const accom = field(r, "ACCOM");
    sink.emit(
      "ssd_care_leavers",
      {
        clea_table_id: `${id}-CL${i + 1}`,
        clea_person_id: id,
        clea_care_leaver_in_touch: blank(field(r, "IN_TOUCH")),
        clea_care_leaver_accommodation: blank(accom),
        clea_care_leaver_accom_suitable: /^[A-Z][12]$/.test(accom) ? accom.slice(1) : null,
        clea_care_leaver_activity: blank(field(r, "ACTIV")),
      },
      loc(r),
    );
  });
  recs(c, "PlacedAdoption").forEach((r, i) => {
    sink.emit(
      "ssd_permanence",
      { perm_table_id: `${id}-PA${i + 1}`, perm_person_id: id, perm_adm_decision_date: day(r, "DATE_PLACED"), perm_decision_reversed_date: day(r, "DATE_PLACED_CEASED"), perm_decision_reversed_reason: blank(field(r, "REASON_PLACED_CEASED")) },
      loc(r),
    );
  });
  recs(c, "AD1").forEach((r, i) => {
    const nb = Number(field(r, "NB_ADOPTR"));
    sink.emit(
      "ssd_permanence",
      {
        perm_table_id: `${id}-AD${i + 1}`,
        perm_person_id: id,
        perm_adm_decision_date: day(r, "DATE_INT"),
        perm_matched_date: day(r, "DATE_MATCH"),
        perm_adopted_by_carer_flag: field(r, "FOSTER_CARE") === "1" ? "Y" : field(r, "FOSTER_CARE") === "0" ? "N" : null,
        perm_number_of_adopters: Number.isInteger(nb) && nb > 0 ? nb : null,
        perm_adopter_sex: blank(field(r, "SEX_ADOPTR")),
        perm_adopter_legal_status: blank(field(r, "LS_ADOPTR")),
      },
      loc(r),
    );
  });
  recs(c, "SWEpisodes").forEach((r, i) => {
    const sw = field(r, "SW_ID");
    if (sw && !workers.has(sw)) {
      workers.add(sw);
      sink.emit("ssd_professionals", { prof_professional_id: sw }, loc(r));
    }
    sink.emit(
      "ssd_involvements",
      { invo_involvements_id: `${id}-SW${i + 1}`, invo_professional_id: blank(sw), invo_professional_role_id: "Allocated Social Worker", invo_person_id: id, invo_involvement_start_date: day(r, "SW_DECOM"), invo_involvement_end_date: day(r, "SW_DEC"), invo_worker_change_reason: blank(field(r, "SW_REASON")) },
      loc(r),
      ordered(r, "SWEpisodes", "SW_DECOM", "SW_DEC", "invo_involvement_end_date", from(r, "SW_DECOM", "invo_involvement_start_date")),
    );
  });
}

/** For messages: a day number as DD/MM/YYYY, the 903's own shape. */
export function ukDate(d: number): string {
  const [y, m, dd] = isoDate(d).split("-");
  return `${dd}/${m}/${y}`;
}

/** A 903 date cell that is not a date, in the words every reader uses (an Excel serial number, a month in words): `DECOM "45370" looks like…`. */
export function dateProblemWords(column: string, value: string, p: CellProblem): string {
  return `${column} "${value}" ${p.problem}${p.serialDay === undefined ? "" : ` (as one it would be ${ukDate(p.serialDay)})`}`;
}

/** A source cell, as the set of cells already refused names it. */
export function cellKey(r: SourceRecord, column: string): string {
  return `${r.file}\u0000${r.row}\u0000${column}`;
}
