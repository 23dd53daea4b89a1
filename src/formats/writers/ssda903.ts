/**
 * @module
 * The SSDA903 writer: an authority's children looked after in a collection year, from its SSD
 * tables, as the 903's CSV tables (Header, Episodes, Reviews, UASC, Missing, OC3, AD1,
 * PlacedAdoption, SWEpisodes), each with the exact column set the DfE's validator and Lantern's
 * reader identify it by, DD/MM/YYYY dates and M/F/U sex codes. A 903 episode is a spell with one
 * placement and one legal status, so each SSD episode is written with the placement it links to
 * and the legal status in force on its start date. Pure: SSD rows in, tables out.
 */

import { makePrivateDir, writePrivateFile } from "../../core/private-files.ts";
import { join } from "node:path";
import type { Period } from "../../calendar/periods.ts";
import { auditEvent } from "../../store/audit.ts";
import type { Store } from "../../store/port.ts";
import { SSDA903_TABLES, type Ssda903Table } from "../ssda903.ts";
import { csvText, currentRows, ddmmyyyy, groupBy, iso, latestOf, overlaps, type SsdRow, text } from "./returns.ts";

/** The SSD rows a 903 is written from. */
export interface Ssda903Source {
  readonly person: readonly SsdRow[];
  readonly episodes: readonly SsdRow[];
  readonly placements: readonly SsdRow[];
  readonly legal: readonly SsdRow[];
  readonly reviews: readonly SsdRow[];
  readonly immigration: readonly SsdRow[];
  readonly missing: readonly SsdRow[];
  readonly careLeavers: readonly SsdRow[];
  readonly permanence: readonly SsdRow[];
  readonly involvements: readonly SsdRow[];
}

/** The 903's tables: rows of cells in each table's column order. */
export type Ssda903Tables = { [T in Ssda903Table]?: string[][] };

/** The file each table is written to. */
export const SSDA903_FILES: Record<Ssda903Table, string> = {
  Header: "header.csv",
  Episodes: "episodes.csv",
  Reviews: "reviews.csv",
  UASC: "uasc.csv",
  OC2: "oc2.csv",
  OC3: "oc3.csv",
  AD1: "ad1.csv",
  PlacedAdoption: "placed_for_adoption.csv",
  PrevPerm: "previous_permanence.csv",
  Missing: "missing.csv",
  SWEpisodes: "social_worker_episodes.csv",
  DoLo: "dolo.csv",
};

