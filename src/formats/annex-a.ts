/**
 * @module
 * Ofsted's ILACS Annex A lists (List 1 … List 11), from the workbook or from one CSV per list.
 * Real workbooks vary, so a list is recognised by its headers (each column matched by a
 * pattern, as the LIIA tools do) rather than by its sheet or file name, and values by alias:
 * Ofsted's lettered options ("q) 6: Police", "f) U6: Foster placement") as well as bare codes
 * ("6", "U6") and words ("Female", "Yes"). Each list maps into the SSD tables it describes.
 */

import { dayNumber, dayOf, isoDate, ymd } from "../calendar/dates.ts";
import { excelSerialDay, isProblem, parseDate } from "../ingest/values.ts";
import type { CellValue } from "../ingest/values.ts";
import type { LoadSink } from "./model.ts";

/** One column of a list: a key, the pattern its header matches, whether a list needs it. */
interface ListColumn {
  readonly key: string;
  readonly pattern: RegExp;
  readonly required?: boolean;
  readonly date?: boolean;
}

const COMMON: ListColumn[] = [
  { key: "child", pattern: /^child.*(unique|id)|^childuniqueid$|^person.*id/, required: true },
  { key: "gender", pattern: /^(gender|sex)/ },
  { key: "ethnicity", pattern: /^ethnic/ },
  { key: "dob", pattern: /^(date of birth|dob|dateofbirth)/, date: true },
];
const TEAM: ListColumn[] = [
  { key: "team", pattern: /allocated team|^team/ },
  { key: "worker", pattern: /allocated worker|^worker/ },
];
const DIS: ListColumn = { key: "disability", pattern: /disabilit/ };

