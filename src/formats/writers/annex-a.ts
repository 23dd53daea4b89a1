/**
 * @module
 * The Annex A writer: Ofsted's ILACS lists for the 12 months to the end of a period, from an
 * authority's SSD tables, as the workbook inspectors ask for (sheets "List 1" … "List 11", the
 * template's column headings, every one in its place, those the SSD does not hold left blank;
 * dates as date cells). Lists 1–5 hold the events of the window
 * (contacts, early help assessments, referrals, assessments, section 47 enquiries); lists 6–10
 * the children open to a service at any time in it; List 11 (adopters) is about adults the SSD
 * does not hold, so it has its headings only. Codes are written bare ("6", "U6", "NEG"), which
 * Ofsted accepts and Lantern's reader reads. Building the lists is pure; the workbook is
 * written by exceljs.
 */

import ExcelJS from "exceljs";
import { addMonths, ageOn, dayNumber, isoDate } from "../../calendar/dates.ts";
import type { Period } from "../../calendar/periods.ts";
import { writePrivateFile } from "../../core/private-files.ts";
import { auditEvent } from "../../store/audit.ts";
import type { Store } from "../../store/port.ts";
import { currentRows, groupBy, iso, latestOf, overlaps, type SsdRow, text } from "./returns.ts";
import type { ReturnExportResult } from "./ssda903.ts";

/** A list cell: text, a number, or a date (an ISO day, written as a date cell). */
export type AnnexCell = string | number | { readonly date: string } | null;

/** One list: its sheet, headings and rows. */
export interface AnnexList {
  readonly sheet: string;
  readonly headings: readonly string[];
  readonly rows: AnnexCell[][];
}

/** The five columns lists 1–9 open with. */
const WHO = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age"] as const;
const TEAM = ["Allocated Team", "Allocated Worker"] as const;
const DISABILITY = "Does the Child have a Disability";

/**
 * The headings of Ofsted's 2024 Annex A template, list by list, exactly and in order (as the
 * template's sheets have them, its stray bracket in List 8's UASC heading and curly quotes in its
 * missing and absent headings included): the lists are pasted into ChAT by position, so a column
 * left out or added shifts every column after it. Lantern fills what the SSD holds and leaves
 * the rest blank (docs/formats.md says which).
 */