/** Build the 903 tables for the year `p` (children looked after at any time in it, and care leavers). */
export function ssda903Tables(src: Ssda903Source, p: Period): Ssda903Tables {
  const { start: from, end: to } = p;
  const people = new Map(src.person.map((r) => [text(r["pers_person_id"]), r]));
  const placements = new Map(src.placements.map((r) => [text(r["clap_cla_placement_id"]), r]));
  const legalBy = groupBy(src.legal, "lega_person_id");
  const episodes = src.episodes
    .filter((e) => overlaps(iso(e["clae_cla_episode_start_date"]), iso(e["clae_cla_episode_ceased_date"]), from, to))
    .sort((a, b) => text(a["clae_person_id"]).localeCompare(text(b["clae_person_id"])) || iso(a["clae_cla_episode_start_date"]).localeCompare(iso(b["clae_cla_episode_start_date"])));
  const looked = new Set(episodes.map((e) => text(e["clae_person_id"])));
  const children = new Set(looked);
  for (const c of src.careLeavers) children.add(text(c["clea_person_id"]));
  const dob = (id: string) => ddmmyyyy(people.get(id)?.["pers_dob"]);
  const sex = (id: string) => {
    const s = text(people.get(id)?.["pers_sex"]).toUpperCase();
    return s === "M" || s === "F" ? s : "U";
  };
  const legalOn = (id: string, day: string): string => {
    const at = (legalBy.get(id) ?? []).filter((l) => overlaps(iso(l["lega_legal_status_start_date"]), iso(l["lega_legal_status_end_date"]), day, day) && iso(l["lega_legal_status_end_date"]) !== day);
    at.sort((a, b) => iso(b["lega_legal_status_start_date"]).localeCompare(iso(a["lega_legal_status_start_date"])));
    return text(at[0]?.["lega_legal_status"]);
  };
  const out: Ssda903Tables = {};
  // A row identical to one already written is written once: an SSD extract can repeat a record
  // (a review, a missing episode, a care leaver), and the 903 would then count it twice.
  const written = new Set<string>();
  const add = (t: Ssda903Table, row: Record<string, string>) => {
    const cells = SSDA903_TABLES[t].map((c) => row[c] ?? "");
    const key = JSON.stringify([t, cells]);
    if (written.has(key)) return;
    written.add(key);
    const list = out[t] ?? [];
    out[t] = list;
    list.push(cells);
  };
  for (const id of [...children].sort()) {
    const p0 = people.get(id);
    const mother = text(p0?.["pers_is_mother"]);
    add("Header", { CHILD: id, SEX: sex(id), DOB: dob(id), ETHNIC: text(p0?.["pers_ethnicity"]), UPN: text(p0?.["pers_upn"]), MOTHER: mother === "Y" ? "1" : mother === "N" ? "0" : "" });
  }
  for (const e of episodes) {
    const id = text(e["clae_person_id"]);
    const start = iso(e["clae_cla_episode_start_date"]);
    const pl = placements.get(text(e["clae_cla_placement_id"]));
    const ended = iso(e["clae_cla_episode_ceased_date"]) !== "" && iso(e["clae_cla_episode_ceased_date"]) <= to;
    add("Episodes", {
      CHILD: id,
      DECOM: ddmmyyyy(start),
      RNE: text(e["clae_cla_episode_start_reason"]),
      LS: legalOn(id, start),
      CIN: text(e["clae_cla_primary_need_code"]),
      PLACE: text(pl?.["clap_cla_placement_type"]),
      PLACE_PROVIDER: text(pl?.["clap_cla_placement_provider"]),
      DEC: ended ? ddmmyyyy(e["clae_cla_episode_ceased_date"]) : "",
      REC: ended ? text(e["clae_cla_episode_ceased_reason"]) : "",
      REASON_PLACE_CHANGE: ended ? text(pl?.["clap_cla_placement_change_reason"]) : "",
      PL_POST: text(pl?.["clap_cla_placement_postcode"]),
      URN: text(pl?.["clap_cla_placement_urn"]),
    });
  }
  const inYear = (d: string) => d !== "" && d >= from && d <= to;
  /** A date after the year's end had not happened when the return was made: blank, as in a real 903. */
  const asAt = (v: SsdRow[string] | undefined) => (iso(v) > to ? "" : ddmmyyyy(v));
  for (const r of src.reviews) {
    const id = text(r["clar_cla_person_id"]);
    if (looked.has(id) && inYear(iso(r["clar_cla_review_date"]))) add("Reviews", { CHILD: id, DOB: dob(id), REVIEW: ddmmyyyy(r["clar_cla_review_date"]), REVIEW_CODE: text(r["clar_cla_review_participation"]) });
  }
  for (const r of src.immigration) {
    const id = text(r["immi_person_id"]);
    if (looked.has(id) && text(r["immi_immigration_status"]).toUpperCase() === "UASC") add("UASC", { CHILD: id, SEX: sex(id), DOB: dob(id), DUC: ddmmyyyy(r["immi_immigration_status_end_date"]) });
  }
  for (const r of src.missing) {
    const id = text(r["miss_person_id"]);
    if (!looked.has(id) || !overlaps(iso(r["miss_missing_episode_start_date"]), iso(r["miss_missing_episode_end_date"]), from, to)) continue;
    const kind = text(r["miss_missing_episode_type"]).toLowerCase();
    add("Missing", { CHILD: id, DOB: dob(id), MISSING: kind.startsWith("a") ? "A" : "M", MIS_START: ddmmyyyy(r["miss_missing_episode_start_date"]), MIS_END: asAt(r["miss_missing_episode_end_date"]) });
  }
  for (const r of src.careLeavers) {
    const id = text(r["clea_person_id"]);
    // Out of touch (or died, or refused): activity and accommodation are coded 0, not left blank (DfE rule 153).
    const touch = text(r["clea_care_leaver_in_touch"]);
    const zero = (v: string) => (v === "" && touch !== "" ? "0" : v);
    add("OC3", { CHILD: id, DOB: dob(id), IN_TOUCH: touch, ACTIV: zero(text(r["clea_care_leaver_activity"])), ACCOM: zero(text(r["clea_care_leaver_accommodation"])) });
  }
  for (const r of src.permanence) {
    const id = text(r["perm_person_id"]);
    if (!looked.has(id)) continue;
    const adopters = text(r["perm_number_of_adopters"]);
    if (iso(r["perm_matched_date"]) || adopters || text(r["perm_adopter_sex"])) {
      // AD1 is written once the adoption's details are all known by the year's end (DfE rule 151).
      const decided = iso(r["perm_adm_decision_date"]);
      const matched = iso(r["perm_matched_date"]);
      if (!decided || !matched || decided > to || matched > to) continue;
      const carer = text(r["perm_adopted_by_carer_flag"]);
      add("AD1", {
        CHILD: id,
        DOB: dob(id),
        DATE_INT: ddmmyyyy(r["perm_adm_decision_date"]),
        DATE_MATCH: ddmmyyyy(r["perm_matched_date"]),
        FOSTER_CARE: carer === "Y" ? "1" : carer === "N" ? "0" : "",
        NB_ADOPTR: adopters,
        SEX_ADOPTR: text(r["perm_adopter_sex"]),
        LS_ADOPTR: text(r["perm_adopter_legal_status"]),
      });
    } else if (iso(r["perm_adm_decision_date"])) {
      add("PlacedAdoption", { CHILD: id, DOB: dob(id), DATE_PLACED: ddmmyyyy(r["perm_adm_decision_date"]), DATE_PLACED_CEASED: asAt(r["perm_decision_reversed_date"]), REASON_PLACED_CEASED: text(r["perm_decision_reversed_reason"]) });
    }
  }
  for (const r of src.involvements) {
    const id = text(r["invo_person_id"]);
    // Only allocated social workers are SWEpisodes (an IRO or a personal adviser is not).
    const role = text(r["invo_professional_role_id"]);
    if (role && !/allocated (social|case) worker/i.test(role)) continue;
    if (!looked.has(id) || !text(r["invo_professional_id"]) || !overlaps(iso(r["invo_involvement_start_date"]), iso(r["invo_involvement_end_date"]), from, to)) continue;
    add("SWEpisodes", { CHILD: id, DOB: dob(id), SW_ID: text(r["invo_professional_id"]), SW_DECOM: ddmmyyyy(r["invo_involvement_start_date"]), SW_DEC: asAt(r["invo_involvement_end_date"]), SW_REASON: text(r["invo_worker_change_reason"]) });
  }
  return out;
}

