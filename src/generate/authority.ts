/**
 * @module
 * One synthetic authority's children's services, as SSD rows. Children move through the real
 * journey — contacts, referrals, assessments, CIN plans or section 47 enquiries, conferences,
 * protection plans with visits and reviews, periods of care with placements, legal statuses,
 * reviews and visits, leaving care — plus early help, missing episodes, EHC plans and social
 * worker allocations. Each child's journey is laid out forward in time from its referral, so
 * every record follows those before it; the simulation runs six years before `from` so that the
 * first reported year starts with realistic caseloads and history.
 *
 * Rates are calibrated to England 2024-25 (`../shared/benchmarks/derived/`), with an authority
 * propensity of ±15%. Pure: the same spec gives the same rows. It deliberately models only what
 * the indicators and returns need; it is not a demand forecast.
 */

import { addYears, dayOf, ymd } from "../calendar/dates.ts";
import type { WorkingDayCalendar } from "../calendar/working-days.ts";
import { withCheckLetter } from "../formats/rules/upn.ts";
import { SSD_TABLES } from "../store/ssd-schema.ts";
import { personName } from "./names.ts";
import { Random } from "./random.ts";
import type { AuthorityRows, AuthoritySpec, Cell } from "./rows.ts";

const BURN_IN_YEARS = 6;
/** Seasonal factors by month (Jan … Dec): dips in August, late December and around Easter. */
const SEASON = [1.04, 1.06, 1.08, 0.94, 1.06, 1.05, 1.0, 0.76, 0.98, 1.08, 1.08, 0.87];
const REFERRALS_PER_CHILD_YEAR = 0.045;
const CONTACTS_PER_REFERRAL = 2.8;
/** Share of referrals that return a child referred in the previous twelve months. */
const REREFERRAL_SHARE = 0.255;

const SOURCES: readonly (readonly [string, number])[] = [
  ["6", 29],
  ["2A", 18],
  ["2B", 2],
  ["3A", 4],
  ["3B", 3],
  ["3C", 1],
  ["3D", 3],
  ["3E", 3],
  ["3F", 2],
  ["1A", 4],
  ["1B", 2],
  ["1C", 1],
  ["5A", 5],
  ["5B", 3],
  ["5C", 2],
  ["5D", 3],
  ["4", 2],
  ["7", 1],
  ["8", 8],
  ["9", 1],
  ["10", 3],
];
const ETHNICITY: readonly (readonly [string, number])[] = [
  ["WBRI", 66],
  ["WOTH", 6],
  ["WIRI", 1],
  ["MWBC", 4],
  ["MWBA", 1],
  ["MWAS", 2],
  ["MOTH", 3],
  ["APKN", 4],
  ["AIND", 2],
  ["ABAN", 2],
  ["AOTH", 1],
  ["BAFR", 4],
  ["BCRB", 2],
  ["BOTH", 1],
  ["OOTH", 1],
];
const AGE_AT_REFERRAL: readonly (readonly [string, number])[] = [
  ["0", 13],
  ["1-4", 19],
  ["5-9", 24],
  ["10-15", 34],
  ["16-17", 10],
];
const FACTORS = ["1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C", "6A", "6B", "6C", "7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A", "14A", "15A", "16A", "17A", "18B", "18C", "19A", "19B", "19C", "20", "21", "22A", "23A", "24A"];
const TEAMS = [
  ["T01", "Front Door and MASH"],
  ["T02", "Assessment"],
  ["T03", "Child in Need"],
  ["T04", "Child Protection"],
  ["T05", "Children in Care"],
  ["T06", "Care Leavers"],
  ["T07", "Disabled Children"],
  ["T08", "Early Help"],
] as const;

interface Child {
  id: string;
  dob: number;
  /** The day before which nothing else may be planned for this child (case closed, care ended). */
  busyUntil: number;
  plans: number;
  lastReferral: number;
  leftCare: boolean;
  /** Set while a referral's journey leads into care: the referral team hands the case over that day. */
  handedOver?: number;
  /** Disability codes already recorded for the child: each is written once, however often the child is referred. */
  disabilities?: Set<string>;
}

/**
 * Every SSD row of one authority, in memory, with date columns as day numbers. Pure: the same
 * spec (and calendar) always gives the same rows in the same order.
 */
export function generateAuthorityRows(spec: AuthoritySpec, cal: WorkingDayCalendar): AuthorityRows {
  return new Simulation(spec, cal).run();
}

class Simulation {
  readonly spec: AuthoritySpec;
  readonly cal: WorkingDayCalendar;
  readonly r: Random;
  readonly rows: AuthorityRows = new Map();
  readonly children: Child[] = [];
  readonly recent: { child: Child; day: number }[] = [];
  recentHead = 0;
  readonly workers: { id: string; team: string }[] = [];
  /** Referrals already decided for later: a child whose plan ended, coming back. */
  readonly scheduled: { day: number; child: Child; stepUp: boolean }[] = [];
  readonly propensity: number;
  readonly cpPropensity: number;
  readonly carePropensity: number;
  readonly start: number;
  readonly end: number;
  readonly p: string;
  readonly basePopulation: number;
  seq = 0;

  constructor(spec: AuthoritySpec, cal: WorkingDayCalendar) {
    this.spec = spec;
    this.cal = cal;
    this.r = new Random(spec.seed, spec.index, 0x5eed);
    this.propensity = spec.propensity.demand;
    this.cpPropensity = spec.propensity.protection;
    this.carePropensity = spec.propensity.care;
    const f = ymd(spec.fromDay);
    this.start = dayOf(f.y - BURN_IN_YEARS, f.m, 1);
    this.end = spec.toDay;
    this.p = spec.code;
    this.basePopulation = spec.populations[0]!.population;
  }

  add(table: string, row: Record<string, Cell>): void {
    // Nothing that starts after the extract is in it.
    for (const col of this.startColumns(table)) if ((row[col] as number) > this.end) return;
    let list = this.rows.get(table);
    if (!list) {
      list = [];
      this.rows.set(table, list);
    }
    list.push(row);
  }

  readonly #starts = new Map<string, string[]>();
  startColumns(table: string): string[] {
    let cols = this.#starts.get(table);
    if (!cols) {
      cols = (SSD_TABLES.find((t) => t.name === table)?.columns ?? []).filter((c) => c.kind === "date" && c.required).map((c) => c.name);
      this.#starts.set(table, cols);
    }
    return cols;
  }

  /**
   * Record that `c` has the disability `code`, unless it is already recorded: an SSD extract
   * lists a child's code once (a re-referred child's second draw of the same code used to be
   * written again). The caller makes the random draws either way, so every other table holds the
   * rows it held; only the ids after a skipped row move (all ids share one sequence).
   */
  disability(c: Child, code: string): void {
    c.disabilities ??= new Set();
    if (c.disabilities.has(code)) return;
    c.disabilities.add(code);
    this.add("ssd_disability", { disa_table_id: this.id("D"), disa_person_id: c.id, disa_disability_code: code });
  }

