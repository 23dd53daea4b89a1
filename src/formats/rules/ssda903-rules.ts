/**
 * @module
 * DfE SSDA903 validation rules (codes and messages from the DfE's 903 validation-rule list as
 * transcribed in csc-validator-be-903; `../shared/samples/rules/ssda903_rules.csv`). Those that
 * protect KPI correctness come first: dates and their order, overlapping or gapped episodes,
 * code sets; then ages and adoption. Each rule reads one child's records.
 */

import { ageOn, dayOf } from "../../calendar/dates.ts";
import { type SourceRecord, field } from "../model.ts";
import { type Child903, CODES_903, day, episodesOf, recs, type Ssda903Table, ukDate } from "../ssda903.ts";
import type { DfeRule, RuleHit } from "./registry.ts";
import { upnCheckLetter, upnProblems } from "./upn.ts";

/** Context for 903 rules: what a rule needs beyond the child. */
export interface Ctx903 {
  /**
   * The collection year's last day (31 March), as a day number: the DfE takes an open episode to
   * end on it. Undefined while not known (the reader learns it from the whole return, so runs the
   * rules of {@link COLLECTION_END_RULES} for a child that {@link needsCollectionEnd} at the end);
   * a rule then leaves aside what depends on it.
   */
  readonly collectionEnd?: number;
}

type Rule = DfeRule<Child903, Ctx903>;

const hit = (r: SourceRecord, column: string, detail?: string): RuleHit => ({ file: r.file, row: r.row, column, value: field(r, column), ...(detail ? { detail } : {}) });

function rule(id: string, fields: string[], message: string, expected: string, check: (c: Child903, ctx: Ctx903) => RuleHit[], severity: "error" | "query" = "error"): Rule {
  return { id, dataset: "ssda903", severity, fields, message, expected, check };
}

/** A code must be in its set (blank allowed unless `required`). */
function codeRule(id: string, table: Ssda903Table, name: keyof typeof CODES_903, message: string, required = false): Rule {
  const codes: readonly string[] = CODES_903[name];
  return rule(id, [name], message, `${required ? "" : "blank or "}one of ${codes.join(", ")}`, (c) =>
    recs(c, table)
      .filter((r) => {
        const v = field(r, name);
        return v === "" ? required : !codes.includes(v.toUpperCase());
      })
      .map((r) => hit(r, name)),
  );
}

/**
 * A date the DfE requires must be given. Whether a date that is given can be read is not a DfE
 * rule here but a structural check (`FORMAT_DATE_INVALID`, in ssda903-read.ts), for every 903
 * date: Lantern cannot load a date it cannot read, so it blocks a load even with
 * --dfe-errors-as-queries (as a DfE rule it was loaded blank). So the DfE's "not a valid date"
 * rules whose only matter is that (147 DEC, 104 DUC, 171 MC_DOB, 112, 113, 115, 116) are not
 * registered; 102, 141 and 166 stay for the blank date they also forbid.
 */
function requiredDateRule(id: string, table: Ssda903Table, name: string, message: string): Rule {
  return rule(id, [name], message, "a date as DD/MM/YYYY", (c) =>
    recs(c, table)
      .filter((r) => field(r, name) === "")
      .map((r) => hit(r, name, `${name} is blank`)),
  );
}

/**
 * Each episode with the one before it (in start order). Only episodes whose DECOM can be read are
 * in order: one with a blank or unreadable DECOM has its own error (141), and placed anywhere it
 * would blame its neighbours (the open latest episode "not ended" before it, under 142).
 */
function pairs(c: Child903): [SourceRecord, SourceRecord][] {
  const eps = episodesOf(c).filter((e) => day(e, "DECOM") !== null);
  const out: [SourceRecord, SourceRecord][] = [];
  for (let i = 1; i < eps.length; i++) out.push([eps[i - 1]!, eps[i]!]);
  return out;
}

const dob = (c: Child903): number | null => day(c.header, "DOB");
const ageAt = (c: Child903, d: number | null): number | null => {
  const b = dob(c);
  return b === null || d === null ? null : ageOn(b, d);
};

