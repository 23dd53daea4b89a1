/**
 * @module
 * The CIN census writer: an authority's children in need in a census year, from its SSD tables,
 * as the census XML (`Message` › `Header`, `Children` › `Child` …) in the DfE's element order,
 * ISO dates, with `Sex` (M/F/U) as from 2024-25. A child is in the census when a CIN episode of
 * theirs is open at any time in the year; each such episode is a `CINdetails` with the
 * assessments, plans, section 47 enquiries and child protection plans linked to its referral
 * that overlap the year. The document is written child by child to a stream, so its size never
 * has to fit in memory; building one child's XML is pure.
 */

import { once } from "node:events";
import { privateWriteStream } from "../../core/private-files.ts";
import { finished } from "node:stream/promises";
import type { Period } from "../../calendar/periods.ts";
import { auditEvent } from "../../store/audit.ts";
import type { Store } from "../../store/port.ts";
import { currentRows, groupBy, iso, latestOf, overlaps, type SsdRow, text } from "./returns.ts";
import type { ReturnExportResult } from "./ssda903.ts";

/** The SSD rows a census is written from. */
export interface CinSource {
  readonly person: readonly SsdRow[];
  readonly disability: readonly SsdRow[];
  readonly episodes: readonly SsdRow[];
  readonly assessments: readonly SsdRow[];
  readonly factors: readonly SsdRow[];
  readonly plans: readonly SsdRow[];
  readonly s47: readonly SsdRow[];
  readonly icpc: readonly SsdRow[];
  readonly cpp: readonly SsdRow[];
  readonly cpReviews: readonly SsdRow[];
}

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESC[c]!);

/** `<Name>value</Name>`, or nothing for a blank value. */
function el(name: string, value: string, indent: string): string {
  return value === "" ? "" : `${indent}<${name}>${esc(value)}</${name}>\n`;
}

/** The non-blank values, each once, in first-seen order. */
function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v !== ""))];
}

/** A census yes/no from an SSD Y/N flag: the XSD's yesnotype, 1 or 0 ("" when unknown). The reader takes true/false too. */
function bool(v: SsdRow[string] | undefined): string {
  const s = text(v).toUpperCase();
  return s === "Y" || s === "TRUE" || s === "1" ? "1" : s === "N" || s === "FALSE" || s === "0" ? "0" : "";
}

/** The census header for the year `p`: Year is the year it ends in, its ReferenceDate's (31 March of Year, DfE rule 100). */
export function cinHeaderXml(la: string, p: Period, now: Date): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>${p.end.slice(0, 4)}</Year>
      <ReferenceDate>${p.end}</ReferenceDate>
    </CollectionDetails>
    <Source>
      <SourceLevel>L</SourceLevel>
      <LEA>${esc(la)}</LEA>
      <SoftwareCode>Lantern</SoftwareCode>
      <Release>1</Release>
      <SerialNo>001</SerialNo>
      <DateTime>${now.toISOString().slice(0, 19)}</DateTime>
    </Source>
  </Header>
  <Children>