/** What an export wrote. */
export interface ReturnExportResult {
  readonly authority: string;
  readonly snapshot: number;
  readonly period: string;
  readonly files: { file: string; rows: number }[];
}

/** Write the 903 CSV tables for `period` to the folder `out`, audited. */
export async function exportSsda903(store: Store, opts: { authority?: string; period: Period; out: string; actor: string }): Promise<ReturnExportResult> {
  const { la_code, snapshot_id } = await latestOf(store, opts.authority);
  const read = (t: string) => currentRows(store, t, la_code);
  const tables = ssda903Tables(
    {
      person: await read("ssd_person"),
      episodes: await read("ssd_cla_episodes"),
      placements: await read("ssd_cla_placement"),
      legal: await read("ssd_legal_status"),
      reviews: await read("ssd_cla_reviews"),
      immigration: await read("ssd_immigration_status"),
      missing: await read("ssd_missing"),
      careLeavers: await read("ssd_care_leavers"),
      permanence: await read("ssd_permanence"),
      involvements: await read("ssd_involvements"),
    },
    opts.period,
  );
  makePrivateDir(opts.out);
  const files: { file: string; rows: number }[] = [];
  for (const t of Object.keys(SSDA903_TABLES) as Ssda903Table[]) {
    const rows = tables[t];
    // The Header and Episodes files are always written; the others when they have rows.
    if (!rows?.length && t !== "Header" && t !== "Episodes") continue;
    writePrivateFile(join(opts.out, SSDA903_FILES[t]), csvText(SSDA903_TABLES[t], rows ?? []));
    files.push({ file: SSDA903_FILES[t], rows: rows?.length ?? 0 });
  }
  await auditEvent(store, { actor: opts.actor, action: "export.ssda903", target: opts.out, laCode: la_code, detail: { snapshot: snapshot_id, period: opts.period.id, files: files.length, rows: files.reduce((s, f) => s + f.rows, 0) } });
  return { authority: la_code, snapshot: snapshot_id, period: opts.period.id, files };
}