export const ANNEX_A_HEADINGS: Record<number, readonly string[]> = {
  1: [...WHO, "Date of Contact", "Contact Source"],
  2: [...WHO, "Assessment start date", "Assessment completion date", "Organisation completing assessment"],
  3: [...WHO, "Date of Referral", "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months", ...TEAM],
  4: [...WHO, DISABILITY, "Continuous Assessment Start Date", "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation", "Was the child assessed as requiring LA children's social care support?", ...TEAM],
  5: [
    ...WHO,
    DISABILITY,
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    "Was an Initial Child Protection Conference deemed unnecessary?",
    "Date of Initial Child Protection Conference",
    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
    "Number of Section 47 Enquiries in the last 12 months",
    "Number of ICPCs in the last 12 months",
    ...TEAM,
  ],
  6: [...WHO, DISABILITY, "CIN Start Date", "Primary Need Code", "Date Child Was Last Seen", "CIN Closure Date", "Reason for Closure", "Case Status", ...TEAM],
  7: [
    ...WHO,
    DISABILITY,
    "Child Protection Plan Start Date",
    "Initial Category of Abuse",
    "Latest Category of Abuse",
    "Date of the Last Statutory Visit",
    "Was the Child Seen Alone?",
    "Date of latest review conference",
    "Child Protection Plan End Date",
    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
    "Number of Previous Child Protection Plans",
    ...TEAM,
  ],
  8: [
    ...WHO,
    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))",
    DISABILITY,
    "Date Started to be Looked After",
    "Child's Category of Need",
    "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
    "Start date of current legal status",
    "Child's Legal Status",
    "Date of Latest Statutory Review",
    "Date of Last Social Work Visit",
    "What is the permanence plan for this child?",
    "Date of Last IRO Visit / Contact to the Child",
    "Date of Last Health Assessment",
    "Date of Last Dental Check",
    "Number of Placements in the Last 12 months",
    "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After",
    "Start Date of Most Recent Placement",
    "Placement Type",
    "Placement Provider",
    "Placement postcode",
    "URN of Placement",
    "Placement Location",
    "LA of Placement",
    "Number of Episodes the Child has been \u2018Missing\u2019 from their Placement in the last 12 months",
    "Number of Episodes the Child has been \u2018Absent\u2019 from their Placement in the last 12 months",
    "Was the child offered a Return Interview after their last missing episode (Y/N)?",
    "Did the child accept a Return Interview after their last missing episode (Y/N)?",
    ...TEAM,
  ],
  9: [
    ...WHO,
    "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
    DISABILITY,
    ...TEAM,
    "Allocated Personal Advisor",
    "Eligibility Category",
    "Latest Pathway Plan Review Date",
    "LA in Touch",
    "Latest Date of Contact",
    "Type of Accommodation",
    "Suitability of Accommodation",
    "Activity Status",
  ],
  10: [
    "Child Unique ID",
    "Family identifier",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    DISABILITY,
    "Date the Child Entered Care",
    "Date of Decision that Child Should be Placed for Adoption",
    "Date of Placement Order",
    "Date of Matching Child and Prospective Adopters",
    "Date Placed for Adoption",
    "Date of Adoption Order",
    "Date of Decision that Child Should No Longer be Placed for Adoption",
    "Reason Why Child No Longer Placed for Adoption",
    "Date the child was placed for fostering in FFA or concurrent planning placement",
  ],
  11: [
    "Individual adopter identifier",
    "Family identifier",
    "Gender",
    "Ethnicity",
    "Disability",
    "Is the (prospective) adopter fostering for adoption?",
    "Date enquiry received",
    "Date Stage 1 started",
    "Date Stage 1 ended",
    "Date Stage 2 started",
    "Date Stage 2 ended",
    "Date application submitted",
    "Date application approved",
    "Date adopter matched with child(ren)",
    "Date child/children placed with adopter(s)",
    "No. of children placed",
    "Date of Adoption Order",
    "Date of leaving adoption process",
    "Reason for leaving adoption process",
  ],
};

/** The SSD rows Annex A is written from. */
export type AnnexSource = Record<
  | "person"
  | "disability"
  | "contacts"
  | "earlyHelp"
  | "episodes"
  | "assessments"
  | "cinVisits"
  | "s47"
  | "icpc"
  | "cpp"
  | "cpVisits"
  | "cpReviews"
  | "claEpisodes"
  | "placements"
  | "legal"
  | "claReviews"
  | "claVisits"
  | "missing"
  | "immigration"
  | "careLeavers"
  | "permanence"
  | "involvements",
  readonly SsdRow[]
>;

/** The window the lists cover: the 12 months to the end of `p`. */
export function annexWindow(p: Period): { from: string; to: string } {
  return { from: isoDate(addMonths(dayNumber(p.end) + 1, -12)), to: p.end };
}

/** The latest of `rows` by the date in `col` on or before `by` (and on or after `since`, if given). */
function latestBy(rows: readonly SsdRow[] | undefined, col: string, by: string, since = ""): SsdRow | undefined {
  let out: SsdRow | undefined;
  for (const r of rows ?? []) {
    const day = iso(r[col]);
    if (day !== "" && day <= by && day >= since && (!out || day >= iso(out[col]))) out = r;
  }
  return out;
}

/** Rows of `rows` whose date in `col` falls in the 12 months to `day` (after the same day a year before). */
function inYearTo(rows: readonly SsdRow[] | undefined, col: string, day: string): SsdRow[] {
  const yearBefore = isoDate(addMonths(dayNumber(day), -12));
  return (rows ?? []).filter((x) => iso(x[col]) > yearBefore && iso(x[col]) <= day);
}

