/**
 * @module
 * The CIN census XML (`Message` › `Children` › `Child`): its code sets, a per-child model read
 * from one streamed `<Child>` at a time (so a file's size never bounds memory), and the mapping
 * into SSD tables. The census has no contacts, early help or children in care: those tables are
 * left as they were (see docs/formats.md).
 */

import { isProblem, parseDate } from "../ingest/values.ts";
import type { LoadSink } from "./model.ts";
import { childrenNamed, childText, type XmlNode } from "./xml.ts";

const range = (p: string, a: number, b: number): string[] => Array.from({ length: b - a + 1 }, (_, i) => `${p}${a + i}`);

export const CODES_CIN = {
  GenderCurrent: ["0", "1", "2", "9"],
  Sex: ["M", "F", "U"],
  Ethnicity: ["WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"],
  Disability: ["NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"],
  ReferralSource: ["1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"],
  PrimaryNeedCode: range("N", 0, 9),
  ReasonForClosure: range("RC", 1, 9),
  CategoryOfAbuse: ["NEG", "PHY", "SAB", "EMO", "MUL"],
  UPNunknown: range("UN", 1, 7),
} as const;

/** A date element: the raw text and its day number (null blank, undefined unreadable). */
export interface CinDate {
  readonly raw: string;
  readonly day: number | null | undefined;
  readonly line: number;
}

function dateOf(n: XmlNode, name: string): CinDate {
  const c = n.children.find((x) => x.name === name);
  const raw = c?.text ?? "";
  if (!raw) return { raw, day: null, line: c?.line ?? n.line };
  const d = parseDate(raw);
  return { raw, day: isProblem(d) ? undefined : d, line: c!.line };
}

/** Text of an element, "" when absent. */
function t(n: XmlNode | undefined, name: string): string {
  return n ? (childText(n, name) ?? "") : "";
}

export interface CinAssessment {
  readonly line: number;
  readonly start: CinDate;
  readonly auth: CinDate;
  readonly factors: string[];
}
export interface CinS47 {
  readonly line: number;
  readonly start: CinDate;
  readonly target: CinDate;
  readonly icpc: CinDate;
  readonly notRequired: string;
}
export interface CinCpp {
  readonly line: number;
  readonly start: CinDate;
  readonly end: CinDate;
  readonly initial: string;
  readonly latest: string;
  readonly previous: string;
  /** The line NumberOfPreviousCPP is on (the plan's own when it is absent). */
  readonly previousLine: number;
  readonly reviews: CinDate[];
}
export interface CinPlan {
  readonly line: number;
  readonly start: CinDate;
  readonly end: CinDate;
}
export interface CinDetails {
  readonly line: number;
  readonly referral: CinDate;
  readonly source: string;
  readonly need: string;
  readonly closure: CinDate;
  readonly reason: string;
  readonly icpc: CinDate;
  readonly nfa: string;
  readonly assessments: CinAssessment[];
  readonly plans: CinPlan[];
  readonly s47: CinS47[];
  readonly cpps: CinCpp[];
}
export interface CinChild {
  readonly file: string;
  readonly line: number;
  readonly id: string;
  readonly upn: string;
  readonly formerUpn: string;
  readonly upnUnknown: string;
  readonly dob: CinDate;
  readonly expectedDob: CinDate;
  readonly death: CinDate;
  /** Sex (2024-25 on) or GenderCurrent (before); `sexElement` says which was given. */
  readonly sex: string;
  readonly sexElement: "Sex" | "GenderCurrent" | "";
  readonly ethnicity: string;
  readonly disabilities: string[];
  readonly details: CinDetails[];
}

/**
 * The census header: reference date (end of the census year), LA, and Year. Lantern takes the
 * census year from the reference date; Year, which must be that date's year (31 March of Year,
 * DfE rule 100: 2025 for 2024-25), is only checked against it.
 */
export interface CinHeader {
  readonly referenceDate: number | null;
  /** ReferenceDate as written, with its line. */
  readonly reference: CinDate;
  readonly lea: string;
  readonly year: string;
}

export function cinHeaderFrom(n: XmlNode): CinHeader {
  const cd = childrenNamed(n, "CollectionDetails")[0];
  const src = childrenNamed(n, "Source")[0];
  const reference = cd ? dateOf(cd, "ReferenceDate") : { raw: "", day: null, line: n.line };
  return { referenceDate: reference.day ?? null, reference, lea: t(src, "LEA"), year: t(cd, "Year") };
}