  id(prefix: string): string {
    this.seq++;
    return `${this.p}${prefix}${this.seq}`;
  }

  /** A date, or null when it falls after the end of the data (still open at extract). */
  ended(day: number): number | null {
    return day <= this.end ? day : null;
  }

  workingDayOnOrAfter(day: number): number {
    let d = day;
    while (!this.cal.isWorkingDay(d)) d++;
    return d;
  }

  worker(team: string): string {
    const inTeam = this.workers.filter((w) => w.team === team);
    return this.r.pick(inTeam.length ? inTeam : this.workers).id;
  }

  run(): AuthorityRows {
    this.setUpWorkforce();
    const r = this.r;
    for (let m = ymd(this.start); dayOf(m.y, m.m, 1) <= this.end; m = ymd(dayOf(m.y, m.m + 1, 1))) {
      const first = dayOf(m.y, m.m, 1);
      const last = Math.min(dayOf(m.y, m.m + 1, 0), this.end);
      // A gentle upward trend (0.5% a year), level with England's rate in the final year.
      const yearsToLast = (first - (this.end - 182)) / 365.25;
      let factor = SEASON[m.m - 1]! * this.propensity * (1 + 0.005 * yearsToLast);
      for (const s of this.spec.shocks) if (first >= s.day) factor *= s.factor;
      const days = last - first + 1;
      const perMonth = (REFERRALS_PER_CHILD_YEAR * this.populationIn(m.y) * days) / 365.25;
      const referrals = r.poisson(perMonth * factor);
      const dates: { day: number; child?: Child; stepUp?: boolean }[] = [];
      for (let i = 0; i < referrals; i++) dates.push({ day: this.workingDayOnOrAfter(first + r.int(0, days - 1)) });
      for (let i = this.scheduled.length - 1; i >= 0; i--) {
        const sch = this.scheduled[i]!;
        if (sch.day > last) continue;
        this.scheduled.splice(i, 1);
        if (sch.day >= first) dates.push({ day: this.workingDayOnOrAfter(sch.day), child: sch.child, stepUp: sch.stepUp });
      }
      dates.sort((a, b) => a.day - b.day || (a.child ? 1 : 0) - (b.child ? 1 : 0));
      for (const d of dates) if (d.day <= this.end) this.referral(d.day, d.child, d.stepUp);
      if (first >= dayOf(ymd(this.spec.fromDay).y, ymd(this.spec.fromDay).m, 1)) {
        const contacts = r.poisson(perMonth * factor * CONTACTS_PER_REFERRAL);
        for (let i = 0; i < contacts; i++) this.contactOnly(this.workingDayOnOrAfter(first + r.int(0, days - 1)));
      }
      this.earlyHelp(first, days, factor);
      this.ehcp(first, days);
      this.uasc(first, days);
      this.shortBreaks(first, days);
    }
    return this.rows;
  }

  /** Children aged 0-17 in a calendar year (the nearest estimate outside the span given). */
  populationIn(year: number): number {
    const ps = this.spec.populations;
    let best = ps[0]!;
    for (const p of ps) if (Math.abs(p.year - year) < Math.abs(best.year - year)) best = p;
    return best.population;
  }

  setUpWorkforce(): void {
    for (const [id, name] of TEAMS) this.add("ssd_department", { dept_team_id: `${this.p}${id}`, dept_team_name: name, dept_team_parent_id: `${this.p}T00`, dept_team_parent_name: "Children's Services" });
    const n = Math.max(8, Math.round(this.basePopulation / 330));
    for (let i = 0; i < n; i++) {
      const [team] = TEAMS[i % TEAMS.length]!;
      const id = `${this.p}W${i + 1}`;
      const name = personName(this.r);
      const agency = this.r.chance(0.14);
      this.add("ssd_professionals", {
        prof_professional_id: id,
        prof_staff_id: `S${10000 + i}`,
        prof_professional_name: `${name.forename} ${name.surname}`,
        prof_social_worker_registration_no: `SW${100000 + this.spec.index * 1000 + i}`,
        prof_agency_worker_flag: agency ? "Y" : "N",
        prof_professional_job_title: this.r.pick(["Social Worker", "Senior Social Worker", "Advanced Practitioner", "Team Manager"]),
        prof_professional_caseload: this.r.int(8, 22),
        prof_professional_department: `${this.p}${team}`,
        prof_full_time_equivalency: this.r.chance(0.85) ? 1 : 0.6,
      });
      this.workers.push({ id, team: `${this.p}${team}` });
    }
  }

  newChild(on: number, ageBand: string): Child {
    const r = this.r;
    const [lo, hi] = ageBand === "0" ? [0, 0] : ageBand === "1-4" ? [1, 4] : ageBand === "5-9" ? [5, 9] : ageBand === "10-15" ? [10, 15] : [16, 17];
    const age = r.int(lo, hi);
    const dob = on - age * 365 - r.int(0, 364) - (age === 0 ? 0 : 1);
    const c: Child = { id: this.id("P"), dob: Math.min(dob, on), busyUntil: 0, plans: 0, lastReferral: -1e9, leftCare: false };
    const name = personName(r);
    // A UPN the DfE's rules accept (903 168, CIN 1510-1550): a pseudo-LA code (001-005, no real
    // authority's), nine drawn digits and the check letter. The draw once made for a random first
    // letter is still made, so every later draw, and every figure, is as it was.
    r.int(0, 25);
    const upnDigits = `${String(r.int(0, 999999)).padStart(6, "0").slice(3)}${String(r.int(0, 999999)).padStart(6, "0")}`;
    this.add("ssd_person", {
      pers_person_id: c.id,
      pers_legacy_id: null,
      pers_upn: withCheckLetter(`00${(this.spec.index % 5) + 1}${upnDigits}`),
      pers_forename: name.forename,
      pers_surname: name.surname,
      pers_sex: r.chance(0.51) ? "M" : "F",
      pers_gender: null,
      pers_ethnicity: r.weighted(ETHNICITY),
      pers_dob: c.dob,
      pers_single_unique_id: null,
      pers_upn_unknown: null,
      pers_send_flag: "N",
      pers_expected_dob: null,
      pers_death_date: null,
      pers_is_mother: null,
      pers_nationality: null,
    });
    this.children.push(c);
    return c;
  }

  birthday(c: Child, years: number): number {
    return addYears(c.dob, years);
  }