/** Episodes whose age at a date is outside a bound. */
function ageRule(id: string, message: string, expected: string, pick: (e: SourceRecord) => boolean, at: "DECOM" | "DEC", bad: (age: number) => boolean, column: string): Rule {
  return rule(id, ["DOB", at, column], message, expected, (c) =>
    recs(c, "Episodes")
      .filter((e) => pick(e))
      .filter((e) => {
        const a = ageAt(c, day(e, at));
        return a !== null && bad(a);
      })
      .map((e) => hit(e, column, `aged ${ageAt(c, day(e, at))} on ${ukDate(day(e, at)!)}`)),
  );
}

/** The legal statuses of {@link durationRule}: how long each may last. */
const LIMITED_STATUSES: ReadonlyMap<string, number> = new Map([
  ["L1", 3],
  ["L2", 21],
  ["L3", 7],
]);

/**
 * A child's spells of legal status `ls`: runs of episodes (in start order) of that status, each
 * starting the day the one before it ceased. An order is one spell however many episodes record
 * it (a placement change makes a new episode), as the DfE joins them.
 */
function statusSpells(c: Child903, ls: string): SourceRecord[][] {
  const out: SourceRecord[][] = [];
  let spell: SourceRecord[] | undefined;
  for (const e of episodesOf(c)) {
    if (day(e, "DECOM") === null) continue;
    if (field(e, "LS").toUpperCase() !== ls) {
      spell = undefined;
      continue;
    }
    const last = spell?.at(-1);
    if (spell && last && day(last, "DEC") === day(e, "DECOM")) spell.push(e);
    else {
      spell = [e];
      out.push(spell);
    }
  }
  return out;
}

/**
 * Does a rule of {@link COLLECTION_END_RULES} depend, for this child, on the collection year's
 * end? Only with an open episode of a legal status they limit.
 */
export function needsCollectionEnd(c: Child903): boolean {
  return recs(c, "Episodes").some((e) => LIMITED_STATUSES.has(field(e, "LS").toUpperCase()) && day(e, "DECOM") !== null && field(e, "DEC") === "");
}

/**
 * Legal statuses that may last at most `days` days: each spell of the status ({@link statusSpells}),
 * from its first DECOM to its last DEC, or to the collection year's end while it is open, as the
 * DfE counts it. Every episode of a spell too long is named.
 */
function durationRule(id: string, ls: string, message: string): Rule {
  const days = LIMITED_STATUSES.get(ls)!;
  return rule(id, ["LS", "DECOM", "DEC"], message, `an ${ls} legal status (consecutive ${ls} episodes together) of at most ${days} days, to the collection year's end if still open`, (c, ctx) => {
    const out: RuleHit[] = [];
    for (const spell of statusSpells(c, ls)) {
      const start = day(spell[0]!, "DECOM")!;
      const ceased = day(spell.at(-1)!, "DEC");
      const open = field(spell.at(-1)!, "DEC") === "";
      const end = ceased ?? (open ? ctx.collectionEnd : undefined);
      if (end === undefined || end - start <= days) continue;
      const span = `${ls} from ${ukDate(start)} to ${open ? `the collection year's end, ${ukDate(end)} (still open)` : ukDate(end)}${spell.length > 1 ? ` over ${spell.length} episodes` : ""}: ${end - start} days`;
      for (const e of spell) out.push(hit(e, "DEC", span));
    }
    return out;
  });
}

/** Rules that need the collection year's end ({@link Ctx903.collectionEnd}) for a child that {@link needsCollectionEnd}. */
export const COLLECTION_END_RULES: ReadonlySet<string> = new Set(["361", "362", "363"]);

const TEMPORARY = new Set(["T0", "T1", "T2", "T3", "T4"]);