/** The lists, by number. Required columns identify the list. */
export const ANNEX_A_LISTS: Record<number, { title: string; columns: ListColumn[] }> = {
  1: { title: "Contacts", columns: [...COMMON, { key: "contact_date", pattern: /date of contact|dateofcontact|contact date/, required: true, date: true }, { key: "contact_source", pattern: /contact source|contactsource/, required: true }] },
  2: {
    title: "Early help assessments",
    columns: [
      ...COMMON,
      { key: "eh_start", pattern: /^(early help )?assessment start date|assessmentstartdate/, required: true, date: true },
      { key: "eh_end", pattern: /^(early help )?assessment completion date|assessmentcompletiondate/, date: true },
      { key: "eh_org", pattern: /organisation completing/, required: true },
    ],
  },
  3: {
    title: "Referrals",
    columns: [
      ...COMMON,
      { key: "referral_date", pattern: /date of referral|referraldate/, required: true, date: true },
      { key: "referral_source", pattern: /referral source|referralsource/, required: true },
      { key: "referral_nfa", pattern: /referral nfa|referralnfa/, required: true },
      { key: "referrals_12m", pattern: /number of referrals/ },
      ...TEAM,
    ],
  },
  4: {
    title: "Assessments",
    columns: [
      ...COMMON,
      DIS,
      { key: "asmt_start", pattern: /(continuous )?assessment start date/, required: true, date: true },
      { key: "asmt_seen", pattern: /child seen during/, required: true },
      { key: "asmt_auth", pattern: /date of authorisation|authorisation date/, date: true },
      { key: "asmt_outcome", pattern: /assessed as requiring/ },
      ...TEAM,
    ],
  },
  5: {
    title: "Section 47 enquiries",
    columns: [
      ...COMMON,
      DIS,
      { key: "s47_start", pattern: /section 47 enquiry start date|s47.*start/, required: true, date: true },
      { key: "icpc_unnecessary", pattern: /deemed unnecessary/ },
      { key: "icpc_date", pattern: /date of initial child protection conference|icpc date/, date: true },
      { key: "icpc_cp", pattern: /result in a child protection plan/ },
      { key: "s47_12m", pattern: /number of section 47/, required: true },
      ...TEAM,
    ],
  },
  6: {
    title: "Children in need",
    columns: [
      ...COMMON,
      DIS,
      { key: "cin_start", pattern: /^cin start date/, date: true },
      { key: "need", pattern: /primary need/, required: true },
      { key: "last_seen", pattern: /last seen/, date: true },
      { key: "cin_close", pattern: /cin closure date/, date: true },
      { key: "close_reason", pattern: /reason for closure/ },
      { key: "case_status", pattern: /case status/, required: true },
      ...TEAM,
    ],
  },
  7: {
    title: "Child protection",
    columns: [
      ...COMMON,
      DIS,
      { key: "cpp_start", pattern: /child protection plan start date/, required: true, date: true },
      { key: "cpp_initial", pattern: /initial category of abuse/, required: true },
      { key: "cpp_latest", pattern: /latest category of abuse/, required: true },
      { key: "cpp_visit", pattern: /last statutory visit/, date: true },
      { key: "cpp_seen_alone", pattern: /seen alone/ },
      { key: "cpp_review", pattern: /latest review conference/, date: true },
      { key: "cpp_end", pattern: /child protection plan end date/, date: true },
      { key: "cpp_previous", pattern: /number of previous child protection plans/, required: true },
      ...TEAM,
    ],
  },
  8: {
    title: "Children in care",
    columns: [
      ...COMMON,
      { key: "uasc", pattern: /^unaccompanied asylum.*last 12 months|^uasc/ },
      DIS,
      { key: "cla_start", pattern: /date started to be looked after/, required: true, date: true },
      { key: "need", pattern: /category of need/, required: true },
      { key: "legal_start", pattern: /start date of current legal status/, date: true },
      { key: "legal", pattern: /legal status$/, required: true },
      { key: "review", pattern: /latest statutory review/, date: true },
      { key: "visit", pattern: /last social work visit/, date: true },
      { key: "placements_12m", pattern: /number of placements in the last 12 months/ },
      { key: "cla_end", pattern: /date ceased to be looked after/, date: true },
      { key: "cla_end_reason", pattern: /reason ceased to be looked after/ },
      { key: "placement_start", pattern: /start date of most recent placement/, required: true, date: true },
      { key: "placement_type", pattern: /^placement type/, required: true },
      { key: "placement_provider", pattern: /^placement provider/ },
      { key: "placement_postcode", pattern: /^placement postcode/ },
      { key: "placement_urn", pattern: /urn of placement/ },
      ...TEAM,
    ],
  },
  9: {
    title: "Care leavers",
    columns: [
      ...COMMON,
      { key: "uasc", pattern: /^unaccompanied asylum|^uasc/ },
      DIS,
      ...TEAM,
      { key: "pa", pattern: /personal advis/, required: true },
      { key: "eligibility", pattern: /eligibility/, required: true },
      { key: "pathway", pattern: /pathway plan/, date: true },
      { key: "in_touch", pattern: /in touch/, required: true },
      { key: "contact", pattern: /latest date of contact/, date: true },
      { key: "accommodation", pattern: /type of accommodation/ },
      { key: "suitability", pattern: /suitability/ },
      { key: "activity", pattern: /activity/ },
    ],
  },
  10: {
    title: "Adoption",
    columns: [
      ...COMMON,
      { key: "family", pattern: /family identifier/ },
      DIS,
      { key: "entered", pattern: /date the child entered care/, required: true, date: true },
      { key: "adm", pattern: /decision that child should be placed for adoption/, required: true, date: true },
      { key: "po", pattern: /date of placement order/, date: true },
      { key: "matched", pattern: /date of matching/, date: true },
      { key: "placed", pattern: /date placed for adoption/, date: true },
      { key: "adopted", pattern: /date of adoption order/, date: true },
      { key: "reversed", pattern: /no longer be placed/, date: true },
      { key: "reversed_reason", pattern: /reason why child no longer/ },
      { key: "ffa", pattern: /fostering in ffa/, date: true },
    ],
  },
  101: {
    title: "Area SEND: children with EHC plans",
    columns: [
      { key: "child", pattern: /^unique id/, required: true },
      { key: "upn", pattern: /^upn$/ },
      { key: "uln", pattern: /^uln$/ },
      { key: "dob", pattern: /^date of birth/, date: true },
      { key: "gender", pattern: /^(gender|sex)/ },
      { key: "ethnicity", pattern: /^ethnic/ },
      { key: "ehc_initial", pattern: /date initial ehc plan issued/, required: true, date: true },
      { key: "need", pattern: /sen primary need/, required: true },
    ],
  },
  102: {
    title: "Area SEND: SEN support",
    columns: [
      { key: "child", pattern: /^unique id/, required: true },
      { key: "upn", pattern: /^upn$/ },
      { key: "uln", pattern: /^uln$/ },
      { key: "dob", pattern: /^date of birth/, date: true },
      { key: "gender", pattern: /^(gender|sex)/ },
      { key: "ethnicity", pattern: /^ethnic/ },
      { key: "need", pattern: /sen primary need/, required: true },
    ],
  },
  11: {
    title: "Adopters",
    columns: [
      { key: "adopter", pattern: /individual adopter identifier/, required: true },
      { key: "ffa", pattern: /fostering for adoption/, required: true },
      { key: "enquiry", pattern: /date enquiry received/, required: true, date: true },
    ],
  },
};