  /** Pick a child for a referral: someone referred within the last year, someone known longer ago, or new. */
  chooseChild(day: number): Child {
    const r = this.r;
    const yearAgo = addYears(day, -1);
    while (this.recentHead < this.recent.length && this.recent[this.recentHead]!.day < yearAgo) this.recentHead++;
    if (this.recentHead > 4096) {
      this.recent.splice(0, this.recentHead);
      this.recentHead = 0;
    }
    const free = (c: Child) => c.busyUntil < day && !c.leftCare && day < this.birthday(c, 17) && day > c.dob;
    const roll = r.next();
    if (roll < REREFERRAL_SHARE && this.recent.length > this.recentHead) {
      for (let tries = 0; tries < 12; tries++) {
        const c = this.recent[r.int(this.recentHead, this.recent.length - 1)]!.child;
        if (free(c)) return c;
      }
    } else if (roll < REREFERRAL_SHARE + 0.08 && this.children.length) {
      for (let tries = 0; tries < 6; tries++) {
        const c = r.pick(this.children);
        if (free(c) && c.lastReferral < yearAgo) return c;
      }
    }
    return this.newChild(day, r.weighted(AGE_AT_REFERRAL));
  }

  contactOnly(day: number): void {
    if (day > this.end) return;
    const r = this.r;
    // A child already known (if still a child), otherwise someone new to services.
    let c = r.chance(0.35) && this.children.length ? r.pick(this.children) : null;
    if (!c || day <= c.dob || day >= this.birthday(c, 18) || c.leftCare) c = this.newChild(day, r.weighted(AGE_AT_REFERRAL));
    const outcome = r.weighted([
      ["NFA_FLAG", 45],
      ["ADVICE_FLAG", 30],
      ["EARLY_HELP", 15],
      ["OTHER_OUTCOMES_EXIST_FLAG", 10],
    ]);
    this.add("ssd_contacts", {
      cont_contact_id: this.id("C"),
      cont_person_id: c.id,
      cont_contact_date: day,
      cont_contact_source_code: r.weighted(SOURCES),
      cont_contact_source_desc: null,
      cont_contact_outcome_json: JSON.stringify({ NEW_REFERRAL_FLAG: "N", [outcome]: "Y", NUMBER_OF_OUTCOMES: 1 }),
    });
  }

  /** A referral on `day`: of `returning` (a child coming back after a plan, or stepped up from early help) or of a child chosen now. */
  referral(day: number, returning?: Child, stepUp = false): void {
    const r = this.r;
    const available = returning !== undefined && returning.busyUntil < day && day < this.birthday(returning, 17) && !returning.leftCare && day > returning.dob;
    if (returning && !available) return;
    const back = available && !stepUp;
    const c = returning ?? this.chooseChild(day);
    const age18 = this.birthday(c, 18);
    const limit = age18 - 1;
    const source = r.weighted(SOURCES);
    const refId = this.id("R");
    const team = `${this.p}T02`;
    const worker = this.worker(team);
    c.lastReferral = day;
    this.recent.push({ child: c, day });
    if (day >= this.spec.fromDay) {
      this.add("ssd_contacts", {
        cont_contact_id: this.id("C"),
        cont_person_id: c.id,
        cont_contact_date: Math.max(this.spec.fromDay, c.dob, day - (r.chance(0.3) ? 1 : 0)),
        cont_contact_source_code: source,
        cont_contact_source_desc: null,
        cont_contact_outcome_json: JSON.stringify({ NEW_REFERRAL_FLAG: "Y", NUMBER_OF_OUTCOMES: 1 }),
      });
    }
    if (r.chance(0.08)) this.disability(c, r.pick(["MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"]));

    const episode: Record<string, Cell> = {
      cine_referral_id: refId,
      cine_person_id: c.id,
      cine_referral_date: day,
      cine_cin_primary_need_code: r.weighted([
        ["N1", 56],
        ["N2", 3],
        ["N3", 4],
        ["N4", 17],
        ["N5", 4],
        ["N6", 3],
        ["N7", 2],
        ["N8", 5],
        ["N9", 4],
        ["N0", 2],
      ]),
      cine_referral_source_code: source,
      cine_referral_source_desc: null,
      cine_referral_outcome_json: null,
      cine_referral_nfa: "N",
      cine_close_reason: null,
      cine_close_date: null,
      cine_referral_team: team,
      cine_referral_worker_id: worker,
    };
    this.add("ssd_cin_episodes", episode);
    const close = (d: number, reason: string) => {
      const at = Math.min(d, limit);
      episode["cine_close_date"] = this.ended(at);
      episode["cine_close_reason"] = at <= this.end ? reason : null;
      c.busyUntil = at;
      // A child who comes into care is allocated a children-in-care worker; the referral team's
      // allocation ends that day rather than running alongside.
      const handover = c.handedOver !== undefined && c.handedOver >= day && c.handedOver < at ? c.handedOver : at;
      c.handedOver = undefined;
      this.add("ssd_involvements", {
        invo_involvements_id: this.id("I"),
        invo_professional_id: worker,
        invo_professional_role_id: "ALLOCATED CASE WORKER",
        invo_professional_team: team,
        invo_person_id: c.id,
        invo_involvement_start_date: day,
        invo_involvement_end_date: this.ended(handover),
        invo_worker_change_reason: null,
        invo_referral_id: refId,
      });
    };
    c.busyUntil = Number.MAX_SAFE_INTEGER;

    // No further action without an assessment (and always for a child days from 18).
    if (r.chance(0.065) || day > limit - 14) {
      episode["cine_referral_nfa"] = "Y";
      episode["cine_referral_outcome_json"] = JSON.stringify({ NFA_FLAG: "Y" });
      close(day + r.int(0, 5), "RC7");
      return;
    }
    // A child moving in on a plan from another authority: a transfer-in conference, no local enquiry.
    if (r.chance(0.012)) {
      const icpcDate = this.cal.add(day, r.int(5, 15));
      if (icpcDate > limit) {
        close(limit, "RC7");
        return;
      }
      this.conference(c, refId, null, icpcDate, close, limit, true);
      return;
    }
    const ageNow = (day - c.dob) / 365.25;
    if (r.chance(this.carePropensity * (ageNow < 1 ? 0.035 : ageNow >= 12 ? 0.01 : 0.003))) {
      const aS = this.cal.add(day, r.int(0, 2));
      this.add("ssd_cin_assessments", { cina_assessment_id: this.id("A"), cina_person_id: c.id, cina_referral_id: refId, cina_assessment_start_date: aS, cina_assessment_child_seen: "Y", cina_assessment_auth_date: this.ended(Math.min(this.cal.add(aS, this.assessmentDays()), limit)), cina_assessment_outcome_json: JSON.stringify({ CLA_REQUEST_FLAG: "Y" }), cina_assessment_outcome_nfa: "N", cina_assessment_team: team, cina_assessment_worker_id: worker });
      const careEnd = this.care(c, refId, day + r.int(0, 7), ageNow < 1 ? "C1" : r.chance(0.15) ? "L1" : "V2");
      close(careEnd + r.int(0, 14), "RC7");
      return;
    }
    const previousPlans = c.plans;
    const s47 = r.chance(back ? 0.9 : previousPlans > 0 ? 0.55 : 0.38);
    const aStart = this.cal.add(day, r.chance(0.2) ? 0 : r.int(1, 3));
    const wd = this.assessmentDays();
    const aAuth = wd === 0 ? aStart : this.cal.add(aStart, wd);
    const assessmentId = this.id("A");
    this.add("ssd_cin_assessments", {
      cina_assessment_id: assessmentId,
      cina_person_id: c.id,
      cina_referral_id: refId,
      cina_assessment_start_date: aStart,
      cina_assessment_child_seen: r.chance(0.96) ? "Y" : "N",
      cina_assessment_auth_date: aAuth <= limit ? this.ended(aAuth) : null,
      cina_assessment_outcome_json: null,
      cina_assessment_outcome_nfa: null,
      cina_assessment_team: team,
      cina_assessment_worker_id: worker,
    });
    if (aAuth <= this.end && aAuth <= limit) {
      const n = r.int(1, 4);
      const factors = new Set<string>();
      for (let i = 0; i < n; i++) factors.add(r.pick(FACTORS));
      // 21 means "no factors identified": never beside another factor (DfE rule 8869).
      if (factors.size > 1) factors.delete("21");
      this.add("ssd_assessment_factors", { cinf_table_id: this.id("F"), cinf_assessment_id: assessmentId, cinf_assessment_factors_json: JSON.stringify([...factors]) });
    }
    if (aAuth > limit) {
      close(limit, "RC7");
      return;
    }

    if (s47) {
      const sStart = day + r.int(0, 3);
      const sEnd = Math.min(this.cal.add(sStart, r.int(3, 14)), limit);
      const sId = this.id("S");
      const toConference = r.chance(this.cpPropensity * (back ? 0.75 : previousPlans > 0 ? 0.33 : 0.226));
      this.add("ssd_s47_enquiry", {
        s47e_s47_enquiry_id: sId,
        s47e_referral_id: refId,
        s47e_person_id: c.id,
        s47e_s47_start_date: sStart,
        s47e_s47_end_date: this.ended(sEnd),
        s47e_s47_nfa: toConference ? "N" : "Y",
        s47e_s47_outcome_json: JSON.stringify(toConference ? { CP_CONFERENCE_FLAG: "Y" } : { NFA_FLAG: "Y" }),
        s47e_s47_completed_by_team: `${this.p}T04`,
        s47e_s47_completed_by_worker_id: worker,
      });
      if (toConference) {
        const icpcDate = this.cal.add(sStart, r.chance(0.805) ? r.int(5, 15) : r.int(16, 32));
        if (icpcDate > limit) {
        close(limit, "RC7");
        return;
      }
        this.conference(c, refId, sId, icpcDate, close, limit, false);
        return;
      }
      if (r.chance(0.3)) {
        close(Math.max(aAuth, sEnd) + r.int(0, 10), "RC8");
        return;
      }
      this.cinPlan(c, refId, Math.max(aAuth, sEnd), close, limit);
      return;
    }
    // Assessed: not in need, or a child in need plan.
    if (r.chance(0.47)) {
        close(aAuth + r.int(0, 10), r.chance(0.7) ? "RC8" : "RC9");
        return;
      }
    this.cinPlan(c, refId, aAuth, close, limit);
  }

