/**
 * @module
 * The Annex A writer: Ofsted's ILACS lists for the 12 months to the end of a period, from an
 * authority's SSD tables, as the workbook inspectors ask for (sheets "List 1" … "List 11", the
 * template's column headings, dates as date cells). Lists 1–5 hold the events of the window
 * (contacts, early help assessments, referrals, assessments, section 47 enquiries); lists 6–10
 * the children open to a service at any time in it; List 11 (adopters) is about adults the SSD
 * does not hold, so it has its headings only. Codes are written bare ("6", "U6", "NEG"), which
 * Ofsted accepts and Lantern's reader reads. Building the lists is pure; the workbook is
 * written by exceljs.
 */

import ExcelJS from "exceljs";
import { addMonths, dayNumber, isoDate } from "../../calendar/dates.ts";
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

/** The template's headings, list by list. */
export const ANNEX_A_HEADINGS: Record<number, readonly string[]> = {
  1: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Date of Contact", "Contact Source"],
  2: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Assessment start date", "Assessment completion date", "Organisation completing assessment"],
  3: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Date of Referral", "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months", "Allocated Team", "Allocated Worker"],
  4: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Does the Child have a Disability", "Continuous Assessment Start Date", "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation", "Allocated Team", "Allocated Worker"],
  5: [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Does the Child have a Disability",
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    "Was an Initial Child Protection Conference deemed unnecessary?",
    "Date of Initial Child Protection Conference",
    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
    "Number of Section 47 Enquiries in the last 12 months",
    "Allocated Team",
    "Allocated Worker",
  ],
  6: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Does the Child have a Disability", "CIN Start Date", "Primary Need Code", "CIN Closure Date", "Reason for Closure", "Case Status", "Allocated Team", "Allocated Worker"],
  7: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Does the Child have a Disability", "Child Protection Plan Start Date", "Initial Category of Abuse", "Latest Category of Abuse", "Child Protection Plan End Date", "Number of Previous Child Protection Plans"],
  8: [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
    "Does the Child have a Disability",
    "Date Started to be Looked After",
    "Child's Category of Need",
    "Start date of current legal status",
    "Child's Legal Status",
    "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After",
    "Start Date of Most Recent Placement",
    "Placement Type",
    "Placement Provider",
    "Placement postcode",
    "URN of Placement",
  ],
  9: ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Allocated Personal Advisor", "Eligibility Category", "Latest Pathway Plan Review Date", "LA in Touch", "Latest Date of Contact", "Type of Accommodation", "Suitability of Accommodation", "Activity Status"],
  10: [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Date the Child Entered Care",
    "Date of Decision that Child Should be Placed for Adoption",
    "Date of Placement Order",
    "Date of Matching Child and Prospective Adopters",
    "Date Placed for Adoption",
    "Date of Adoption Order",
    "Date of Decision that Child Should No Longer be Placed for Adoption",
    "Reason Why Child No Longer Placed for Adoption",
  ],
  11: ["Individual adopter identifier", "Family identifier", "Gender", "Ethnicity", "Disability", "Is the (prospective) adopter fostering for adoption?", "Date enquiry received"],
};

/** The SSD rows Annex A is written from. */
export type AnnexSource = Record<
  "person" | "disability" | "contacts" | "earlyHelp" | "episodes" | "assessments" | "s47" | "icpc" | "cpp" | "claEpisodes" | "placements" | "legal" | "immigration" | "careLeavers" | "permanence",
  readonly SsdRow[]
>;

