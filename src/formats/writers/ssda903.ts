/**
 * @module
 * The SSDA903 writer: an authority's children looked after in a collection year, from its SSD
 * tables, as the 903's CSV tables (Header, Episodes, Reviews, UASC, Missing, OC3, AD1,
 * PlacedAdoption, SWEpisodes), each with the exact column set the DfE's validator and Lantern's
 * reader identify it by, DD/MM/YYYY dates and M/F/U sex codes. A 903 episode is a spell with one
 * placement and one legal status, so each SSD episode is written with the placement it links to
 * and the legal status in force on its start date. AD1 holds the children adopted in the year,
 * PlacedAdoption every decision that a looked-after child should be placed for adoption held in it,
 * and OC3 the young people with their 17th to 21st birthday in it, as at its end. Every table's
 * rows are in one order (child, then date), so a return read back and written again is the same
 * files. Pure: SSD rows in, tables out.
 */

import { makePrivateDir, writePrivateFile } from "../../core/private-files.ts";
import { join } from "node:path";
import type { Period } from "../../calendar/periods.ts";
import { auditEvent } from "../../store/audit.ts";
import type { Store } from "../../store/port.ts";
import { addYears, dayNumber } from "../../calendar/dates.ts";
import { latestTables } from "../../store/snapshots.ts";
import { SSDA903_DATES, SSDA903_TABLE_FEEDS, SSDA903_TABLES, type Ssda903Table } from "../ssda903.ts";
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
  const episodes = src.episodes.filter((e) => overlaps(iso(e["clae_cla_episode_start_date"]), iso(e["clae_cla_episode_ceased_date"]), from, to));
  const looked = new Set(episodes.map((e) => text(e["clae_person_id"])));
  const leavers = careLeaversOf(src.careLeavers, people, p);
  const children = new Set(looked);
  for (const id of leavers.keys()) children.add(id);
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
    add("Header", { CHILD: id, SEX: sex(id), DOB: dob(id), ETHNIC: text(p0?.["pers_ethnicity"]), UPN: text(p0?.["pers_upn"]) || text(p0?.["pers_upn_unknown"]), MOTHER: mother === "Y" ? "1" : mother === "N" ? "0" : "" });
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
  for (const [id, r] of leavers) {
    // Out of touch (or died, or refused): activity and accommodation are coded 0, not left blank (DfE rule 153).
    const touch = text(r["clea_care_leaver_in_touch"]);
    const zero = (v: string) => (v === "" && touch !== "" ? "0" : v);
    add("OC3", { CHILD: id, DOB: dob(id), IN_TOUCH: touch, ACTIV: zero(text(r["clea_care_leaver_activity"])), ACCOM: zero(text(r["clea_care_leaver_accommodation"])) });
  }
  // Children adopted in the year: an episode ceased E11 or E12 (adopted) in it. AD1 is theirs alone
  // (DfE rule 602: an AD1 needs the adoption in the episodes).
  const adopted = new Set(
    episodes
      .filter((e) => ["E11", "E12"].includes(text(e["clae_cla_episode_ceased_reason"]).toUpperCase()) && inYear(iso(e["clae_cla_episode_ceased_date"])))
      .map((e) => text(e["clae_person_id"])),
  );
  // One PlacedAdoption row per decision (child and date): a decision the SSD holds twice (the
  // adoption's record and the decision's own, as a 903 read back gives) is one, with its reversal if either has it.
  const placed = new Map<string, Record<string, string>>();
  for (const r of src.permanence) {
    const id = text(r["perm_person_id"]);
    if (!looked.has(id)) continue;
    const decided = iso(r["perm_adm_decision_date"]);
    const reversed = iso(r["perm_decision_reversed_date"]);
    // Every decision that the child should be placed for adoption held in the year (made by its
    // end and not reversed before it began), adopted or not: DfE rule 551 asks for one for a
    // child placed for adoption (A3-A6), whether or not the adoption has happened.
    if (decided && decided <= to && !(reversed && reversed < from)) {
      const ceased = asAt(r["perm_decision_reversed_date"]);
      const row = { CHILD: id, DOB: dob(id), DATE_PLACED: ddmmyyyy(r["perm_adm_decision_date"]), DATE_PLACED_CEASED: ceased, REASON_PLACED_CEASED: ceased ? text(r["perm_decision_reversed_reason"]) : "" };
      const k = `${id}\u0000${decided}`;
      if (!placed.get(k)?.["DATE_PLACED_CEASED"]) placed.set(k, row);
    }
    const adopters = text(r["perm_number_of_adopters"]);
    if (adopted.has(id) && (iso(r["perm_matched_date"]) || adopters || text(r["perm_adopter_sex"]))) {
      // AD1 is written once the adoption's details are all known by the year's end (DfE rule 151).
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
    }
  }
  for (const row of placed.values()) add("PlacedAdoption", row);
  for (const r of src.involvements) {
    const id = text(r["invo_person_id"]);
    // Only allocated social workers are SWEpisodes (an IRO or a personal adviser is not).
    const role = text(r["invo_professional_role_id"]);
    if (role && !/allocated (social|case) worker/i.test(role)) continue;
    if (!looked.has(id) || !text(r["invo_professional_id"]) || !overlaps(iso(r["invo_involvement_start_date"]), iso(r["invo_involvement_end_date"]), from, to)) continue;
    add("SWEpisodes", { CHILD: id, DOB: dob(id), SW_ID: text(r["invo_professional_id"]), SW_DECOM: ddmmyyyy(r["invo_involvement_start_date"]), SW_DEC: asAt(r["invo_involvement_end_date"]), SW_REASON: text(r["invo_worker_change_reason"]) });
  }
  for (const [t, rows] of Object.entries(out) as [Ssda903Table, string[][]][]) rows.sort(rowOrder(t));
  return out;
}