  assessmentDays(): number {
    const r = this.r;
    if (r.chance(0.03)) return 0;
    if (r.chance(0.85)) return Math.min(45, 6 + Math.floor(40 * r.next() ** 0.65));
    return 46 + Math.floor(40 * r.next() ** 1.6);
  }

  cinPlan(c: Child, refId: string, startDay: number, close: (d: number, reason: string) => void, limit: number): void {
    const r = this.r;
    if (startDay >= limit - 1) {
      close(limit, "RC7");
      return;
    }
    const planEnd = Math.min(startDay + Math.round(r.lognormal(175, 0.6)), limit);
    const id = this.id("N");
    const team = `${this.p}T03`;
    const intoCare = r.chance(0.045 * this.carePropensity) && planEnd < limit - 30;
    const end = intoCare ? startDay + Math.round((planEnd - startDay) * r.next()) + 1 : planEnd;
    this.add("ssd_cin_plans", {
      cinp_cin_plan_id: id,
      cinp_referral_id: refId,
      cinp_person_id: c.id,
      cinp_cin_plan_start_date: startDay,
      cinp_cin_plan_end_date: this.ended(end),
      cinp_cin_plan_team: team,
      cinp_cin_plan_worker_id: this.worker(team),
    });
    this.missingFromHome(c, startDay, end);
    for (let v = this.cal.add(startDay, r.int(5, 20)); v < Math.min(end, this.end); v = this.cal.add(v, r.int(10, 30))) {
      this.add("ssd_cin_visits", { cinv_cin_visit_id: this.id("V"), cinv_person_id: c.id, cinv_cin_visit_date: v, cinv_cin_visit_seen: r.chance(0.93) ? "Y" : "N", cinv_cin_visit_seen_alone: r.chance(0.5) ? "Y" : "N", cinv_cin_visit_bedroom: r.chance(0.3) ? "Y" : "N" });
    }
    if (intoCare) {
      const careEnd = this.care(c, refId, end, "V2");
      close(careEnd + r.int(0, 14), "RC7");
    } else {
      close(end + r.int(0, 14), "RC7");
    }
  }

