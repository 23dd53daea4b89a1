/**
 * @module
 * Care leaver indicators (SSDA903 OC3 definitions, `../shared/research/indicators.md` §1.2;
 * decisions in `definitions.md`). The cohort of a period is the DfE's: former relevant young
 * people whose 19th, 20th or 21st birthday falls in it (date of birth from the person record).
 * The SSD care-leaver table holds each young person's latest recorded position (in touch,
 * accommodation, activity, latest contact) with no date of its own, so every period reads that
 * latest record; where a young person has several rows, the one with the latest contact (then
 * the highest id) stands. Codes follow the 903: IN_TOUCH YES/NO/DIED/REFU/NREQ/RHOM; ACTIV
 * F1–P5 in education, employment or training, G4–G6 not (G4 illness or disability, G5 other
 * reasons, G6 pregnancy or parenting), 0 not known; ACCOM a letter then 1 (suitable) or 2.
 */

import type { IndicatorDef } from "../types.ts";

const ALL = ["month", "quarter", "year", "rolling"] as const;

const EET = ["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"];
const NEET = ["G4", "G5", "G6"];
/** Not in education, employment or training because unable to: illness or disability (G4), pregnancy or parenting (G6). */
const UNABLE = ["G4", "G6"];
/**
 * Accommodation codes of young people gone abroad (G), deported (H) or whose residence is not known (R): out of the
 * suitable-accommodation denominator. The 903 adds the suitability digit; Ofsted's Annex A gives the letter alone.
 */
const GONE = ["G", "G1", "G2", "H", "H1", "H2", "R", "R1", "R2"];
/** Days before the period end within which the latest contact counts as recent (8 weeks). */
const CONTACT_DAYS = 56;

/** The breakdown by age's categories of young people aged 17 and 18, outside the DfE's cohort. */
const YOUNGER_AGES = { dimension: "age", categories: ["17", "18"] } as const;

const list = (codes: readonly string[]) => codes.map((c) => `'${c}'`).join(", ");

function birthday(age: number): string {
  return `CAST(pe.pers_dob + INTERVAL '${age} years' AS DATE)`;
}

/**
 * One row per care leaver with their 17th to 21st birthday in each period, relevant or former
 * relevant: columns la_code, period_id, p_end, person_id, record_id, age (17 to 21), former (1 for
 * former relevant, or eligibility not recorded), in_touch, activity, suitable ('Y', 'N' or NULL),
 * accom (the accommodation code, upper case), latest_contact, sex. The DfE's cohort is the former
 * relevant aged 19 to 21; 17 and 18 year olds (relevant or former relevant, as the DfE publishes
 * them beside it) are counted only in the breakdown by age.
 */
const COHORT = `WITH cl AS (
    SELECT z.* FROM (
      SELECT c.*, row_number() OVER (PARTITION BY c.la_code, c.clea_person_id
        ORDER BY c.clea_care_leaver_latest_contact DESC NULLS LAST, c.clea_table_id DESC) AS rn
      FROM {care_leavers} c
    ) z WHERE z.rn = 1
      AND (z.clea_care_leaver_eligibility IS NULL OR trim(z.clea_care_leaver_eligibility) = ''
        OR lower(z.clea_care_leaver_eligibility) LIKE '%relevant%' OR upper(trim(z.clea_care_leaver_eligibility)) IN ('FR', 'FRYP', 'R', 'RYP'))
  ),
  coh AS (
    SELECT cl.la_code, p.period_id, p.end_date AS p_end, cl.clea_person_id AS person_id, cl.clea_table_id AS record_id,
      CASE WHEN ${birthday(17)} BETWEEN p.start_date AND p.end_date THEN 17
        WHEN ${birthday(18)} BETWEEN p.start_date AND p.end_date THEN 18
        WHEN ${birthday(19)} BETWEEN p.start_date AND p.end_date THEN 19
        WHEN ${birthday(20)} BETWEEN p.start_date AND p.end_date THEN 20 ELSE 21 END AS age,
      CASE WHEN cl.clea_care_leaver_eligibility IS NULL OR trim(cl.clea_care_leaver_eligibility) = ''
        OR lower(cl.clea_care_leaver_eligibility) LIKE '%former%relevant%' OR upper(trim(cl.clea_care_leaver_eligibility)) IN ('FR', 'FRYP') THEN 1 ELSE 0 END AS former,
      upper(trim(coalesce(cl.clea_care_leaver_in_touch, ''))) AS in_touch,
      upper(trim(coalesce(cl.clea_care_leaver_activity, ''))) AS activity,
      CASE WHEN upper(trim(cl.clea_care_leaver_accom_suitable)) IN ('1', 'Y', 'YES', 'SUITABLE') THEN 'Y'
        WHEN upper(trim(cl.clea_care_leaver_accom_suitable)) IN ('2', 'N', 'NO', 'NOT SUITABLE', 'UNSUITABLE') THEN 'N'
        WHEN upper(trim(cl.clea_care_leaver_accommodation)) LIKE '_1' THEN 'Y'
        WHEN upper(trim(cl.clea_care_leaver_accommodation)) LIKE '_2' THEN 'N' ELSE NULL END AS suitable,
      upper(trim(coalesce(cl.clea_care_leaver_accommodation, ''))) AS accom,
      cl.clea_care_leaver_latest_contact AS latest_contact, pe.pers_sex AS sex, pe.ethnic_group AS ethnic, pe.disability AS disab
    FROM cl
    JOIN {person} pe ON pe.la_code = cl.la_code AND pe.pers_person_id = cl.clea_person_id
    JOIN {periods} p ON p.la_code = cl.la_code AND (${[17, 18, 19, 20, 21].map((a) => `${birthday(a)} BETWEEN p.start_date AND p.end_date`).join(" OR ")})
  )`;