`;
}

export const CIN_FOOTER = "  </Children>\n</Message>\n";

/** The census's children in order, with what each needs: the source indexed once. */
export class CinIndex {
  readonly people: Map<string, SsdRow>;
  readonly disability: Map<string, SsdRow[]>;
  readonly episodes: Map<string, SsdRow[]>;
  readonly assessments: Map<string, SsdRow[]>;
  readonly factors: Map<string, SsdRow[]>;
  readonly plans: Map<string, SsdRow[]>;
  readonly s47: Map<string, SsdRow[]>;
  readonly icpcByS47: Map<string, SsdRow[]>;
  readonly icpcByReferral: Map<string, SsdRow[]>;
  readonly cpp: Map<string, SsdRow[]>;
  /** Every plan start date of each child, in or out of the census, for NumberOfPreviousCPP. */
  readonly cppStarts: Map<string, string[]>;
  readonly cpReviews: Map<string, SsdRow[]>;
  readonly children: string[];
  readonly year: Period;

  constructor(src: CinSource, year: Period) {
    this.year = year;
    this.people = new Map(src.person.map((r) => [text(r["pers_person_id"]), r]));
    this.disability = groupBy(src.disability, "disa_person_id");
    const inYear = src.episodes.filter((e) => overlaps(iso(e["cine_referral_date"]), iso(e["cine_close_date"]), year.start, year.end));
    this.episodes = groupBy(inYear, "cine_person_id");
    this.assessments = this.#attach(src.assessments, "cina_referral_id", "cina_person_id", "cina_assessment_start_date");
    this.factors = groupBy(src.factors, "cinf_assessment_id");
    this.plans = this.#attach(src.plans, "cinp_referral_id", "cinp_person_id", "cinp_cin_plan_start_date");
    this.s47 = this.#attach(src.s47, "s47e_referral_id", "s47e_person_id", "s47e_s47_start_date");
    this.icpcByS47 = groupBy(src.icpc, "icpc_s47_enquiry_id");
    this.icpcByReferral = groupBy(src.icpc, "icpc_referral_id");
    this.cpp = this.#attach(src.cpp, "cppl_referral_id", "cppl_person_id", "cppl_cp_plan_start_date");
    this.cppStarts = new Map([...groupBy(src.cpp, "cppl_person_id")].map(([k, rows]) => [k, rows.map((r) => iso(r["cppl_cp_plan_start_date"]))]));
    this.cpReviews = groupBy(src.cpReviews, "cppr_cp_plan_id");
    this.children = [...this.episodes.keys()].sort();
  }

  /**
   * Rows by the referral they belong to. The census nests everything in its CIN episode, so a row
   * with no referral id (or one outside the census) goes in the child's episode open on its date.
   */
  #attach(rows: readonly SsdRow[], refCol: string, personCol: string, dateCol: string): Map<string, SsdRow[]> {
    const out = new Map<string, SsdRow[]>();
    for (const r of rows) {
      const eps = this.episodes.get(text(r[personCol]));
      if (!eps) continue;
      let ref = text(r[refCol]);
      if (!eps.some((e) => text(e["cine_referral_id"]) === ref)) {
        const d = iso(r[dateCol]);
        const host = eps.filter((e) => iso(e["cine_referral_date"]) <= d).sort((a, b) => iso(b["cine_referral_date"]).localeCompare(iso(a["cine_referral_date"])))[0];
        if (!host) continue;
        ref = text(host["cine_referral_id"]);
      }
      const list = out.get(ref);
      if (list) list.push(r);
      else out.set(ref, [r]);
    }
    return out;
  }
}

/**
 * NumberOfPreviousCPP, which the XSD requires on every plan: the child's earlier plans held (those
 * starting before this one, in the census or not) or the count a load brought with the plan
 * (`cppl_previous_plans`, from a census or Annex A), whichever is more, as the Annex A writer
 * counts them. With neither it is 0, none known: the element cannot be left out, and any guess
 * above 0 would make a first plan a second one in the repeat-plans figure (`cpp_second_pct`).
 */
function previousPlans(ix: CinIndex, id: string, c: SsdRow): number {
  const start = iso(c["cppl_cp_plan_start_date"]);
  const held = (ix.cppStarts.get(id) ?? []).filter((d) => d < start).length;
  const recorded = Number(c["cppl_previous_plans"] ?? 0);
  return Math.max(held, Number.isSafeInteger(recorded) && recorded > 0 ? recorded : 0);
}

/** One `<Child>` of the census. */
export function cinChildXml(ix: CinIndex, id: string): string {
  const { start: from, end: to } = ix.year;
  const p = ix.people.get(id);
  const i4 = "      ";
  const i5 = "        ";
  let x = "    <Child>\n      <ChildIdentifiers>\n";
  x += el("LAchildID", id, i4 + "  ");
  x += el("UPN", text(p?.["pers_upn"]), i4 + "  ");
  x += el("UPNunknown", text(p?.["pers_upn_unknown"]), i4 + "  ");
  x += el("PersonBirthDate", iso(p?.["pers_dob"]), i4 + "  ");
  x += el("ExpectedPersonBirthDate", iso(p?.["pers_expected_dob"]), i4 + "  ");
  const sex = text(p?.["pers_sex"]).toUpperCase();
  x += el("Sex", sex === "M" || sex === "F" ? sex : "U", i4 + "  ");
  x += el("PersonDeathDate", iso(p?.["pers_death_date"]), i4 + "  ");
  x += "      </ChildIdentifiers>\n      <ChildCharacteristics>\n";
  x += el("Ethnicity", text(p?.["pers_ethnicity"]), i5);
  // Each code once (DfE rule 8794): an SSD extract can hold the same disability twice for a child.
  const dis = unique((ix.disability.get(id) ?? []).map((d) => text(d["disa_disability_code"]).trim()));
  if (dis.length) x += `${i5}<Disabilities>\n${dis.map((d) => el("Disability", d, `${i5}  `)).join("")}${i5}</Disabilities>\n`;
  x += "      </ChildCharacteristics>\n";
  const during = (start: SsdRow[string] | undefined, end: SsdRow[string] | undefined) => overlaps(iso(start), iso(end), from, to);
  /** A date after the reference date had not happened when the census was taken: left out. */
  const asAt = (v: SsdRow[string] | undefined) => (iso(v) > to ? "" : iso(v));
  const eps = [...(ix.episodes.get(id) ?? [])].sort((a, b) => iso(a["cine_referral_date"]).localeCompare(iso(b["cine_referral_date"])));
  for (const e of eps) {
    const ref = text(e["cine_referral_id"]);
    x += `${i4}<CINdetails>\n`;
    x += el("CINreferralDate", iso(e["cine_referral_date"]), i5);
    x += el("ReferralSource", text(e["cine_referral_source_code"]), i5);
    x += el("PrimaryNeedCode", text(e["cine_cin_primary_need_code"]), i5);
    x += el("CINclosureDate", asAt(e["cine_close_date"]), i5);
    x += el("ReasonForClosure", asAt(e["cine_close_date"]) ? text(e["cine_close_reason"]) : "", i5);
    // A section 47 is in the census when it or its conference falls in the year (the census ends an enquiry at its conference).
    const confOf = (s: SsdRow) => ix.icpcByS47.get(text(s["s47e_s47_enquiry_id"]))?.[0];
    const s47s = (ix.s47.get(ref) ?? []).filter((s) => during(s["s47e_s47_start_date"], iso(confOf(s)?.["icpc_icpc_date"]) > iso(s["s47e_s47_end_date"]) ? confOf(s)?.["icpc_icpc_date"] : s["s47e_s47_end_date"]));
    const s47Ids = new Set(s47s.map((s) => text(s["s47e_s47_enquiry_id"])));
    // A conference not reached through a section 47 in the census is the episode's own DateOfInitialCPC.
    const own = (ix.icpcByReferral.get(ref) ?? []).filter((c) => !s47Ids.has(text(c["icpc_s47_enquiry_id"])) && during(c["icpc_icpc_date"], c["icpc_icpc_date"]));
    x += el("DateOfInitialCPC", iso(own[0]?.["icpc_icpc_date"]), i5);
    for (const a of ix.assessments.get(ref) ?? []) {
      if (!during(a["cina_assessment_start_date"], a["cina_assessment_auth_date"])) continue;
      // Each factor once per assessment (DfE rule 8898), however many factor rows repeat it.
      const factors = unique(
        (ix.factors.get(text(a["cina_assessment_id"])) ?? []).flatMap((f) => {
          try {
            const v = JSON.parse(text(f["cinf_assessment_factors_json"]) || "[]") as unknown;
            return Array.isArray(v) ? v.map((x) => String(x).trim()) : [];
          } catch {
            return [];
          }
        }),
      );
      x += `${i5}<Assessments>\n`;
      x += el("AssessmentActualStartDate", iso(a["cina_assessment_start_date"]), `${i5}  `);
      x += el("AssessmentAuthorisationDate", asAt(a["cina_assessment_auth_date"]), `${i5}  `);
      // Factors are recorded when an assessment is completed: none yet on one still open at the reference date.
      if (factors.length && asAt(a["cina_assessment_auth_date"])) x += `${i5}  <FactorsIdentifiedAtAssessment>\n${factors.map((f) => el("AssessmentFactors", f, `${i5}    `)).join("")}${i5}  </FactorsIdentifiedAtAssessment>\n`;
      x += `${i5}</Assessments>\n`;
    }
    for (const pl of ix.plans.get(ref) ?? []) {
      if (!during(pl["cinp_cin_plan_start_date"], pl["cinp_cin_plan_end_date"])) continue;
      x += `${i5}<CINPlanDates>\n${el("CINPlanStartDate", iso(pl["cinp_cin_plan_start_date"]), `${i5}  `)}${el("CINPlanEndDate", asAt(pl["cinp_cin_plan_end_date"]), `${i5}  `)}${i5}</CINPlanDates>\n`;
    }
    for (const s of s47s) {
      const conf = confOf(s);
      x += `${i5}<Section47>\n`;
      x += el("S47ActualStartDate", iso(s["s47e_s47_start_date"]), `${i5}  `);
      x += el("InitialCPCtarget", iso(conf?.["icpc_icpc_target_date"]), `${i5}  `);
      x += el("DateOfInitialCPC", asAt(conf?.["icpc_icpc_date"]), `${i5}  `);
      x += el("ICPCnotRequired", bool(s["s47e_s47_nfa"]), `${i5}  `);
      x += `${i5}</Section47>\n`;
    }
    // After the section 47s and before the plans: the XSD's sequence, as the DfE's sample has it.
    x += el("ReferralNFA", bool(e["cine_referral_nfa"]), i5);
    for (const c of ix.cpp.get(ref) ?? []) {
      if (!during(c["cppl_cp_plan_start_date"], c["cppl_cp_plan_end_date"])) continue;
      // A review recorded twice on one day is one review.
      const reviews = unique((ix.cpReviews.get(text(c["cppl_cp_plan_id"])) ?? []).map((r) => iso(r["cppr_cp_review_date"])).filter((d) => d >= from && d <= to));
      x += `${i5}<ChildProtectionPlans>\n`;
      x += el("CPPstartDate", iso(c["cppl_cp_plan_start_date"]), `${i5}  `);
      x += el("CPPendDate", asAt(c["cppl_cp_plan_end_date"]), `${i5}  `);
      x += el("InitialCategoryOfAbuse", text(c["cppl_cp_plan_initial_category"]), `${i5}  `);
      x += el("LatestCategoryOfAbuse", text(c["cppl_cp_plan_latest_category"]), `${i5}  `);
      x += el("NumberOfPreviousCPP", String(previousPlans(ix, id, c)), `${i5}  `);
      if (reviews.length) x += `${i5}  <Reviews>\n${reviews.sort().map((d) => el("CPPreviewDate", d, `${i5}    `)).join("")}${i5}  </Reviews>\n`;
      x += `${i5}</ChildProtectionPlans>\n`;
    }
    x += `${i4}</CINdetails>\n`;
  }
  return `${x}    </Child>\n`;
}

/** Write the census for `period` to the file `out`, child by child, audited. */
export async function exportCinCensus(store: Store, opts: { authority?: string; period: Period; out: string; actor: string; now?: Date }): Promise<ReturnExportResult> {
  const { la_code, snapshot_id } = await latestOf(store, opts.authority);
  const read = (t: string) => currentRows(store, t, la_code);
  const ix = new CinIndex(
    {
      person: await read("ssd_person"),
      disability: await read("ssd_disability"),
      episodes: await read("ssd_cin_episodes"),
      assessments: await read("ssd_cin_assessments"),
      factors: await read("ssd_assessment_factors"),
      plans: await read("ssd_cin_plans"),
      s47: await read("ssd_s47_enquiry"),
      icpc: await read("ssd_initial_cp_conference"),
      cpp: await read("ssd_cp_plans"),
      cpReviews: await read("ssd_cp_reviews"),
    },
    opts.period,
  );
  const out = privateWriteStream(opts.out, { encoding: "utf8" });
  // The stream's error (a missing folder, a full disk) is kept from the moment it is opened and
  // thrown at the next write: an 'error' event with no listener would crash the process.
  let failed: Error | undefined;
  out.on("error", (e) => (failed ??= e));
  const write = async (s: string) => {
    if (failed) throw failed;
    if (!out.write(s)) await once(out, "drain");
  };
  try {
    await write(cinHeaderXml(la_code, opts.period, opts.now ?? new Date()));
    for (const id of ix.children) await write(cinChildXml(ix, id));
    await write(CIN_FOOTER);
    out.end();
    await finished(out);
  } catch (e) {
    out.destroy();
    throw failed ?? e;
  }
  if (failed) throw failed;
  const name = opts.out.split(/[\\/]/).pop() ?? opts.out;
  await auditEvent(store, { actor: opts.actor, action: "export.cin_census", target: opts.out, laCode: la_code, detail: { snapshot: snapshot_id, period: opts.period.id, children: ix.children.length } });
  return { authority: la_code, snapshot: snapshot_id, period: opts.period.id, files: [{ file: name, rows: ix.children.length }] };
}