  conference(c: Child, refId: string, s47Id: string | null, icpcDate: number, close: (d: number, reason: string) => void, limit: number, transferIn: boolean): void {
    const r = this.r;
    const icpcId = this.id("K");
    const toPlan = transferIn || r.chance(0.85);
    const planId = toPlan ? this.id("CP") : null;
    this.add("ssd_initial_cp_conference", {
      icpc_icpc_id: icpcId,
      icpc_icpc_meeting_id: this.id("M"),
      icpc_s47_enquiry_id: s47Id,
      icpc_person_id: c.id,
      icpc_cp_plan_id: planId,
      icpc_referral_id: refId,
      icpc_icpc_transfer_in: transferIn ? "Y" : "N",
      icpc_icpc_target_date: null,
      icpc_icpc_date: icpcDate,
      icpc_icpc_outcome_cp_flag: toPlan ? "Y" : "N",
      icpc_icpc_outcome_json: JSON.stringify(toPlan ? { CP_FLAG: "Y" } : { NFA_FLAG: "Y" }),
      icpc_icpc_team: `${this.p}T04`,
      icpc_icpc_worker_id: this.worker(`${this.p}T04`),
    });
    if (!planId) {
      if (r.chance(0.5)) {
        close(icpcDate + r.int(0, 10), "RC7");
        return;
      }
      this.cinPlan(c, refId, icpcDate, close, limit);
      return;
    }
    c.plans++;
    const length = Math.max(14, Math.round(r.lognormal(235, 0.65)));
    const planEnd = Math.min(icpcDate + length, limit);
    const category = r.weighted([
      ["NEG", 50],
      ["EMO", 35],
      ["PHY", 7],
      ["SAB", 4],
      ["MUL", 4],
    ]);
    this.add("ssd_cp_plans", {
      cppl_cp_plan_id: planId,
      cppl_referral_id: refId,
      cppl_icpc_id: icpcId,
      cppl_person_id: c.id,
      cppl_cp_plan_start_date: icpcDate,
      cppl_cp_plan_end_date: this.ended(planEnd),
      cppl_cp_plan_ola: "N",
      cppl_cp_plan_initial_category: category,
      cppl_cp_plan_latest_category: r.chance(0.9) ? category : "MUL",
    });
    const stop = Math.min(planEnd, this.end);
    this.missingFromHome(c, icpcDate, planEnd);
    for (let v = this.cal.add(icpcDate, r.int(2, 9)); v < stop; v = this.cal.add(v, r.chance(0.88) ? r.int(4, 10) : r.int(11, 16))) {
      this.add("ssd_cp_visits", { cppv_cp_visit_id: this.id("V"), cppv_person_id: c.id, cppv_cp_plan_id: planId, cppv_cp_visit_date: v, cppv_cp_visit_seen: r.chance(0.95) ? "Y" : "N", cppv_cp_visit_seen_alone: r.chance(0.6) ? "Y" : "N", cppv_cp_visit_bedroom: r.chance(0.4) ? "Y" : "N" });
    }
    for (let due = icpcDate + 91; due < stop; due += 182) {
      const held = due - r.int(0, 10) + (r.chance(0.08) ? r.int(11, 30) : 0);
      if (held >= stop) break;
      this.add("ssd_cp_reviews", { cppr_cp_review_id: this.id("Q"), cppr_person_id: c.id, cppr_cp_plan_id: planId, cppr_cp_review_due: due, cppr_cp_review_date: held, cppr_cp_review_meeting_id: this.id("M"), cppr_cp_review_outcome_continue_cp: "Y", cppr_cp_review_quorate: "Y", cppr_cp_review_participation: r.pick(["PN1", "PN2", "PN3", "PN4", "PN0"]) });
    }
    if (planEnd >= limit) {
        close(limit, "RC7");
        return;
      }
    const next = r.next();
    if (next < 0.19 * this.carePropensity) {
      const careEnd = this.care(c, refId, planEnd, "C1");
      close(careEnd + r.int(0, 14), "RC7");
      return;
    }
    if (r.chance(0.7)) this.scheduled.push({ day: planEnd + 60 + Math.round(r.lognormal(330, 0.6)), child: c, stepUp: false });
    if (next < 0.7) {
        this.cinPlan(c, refId, planEnd, close, limit);
        return;
      }
    close(planEnd + r.int(0, 10), "RC7");
  }

  /** Missing-from-home episodes for some adolescents (12+) open to services, between `from` and `to`. */
  missingFromHome(c: Child, from: number, to: number): void {
    const r = this.r;
    const d0 = Math.max(from, addYears(c.dob, 12));
    const stop = Math.min(to, this.end, this.birthday(c, 18) - 1);
    if (d0 >= stop || !r.chance(0.12)) return;
    const n = 1 + r.poisson(0.8);
    for (let i = 0; i < n; i++) {
      const ms = d0 + r.int(0, stop - d0 - 1);
      const me = Math.min(ms + (r.chance(0.7) ? 0 : r.int(1, 3)), stop);
      const offered = r.chance(0.85);
      this.add("ssd_missing", { miss_table_id: this.id("MI"), miss_person_id: c.id, miss_missing_episode_start_date: ms, miss_missing_episode_type: r.chance(0.9) ? "Missing" : "Absent", miss_missing_episode_end_date: me, miss_missing_rhi_offered: offered ? "Y" : "N", miss_missing_rhi_accepted: offered && r.chance(0.55) ? "Y" : "N" });
    }
  }

  /**
   * The day of the next placement move after `from`: a piecewise-constant hazard (moves a year)
   * that is high in the first six months of care, lower to a year, low once settled, and higher
   * for adolescents, walked segment by segment so a placement made early can still settle.
   */
  nextMove(from: number, careStart: number, dob: number): number {
    const r = this.r;
    const teenFrom = addYears(dob, 11);
    let t = from;
    for (;;) {
      const inCare = t - careStart;
      const teen = t >= teenFrom;
      const rate = inCare < 183 ? (teen ? 2.8 : 1.7) : inCare < 365 ? (teen ? 0.8 : 0.4) : teen ? 0.26 : 0.1;
      const segEnd = Math.min(inCare < 183 ? careStart + 183 : inCare < 365 ? careStart + 365 : Number.POSITIVE_INFINITY, teen ? Number.POSITIVE_INFINITY : teenFrom);
      const wait = (-Math.log(1 - r.next()) / rate) * 365.25;
      if (t + wait < segEnd) return Math.round(t + wait);
      t = segEnd;
    }
  }