/** Read one `<Child>` element. */
export function cinChildFrom(n: XmlNode, file: string): CinChild {
  const ids = childrenNamed(n, "ChildIdentifiers")[0] ?? { name: "", text: "", children: [], line: n.line };
  const ch = childrenNamed(n, "ChildCharacteristics")[0];
  const sexEl = childText(ids, "Sex") !== undefined ? "Sex" : childText(ids, "GenderCurrent") !== undefined ? "GenderCurrent" : "";
  const disabilities = ch ? childrenNamed(ch, "Disabilities").flatMap((d) => childrenNamed(d, "Disability").map((x) => x.text)) : [];
  const details = childrenNamed(n, "CINdetails").map(
    (d): CinDetails => ({
      line: d.line,
      referral: dateOf(d, "CINreferralDate"),
      source: t(d, "ReferralSource"),
      need: t(d, "PrimaryNeedCode"),
      closure: dateOf(d, "CINclosureDate"),
      reason: t(d, "ReasonForClosure"),
      icpc: dateOf(d, "DateOfInitialCPC"),
      nfa: t(d, "ReferralNFA"),
      assessments: childrenNamed(d, "Assessments").map((a) => ({
        line: a.line,
        start: dateOf(a, "AssessmentActualStartDate"),
        auth: dateOf(a, "AssessmentAuthorisationDate"),
        factors: childrenNamed(a, "FactorsIdentifiedAtAssessment").flatMap((f) => childrenNamed(f, "AssessmentFactors").map((x) => x.text)),
      })),
      plans: childrenNamed(d, "CINPlanDates").map((p) => ({ line: p.line, start: dateOf(p, "CINPlanStartDate"), end: dateOf(p, "CINPlanEndDate") })),
      s47: childrenNamed(d, "Section47").map((s) => ({ line: s.line, start: dateOf(s, "S47ActualStartDate"), target: dateOf(s, "InitialCPCtarget"), icpc: dateOf(s, "DateOfInitialCPC"), notRequired: t(s, "ICPCnotRequired") })),
      cpps: childrenNamed(d, "ChildProtectionPlans").map((p) => ({
        line: p.line,
        start: dateOf(p, "CPPstartDate"),
        end: dateOf(p, "CPPendDate"),
        initial: t(p, "InitialCategoryOfAbuse"),
        latest: t(p, "LatestCategoryOfAbuse"),
        previous: t(p, "NumberOfPreviousCPP"),
        previousLine: p.children.find((x) => x.name === "NumberOfPreviousCPP")?.line ?? p.line,
        reviews: childrenNamed(p, "Reviews").flatMap((r) => childrenNamed(r, "CPPreviewDate").map((x) => dateOf({ ...r, children: [x] }, "CPPreviewDate"))),
      })),
    }),
  );
  return {
    file,
    line: n.line,
    id: t(ids, "LAchildID"),
    upn: t(ids, "UPN"),
    formerUpn: t(ids, "FormerUPN"),
    upnUnknown: t(ids, "UPNunknown"),
    dob: dateOf(ids, "PersonBirthDate"),
    expectedDob: dateOf(ids, "ExpectedPersonBirthDate"),
    death: dateOf(ids, "PersonDeathDate"),
    sex: sexEl ? t(ids, sexEl) : "",
    sexElement: sexEl,
    ethnicity: t(ch, "Ethnicity"),
    disabilities,
    details,
  };
}

/** The SSD sex for a census Sex or GenderCurrent. */
export function sexCin(v: string): string | null {
  const s = v.trim().toUpperCase();
  return s === "1" || s === "M" ? "M" : s === "2" || s === "F" ? "F" : s === "0" || s === "9" || s === "U" ? "U" : null;
}

const TRUE = new Set(["true", "1", "y", "yes"]);
const FALSE = new Set(["false", "0", "n", "no"]);
/** A census boolean as Y/N (null blank or unknown). */
export function yn(v: string): "Y" | "N" | null {
  const s = v.trim().toLowerCase();
  return TRUE.has(s) ? "Y" : FALSE.has(s) ? "N" : null;
}

/** SSD tables the census feeds. */
export const CIN_FEEDS = ["ssd_person", "ssd_disability", "ssd_cin_episodes", "ssd_cin_assessments", "ssd_assessment_factors", "ssd_cin_plans", "ssd_s47_enquiry", "ssd_initial_cp_conference", "ssd_cp_plans", "ssd_cp_reviews"];

const dv = (d: CinDate): number | null => (typeof d.day === "number" ? d.day : null);
const blank = (v: string): string | null => (v.trim() === "" ? null : v.trim());

/**
 * NumberOfPreviousCPP as a count, as Annex A's List 7 column is read: blank stays blank; anything
 * but a whole number is refused where it is. The census's plans are those of one year, so this
 * count is how a plan is known to be a second one (`cpp_second_pct`) when the earlier plan is not
 * in the file.
 */
function previousPlans(c: CinChild, p: CinCpp, sink: LoadSink): number | null {
  const v = p.previous.trim();
  if (v === "") return null;
  const n = Number(v);
  if (/^\d+$/.test(v) && Number.isSafeInteger(n)) return n;
  sink.issue({ code: "FORMAT_NUMBER_INVALID", severity: "error", file: c.file, row: p.previousLine, column: "NumberOfPreviousCPP", value: v, message: `NumberOfPreviousCPP "${v}" is not a whole number.`, expected: "a count: 0, 1, 2 …" });
  return null;
}