/** Build every list for the 12 months to the end of `p`. */
export function annexALists(src: AnnexSource, p: Period): AnnexList[] {
  const { from, to } = annexWindow(p);
  const people = new Map(src.person.map((r) => [text(r["pers_person_id"]), r]));
  const disabled = new Set(src.disability.filter((d) => text(d["disa_disability_code"]) && text(d["disa_disability_code"]).toUpperCase() !== "NONE").map((d) => text(d["disa_person_id"])));
  const d = (v: SsdRow[string] | undefined): AnnexCell => (iso(v) ? { date: iso(v) } : null);
  /** As at the window's end: later dates had not happened. */
  const asAt = (v: SsdRow[string] | undefined): AnnexCell => (iso(v) && iso(v) <= to ? { date: iso(v) } : null);
  const inWindow = (v: SsdRow[string] | undefined) => iso(v) !== "" && iso(v) >= from && iso(v) <= to;
  const yn = (v: SsdRow[string] | undefined) => ({ Y: "Yes", N: "No" })[text(v).toUpperCase()] ?? "";
  /** Gender, ethnicity, date of birth and age (whole years at the window's end, as at the extract). */
  const about = (id: string): AnnexCell[] => {
    const r = people.get(id);
    const sex = text(r?.["pers_sex"]).toUpperCase();
    const dob = iso(r?.["pers_dob"]);
    return [sex === "M" ? "Male" : sex === "F" ? "Female" : sex ? "Unknown" : "", text(r?.["pers_ethnicity"]), d(dob), dob && dob <= to ? ageOn(dayNumber(dob), dayNumber(to)) : null];
  };
  const who = (id: string): AnnexCell[] => [id, ...about(id)];
  const dis = (id: string) => (disabled.has(id) ? "Yes" : "No");
  const byDate = (col: string) => (a: SsdRow, b: SsdRow) => iso(a[col]).localeCompare(iso(b[col]));
  /** The child's allocated team and worker on `day`: the involvement open then that started last. */
  const involvementsBy = groupBy(src.involvements, "invo_person_id");
  const allocated = (id: string, day: string): AnnexCell[] => {
    const open = (involvementsBy.get(id) ?? []).filter((x) => overlaps(iso(x["invo_involvement_start_date"]), iso(x["invo_involvement_end_date"]), day, day));
    const r = latestBy(open, "invo_involvement_start_date", day);
    return [text(r?.["invo_professional_team"]), text(r?.["invo_professional_id"])];
  };
  const lists: AnnexList[] = [];
  const list = (n: number, rows: AnnexCell[][]) => lists.push({ sheet: `List ${n}`, headings: ANNEX_A_HEADINGS[n]!, rows });

  list(
    1,
    src.contacts
      .filter((c) => inWindow(c["cont_contact_date"]))
      .sort(byDate("cont_contact_date"))
      .map((c) => [...who(text(c["cont_person_id"])), d(c["cont_contact_date"]), text(c["cont_contact_source_code"])]),
  );
  list(
    2,
    src.earlyHelp
      .filter((e) => inWindow(e["earl_episode_start_date"]))
      .sort(byDate("earl_episode_start_date"))
      .map((e) => [...who(text(e["earl_person_id"])), d(e["earl_episode_start_date"]), asAt(e["earl_episode_end_date"]), text(e["earl_episode_organisation"]) || "Local authority"]),
  );
  const referralsBy = groupBy(src.episodes, "cine_person_id");
  list(
    3,
    src.episodes
      .filter((e) => inWindow(e["cine_referral_date"]))
      .sort(byDate("cine_referral_date"))
      .map((e) => {
        const id = text(e["cine_person_id"]);
        const n = inYearTo(referralsBy.get(id), "cine_referral_date", iso(e["cine_referral_date"])).length;
        return [...who(id), d(e["cine_referral_date"]), text(e["cine_referral_source_code"]), yn(e["cine_referral_nfa"]), n, text(e["cine_referral_team"]), text(e["cine_referral_worker_id"])];
      }),
  );
  list(
    4,
    src.assessments
      .filter((a) => inWindow(a["cina_assessment_start_date"]) || inWindow(a["cina_assessment_auth_date"]))
      .sort(byDate("cina_assessment_start_date"))
      .map((a) => {
        const id = text(a["cina_person_id"]);
        // Assessed as needing support: the assessment authorised by the window's end and not ending in no further action.
        const authorised = iso(a["cina_assessment_auth_date"]) !== "" && iso(a["cina_assessment_auth_date"]) <= to;
        const nfa = text(a["cina_assessment_outcome_nfa"]).toUpperCase();
        const support = authorised && nfa === "Y" ? "No" : authorised && nfa === "N" ? "Yes" : "";
        return [...who(id), dis(id), d(a["cina_assessment_start_date"]), yn(a["cina_assessment_child_seen"]), asAt(a["cina_assessment_auth_date"]), support, text(a["cina_assessment_team"]), text(a["cina_assessment_worker_id"])];
      }),
  );
  const conferences = groupBy(src.icpc, "icpc_s47_enquiry_id");
  const s47By = groupBy(src.s47, "s47e_person_id");
  const icpcBy = groupBy(src.icpc, "icpc_person_id");
  list(
    5,
    src.s47
      .filter((s) => inWindow(s["s47e_s47_start_date"]))
      .sort(byDate("s47e_s47_start_date"))
      .map((s) => {
        const id = text(s["s47e_person_id"]);
        const conf = conferences.get(text(s["s47e_s47_enquiry_id"]))?.[0];
        const day = iso(s["s47e_s47_start_date"]);
        // Both counts over the 12 months to the enquiry's start, this enquiry included.
        const n = inYearTo(s47By.get(id), "s47e_s47_start_date", day).length;
        const icpcs = inYearTo(icpcBy.get(id), "icpc_icpc_date", day).length;
        return [...who(id), dis(id), d(s["s47e_s47_start_date"]), yn(s["s47e_s47_nfa"]), asAt(conf?.["icpc_icpc_date"]), conf && iso(conf["icpc_icpc_date"]) <= to ? yn(conf["icpc_icpc_outcome_cp_flag"]) : "", n, icpcs, text(s["s47e_s47_completed_by_team"]), text(s["s47e_s47_completed_by_worker_id"])];
      }),
  );
  const cinVisitsBy = groupBy(src.cinVisits.filter((v) => text(v["cinv_cin_visit_seen"]).toUpperCase() !== "N"), "cinv_person_id");
  list(
    6,
    src.episodes
      .filter((e) => overlaps(iso(e["cine_referral_date"]), iso(e["cine_close_date"]), from, to))
      .sort(byDate("cine_referral_date"))
      .map((e) => {
        const id = text(e["cine_person_id"]);
        const closed = iso(e["cine_close_date"]) !== "" && iso(e["cine_close_date"]) <= to;
        const seen = latestBy(cinVisitsBy.get(id), "cinv_cin_visit_date", closed ? iso(e["cine_close_date"]) : to, iso(e["cine_referral_date"]));
        return [...who(id), dis(id), d(e["cine_referral_date"]), text(e["cine_cin_primary_need_code"]), d(seen?.["cinv_cin_visit_date"]), closed ? d(e["cine_close_date"]) : null, closed ? text(e["cine_close_reason"]) : "", closed ? "Closed" : "Open", text(e["cine_referral_team"]), text(e["cine_referral_worker_id"])];
      }),
  );
  const plansBy = groupBy(src.cpp, "cppl_person_id");
  const cpVisitsBy = groupBy(src.cpVisits, "cppv_cp_plan_id");
  const cpReviewsBy = groupBy(src.cpReviews, "cppr_cp_plan_id");
  list(
    7,
    src.cpp
      .filter((c) => overlaps(iso(c["cppl_cp_plan_start_date"]), iso(c["cppl_cp_plan_end_date"]), from, to))
      .sort(byDate("cppl_cp_plan_start_date"))
      .map((c) => {
        const id = text(c["cppl_person_id"]);
        const plan = text(c["cppl_cp_plan_id"]);
        // The earlier plans held, or the count an Annex A load brought, if it knew of more.
        const held = (plansBy.get(id) ?? []).filter((x) => iso(x["cppl_cp_plan_start_date"]) < iso(c["cppl_cp_plan_start_date"])).length;
        const previous = Math.max(held, Number(c["cppl_previous_plans"] ?? 0));
        const ended = iso(c["cppl_cp_plan_end_date"]) !== "" && iso(c["cppl_cp_plan_end_date"]) <= to ? iso(c["cppl_cp_plan_end_date"]) : "";
        const visit = latestBy(cpVisitsBy.get(plan), "cppv_cp_visit_date", ended || to);
        const review = latestBy(cpReviewsBy.get(plan), "cppr_cp_review_date", ended || to);
        return [
          ...who(id),
          dis(id),
          d(c["cppl_cp_plan_start_date"]),
          text(c["cppl_cp_plan_initial_category"]),
          text(c["cppl_cp_plan_latest_category"]),
          d(visit?.["cppv_cp_visit_date"]),
          visit ? yn(visit["cppv_cp_visit_seen_alone"]) : "",
          d(review?.["cppr_cp_review_date"]),
          ended ? { date: ended } : null,
          // Emergency protection orders and police protection: not in the SSD.
          "",
          previous,
          ...allocated(id, ended || to),
        ];
      }),
  );
  // List 8: one row per period of care open in the window, with its latest placement and legal status.
  const placements = new Map(src.placements.map((r) => [text(r["clap_cla_placement_id"]), r]));
  const placementsBy = groupBy(src.placements, "clap_person_id");
  const legalBy = groupBy(src.legal, "lega_person_id");
  const reviewsBy = groupBy(src.claReviews, "clar_cla_person_id");
  const visitsBy = groupBy(src.claVisits, "clav_person_id");
  const missingBy = groupBy(src.missing, "miss_person_id");
  const uasc = new Set(src.immigration.filter((r) => text(r["immi_immigration_status"]).toUpperCase() === "UASC").map((r) => text(r["immi_person_id"])));
  const periods = groupBy(src.claEpisodes, "clae_cla_id");
  /** A period of care: its first episode's start (or entered-care date) and, when it ended by the window's end, its end. */
  const spans = [...periods.values()].map((eps) => {
    const ordered = [...eps].sort(byDate("clae_cla_episode_start_date"));
    const first = ordered[0]!;
    const started = iso(first["clae_entered_care_date"]) || iso(first["clae_cla_episode_start_date"]);
    const last = ordered.filter((e) => iso(e["clae_cla_episode_start_date"]) <= to).at(-1);
    const ended = last ? iso(last["clae_cla_episode_ceased_date"]) : "";
    const ceased = last && ended !== "" && ended <= to && text(last["clae_cla_episode_ceased_reason"]).toUpperCase() !== "X1" ? ended : "";
    return { id: text(first["clae_person_id"]), first, last, started, ceased };
  });
  const spansBy = new Map<string, typeof spans>();
  for (const s of spans) spansBy.set(s.id, [...(spansBy.get(s.id) ?? []), s]);
  /** Missing ('Missing') or away ('Absent') episodes of the child starting in the window (the 903's M and A). */
  const missingOf = (id: string, kind: "Missing" | "Absent") =>
    (missingBy.get(id) ?? []).filter((m) => inWindow(m["miss_missing_episode_start_date"]) && (kind === "Missing" ? ["missing", "m"] : ["absent", "a", "away"]).includes(text(m["miss_missing_episode_type"]).trim().toLowerCase()));
  const rows8: AnnexCell[][] = [];
  for (const { id, first, last, started, ceased } of spans) {
    if (!last) continue;
    if (!overlaps(started, ceased, from, to)) continue;
    const pl = placements.get(text(last["clae_cla_placement_id"]));
    const until = ceased || to;
    const legal = (legalBy.get(id) ?? []).filter((l) => iso(l["lega_legal_status_start_date"]) <= until).sort(byDate("lega_legal_status_start_date")).at(-1);
    // Another period of care of the child, before this one, open at some time in the window.
    const again = (spansBy.get(id) ?? []).some((o) => o.started < started && overlaps(o.started, o.ceased, from, to));
    // Placements of 24 hours or more open in the window while in care, as cla_3plus_placements_pct
    // counts them (a move to adoption with the current foster carer is not one); or the count an
    // Annex A load brought, if it knew of more (it holds the latest placement only).
    const mine = (placementsBy.get(id) ?? []).filter((x) => {
      const [s, e] = [iso(x["clap_cla_placement_start_date"]), iso(x["clap_cla_placement_end_date"])];
      return overlaps(s, e, from, to) && (e === "" || e > s) && (spansBy.get(id) ?? []).some((o) => overlaps(o.started, o.ceased, s, e || to));
    });
    const sameCarer = (x: SsdRow) =>
      ["A3", "A5"].includes(text(x["clap_cla_placement_type"]).trim().toUpperCase()) &&
      (placementsBy.get(id) ?? []).some((f) => {
        const e = iso(f["clap_cla_placement_end_date"]);
        const s = iso(x["clap_cla_placement_start_date"]);
        return text(f["clap_cla_placement_type"]).trim().toUpperCase().startsWith("U") && e !== "" && e <= s && e >= isoDate(dayNumber(s) - 1);
      });
    const moves = Math.max(mine.filter((x) => !sameCarer(x)).length, Number(last["clae_placements_12m"] ?? 0));
    const lastMissing = latestBy(missingOf(id, "Missing"), "miss_missing_episode_start_date", to);
    rows8.push([
      ...who(id),
      uasc.has(id) ? "Yes" : "No",
      dis(id),
      { date: started },
      text(first["clae_cla_primary_need_code"]),
      again ? "Yes" : "No",
      d(legal?.["lega_legal_status_start_date"]),
      text(legal?.["lega_legal_status"]),
      d(latestBy(reviewsBy.get(id), "clar_cla_review_date", until, started)?.["clar_cla_review_date"]),
      d(latestBy(visitsBy.get(id), "clav_cla_visit_date", until, started)?.["clav_cla_visit_date"]),
      // The permanence plan, health assessments and dental checks: not in the SSD tables Lantern holds.
      "",
      iso(last["clae_cla_last_iro_contact_date"]) <= until ? d(last["clae_cla_last_iro_contact_date"]) : null,
      null,
      null,
      moves,
      ceased ? { date: ceased } : null,
      ceased ? text(last["clae_cla_episode_ceased_reason"]) : "",
      d(pl?.["clap_cla_placement_start_date"] ?? last["clae_cla_episode_start_date"]),
      text(pl?.["clap_cla_placement_type"]),
      text(pl?.["clap_cla_placement_provider"]),
      text(pl?.["clap_cla_placement_postcode"]),
      text(pl?.["clap_cla_placement_urn"]),
      // In or out of the authority, and which authority: not in the SSD.
      "",
      "",
      missingOf(id, "Missing").length,
      missingOf(id, "Absent").length,
      lastMissing ? yn(lastMissing["miss_missing_rhi_offered"]) : "",
      lastMissing ? yn(lastMissing["miss_missing_rhi_accepted"]) : "",
      ...allocated(id, until),
    ]);
  }
  rows8.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  list(8, rows8);
  list(
    9,
    src.careLeavers.map((c) => {
      const id = text(c["clea_person_id"]);
      const suit = text(c["clea_care_leaver_accom_suitable"]);
      return [
        ...who(id),
        uasc.has(id) ? "Yes" : "No",
        dis(id),
        text(c["clea_care_leaver_allocated_team"]),
        text(c["clea_care_leaver_worker_id"]),
        text(c["clea_care_leaver_personal_advisor"]),
        text(c["clea_care_leaver_eligibility"]),
        asAt(c["clea_pathway_plan_review_date"]),
        text(c["clea_care_leaver_in_touch"]),
        asAt(c["clea_care_leaver_latest_contact"]),
        text(c["clea_care_leaver_accommodation"]),
        suit === "1" ? "Suitable" : suit === "2" ? "Not suitable" : "",
        text(c["clea_care_leaver_activity"]),
      ];
    }),
  );
  list(
    10,
    src.permanence
      .filter((r) => iso(r["perm_adm_decision_date"]) !== "" && iso(r["perm_adm_decision_date"]) <= to)
      .map((r) => {
        const id = text(r["perm_person_id"]);
        const entered = (periods.size ? src.claEpisodes.filter((e) => text(e["clae_person_id"]) === id) : []).map((e) => iso(e["clae_entered_care_date"]) || iso(e["clae_cla_episode_start_date"])).sort()[0] ?? "";
        const reversed = iso(r["perm_decision_reversed_date"]) && iso(r["perm_decision_reversed_date"]) <= to;
        // The adoptive family's identifier (List 11's): adopters are not in the SSD, so blank.
        return [
          id,
          "",
          ...about(id),
          dis(id),
          entered ? { date: entered } : null,
          d(r["perm_adm_decision_date"]),
          asAt(r["perm_placement_order_date"]),
          asAt(r["perm_matched_date"]),
          asAt(r["perm_placed_for_adoption_date"]),
          asAt(r["perm_permanence_order_date"]),
          asAt(r["perm_decision_reversed_date"]),
          reversed ? text(r["perm_decision_reversed_reason"]) : "",
          asAt(r["perm_placed_ffa_cp_date"]),
        ];
      }),
  );
  list(11, []);
  return lists;
}