export const SSDA903_RULES: readonly Rule[] = [
  // Dates and their order: every duration and count KPI depends on these.
  requiredDateRule("102", "Header", "DOB", "Date of birth is not a valid date."),
  requiredDateRule("141", "Episodes", "DECOM", "Date episode began is not a valid date."),
  requiredDateRule("166", "Reviews", "REVIEW", "Date of review is invalid or blank."),
  rule("356", ["DECOM", "DEC"], "The date the episode ceased is before the date the same episode started.", "DEC on or after DECOM", (c) =>
    recs(c, "Episodes")
      .filter((e) => {
        const s = day(e, "DECOM");
        const d = day(e, "DEC");
        return s !== null && d !== null && d < s;
      })
      .map((e) => hit(e, "DEC")),
  ),
  rule("353", ["DECOM"], "No episode submitted can start before 14 October 1991.", "DECOM on or after 14/10/1991", (c) =>
    recs(c, "Episodes")
      .filter((e) => (day(e, "DECOM") ?? Infinity) < dayOf(1991, 10, 14))
      .map((e) => hit(e, "DECOM")),
  ),
  rule("501", ["DECOM", "DEC"], "A new episode has started before the end date of the previous episode.", "each episode to start on or after the previous episode's DEC", (c) =>
    pairs(c)
      .filter(([p, e]) => {
        const pd = day(p, "DEC");
        const s = day(e, "DECOM");
        return pd !== null && s !== null && s < pd;
      })
      .map(([p, e]) => hit(e, "DECOM", `previous episode ended ${field(p, "DEC")}`)),
  ),
  rule("142", ["DEC", "REC"], "A new episode has started, but the previous episode has not ended.", "DEC and REC on every episode but the latest", (c) =>
    pairs(c)
      .filter(([p]) => field(p, "DEC") === "")
      .map(([p]) => hit(p, "DEC")),
  ),
  rule("148", ["DEC", "REC"], "Date episode ceased and reason episode ceased must both be coded, or both left blank.", "DEC and REC both given or both blank", (c) =>
    recs(c, "Episodes")
      .filter((e) => (field(e, "DEC") === "") !== (field(e, "REC") === ""))
      .map((e) => hit(e, field(e, "DEC") === "" ? "DEC" : "REC")),
  ),
  rule("433", ["RNE", "DECOM"], "The reason for new episode suggests that this is a continuation episode, but the episode does not start on the same day as the last episode finished.", "a continuation episode (RNE L, P, T, B or U) to start the day the previous one ceased", (c) =>
    pairs(c)
      .filter(([p, e]) => {
        const rne = field(e, "RNE").toUpperCase();
        const pd = day(p, "DEC");
        const s = day(e, "DECOM");
        return ["L", "P", "T", "B", "U"].includes(rne) && pd !== null && s !== null && s !== pd;
      })
      .map(([p, e]) => hit(e, "DECOM", `previous episode ended ${field(p, "DEC")}`)),
  ),
  rule("431", ["RNE", "DECOM"], "The reason for new episode is started to be looked after, but the previous episode ended on the same day.", "RNE S only when the previous episode ended before this one began", (c) =>
    pairs(c)
      .filter(([p, e]) => field(e, "RNE").toUpperCase() === "S" && day(p, "DEC") !== null && day(p, "DEC") === day(e, "DECOM"))
      .map(([, e]) => hit(e, "RNE")),
  ),
  rule("437", ["REC"], "Reason episode ceased is child has died or is aged 18 or over but there are further episodes.", "no episode after one that ceased with E2 or E15", (c) =>
    pairs(c)
      .filter(([p]) => ["E2", "E15"].includes(field(p, "REC").toUpperCase()))
      .map(([p]) => hit(p, "REC")),
  ),
  // Code sets.
  // A UPN's check letter and format (upn.ts; the LA code in characters 2-4 is the CIN census's 1530, not this rule's).
  rule("168", ["UPN"], "Unique Pupil Number (UPN) is not valid. If unknown, default codes should be UN1, UN2, UN3, UN4 or UN5.", "a 13-character UPN with its check letter, or UN1 to UN5", (c) =>
    recs(c, "Header").flatMap((h) => {
      const v = field(h, "UPN");
      if (v === "" || /^UN[1-5]$/.test(v)) return [];
      const wrong = upnProblems(v).filter((p) => p !== "la");
      if (!wrong.length) return [];
      const letter = wrong.length === 1 && wrong[0] === "check" ? upnCheckLetter(v.slice(1)) : null;
      return [hit(h, "UPN", letter ? `the check letter for ${v.slice(1)} is ${letter}` : undefined)];
    }),
  ),
  codeRule("101", "Header", "SEX", "The child or young person’s reported sex is not valid.", true),
  codeRule("103", "Header", "ETHNIC", "The ethnicity code is either not valid or has not been entered.", true),
  codeRule("143", "Episodes", "RNE", "The reason for new episode code is not a valid code.", true),
  codeRule("144", "Episodes", "LS", "The legal status code is not a valid code.", true),
  codeRule("145", "Episodes", "CIN", "Category of need code is not a valid code.", true),
  codeRule("146", "Episodes", "PLACE", "Placement type code is not a valid code.", true),
  codeRule("149", "Episodes", "REC", "Reason episode ceased code is not valid."),
  codeRule("178", "Episodes", "PLACE_PROVIDER", "Placement provider code is not a valid code."),
  codeRule("167", "Reviews", "REVIEW_CODE", "Data entry for participation is invalid or blank.", true),
  codeRule("120", "PlacedAdoption", "REASON_PLACED_CEASED", "The reason for the reversal of the decision that the child should be placed for adoption code is not valid."),
  codeRule("114", "AD1", "FOSTER_CARE", "Data entry to record the status of former carer(s) of an adopted child is invalid."),
  codeRule("175", "AD1", "NB_ADOPTR", "The number of adopter(s) code is not a valid code."),
  codeRule("176", "AD1", "SEX_ADOPTR", "The gender of adopter(s) at the date of adoption code is not a valid code."),
  codeRule("177", "AD1", "LS_ADOPTR", "The legal status of adopter(s) code is not a valid code."),
  codeRule("196", "OC2", "SDQ_REASON", "Strengths and Difficulties (SDQ) reason is not a valid code."),
  // Completeness.
  rule("151", ["DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"], "All data items relating to a childs adoption must be coded or left blank.", "all six adoption items given, or none", (c) =>
    recs(c, "AD1")
      .filter((r) => {
        const n = ["DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"].filter((k) => field(r, k) !== "").length;
        return n > 0 && n < 6;
      })
      .map((r) => hit(r, "DATE_INT")),
  ),
  rule("153", ["IN_TOUCH", "ACTIV", "ACCOM"], "All data items relating to a child's activity or accommodation after leaving care must be coded or left blank.", "IN_TOUCH, ACTIV and ACCOM all given, or none", (c) =>
    recs(c, "OC3")
      .filter((r) => {
        const n = ["IN_TOUCH", "ACTIV", "ACCOM"].filter((k) => field(r, k) !== "").length;
        return n > 0 && n < 3;
      })
      .map((r) => hit(r, "IN_TOUCH")),
  ),
  rule("119", ["REASON_PLACED_CEASED", "DATE_PLACED_CEASED"], "If the decision is made that a child should no longer be placed for adoption, then the date of this decision and the reason why this decision was made must be completed.", "DATE_PLACED_CEASED and REASON_PLACED_CEASED both given or both blank", (c) =>
    recs(c, "PlacedAdoption")
      .filter((r) => (field(r, "DATE_PLACED_CEASED") === "") !== (field(r, "REASON_PLACED_CEASED") === ""))
      .map((r) => hit(r, "REASON_PLACED_CEASED")),
  ),
  rule("174", ["SEX", "MC_DOB"], "Mother's child date of birth is recorded but sex shows that the child is a male.", "no MC_DOB for a male child", (c) =>
    c.header && field(c.header, "MC_DOB") !== "" && ["1", "M"].includes(field(c.header, "SEX").toUpperCase()) ? [hit(c.header, "MC_DOB")] : [],
  ),
  rule("184", ["DATE_PLACED", "DOB"], "Date of decision that a child should be placed for adoption is before the child was born.", "DATE_PLACED on or after DOB", (c) =>
    recs(c, "PlacedAdoption")
      .filter((r) => {
        const d = day(r, "DATE_PLACED");
        const b = dob(c);
        return d !== null && b !== null && d < b;
      })
      .map((r) => hit(r, "DATE_PLACED")),
  ),
  // Legal status durations.
  durationRule("361", "L1", "Police protection legal status lasted longer than maximum 72 hours allowed"),
  durationRule("362", "L2", "Emergency protection order (EPO) lasted longer than 21 days"),
  durationRule("363", "L3", "Child assessment order (CAO) lasted longer than 7 days allowed in the Children Act 1989."),
  rule("378", ["PLACE", "LS"], "A child who is placed with parent(s) cannot be looked after under a single period of accommodation under Section 20 of the Children Act 1989.", "no P1 placement under legal status V2", (c) =>
    recs(c, "Episodes")
      .filter((e) => field(e, "PLACE").toUpperCase() === "P1" && field(e, "LS").toUpperCase() === "V2")
      .map((e) => hit(e, "PLACE")),
  ),
  rule("380", ["PLACE", "RNE"], "A period of care cannot start with a temporary placement.", "a first placement (RNE S) that is not temporary (T0–T4)", (c) =>
    recs(c, "Episodes")
      .filter((e) => field(e, "RNE").toUpperCase() === "S" && TEMPORARY.has(field(e, "PLACE").toUpperCase()))
      .map((e) => hit(e, "PLACE")),
  ),
  // Ages.
  ageRule("352", "Child who started to be looked after was aged 18 or over.", "a child under 18 when a period of care starts", (e) => field(e, "RNE").toUpperCase() === "S", "DECOM", (a) => a >= 18, "DECOM"),
  ageRule("358", "Child with this legal status should not be under 10.", "a child aged 10 or over for legal status J1, J2 or J3", (e) => ["J1", "J2", "J3"].includes(field(e, "LS").toUpperCase()), "DECOM", (a) => a < 10, "LS"),
  ageRule("372", "Child in youth custody or prison should be at least 10.", "a child aged 10 or over in placement R5", (e) => field(e, "PLACE").toUpperCase() === "R5", "DECOM", (a) => a < 10, "PLACE"),
  ageRule("373", "Child placed in a school should be at least 4 years old.", "a child aged 4 or over in placement S1", (e) => field(e, "PLACE").toUpperCase() === "S1", "DECOM", (a) => a < 4, "PLACE"),
  ageRule("374", "Child in residential employment should be at least 14 years old.", "a child aged 14 or over in placement P3", (e) => field(e, "PLACE").toUpperCase() === "P3", "DECOM", (a) => a < 14, "PLACE"),
  ageRule("386", "Reason episode ceased is adopted but child has reached age 18.", "a child under 18 when adopted (REC E11, E12)", (e) => ["E11", "E12"].includes(field(e, "REC").toUpperCase()), "DEC", (a) => a >= 18, "REC"),
  ageRule("387", "Reason episode ceased is child moved into independent living arrangement, but the child is aged under 14.", "a child aged 14 or over when REC is E5 or E6", (e) => ["E5", "E6"].includes(field(e, "REC").toUpperCase()), "DEC", (a) => a < 14, "REC"),
  ageRule("389", "Reason episode ceased is that child transferred to care of adult social care services, but child is aged under 16.", "a child aged 16 or over when REC is E7", (e) => field(e, "REC").toUpperCase() === "E7", "DEC", (a) => a < 16, "REC"),
  ageRule("407", "Reason episode ceased is Special Guardianship Order, but child has reached age 18.", "a child under 18 when REC is E45–E48", (e) => ["E45", "E46", "E47", "E48"].includes(field(e, "REC").toUpperCase()), "DEC", (a) => a >= 18, "REC"),
];