/** Emit one child's SSD rows. */
export function mapCin(c: CinChild, sink: LoadSink): void {
  const id = c.id;
  const loc = (line: number) => ({ file: c.file, row: line });
  sink.emit(
    "ssd_person",
    {
      pers_person_id: id,
      pers_upn: blank(c.upn),
      pers_sex: sexCin(c.sex),
      pers_ethnicity: blank(c.ethnicity),
      pers_dob: dv(c.dob),
      pers_upn_unknown: blank(c.upnUnknown),
      pers_expected_dob: dv(c.expectedDob),
      pers_death_date: dv(c.death),
    },
    loc(c.line),
  );
  c.disabilities.forEach((d, i) => {
    sink.emit("ssd_disability", { disa_table_id: `${id}-D${i + 1}`, disa_person_id: id, disa_disability_code: d }, loc(c.line));
  });
  c.details.forEach((d, i) => {
    const ref = `${id}-R${i + 1}`;
    sink.emit(
      "ssd_cin_episodes",
      {
        cine_referral_id: ref,
        cine_person_id: id,
        cine_referral_date: dv(d.referral),
        cine_cin_primary_need_code: blank(d.need),
        cine_referral_source_code: blank(d.source),
        cine_referral_nfa: yn(d.nfa),
        cine_close_reason: blank(d.reason),
        cine_close_date: dv(d.closure),
      },
      loc(d.line),
    );
    d.assessments.forEach((a, j) => {
      const aid = `${ref}-A${j + 1}`;
      sink.emit("ssd_cin_assessments", { cina_assessment_id: aid, cina_person_id: id, cina_referral_id: ref, cina_assessment_start_date: dv(a.start), cina_assessment_auth_date: dv(a.auth) }, loc(a.line));
      if (a.factors.length) sink.emit("ssd_assessment_factors", { cinf_table_id: `${aid}-F`, cinf_assessment_id: aid, cinf_assessment_factors_json: JSON.stringify(a.factors) }, loc(a.line));
    });
    d.plans.forEach((p, j) => {
      sink.emit("ssd_cin_plans", { cinp_cin_plan_id: `${ref}-P${j + 1}`, cinp_referral_id: ref, cinp_person_id: id, cinp_cin_plan_start_date: dv(p.start), cinp_cin_plan_end_date: dv(p.end) }, loc(p.line));
    });
    let icpcN = 0;
    d.s47.forEach((s, j) => {
      const sid = `${ref}-S${j + 1}`;
      sink.emit("ssd_s47_enquiry", { s47e_s47_enquiry_id: sid, s47e_referral_id: ref, s47e_person_id: id, s47e_s47_start_date: dv(s.start), s47e_s47_end_date: dv(s.icpc), s47e_s47_nfa: yn(s.notRequired) }, loc(s.line));
      if (s.icpc.day) {
        icpcN++;
        sink.emit(
          "ssd_initial_cp_conference",
          { icpc_icpc_id: `${ref}-I${icpcN}`, icpc_s47_enquiry_id: sid, icpc_person_id: id, icpc_referral_id: ref, icpc_icpc_target_date: dv(s.target), icpc_icpc_date: s.icpc.day, icpc_icpc_outcome_cp_flag: d.cpps.some((p) => p.start.day === s.icpc.day) ? "Y" : "N" },
          loc(s.line),
        );
      }
    });
    if (d.icpc.day && !d.s47.some((s) => s.icpc.day === d.icpc.day)) {
      icpcN++;
      sink.emit(
        "ssd_initial_cp_conference",
        { icpc_icpc_id: `${ref}-I${icpcN}`, icpc_person_id: id, icpc_referral_id: ref, icpc_icpc_date: d.icpc.day, icpc_icpc_outcome_cp_flag: d.cpps.some((p) => p.start.day === d.icpc.day) ? "Y" : "N" },
        loc(d.line),
      );
    }
    d.cpps.forEach((p, j) => {
      const pid = `${ref}-CP${j + 1}`;
      sink.emit(
        "ssd_cp_plans",
        {
          cppl_cp_plan_id: pid,
          cppl_referral_id: ref,
          cppl_person_id: id,
          cppl_cp_plan_start_date: dv(p.start),
          cppl_cp_plan_end_date: dv(p.end),
          cppl_cp_plan_initial_category: blank(p.initial),
          cppl_cp_plan_latest_category: blank(p.latest),
          cppl_previous_plans: previousPlans(c, p, sink),
        },
        loc(p.line),
      );
      p.reviews.forEach((r, k) => {
        sink.emit("ssd_cp_reviews", { cppr_cp_review_id: `${pid}-V${k + 1}`, cppr_person_id: id, cppr_cp_plan_id: pid, cppr_cp_review_date: dv(r) }, loc(r.line));
      });
    });
  });
}