/** The window the lists cover: the 12 months to the end of `p`. */
export function annexWindow(p: Period): { from: string; to: string } {
  return { from: isoDate(addMonths(dayNumber(p.end) + 1, -12)), to: p.end };
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
  const who = (id: string): AnnexCell[] => {
    const r = people.get(id);
    const sex = text(r?.["pers_sex"]).toUpperCase();
    return [id, sex === "M" ? "Male" : sex === "F" ? "Female" : sex ? "Unknown" : "", text(r?.["pers_ethnicity"]), d(r?.["pers_dob"])];
  };
  const dis = (id: string) => (disabled.has(id) ? "Yes" : "No");
  const byDate = (col: string) => (a: SsdRow, b: SsdRow) => iso(a[col]).localeCompare(iso(b[col]));
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
        const day = iso(e["cine_referral_date"]);
        const yearBefore = isoDate(addMonths(dayNumber(day), -12));
        const n = (referralsBy.get(id) ?? []).filter((x) => iso(x["cine_referral_date"]) > yearBefore && iso(x["cine_referral_date"]) <= day).length;
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
        return [...who(id), dis(id), d(a["cina_assessment_start_date"]), yn(a["cina_assessment_child_seen"]), asAt(a["cina_assessment_auth_date"]), text(a["cina_assessment_team"]), text(a["cina_assessment_worker_id"])];
      }),
  );
  const conferences = groupBy(src.icpc, "icpc_s47_enquiry_id");
  const s47By = groupBy(src.s47, "s47e_person_id");
  list(
    5,
    src.s47
      .filter((s) => inWindow(s["s47e_s47_start_date"]))
      .sort(byDate("s47e_s47_start_date"))
      .map((s) => {
        const id = text(s["s47e_person_id"]);
        const conf = conferences.get(text(s["s47e_s47_enquiry_id"]))?.[0];
        const day = iso(s["s47e_s47_start_date"]);
        const yearBefore = isoDate(addMonths(dayNumber(day), -12));
        const n = (s47By.get(id) ?? []).filter((x) => iso(x["s47e_s47_start_date"]) > yearBefore && iso(x["s47e_s47_start_date"]) <= day).length;
        return [...who(id), dis(id), d(s["s47e_s47_start_date"]), yn(s["s47e_s47_nfa"]), asAt(conf?.["icpc_icpc_date"]), conf && iso(conf["icpc_icpc_date"]) <= to ? yn(conf["icpc_icpc_outcome_cp_flag"]) : "", n, text(s["s47e_s47_completed_by_team"]), text(s["s47e_s47_completed_by_worker_id"])];
      }),
  );
  list(
    6,
    src.episodes
      .filter((e) => overlaps(iso(e["cine_referral_date"]), iso(e["cine_close_date"]), from, to))
      .sort(byDate("cine_referral_date"))
      .map((e) => {
        const id = text(e["cine_person_id"]);
        const closed = iso(e["cine_close_date"]) !== "" && iso(e["cine_close_date"]) <= to;
        return [...who(id), dis(id), d(e["cine_referral_date"]), text(e["cine_cin_primary_need_code"]), closed ? d(e["cine_close_date"]) : null, closed ? text(e["cine_close_reason"]) : "", closed ? "Closed" : "Open", text(e["cine_referral_team"]), text(e["cine_referral_worker_id"])];
      }),
  );
  const plansBy = groupBy(src.cpp, "cppl_person_id");
  list(
    7,
    src.cpp
      .filter((c) => overlaps(iso(c["cppl_cp_plan_start_date"]), iso(c["cppl_cp_plan_end_date"]), from, to))
      .sort(byDate("cppl_cp_plan_start_date"))
      .map((c) => {
        const id = text(c["cppl_person_id"]);
        // The earlier plans held, or the count an Annex A load brought, if it knew of more.
        const held = (plansBy.get(id) ?? []).filter((x) => iso(x["cppl_cp_plan_start_date"]) < iso(c["cppl_cp_plan_start_date"])).length;
        const previous = Math.max(held, Number(c["cppl_previous_plans"] ?? 0));
        return [...who(id), dis(id), d(c["cppl_cp_plan_start_date"]), text(c["cppl_cp_plan_initial_category"]), text(c["cppl_cp_plan_latest_category"]), asAt(c["cppl_cp_plan_end_date"]), previous];
      }),
  );
  // List 8: one row per period of care open in the window, with its latest placement and legal status.
  const placements = new Map(src.placements.map((r) => [text(r["clap_cla_placement_id"]), r]));
  const legalBy = groupBy(src.legal, "lega_person_id");
  const uasc = new Set(src.immigration.filter((r) => text(r["immi_immigration_status"]).toUpperCase() === "UASC").map((r) => text(r["immi_person_id"])));
  const periods = groupBy(src.claEpisodes, "clae_cla_id");
  const rows8: AnnexCell[][] = [];
  for (const eps of periods.values()) {
    const ordered = [...eps].sort(byDate("clae_cla_episode_start_date"));
    const first = ordered[0]!;
    const started = iso(first["clae_entered_care_date"]) || iso(first["clae_cla_episode_start_date"]);
    const inWin = ordered.filter((e) => iso(e["clae_cla_episode_start_date"]) <= to);
    const last = inWin.at(-1);
    if (!last) continue;
    const ended = iso(last["clae_cla_episode_ceased_date"]);
    const ceased = ended !== "" && ended <= to && text(last["clae_cla_episode_ceased_reason"]).toUpperCase() !== "X1" ? ended : "";
    if (!overlaps(started, ceased, from, to)) continue;
    const id = text(first["clae_person_id"]);
    const pl = placements.get(text(last["clae_cla_placement_id"]));
    const legal = (legalBy.get(id) ?? []).filter((l) => iso(l["lega_legal_status_start_date"]) <= (ceased || to)).sort(byDate("lega_legal_status_start_date")).at(-1);
    rows8.push([
      ...who(id),
      uasc.has(id) ? "Yes" : "No",
      dis(id),
      { date: started },
      text(first["clae_cla_primary_need_code"]),
      d(legal?.["lega_legal_status_start_date"]),
      text(legal?.["lega_legal_status"]),
      ceased ? { date: ceased } : null,
      ceased ? text(last["clae_cla_episode_ceased_reason"]) : "",
      d(pl?.["clap_cla_placement_start_date"] ?? last["clae_cla_episode_start_date"]),
      text(pl?.["clap_cla_placement_type"]),
      text(pl?.["clap_cla_placement_provider"]),
      text(pl?.["clap_cla_placement_postcode"]),
      text(pl?.["clap_cla_placement_urn"]),
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
        return [...who(id), entered ? { date: entered } : null, d(r["perm_adm_decision_date"]), asAt(r["perm_placement_order_date"]), asAt(r["perm_matched_date"]), asAt(r["perm_placed_for_adoption_date"]), asAt(r["perm_permanence_order_date"]), asAt(r["perm_decision_reversed_date"]), iso(r["perm_decision_reversed_date"]) && iso(r["perm_decision_reversed_date"]) <= to ? text(r["perm_decision_reversed_reason"]) : ""];
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
      s47: await read("ssd_s47_enquiry"),
      icpc: await read("ssd_initial_cp_conference"),
      cpp: await read("ssd_cp_plans"),
      claEpisodes: await read("ssd_cla_episodes"),
      placements: await read("ssd_cla_placement"),
      legal: await read("ssd_legal_status"),
      immigration: await read("ssd_immigration_status"),
      careLeavers: await read("ssd_care_leavers"),
      permanence: await read("ssd_permanence"),
    },
    opts.period,
  );
  await writeAnnexWorkbook(lists, opts.out);
  const w = annexWindow(opts.period);
  await auditEvent(store, { actor: opts.actor, action: "export.annex_a", target: opts.out, laCode: la_code, detail: { snapshot: snapshot_id, period: opts.period.id, from: w.from, to: w.to, rows: lists.reduce((s, l) => s + l.rows.length, 0) } });
  return { authority: la_code, snapshot: snapshot_id, period: opts.period.id, files: lists.map((l) => ({ file: l.sheet, rows: l.rows.length })) };
}