/**
 * Care-leaver rows with `num` as given, died (DIED) and returned home for six months or more
 * (RHOM) left out as the DfE leaves them out, and `headline` 0 for the 17 and 18 year olds (see
 * `IndicatorDef.breakdownOnly`); `where` narrows the denominator; `unknown`, when given, is the
 * condition under which a young person's row cannot be judged (see `IndicatorDef.unknown`).
 */
function rows(num: string, why: string, where = "", unknown: readonly string[] = [], from = ""): string {
  return `${COHORT}
  SELECT c.la_code, c.period_id, c.person_id, c.record_id, CASE WHEN ${num} THEN 1 ELSE 0 END AS num, 1 AS den,
    CAST(NULL AS DOUBLE PRECISION) AS measure, ${why} AS why,${unknown.map((u, i) => `
    CASE WHEN ${u} THEN 1 ELSE 0 END AS ${i === 0 ? "unknown" : `unknown_${i + 1}`},`).join("")}
    CAST(c.age AS VARCHAR) AS dim_age, c.sex AS dim_sex, c.ethnic AS dim_ethnicity, c.disab AS dim_disability, CASE WHEN c.age >= 19 THEN 1 ELSE 0 END AS headline
  FROM coh c${from}
  WHERE c.in_touch NOT IN ('DIED', 'RHOM') AND (c.former = 1 OR c.age <= 18)${where ? ` AND ${where}` : ""}`;
}

/**
 * How many of an authority's care-leaver rows have a latest contact at all, joined as `h`: none
 * means the data does not carry it (an SSDA903 return has no such field), not that nobody was seen.
 */
const CONTACTS_HELD = `
  LEFT JOIN (SELECT x.la_code, count(x.clea_care_leaver_latest_contact) AS held FROM {care_leavers} x GROUP BY x.la_code) h ON h.la_code = c.la_code`;

const ACTIVITY_WHY = `'aged ' || CAST(c.age AS VARCHAR) || ' in the period; activity ' || CASE WHEN c.activity = '' THEN 'not recorded' ELSE c.activity END`;
const COHORT_TEXT =
  "former relevant care leavers whose 19th, 20th or 21st birthday falls in the period (for a month, those with a birthday in that month), less those who have died or returned home to live with parents for six months or more (in touch recorded DIED or RHOM), as the DfE does; young people not in touch, who refused contact or no longer need services stay in";
const YOUNGER =
  "Young people aged 17 and 18 who have left care (relevant or former relevant, with their 17th or 18th birthday in the period) are shown in the breakdown by age, as the DfE publishes them, and are not in the figure itself.";
const LATEST = `${YOUNGER} The SSD holds each care leaver's latest recorded position, so every period uses it (the DfE asks about the position around the birthday).`;