/** Write the lists as an .xlsx workbook (an inspection's lists are thousands of rows, not millions). */
export async function writeAnnexWorkbook(lists: readonly AnnexList[], out: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Lantern";
  for (const l of lists) {
    const ws = wb.addWorksheet(l.sheet);
    ws.addRow([...l.headings]).font = { bold: true };
    for (const r of l.rows) {
      const row = ws.addRow(r.map((c) => (c !== null && typeof c === "object" ? new Date(`${c.date}T00:00:00Z`) : (c ?? null))));
      r.forEach((c, i) => {
        if (c !== null && typeof c === "object") row.getCell(i + 1).numFmt = "dd/mm/yyyy";
      });
    }
  }
  writePrivateFile(out, new Uint8Array(await wb.xlsx.writeBuffer()));
}

/** Write Annex A for the 12 months to the end of `period` to the workbook `out`, audited. */
export async function exportAnnexA(store: Store, opts: { authority?: string; period: Period; out: string; actor: string }): Promise<ReturnExportResult> {
  const { la_code, snapshot_id } = await latestOf(store, opts.authority);
  const read = (t: string) => currentRows(store, t, la_code);
  const lists = annexALists(
    {
      person: await read("ssd_person"),
      disability: await read("ssd_disability"),
      contacts: await read("ssd_contacts"),
      earlyHelp: await read("ssd_early_help_episodes"),
      episodes: await read("ssd_cin_episodes"),
      assessments: await read("ssd_cin_assessments"),
      cinVisits: await read("ssd_cin_visits"),
      s47: await read("ssd_s47_enquiry"),
      icpc: await read("ssd_initial_cp_conference"),
      cpp: await read("ssd_cp_plans"),
      cpVisits: await read("ssd_cp_visits"),
      cpReviews: await read("ssd_cp_reviews"),
      claEpisodes: await read("ssd_cla_episodes"),
      placements: await read("ssd_cla_placement"),
      legal: await read("ssd_legal_status"),
      claReviews: await read("ssd_cla_reviews"),
      claVisits: await read("ssd_cla_visits"),
      missing: await read("ssd_missing"),
      immigration: await read("ssd_immigration_status"),
      careLeavers: await read("ssd_care_leavers"),
      permanence: await read("ssd_permanence"),
      involvements: await read("ssd_involvements"),
    },
    opts.period,
  );
  await writeAnnexWorkbook(lists, opts.out);
  const w = annexWindow(opts.period);
  await auditEvent(store, { actor: opts.actor, action: "export.annex_a", target: opts.out, laCode: la_code, detail: { snapshot: snapshot_id, period: opts.period.id, from: w.from, to: w.to, rows: lists.reduce((s, l) => s + l.rows.length, 0) } });
  return { authority: la_code, snapshot: snapshot_id, period: opts.period.id, files: lists.map((l) => ({ file: l.sheet, rows: l.rows.length })) };
}