  /** A period of care from `startDay`; returns the day it ends (or the extract end). */
  care(c: Child, refId: string | null, startDay: number, firstStatus: string, uasc = false): number {
    const r = this.r;
    c.handedOver = startDay;
    const age18 = this.birthday(c, 18);
    const ageYears = (startDay - c.dob) / 365.25;
    // Nothing to record for care that would start after the extract or days from 18.
    if (startDay >= age18 - 7 || startDay > this.end) return startDay;
    let length: number;
    let reason: string;
    if (uasc) {
      length = age18 - startDay;
      reason = "E8";
    } else if (ageYears < 1) {
      const path = r.next();
      length = Math.round(r.lognormal(path < 0.45 ? 700 : 450, 0.45));
      reason = path < 0.45 ? (r.chance(0.8) ? "E11" : "E12") : path < 0.75 ? r.pick(["E45", "E46", "E47", "E48"]) : r.pick(["E13", "E4A", "E41"]);
    } else if (ageYears < 10) {
      const path = r.next();
      length = Math.round(r.lognormal(path < 0.25 ? 120 : 1200, 0.6));
      reason = path < 0.25 ? r.pick(["E13", "E4A", "E4B"]) : path < 0.45 ? r.pick(["E45", "E46", "E47", "E48", "E41"]) : path < 0.55 ? "E11" : "E8";
    } else {
      const path = r.next();
      length = path < 0.45 ? Math.round(r.lognormal(180, 0.8)) : age18 - startDay;
      reason = path < 0.45 ? r.pick(["E13", "E4A", "E4B", "E41"]) : "E8";
    }
    const endDay = Math.min(startDay + Math.max(1, length), age18);
    if (endDay === age18) reason = r.weighted([
      ["E8", 40],
      ["E17", 25],
      ["E5", 20],
      ["E6", 5],
      ["E3", 10],
    ]);
    const claId = this.id("L");
    c.busyUntil = Math.max(c.busyUntil, endDay + 1);

    // Placements: moves are likelier in the first year.
    const placements: { start: number; end: number; type: string }[] = [];
    let s = startDay;
    const age = (d: number) => (d - c.dob) / 365.25;
    while (s < endDay) {
      const stay = Math.max(2, this.nextMove(s, startDay, c.dob) - s);
      const e = Math.min(s + stay, endDay);
      const a = age(s);
      const type = uasc
        ? r.weighted([
            ["U6", 40],
            ["K2", 10],
            ["H5", 50],
          ])
        : a >= 16
          ? r.weighted([
              ["U4", 30],
              ["U6", 15],
              ["K2", 20],
              ["H5", 25],
              ["Z1", 10],
            ])
          : a >= 11
            ? r.weighted([
                ["U4", 30],
                ["U6", 20],
                ["U1", 10],
                ["U3", 5],
                ["K2", 23],
                ["R1", 2],
                ["P1", 5],
                ["Z1", 3],
                ["S1", 2],
              ])
            : r.weighted([
                ["U4", 30],
                ["U6", 25],
                ["U1", 12],
                ["U3", 10],
                ["U5", 5],
                ["P1", 8],
                ["K2", 4],
                ["R3", 2],
              ]);
      placements.push({ start: s, end: e, type });
      s = e;
    }
    if ((reason === "E11" || reason === "E12") && placements.length) {
      // Placed for adoption before the order.
      const last = placements[placements.length - 1]!;
      const adoptStart = Math.max(last.start + 1, endDay - r.int(120, 300));
      if (adoptStart < endDay) {
        last.end = adoptStart;
        placements.push({ start: adoptStart, end: endDay, type: r.chance(0.15) ? "A5" : "A4" });
      }
    }
    const provider = () => r.weighted([
      ["PR1", 45],
      ["PR4", 40],
      ["PR2", 5],
      ["PR3", 5],
      ["PR5", 5],
    ]);
    const placementIds: string[] = [];
    for (const [i, pl] of placements.entries()) {
      if (pl.start > this.end) break;
      const pid = this.id("PL");
      placementIds.push(pid);
      const last = i === placements.length - 1;
      this.add("ssd_cla_placement", {
        clap_cla_placement_id: pid,
        clap_cla_id: claId,
        clap_person_id: c.id,
        clap_cla_placement_start_date: pl.start,
        // Placed with parents is never under section 20 alone (DfE rule 378): foster care instead.
        clap_cla_placement_type: pl.type === "P1" && firstStatus === "V2" ? "U4" : pl.type,
        clap_cla_placement_urn: pl.type === "K2" ? `SC${r.int(100000, 999999)}` : null,
        clap_cla_placement_distance: Math.round(r.lognormal(6, 1) * 10) / 10,
        clap_cla_placement_provider: provider(),
        clap_cla_placement_postcode: null,
        clap_cla_placement_end_date: this.ended(pl.end),
        clap_cla_placement_change_reason: last || pl.end > this.end ? null : r.pick(["CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ", "PLACE", "OTHER"]),
      });
    }

    // Legal statuses: an interim order becoming a full care order, or section 20 throughout.
    const statuses: { start: number; end: number; code: string }[] = [];
    let statusStart = startDay;
    let status = firstStatus;
    if (status === "L1" && endDay > startDay + 3) {
      // Police protection for a few days, then an interim care order.
      statusStart = startDay + r.int(1, 3);
      statuses.push({ start: startDay, end: statusStart, code: "L1" });
      status = "C1";
    }
    if (status === "C1") {
      const full = statusStart + r.int(150, 280);
      statuses.push({ start: statusStart, end: Math.min(full, endDay), code: "C1" });
      if (full < endDay) {
        const po = reason === "E11" || reason === "E12" ? Math.max(full + 1, endDay - r.int(300, 400)) : endDay;
        statuses.push({ start: full, end: Math.min(po, endDay), code: "C2" });
        if (po < endDay) statuses.push({ start: po, end: endDay, code: "E1" });
      }
    } else {
      statuses.push({ start: statusStart, end: endDay, code: status });
    }
    for (const st of statuses) {
      if (st.start > this.end) break;
      this.add("ssd_legal_status", { lega_legal_status_id: this.id("LS"), lega_person_id: c.id, lega_legal_status: st.code, lega_legal_status_start_date: st.start, lega_legal_status_end_date: this.ended(st.end) });
    }

    // Episodes: a new one at each placement or legal status change.
    const changes = [...new Set([startDay, ...placements.map((p) => p.start), ...statuses.map((x) => x.start)])].filter((d) => d < endDay && d <= this.end).sort((a, b) => a - b);
    changes.forEach((d, i) => {
      const next = changes[i + 1] ?? endDay;
      const pIndex = placements.findIndex((p) => p.start <= d && d < p.end);
      const placementChanged = placements.some((p) => p.start === d);
      const statusChanged = statuses.some((x) => x.start === d);
      this.add("ssd_cla_episodes", {
        clae_cla_episode_id: this.id("E"),
        clae_person_id: c.id,
        clae_cla_placement_id: placementIds[pIndex] ?? null,
        clae_cla_episode_start_date: d,
        clae_cla_episode_start_reason: i === 0 ? "S" : placementChanged && statusChanged ? "T" : placementChanged ? "P" : "L",
        clae_cla_primary_need_code: uasc ? "N8" : "N1",
        clae_cla_episode_ceased_date: this.ended(next),
        clae_cla_episode_ceased_reason: next > this.end ? null : i === changes.length - 1 ? reason : "X1",
        clae_cla_id: claId,
        clae_referral_id: refId,
        clae_cla_last_iro_contact_date: null,
        clae_entered_care_date: startDay,
      });
    });

    // Reviews (20 days, 3 months, then 6-monthly) and visits (6-weekly, then 3-monthly).
    const stop = Math.min(endDay, this.end);
    for (let due = startDay + 20, k = 0; due < stop; due += k === 0 ? 71 : 182, k++) {
      this.add("ssd_cla_reviews", { clar_cla_review_id: this.id("CR"), clar_cla_id: claId, clar_cla_person_id: c.id, clar_cla_review_due_date: due, clar_cla_review_date: Math.min(due - r.int(0, 7) + (r.chance(0.07) ? 20 : 0), stop - 1), clar_cla_review_cancelled: "N", clar_cla_review_participation: r.pick(["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7", "PN0"]) });
    }
    for (let v = startDay + r.int(3, 7), k = 0; v < stop; v += k < 8 ? r.int(35, 42) : r.int(70, 90), k++) {
      this.add("ssd_cla_visits", { clav_cla_visit_id: this.id("CV"), clav_cla_id: claId, clav_person_id: c.id, clav_cla_visit_date: v, clav_cla_visit_seen: r.chance(0.97) ? "Y" : "N", clav_cla_visit_seen_alone: r.chance(0.7) ? "Y" : "N" });
    }
    // Social workers: a change of worker is common in a long period of care.
    let w0 = startDay;
    while (w0 < stop) {
      const w1 = Math.min(stop, w0 + Math.round(r.lognormal(1100, 0.6)));
      this.add("ssd_involvements", { invo_involvements_id: this.id("I"), invo_professional_id: this.worker(`${this.p}T05`), invo_professional_role_id: "ALLOCATED CASE WORKER", invo_professional_team: `${this.p}T05`, invo_person_id: c.id, invo_involvement_start_date: w0, invo_involvement_end_date: this.ended(w1 === stop && stop === this.end ? this.end + 1 : w1), invo_worker_change_reason: w1 < stop ? r.pick(["MANAGE", "LEFTRL", "ORGRST", "CHCHAN"]) : null, invo_referral_id: refId });
      w0 = w1;
    }
    // Missing and absent episodes, for older children.
    for (let y = startDay; y < stop; y += 365) {
      const d0 = Math.max(y, addYears(c.dob, 11));
      if (d0 >= Math.min(y + 365, stop) || !r.chance(0.17)) continue;
      const n = 1 + r.poisson(1.6);
      for (let i = 0; i < n; i++) {
        const ms = d0 + r.int(0, Math.min(y + 365, stop) - d0 - 1);
        if (ms >= stop) continue;
        const me = ms + (r.chance(0.6) ? 0 : r.int(1, 4));
        const offered = r.chance(0.82);
        this.add("ssd_missing", { miss_table_id: this.id("MI"), miss_person_id: c.id, miss_missing_episode_start_date: ms, miss_missing_episode_type: r.chance(0.85) ? "Missing" : "Absent", miss_missing_episode_end_date: this.ended(Math.min(me, stop)), miss_missing_rhi_offered: me <= this.end ? (offered ? "Y" : "N") : null, miss_missing_rhi_accepted: me <= this.end ? (offered && r.chance(0.6) ? "Y" : "N") : null });
      }
    }
    if (reason === "E11" || reason === "E12" || reason.startsWith("E4")) {
      const perm: Record<string, string | number | null> = {
        perm_table_id: this.id("PM"),
        perm_person_id: c.id,
        perm_cla_id: claId,
        perm_adm_decision_date: this.ended(reason.startsWith("E1") ? Math.max(startDay, endDay - r.int(400, 500)) : this.end + 1),
        perm_part_of_sibling_group: r.chance(0.3) ? "Y" : "N",
        perm_siblings_placed_together: null,
        perm_siblings_placed_apart: null,
        perm_ffa_cp_decision_date: null,
        perm_placement_order_date: this.ended(reason.startsWith("E1") ? Math.max(startDay, endDay - r.int(300, 380)) : this.end + 1),
        perm_matched_date: this.ended(reason.startsWith("E1") ? Math.max(startDay, endDay - r.int(200, 290)) : this.end + 1),
        perm_adopter_sex: reason.startsWith("E1") ? r.pick(["MF", "FF", "MM", "F1"]) : null,
        perm_adopter_legal_status: null,
        perm_number_of_adopters: reason.startsWith("E1") ? r.int(1, 2) : null,
        perm_placed_for_adoption_date: null,
        perm_adopted_by_carer_flag: reason === "E11" ? "N" : null,
        perm_placed_foster_carer_date: null,
        perm_placed_ffa_cp_date: null,
        perm_placement_provider_urn: null,
        perm_decision_reversed_date: null,
        perm_decision_reversed_reason: null,
        perm_permanence_order_date: endDay <= this.end ? endDay : null,
        perm_permanence_order_type: reason,
        perm_adoption_worker_id: null,
      };
      // An adoption's details are all recorded together (DfE rule 151), consistently with each other.
      const sex = perm["perm_adopter_sex"];
      if (typeof sex === "string") {
        perm["perm_number_of_adopters"] = sex.endsWith("1") ? 1 : 2;
        perm["perm_adopter_legal_status"] = sex.endsWith("1") ? "L0" : sex === "MF" ? "L11" : "L12";
        perm["perm_adopted_by_carer_flag"] ??= "N";
      }
      this.add("ssd_permanence", perm);
    }
    // Leaving care at 16 or over after 13 weeks or more in care since 14 (not by adoption or a
    // special guardianship or arrangements order): a relevant, later former relevant, care leaver.
    const permanence = reason === "E11" || reason === "E12" || reason.startsWith("E4");
    if (!permanence && endDay >= addYears(c.dob, 16) && endDay - Math.max(startDay, addYears(c.dob, 14)) >= 91 && endDay <= this.end) {
      c.leftCare = true;
      this.careLeaver(c, endDay);
    }
    return endDay;
  }