/** The care leaver indicators. */
export const CARE_LEAVERS: readonly IndicatorDef[] = [
  {
    id: "cl_in_touch_pct",
    title: "Care leavers the council is in touch with",
    area: "care_leavers",
    unit: "percent",
    polarity: "higher",
    measure: "flow",
    periods: ALL,
    definition: `Of the ${COHORT_TEXT}, the percentage the council is in touch with (recorded YES). The DfE publishes the opposite, the percentage "not in touch" (lower is better), which also leaves out young people whose activity came from a third party; Lantern's figure is 100 minus everyone not recorded YES, so it is not compared with LAIT directly. ${LATEST}`,
    needs: ["care_leavers", "person"],
    breakdowns: ["age", "sex"],
    breakdownOnly: YOUNGER_AGES,
    sql: rows("c.in_touch = 'YES'", "'in touch: ' || CASE WHEN c.in_touch = '' THEN 'not recorded' ELSE c.in_touch END"),
  },
  {
    id: "cl_suitable_acc_pct",
    title: "Care leavers in suitable accommodation",
    area: "care_leavers",
    unit: "percent",
    polarity: "higher",
    measure: "flow",
    periods: ALL,
    lait: "CareLeaverAcc",
    definition: `Of the ${COHORT_TEXT} (so they lower the percentage), and less those who have gone abroad, been deported or whose residence is not known (accommodation ${GONE.join(", ")}), as the DfE leaves them out of this measure only, the percentage in accommodation judged suitable: the suitability recorded as 1, Y or "suitable", or where it is blank an accommodation code ending in 1. ${LATEST}`,
    needs: ["care_leavers", "person"],
    breakdowns: ["age", "sex"],
    breakdownOnly: YOUNGER_AGES,
    sql: rows(
      "c.suitable = 'Y'",
      "CASE WHEN c.suitable = 'Y' THEN 'accommodation suitable' WHEN c.suitable = 'N' THEN 'accommodation not suitable' ELSE 'accommodation suitability not recorded' END",
      `c.accom NOT IN (${list(GONE)})`,
    ),
  },
  {
    id: "cl_eet_pct",
    title: "Care leavers in education, employment or training",
    area: "care_leavers",
    unit: "percent",
    polarity: "higher",
    measure: "flow",
    periods: ALL,
    lait: "CareLeaverEET",
    definition: `Of the ${COHORT_TEXT} (so they lower the percentage), the percentage in education, employment or training, full or part time (activity F1, P1, F2, P2, F4, P4, F5 or P5). ${LATEST}`,
    needs: ["care_leavers", "person"],
    breakdowns: ["age", "sex"],
    breakdownOnly: YOUNGER_AGES,
    sql: rows(`c.activity IN (${list(EET)})`, ACTIVITY_WHY),
  },
  {
    id: "cl_neet_pct",
    title: "Care leavers not in education, employment or training",
    area: "care_leavers",
    unit: "percent",
    polarity: "lower",
    measure: "flow",
    periods: ALL,
    lait: "CareLeaversNEET",
    definition: `Of the ${COHORT_TEXT}, the percentage recorded as not in education, employment or training for any reason (activity G4 illness or disability, G5 other reasons, G6 pregnancy or parenting). Young people whose activity is not known are in neither this nor the EET figure. ${LATEST}`,
    needs: ["care_leavers", "person"],
    breakdowns: ["age", "sex"],
    breakdownOnly: YOUNGER_AGES,
    sql: rows(`c.activity IN (${list(NEET)})`, ACTIVITY_WHY),
    // The same young people as the EET figure, none in both: the two must not show how few are in neither.
    disjointFrom: "cl_eet_pct",
  },
  {
    id: "cl_eet_excl_unable_pct",
    title: "Care leavers in education, employment or training, excluding those unable to take part",
    area: "care_leavers",
    unit: "percent",
    polarity: "higher",
    measure: "flow",
    periods: ALL,
    definition: `As the percentage of care leavers in education, employment or training, but with young people not able to take part because of illness or disability (activity G4) or pregnancy or parenting (G6) taken out of the denominator. Those not in education, employment or training for other reasons (G5), or whose activity is not known, stay in. A local measure with no national figure. ${LATEST}`,
    needs: ["care_leavers", "person"],
    breakdowns: ["age", "sex"],
    breakdownOnly: YOUNGER_AGES,
    sql: rows(`c.activity IN (${list(EET)})`, ACTIVITY_WHY, `c.activity NOT IN (${list(UNABLE)})`),
  },
  {
    id: "cl_contact_8wk_pct",
    title: "Care leavers in contact in the last 8 weeks",
    area: "care_leavers",
    unit: "percent",
    polarity: "higher",
    measure: "flow",
    periods: ALL,
    definition: `Of the ${COHORT_TEXT}, the percentage whose latest recorded contact is within the 8 weeks before the period's last day: on that day or up to ${CONTACT_DAYS} days before it (3 February for 31 March). The SSD holds only each young person's latest contact, so where any young person in the cohort has a latest contact after the period's last day, whether they were seen in those 8 weeks is not known and the period has no value (in practice, only the latest periods have one). A latest contact not recorded counts as no contact, except where the data loaded records none at all (an SSDA903 return does not carry it): then the period has no value rather than 0%. A local measure with no national figure. ${YOUNGER}`,
    needs: ["care_leavers", "person"],
    breakdowns: ["age", "sex"],
    breakdownOnly: YOUNGER_AGES,
    unknown: [
      {
        when: "any",
        reason: "cannot be known: the SSD holds only each care leaver's latest contact, and at least one in this cohort was last contacted after the period ended",
      },
      {
        when: "all",
        reason: "cannot be computed: the data loaded records no care leaver's latest contact (an SSDA903 return does not carry it)",
      },
    ],
    sql: rows(
      `c.latest_contact BETWEEN CAST(c.p_end - INTERVAL '${CONTACT_DAYS} days' AS DATE) AND c.p_end`,
      "CASE WHEN c.latest_contact IS NULL THEN 'no contact recorded' WHEN c.latest_contact > c.p_end THEN 'latest contact ' || CAST(c.latest_contact AS VARCHAR) || ', after the period: earlier contacts are not held' ELSE 'latest contact ' || CAST(c.latest_contact AS VARCHAR) END",
      "",
      ["c.latest_contact > c.p_end", "coalesce(h.held, 0) = 0"],
      CONTACTS_HELD,
    ),
  },
];