/** Lower case, single spaces, no quotes or stray brackets. */
export function normAnnexHeader(h: string): string {
  return h
    .replace(/^\uFEFF/, "")
    .toLowerCase()
    .replace(/[‘’'"`]/g, "")
    .replace(/_/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The list whose required columns a header matches best; with each column's index, and the
 * header cells that repeat a column the list reads (the same name twice, as in the SSD and 903
 * checks): which of the two holds the values would be chance, so the caller refuses the file.
 */
export function matchAnnexList(header: readonly string[]): { list: number; slots: Map<string, number>; missing: string[]; duplicates: { index: number; name: string }[] } | undefined {
  const norm = header.map(normAnnexHeader);
  let best: { list: number; slots: Map<string, number>; missing: string[]; score: number } | undefined;
  for (const [n, def] of Object.entries(ANNEX_A_LISTS)) {
    const slots = new Map<string, number>();
    const used = new Set<number>();
    for (const c of def.columns) {
      const i = norm.findIndex((h, j) => !used.has(j) && c.pattern.test(h));
      if (i >= 0) {
        slots.set(c.key, i);
        used.add(i);
      }
    }
    const req = def.columns.filter((c) => c.required && !(c.key === "child" && n === "11"));
    const missing = req.filter((c) => !slots.has(c.key)).map((c) => c.key);
    const found = req.length - missing.length;
    // The list's own required columns (beyond the common ones) must mostly be there.
    const own = req.filter((c) => c.key !== "child");
    const ownFound = own.filter((c) => slots.has(c.key)).length;
    if (ownFound === 0 || ownFound < Math.ceil(own.length / 2)) continue;
    const score = found * 10 - missing.length * 5 + slots.size;
    if (!best || score > best.score) best = { list: Number(n), slots, missing, score };
  }
  if (!best) return undefined;
  const read = new Set(best.slots.values());
  const duplicates = norm.flatMap((h, j) => (h !== "" && !read.has(j) && [...read].some((i) => norm[i] === h) ? [{ index: j, name: String(header[j]).trim() }] : []));
  return { list: best.list, slots: best.slots, missing: best.missing, duplicates };
}

/** An Ofsted option or bare code → its code: "q) 6: Police" → "6", "f) U6: Foster…" → "U6", "a) WBRI" → "WBRI". */
export function optionCode(v: string): string {
  let s = v.trim().replace(/^[a-z]{1,2}\)\s*/i, "");
  const m = /^([A-Z0-9]{1,6})\s*(?::|\s-\s|\s–\s)/.exec(s);
  if (m) return m[1]!;
  s = s.replace(/\s+/g, " ");
  return s;
}

/** A yes/no cell as Y/N (null when blank or not yes/no: see {@link YN_ACCEPTED}). */
export function annexYn(v: string): "Y" | "N" | null {
  const s = optionCode(v).toLowerCase();
  if (["y", "yes", "true", "1"].includes(s)) return "Y";
  if (["n", "no", "false", "0"].includes(s)) return "N";
  return null;
}

/** The yes/no values {@link annexYn} reads, for a message. */
export const YN_ACCEPTED = "blank, or Yes or No (also Y, N, True, False, 1, 0, or Ofsted's options a) Yes, b) No)";

/** Gender/sex as M/F/U (null when blank or not recognised: see {@link SEX_ACCEPTED}). */
export function annexSex(v: string): string | null {
  const s = optionCode(v).toLowerCase();
  if (["m", "male", "1", "boy"].includes(s)) return "M";
  if (["f", "female", "2", "girl"].includes(s)) return "F";
  if (["u", "unknown", "not known", "not recorded", "not stated", "not stated/recorded", "indeterminate", "0", "9", "other"].includes(s)) return "U";
  return null;
}

/** The genders {@link annexSex} reads, for a message. */
export const SEX_ACCEPTED = "blank, or Male, Female or Unknown (also M, F, U; 1, 2, 0, 9; Boy, Girl; Not known, Not recorded, Not stated, Indeterminate, Other; or Ofsted's options such as b) Female)";

const ABUSE: [RegExp, string][] = [
  [/^neg/i, "NEG"],
  [/^phy/i, "PHY"],
  [/^sex|^sab/i, "SAB"],
  [/^emo/i, "EMO"],
  [/^mul/i, "MUL"],
];
/** Category of abuse words or codes → NEG/PHY/SAB/EMO/MUL. */
export function abuseCode(v: string): string | null {
  const s = optionCode(v);
  if (!s) return null;
  for (const [re, code] of ABUSE) if (re.test(s)) return code;
  return s;
}

/** The CIN census's contact and referral source codes. */
const SOURCE_CODES = ["1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"];

/**
 * A source written in words, as a list may hold it, with its code (lower case, single spaces).
 * Only names that say one source: "Health services" alone could be any of 3A–3F, so it is not one.
 */
const SOURCE_WORDS: Record<string, string> = {
  individual: "1A",
  self: "1A",
  "family member": "1B",
  relative: "1B",
  carer: "1B",
  acquaintance: "1C",
  neighbour: "1C",
  stranger: "1D",
  "other individual": "1D",
  school: "2A",
  schools: "2A",
  education: "2B",
  "education services": "2B",
  gp: "3A",
  "health visitor": "3B",
  "school nurse": "3C",
  "other primary health services": "3D",
  "a&e": "3E",
  "a and e": "3E",
  "accident and emergency": "3E",
  "other health services": "3F",
  housing: "4",
  "social care": "5A",
  "other internal": "5B",
  external: "5C",
  "early help": "5D",
  police: "6",
  "other legal agency": "7",
  other: "8",
  anonymous: "9",
  unknown: "10",
  "not known": "10",
};

/**
 * A contact or referral source as its CIN census code: a code ("6", "1a"), Ofsted's lettered
 * option ("q) 6: Police" → "6"; "a) 1A: Individual" → "1A"), or a name ("Police" → "6"). Null when
 * blank or not one of them (see {@link SOURCE_ACCEPTED}).
 */
export function sourceCode(v: string): string | null {
  const s = optionCode(v);
  if (s === "") return null;
  const up = s.toUpperCase();
  if (SOURCE_CODES.includes(up)) return up;
  const word = SOURCE_WORDS[s.toLowerCase()];
  if (word) return word;
  // A code followed by its name with no colon or dash ("6 Police", "1A Individual").
  const lead = /^(10|[0-9][A-Z]?)\s+\S/.exec(up)?.[1];
  return lead && SOURCE_CODES.includes(lead) ? lead : null;
}

/** The sources {@link sourceCode} reads, for a message. */
export const SOURCE_ACCEPTED = `blank, or a CIN census source code (${SOURCE_CODES.join(", ")}), Ofsted's option (q) 6: Police) or a source's name (${Object.keys(SOURCE_WORDS).join(", ")})`;

/** Why a date cell could not be read, and what was expected instead. */
export interface AnnexDateProblem {
  readonly problem: string;
  readonly expected?: string;
  /** For a serial number in a CSV: the day it would be as an Excel serial. */
  readonly serialDay?: number;
}

/**
 * A date cell: ISO, DD/MM/YYYY, a Date from the workbook (as an ISO day), or an Excel serial
 * number. A serial is a date only in a workbook, where Excel stores every date as one. In a CSV
 * (`fromCsv`) it means the column was saved as numbers, not dates, and is refused as the SSD
 * importer refuses it: reading it anyway would take any five-digit number for a date.
 */
export function annexDate(v: string | number | boolean | null, fromCsv = false): number | null | AnnexDateProblem {
  if (v === null || v === "" || typeof v === "boolean") return null;
  if (!fromCsv && (typeof v === "number" || /^\d{5}(\.\d+)?$/.test(String(v).trim()))) {
    return excelSerialDay(Number(v)) ?? { problem: "is not a date" };
  }
  const text = String(v).trim();
  const d = parseDate(text);
  if (!isProblem(d)) return d;
  return d.serialDay === undefined ? { problem: d.problem } : { problem: d.problem, expected: d.expected, serialDay: d.serialDay };
}

/** SSD tables each list feeds. */
export const ANNEX_A_FEEDS: Record<number, string[]> = {
  1: ["ssd_person", "ssd_contacts"],
  2: ["ssd_person", "ssd_early_help_episodes"],
  3: ["ssd_person", "ssd_cin_episodes"],
  4: ["ssd_person", "ssd_cin_assessments"],
  5: ["ssd_person", "ssd_s47_enquiry", "ssd_initial_cp_conference"],
  6: ["ssd_person", "ssd_cin_episodes"],
  7: ["ssd_person", "ssd_cp_plans"],
  8: ["ssd_person", "ssd_cla_episodes", "ssd_cla_placement", "ssd_legal_status", "ssd_immigration_status"],
  9: ["ssd_person", "ssd_care_leavers"],
  10: ["ssd_person", "ssd_permanence"],
  11: [],
  101: ["ssd_person", "ssd_send"],
  102: ["ssd_person", "ssd_send"],
};

/** A list row: cells by column key. */
export type AnnexRow = Map<string, string | number | boolean | null>;

/** Maps list rows to SSD rows, keeping one person row per child across lists. */
export class AnnexMapper {
  readonly #people = new Set<string>();
  /** List 3 referrals, held until List 6 has been read: the same episode's need and closure are there. */
  readonly #referrals = new Map<string, { values: Record<string, CellValue>; loc: { file: string; row: number }; refused?: ReadonlySet<string> }>();
  #n = 0;
  /** Each list's rows as read (list, file and cells), to say when one repeats another exactly. */
  readonly #seen = new Map<string, number>();
  readonly sink: LoadSink;
  constructor(sink: LoadSink) {
    this.sink = sink;
  }

  /** Emit what was held back (List 3 referrals, with what List 6 said of them); call once, after every list. */
  finish(): void {
    for (const r of this.#referrals.values()) this.sink.emit("ssd_cin_episodes", r.values, r.loc, r.refused);
    this.#referrals.clear();
  }

  /**
   * Map one row; `readDate` reads a date cell (reporting a problem as an error, in the list's own
   * column name) and returns a day or null. A required SSD column left blank by a date so refused
   * is not refused again in SSD terms (cont_contact_date for a bad Date of Contact: the row is not
   * stored either way); one left blank by a blank cell is, beside it (`ANNEX_DATE_SOURCES`).
   */
  row(list: number, r: AnnexRow, file: string, line: number, readDate: (key: string) => number | null, columnName: (key: string) => string = (k) => k): void {
    const s = (k: string): string => {
      const v = r.get(k);
      return v === null || v === undefined ? "" : String(v).trim();
    };
    const b = (k: string): string | null => (s(k) === "" ? null : s(k));
    const loc = { file, row: line };
    // A count cell: blank, or a whole number (a workbook's 2 may read as "2.0"); anything else is refused.
    const count = (k: string): number | null => {
      const v = s(k);
      if (v === "") return null;
      const n = Number(v);
      if (/^\d+(\.0+)?$/.test(v) && Number.isSafeInteger(n)) return n;
      const col = columnName(k);
      this.sink.issue({ code: "FORMAT_NUMBER_INVALID", severity: "error", ...loc, column: col, value: v, message: `${col} "${v}" is not a whole number.`, expected: "a count: 0, 1, 2 …" });
      return null;
    };
    // A cell read through a list of aliases: blank stays blank; a value that matches none is
    // refused, with the values accepted (before, it was stored blank or as written).
    const coded = (k: string, read: (v: string) => string | null, accepted: string): string | null => {
      const v = s(k);
      if (v === "") return null;
      const c = read(v);
      if (c !== null) return c;
      const col = columnName(k);
      this.sink.issue({ code: "FORMAT_CODE_INVALID", severity: "error", ...loc, column: col, value: v, message: `${col} "${v}" is not a value Lantern recognises for this column.`, expected: accepted });
      return null;
    };
    const sex = () => coded("gender", annexSex, SEX_ACCEPTED);
    const yn = (k: string) => coded(k, annexYn, YN_ACCEPTED);
    const source = (k: string) => coded(k, sourceCode, SOURCE_ACCEPTED);
    // A row that repeats an earlier one cell for cell is loaded (two contacts from one source on one
    // day are two contacts), but said, since a copy pasted twice counts twice.
    const whole = JSON.stringify([list, file, [...r.entries()].sort(([x], [y]) => x.localeCompare(y))]);
    const first = this.#seen.get(whole);
    if (first === undefined) this.#seen.set(whole, line);
    else {
      this.sink.issue({
        code: "FORMAT_ROW_REPEATED",
        severity: "warning",
        file,
        row: line,
        message: `${file}: row ${line} repeats row ${first} exactly; both are loaded, so whatever it records counts twice.`,
        expected: "each record once: delete the copy if it was pasted twice",
      });
    }
    // The list's date cells refused on this row, and so the SSD columns left blank by them.
    const refusedKeys = new Set<string>();
    const date = (k: string): number | null => {
      const d = readDate(k);
      if (d === null && s(k) !== "") refusedKeys.add(k);
      return d;
    };
    const refusedIn = (v: Record<string, CellValue>) =>
      refusedKeys.size ? new Set(Object.keys(v).filter((c) => v[c] === null && ANNEX_DATE_SOURCES[c]?.some((k) => refusedKeys.has(k)))) : undefined;
    const emit = (t: string, v: Record<string, CellValue>) => this.sink.emit(t, v, loc, refusedIn(v));
    const id = list === 11 ? "" : s("child");
    const key = `A${list}-${++this.#n}`;
    if (id && !this.#people.has(id)) {
      this.#people.add(id);
      emit("ssd_person", { pers_person_id: id, pers_sex: sex(), pers_ethnicity: b("ethnicity") && optionCode(s("ethnicity")), pers_dob: date("dob") });
    } else if (id) {
      sex();
      date("dob");
    }
    switch (list) {
      case 1:
        emit("ssd_contacts", { cont_contact_id: key, cont_person_id: id, cont_contact_date: date("contact_date"), cont_contact_source_code: source("contact_source"), cont_contact_source_desc: b("contact_source") });
        break;
      case 2:
        emit("ssd_early_help_episodes", { earl_episode_id: key, earl_person_id: id, earl_episode_start_date: date("eh_start"), earl_episode_end_date: date("eh_end"), earl_episode_organisation: b("eh_org") });
        break;
      case 3: {
        const d = date("referral_date");
        const values = { cine_referral_id: key, cine_person_id: id, cine_referral_date: d, cine_referral_source_code: source("referral_source"), cine_referral_source_desc: b("referral_source"), cine_referral_nfa: yn("referral_nfa"), cine_referral_team: b("team"), cine_referral_worker_id: b("worker") };
        const k = `${id}|${d}`;
        if (this.#referrals.has(k)) emit("ssd_cin_episodes", values);
        else this.#referrals.set(k, { values, loc, refused: refusedIn(values) });
        break;
      }
      case 4:
        emit("ssd_cin_assessments", { cina_assessment_id: key, cina_person_id: id, cina_assessment_start_date: date("asmt_start"), cina_assessment_child_seen: yn("asmt_seen"), cina_assessment_auth_date: date("asmt_auth"), cina_assessment_team: b("team"), cina_assessment_worker_id: b("worker") });
        break;
      case 5: {
        const icpc = date("icpc_date");
        const cp = yn("icpc_cp");
        emit("ssd_s47_enquiry", { s47e_s47_enquiry_id: key, s47e_person_id: id, s47e_s47_start_date: date("s47_start"), s47e_s47_end_date: icpc, s47e_s47_nfa: yn("icpc_unnecessary"), s47e_s47_completed_by_team: b("team"), s47e_s47_completed_by_worker_id: b("worker") });
        if (icpc !== null) emit("ssd_initial_cp_conference", { icpc_icpc_id: `${key}-I`, icpc_s47_enquiry_id: key, icpc_person_id: id, icpc_icpc_date: icpc, icpc_icpc_outcome_cp_flag: cp, icpc_icpc_team: b("team"), icpc_icpc_worker_id: b("worker") });
        break;
      }
      case 6: {
        const start = date("cin_start");
        if (start === null) break;
        const referral = this.#referrals.get(`${id}|${start}`);
        if (referral) {
          // The List 3 referral's episode: its need and closure come from List 6.
          Object.assign(referral.values, { cine_cin_primary_need_code: b("need") && optionCode(s("need")), cine_close_date: date("cin_close"), cine_close_reason: b("close_reason") && optionCode(s("close_reason")) });
          break;
        }
        emit("ssd_cin_episodes", { cine_referral_id: key, cine_person_id: id, cine_referral_date: start, cine_cin_primary_need_code: b("need") && optionCode(s("need")), cine_close_date: date("cin_close"), cine_close_reason: b("close_reason") && optionCode(s("close_reason")), cine_referral_team: b("team"), cine_referral_worker_id: b("worker") });
        break;
      }
      case 7:
        emit("ssd_cp_plans", {
          cppl_cp_plan_id: key,
          cppl_person_id: id,
          cppl_cp_plan_start_date: date("cpp_start"),
          cppl_cp_plan_end_date: date("cpp_end"),
          cppl_cp_plan_initial_category: abuseCode(s("cpp_initial")),
          cppl_cp_plan_latest_category: abuseCode(s("cpp_latest")),
          cppl_previous_plans: count("cpp_previous"),
        });
        break;
      case 8: {
        const start = date("cla_start");
        const pstart = date("placement_start");
        const end = date("cla_end");
        emit("ssd_cla_placement", {
          clap_cla_placement_id: `${key}-P`,
          clap_cla_id: key,
          clap_person_id: id,
          clap_cla_placement_start_date: pstart ?? start,
          clap_cla_placement_type: b("placement_type") && optionCode(s("placement_type")),
          clap_cla_placement_provider: b("placement_provider") && optionCode(s("placement_provider")),
          clap_cla_placement_postcode: b("placement_postcode"),
          clap_cla_placement_urn: b("placement_urn"),
          clap_cla_placement_end_date: end,
        });
        emit("ssd_cla_episodes", {
          clae_cla_episode_id: key,
          clae_person_id: id,
          clae_cla_placement_id: `${key}-P`,
          clae_cla_episode_start_date: start,
          clae_cla_episode_start_reason: "S",
          clae_cla_primary_need_code: b("need") && optionCode(s("need")),
          clae_cla_episode_ceased_date: end,
          clae_cla_episode_ceased_reason: b("cla_end_reason") && optionCode(s("cla_end_reason")),
          clae_cla_id: key,
          clae_entered_care_date: start,
          clae_placements_12m: count("placements_12m"),
        });
        const legal = b("legal") && optionCode(s("legal"));
        if (legal) emit("ssd_legal_status", { lega_legal_status_id: `${key}-L`, lega_person_id: id, lega_legal_status: legal, lega_legal_status_start_date: date("legal_start") ?? start, lega_legal_status_end_date: end });
        if (yn("uasc") === "Y") emit("ssd_immigration_status", { immi_immigration_status_id: `${key}-U`, immi_person_id: id, immi_immigration_status: "UASC" });
        break;
      }
      case 9: {
        const suit = optionCode(s("suitability")).toLowerCase();
        emit("ssd_care_leavers", {
          clea_table_id: key,
          clea_person_id: id,
          clea_care_leaver_eligibility: b("eligibility") && optionCode(s("eligibility")),
          clea_care_leaver_in_touch: inTouch(s("in_touch")),
          clea_care_leaver_latest_contact: date("contact"),
          clea_care_leaver_accommodation: b("accommodation") && optionCode(s("accommodation")),
          clea_care_leaver_accom_suitable: suit.startsWith("suitable") ? "1" : suit.startsWith("not suitable") || suit.startsWith("unsuitable") ? "2" : null,
          clea_care_leaver_activity: b("activity") && optionCode(s("activity")),
          clea_pathway_plan_review_date: date("pathway"),
          clea_care_leaver_personal_advisor: b("pa"),
          clea_care_leaver_allocated_team: b("team"),
          clea_care_leaver_worker_id: b("worker"),
        });
        break;
      }
      case 10:
        emit("ssd_permanence", {
          perm_table_id: key,
          perm_person_id: id,
          perm_adm_decision_date: date("adm"),
          perm_placement_order_date: date("po"),
          perm_matched_date: date("matched"),
          perm_placed_for_adoption_date: date("placed"),
          perm_permanence_order_date: date("adopted"),
          perm_permanence_order_type: null,
          perm_decision_reversed_date: date("reversed"),
          perm_decision_reversed_reason: b("reversed_reason"),
          perm_placed_ffa_cp_date: date("ffa"),
        });
        break;
      case 101:
      case 102:
        emit("ssd_send", { send_table_id: key, send_person_id: id, send_upn: b("upn"), send_uln: b("uln") });
        if (list === 101) date("ehc_initial");
        break;
      default:
        break;
    }
  }
}

/**
 * Each SSD date column `row` fills, with the list cells it comes from (the first that has a value
 * where there are two). A column left blank by a refused cell is not refused again in SSD terms;
 * one left blank by a blank cell is, whatever else on the row was refused.
 */
export const ANNEX_DATE_SOURCES: Readonly<Record<string, readonly string[]>> = {
  pers_dob: ["dob"],
  cont_contact_date: ["contact_date"],
  earl_episode_start_date: ["eh_start"],
  earl_episode_end_date: ["eh_end"],
  cine_referral_date: ["referral_date", "cin_start"],
  cine_close_date: ["cin_close"],
  cina_assessment_start_date: ["asmt_start"],
  cina_assessment_auth_date: ["asmt_auth"],
  s47e_s47_start_date: ["s47_start"],
  s47e_s47_end_date: ["icpc_date"],
  icpc_icpc_date: ["icpc_date"],
  cppl_cp_plan_start_date: ["cpp_start"],
  cppl_cp_plan_end_date: ["cpp_end"],
  clap_cla_placement_start_date: ["placement_start", "cla_start"],
  clap_cla_placement_end_date: ["cla_end"],
  clae_cla_episode_start_date: ["cla_start"],
  clae_cla_episode_ceased_date: ["cla_end"],
  clae_entered_care_date: ["cla_start"],
  lega_legal_status_start_date: ["legal_start", "cla_start"],
  lega_legal_status_end_date: ["cla_end"],
  clea_care_leaver_latest_contact: ["contact"],
  clea_pathway_plan_review_date: ["pathway"],
  perm_adm_decision_date: ["adm"],
  perm_placement_order_date: ["po"],
  perm_matched_date: ["matched"],
  perm_placed_for_adoption_date: ["placed"],
  perm_permanence_order_date: ["adopted"],
  perm_decision_reversed_date: ["reversed"],
  perm_placed_ffa_cp_date: ["ffa"],
};

/**
 * The first day of the window Annex A's lists cover, from the earliest event of lists 1, 2 and 5
 * (contacts, early help assessments and section 47 enquiries, which are listed only when they fall
 * in the window): the lists give no window, and a window runs from a month's first day (Lantern
 * writes the 12 months to a period's end; councils often the months to one) while the first
 * event may fall days later (1 April 2024 was Easter Monday, and no contact came in). So an
 * earliest event in a month's first week means the window began on the 1st; a later one, that it
 * began then, and the first whole month is the next (as for any extract).
 */
export function annexWindowStart(earliest: string): string {
  const d = ymd(dayNumber(earliest));
  return d.d <= 7 ? isoDate(dayOf(d.y, d.m, 1)) : earliest;
}

/** The SSD tables and dates of the lists' events that are listed only when in the window (see {@link annexWindowStart}). */
export const ANNEX_WINDOW_EVENTS: readonly (readonly [string, string])[] = [
  ["ssd_contacts", "cont_contact_date"],
  ["ssd_early_help_episodes", "earl_episode_start_date"],
  ["ssd_s47_enquiry", "s47e_s47_start_date"],
];

/** LA in touch: Ofsted's options or the 903's IN_TOUCH codes → the 903 code. */
function inTouch(v: string): string | null {
  const s = optionCode(v).toLowerCase();
  if (!s) return null;
  if (["yes", "y", "in touch"].includes(s)) return "YES";
  if (["no", "n", "not in touch"].includes(s)) return "NO";
  return optionCode(v).toUpperCase();
}