  /** The care leaver's record as at the extract (one row a young person), having left care on `left`. */
  careLeaver(c: Child, left: number): void {
    const r = this.r;
    const age = (this.end - c.dob) / 365.25;
    if (age >= 22) return;
    const touch = r.weighted([
      ["YES", 93],
      ["NO", 2.5],
      ["REFU", 1.5],
      ["NREQ", 1],
      ["RHOM", 1],
      ["DIED", 0.2],
    ]);
    const eet = r.chance(0.57);
    const activity = eet
      ? r.weighted([
          ["F1", 8],
          ["P1", 2],
          ["F2", 30],
          ["P2", 10],
          ["F4", 20],
          ["P4", 12],
          ["F5", 10],
          ["P5", 8],
        ])
      : r.weighted([
          ["G4", 50],
          ["G5", 25],
          ["G6", 25],
        ]);
    const suitable = r.chance(0.94);
    const letter = r.pick(["B", "C", "D", "E", "G", "H", "K", "R", "S", "T", "U", "V"]);
    this.add("ssd_care_leavers", {
      clea_table_id: this.id("CL"),
      clea_person_id: c.id,
      clea_care_leaver_eligibility: this.end >= this.birthday(c, 18) ? "Former relevant" : "Relevant",
      clea_care_leaver_in_touch: touch,
      clea_care_leaver_latest_contact: touch === "YES" ? Math.max(left, this.end - (r.chance(0.85) ? r.int(0, 55) : r.int(56, 150))) : null,
      clea_care_leaver_accommodation: touch === "YES" ? `${letter}${suitable ? 1 : 2}` : null,
      clea_care_leaver_accom_suitable: touch === "YES" ? (suitable ? "1" : "2") : null,
      clea_care_leaver_activity: touch === "YES" ? activity : null,
      clea_pathway_plan_review_date: Math.max(left, this.end - r.int(0, 180)),
      clea_care_leaver_personal_advisor: personName(r).surname,
      clea_care_leaver_allocated_team: `${this.p}T06`,
      clea_care_leaver_worker_id: this.worker(`${this.p}T06`),
    });
  }