/** DD/MM/YYYY as YYYY-MM-DD (so dates sort as dates); anything else as it is. */
const sortable = (v: string): string => (/^\d\d\/\d\d\/\d{4}$/.test(v) ? `${v.slice(6)}-${v.slice(3, 5)}-${v.slice(0, 2)}` : v);

/**
 * The order of a table's rows: by CHILD, then the table's own date (DECOM, REVIEW, MIS_START, …:
 * its first date column other than a date of birth), then every cell in turn. The SSD's rows
 * come in no order of their own, so without it an export read back and written again would not
 * be the same files.
 */
function rowOrder(t: Ssda903Table): (a: readonly string[], b: readonly string[]) => number {
  const cols: readonly string[] = SSDA903_TABLES[t];
  const at = cols.findIndex((c) => SSDA903_DATES.has(c) && c !== "DOB" && c !== "MC_DOB");
  const keys = at < 0 ? [0] : [0, at];
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (a, b) => {
    for (const i of keys) {
      const d = cmp(sortable(a[i]!), sortable(b[i]!));
      if (d) return d;
    }
    for (let i = 0; i < a.length; i++) {
      const d = cmp(sortable(a[i]!), sortable(b[i]!));
      if (d) return d;
    }
    return 0;
  };
}

/**
 * The care leavers of the year `p` (OC3), each young person's record as at its end: young people
 * whose 17th to 21st birthday falls in the year (DfE rule 391), with their latest record on or
 * before the year's end (by latest contact, as the care-leaver figures choose: a record with none
 * only when no dated one is held, the later record id on a tie). A record dated after the year's
 * end was not yet made.
 */
function careLeaversOf(rows: readonly SsdRow[], people: ReadonlyMap<string, SsdRow>, p: Period): Map<string, SsdRow> {
  const from = dayNumber(p.start);
  const to = dayNumber(p.end);
  const inCohort = (id: string): boolean => {
    const dob = iso(people.get(id)?.["pers_dob"]);
    if (!dob) return false;
    const born = dayNumber(dob);
    for (let age = 17; age <= 21; age++) {
      const b = addYears(born, age);
      if (b >= from && b <= to) return true;
    }
    return false;
  };
  const best = new Map<string, SsdRow>();
  const rank = (r: SsdRow) => [iso(r["clea_care_leaver_latest_contact"]), text(r["clea_table_id"])] as const;
  for (const r of rows) {
    const id = text(r["clea_person_id"]);
    const contact = iso(r["clea_care_leaver_latest_contact"]);
    if (!id || (contact && contact > p.end) || !inCohort(id)) continue;
    const prev = best.get(id);
    if (!prev) {
      best.set(id, r);
      continue;
    }
    const [a, ai] = rank(r);
    const [b, bi] = rank(prev);
    if (a > b || (a === b && ai >= bi)) best.set(id, r);
  }
  return best;
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
  const held = await latestTables(store, la_code);
  for (const t of Object.keys(SSDA903_TABLES) as Ssda903Table[]) {
    const rows = tables[t];
    // The Header and Episodes files are always written; the others when they have rows, or none
    // while the SSD tables they come from are held: a table of no rows says there were none (no
    // UASC child in the year), which a missing table, read back, does not (the figure would have no value).
    const from = SSDA903_TABLE_FEEDS[t];
    if (!rows?.length && t !== "Header" && t !== "Episodes" && !(from.length && from.every((x) => held.has(x)))) continue;
    writePrivateFile(join(opts.out, SSDA903_FILES[t]), csvText(SSDA903_TABLES[t], rows ?? []));
    files.push({ file: SSDA903_FILES[t], rows: rows?.length ?? 0 });
  }
  await auditEvent(store, { actor: opts.actor, action: "export.ssda903", target: opts.out, laCode: la_code, detail: { snapshot: snapshot_id, period: opts.period.id, files: files.length, rows: files.reduce((s, f) => s + f.rows, 0) } });
  return { authority: la_code, snapshot: snapshot_id, period: opts.period.id, files };
}