  earlyHelp(first: number, days: number, factor: number): void {
    const r = this.r;
    const n = r.poisson(((0.05 * this.basePopulation * days) / 365.25) * factor);
    for (let i = 0; i < n; i++) {
      const s = this.workingDayOnOrAfter(first + r.int(0, days - 1));
      if (s > this.end) continue;
      // A child known before and not open to social care now, or someone new.
      let c = r.chance(0.3) && this.children.length ? r.pick(this.children) : null;
      if (!c || s <= c.dob || c.busyUntil >= s || c.leftCare) c = this.newChild(s, r.weighted(AGE_AT_REFERRAL));
      const e = Math.min(s + Math.round(r.lognormal(160, 0.5)), this.birthday(c, 18) - 1);
      if (e <= s) continue;
      const endReason =
        e <= this.end
          ? r.weighted([
              ["Outcomes achieved", 60],
              ["Stepped up to social care", 10],
              ["Family disengaged", 20],
              ["Moved away", 10],
            ])
          : null;
      // Stepping up: a referral to social care on the day early help ends.
      if (endReason === "Stepped up to social care") this.scheduled.push({ day: e, child: c, stepUp: true });
      this.add("ssd_early_help_episodes", { earl_episode_id: this.id("EH"), earl_person_id: c.id, earl_episode_start_date: s, earl_episode_end_date: this.ended(e), earl_episode_reason: r.pick(["Family support", "Parenting", "School attendance", "Emotional wellbeing", "Domestic abuse"]), earl_episode_end_reason: endReason, earl_episode_organisation: `${this.p}T08`, earl_episode_worker_id: this.worker(`${this.p}T08`) });
    }
  }

  ehcp(first: number, days: number): void {
    const r = this.r;
    const n = r.poisson((0.0125 * this.basePopulation * days) / 365.25);
    for (let i = 0; i < n; i++) {
      const req = this.workingDayOnOrAfter(first + r.int(0, days - 1));
      if (req > this.end) continue;
      const c = this.newChild(req, r.weighted([
        ["1-4", 25],
        ["5-9", 40],
        ["10-15", 30],
      ]));
      const sendId = this.id("SE");
      this.add("ssd_send", { send_table_id: sendId, send_person_id: c.id, send_upn: null, send_uln: null, send_upn_unknown: null });
      const reqId = this.id("ER");
      const agreed = r.chance(0.78);
      const decision = req + r.int(30, 42);
      this.add("ssd_ehcp_requests", { ehcr_ehcp_request_id: reqId, ehcr_send_table_id: sendId, ehcr_ehcp_req_date: req, ehcr_ehcp_req_outcome_date: this.ended(decision), ehcr_ehcp_req_outcome: decision <= this.end ? (agreed ? "Assessment agreed" : "Assessment refused") : null });
      if (!agreed || decision > this.end) continue;
      const issued = r.chance(0.88);
      const exception = r.chance(0.05);
      const planDay = req + Math.max(60, Math.round(r.lognormal(exception ? 180 : 145, 0.3)));
      const outcomeDay = issued ? planDay : decision + r.int(40, 80);
      const asmtId = this.id("EA");
      this.add("ssd_ehcp_assessment", { ehca_ehcp_assessment_id: asmtId, ehca_ehcp_request_id: reqId, ehca_ehcp_assessment_outcome_date: this.ended(outcomeDay), ehca_ehcp_assessment_outcome: outcomeDay <= this.end ? (issued ? "Plan issued" : "Plan not issued") : null, ehca_ehcp_assessment_exceptions: exception ? "Y" : "N" });
      if (!issued || planDay > this.end) continue;
      const ceased = Math.min(planDay + Math.round(r.lognormal(2500, 0.5)), this.birthday(c, 18) - 1);
      this.add("ssd_ehcp_named_plan", { ehcn_named_plan_id: this.id("EP"), ehcn_ehcp_asmt_id: asmtId, ehcn_named_plan_start_date: planDay, ehcn_named_plan_ceased_date: this.ended(ceased), ehcn_named_plan_ceased_reason: ceased <= this.end ? r.pick(["Moved away", "Needs met", "Left education", "Other"]) : null });
      if (ceased > this.end) this.add("ssd_ehcp_active_plans", { ehcp_active_ehcp_id: this.id("EC"), ehcp_ehcp_request_id: reqId, ehcp_active_ehcp_last_review_date: Math.max(planDay, this.end - r.int(0, 365)) });
    }
  }

  /** Unaccompanied asylum-seeking children arriving at 16 or 17. */
  uasc(first: number, days: number): void {
    const r = this.r;
    const n = r.poisson((0.00013 * this.basePopulation * days) / 365.25);
    for (let i = 0; i < n; i++) {
      const d = first + r.int(0, days - 1);
      if (d > this.end) continue;
      const c = this.newChild(d, "16-17");
      const refId = this.id("R");
      const end = this.care(c, refId, d, "V2", true);
      this.add("ssd_cin_episodes", { cine_referral_id: refId, cine_person_id: c.id, cine_referral_date: d, cine_cin_primary_need_code: "N8", cine_referral_source_code: "5C", cine_referral_source_desc: null, cine_referral_outcome_json: null, cine_referral_nfa: "N", cine_close_reason: end <= this.end ? "RC7" : null, cine_close_date: this.ended(end), cine_referral_team: `${this.p}T05`, cine_referral_worker_id: this.worker(`${this.p}T05`) });
      this.add("ssd_immigration_status", { immi_immigration_status_id: this.id("IM"), immi_person_id: c.id, immi_immigration_status: "UASC", immi_immigration_status_start_date: d, immi_immigration_status_end_date: this.ended(end) });
    }
  }

  /** Disabled children looked after only under a series of short breaks (V3/V4): in the data, left out of looked-after measures. */
  shortBreaks(first: number, days: number): void {
    const r = this.r;
    const n = r.poisson((0.00004 * this.basePopulation * days) / 365.25);
    for (let i = 0; i < n; i++) {
      const d = first + r.int(0, days - 1);
      if (d > this.end) continue;
      const c = this.newChild(d, r.pick(["5-9", "10-15"]));
      this.disability(c, r.pick(["LD", "AUT", "MOB"]));
      const end = Math.min(d + r.int(200, 900), this.birthday(c, 18) - 1);
      const claId = this.id("L");
      const pid = this.id("PL");
      this.add("ssd_cla_placement", { clap_cla_placement_id: pid, clap_cla_id: claId, clap_person_id: c.id, clap_cla_placement_start_date: d, clap_cla_placement_type: "R3", clap_cla_placement_urn: null, clap_cla_placement_distance: 3.5, clap_cla_placement_provider: "PR1", clap_cla_placement_postcode: null, clap_cla_placement_end_date: this.ended(end), clap_cla_placement_change_reason: null });
      this.add("ssd_legal_status", { lega_legal_status_id: this.id("LS"), lega_person_id: c.id, lega_legal_status: "V4", lega_legal_status_start_date: d, lega_legal_status_end_date: this.ended(end) });
      this.add("ssd_cla_episodes", { clae_cla_episode_id: this.id("E"), clae_person_id: c.id, clae_cla_placement_id: pid, clae_cla_episode_start_date: d, clae_cla_episode_start_reason: "S", clae_cla_primary_need_code: "N2", clae_cla_episode_ceased_date: this.ended(end), clae_cla_episode_ceased_reason: end <= this.end ? "E8" : null, clae_cla_id: claId, clae_referral_id: null, clae_cla_last_iro_contact_date: null, clae_entered_care_date: d });
      c.busyUntil = end + 1;
    }
  }
}
