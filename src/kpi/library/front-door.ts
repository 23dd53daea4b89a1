/**
 * @module
 * Front-door indicators: contacts, referrals, re-referrals and assessments (CIN census
 * definitions, `../shared/research/indicators.md` §1.1; decisions in `definitions.md`). Contacts
 * are a local measure with no national benchmark.
 */

import type { IndicatorDef } from "../types.ts";

const ALL = ["month", "quarter", "year", "rolling"] as const;

/**
 * SQL for a child's age band at a date, in whole years from the date of birth: `unborn` (the
 * date is before the birth), `under 1`, `1-4`, `5-9`, `10-15`, `16-17` and `18 and over`; NULL
 * (shown as "not recorded") without a date of birth. Portable: extract() only.
 */
export function ageBandSql(dob: string, at: string): string {
  const age =
    `(extract(year from ${at}) - extract(year from ${dob}) - CASE WHEN extract(month from ${at}) * 100 + extract(day from ${at}) ` +
    `< extract(month from ${dob}) * 100 + extract(day from ${dob}) THEN 1 ELSE 0 END)`;
  return (
    `CASE WHEN ${dob} IS NULL OR ${at} IS NULL THEN NULL WHEN ${at} < ${dob} THEN 'unborn' WHEN ${age} < 1 THEN 'under 1' ` +
    `WHEN ${age} <= 4 THEN '1-4' WHEN ${age} <= 9 THEN '5-9' WHEN ${age} <= 15 THEN '10-15' WHEN ${age} <= 17 THEN '16-17' ELSE '18 and over' END`
  );
}

/**
 * The age-band and sex breakdown columns for a child in `person_id` at the date `at` (needs
 * `{person}` joined as `pe`), with the ethnicity and disability ones the engine binds `{person}`
 * with, so it need not join the child's record a second time.
 */
export function personDims(at: string): string {
  return `${ageBandSql("pe.pers_dob", at)} AS dim_age_band, pe.pers_sex AS dim_sex, pe.ethnic_group AS dim_ethnicity, pe.disability AS dim_disability`;
}

/** {@link personDims} for rows grouped per child (one row per child at a period's end): the same columns, as aggregates of the child's one person record. */
export function personDimsPerChild(at: string): string {
  return `min(${ageBandSql("pe.pers_dob", at)}) AS dim_age_band, min(pe.pers_sex) AS dim_sex, min(pe.ethnic_group) AS dim_ethnicity, min(pe.disability) AS dim_disability`;
}

/** The join to the child's person record, as `pe`, for the age-band and sex breakdowns. */
export function personJoin(table: string, personColumn: string): string {
  return `LEFT JOIN {person} pe ON pe.la_code = ${table}.la_code AND pe.pers_person_id = ${personColumn}`;
}

/** A contact's NEW_REFERRAL_FLAG from cont_contact_outcome_json, read without JSON functions (portable): 'Y', 'N' or NULL. */
const CONTACT_REFERRAL_FLAG = `CASE
      WHEN upper(replace(coalesce(c.cont_contact_outcome_json, ''), ' ', '')) LIKE '%"NEW_REFERRAL_FLAG":"Y%' THEN 'Y'
      WHEN upper(replace(coalesce(c.cont_contact_outcome_json, ''), ' ', '')) LIKE '%"NEW_REFERRAL_FLAG":"N%' THEN 'N'
      ELSE NULL END`;

/** Working days after a contact within which a referral of the same child counts as its outcome, when the contact's outcome is not recorded. */
const CONTACT_REFERRAL_WD = 5;

/** The CIN census primary need codes with their published labels. */
const NEED_LABEL = (col: string) => `CASE upper(${col})
    WHEN 'N1' THEN 'N1 abuse or neglect' WHEN 'N2' THEN 'N2 child''s disability or illness'
    WHEN 'N3' THEN 'N3 parental disability or illness' WHEN 'N4' THEN 'N4 family in acute stress'
    WHEN 'N5' THEN 'N5 family dysfunction' WHEN 'N6' THEN 'N6 socially unacceptable behaviour'
    WHEN 'N7' THEN 'N7 low income' WHEN 'N8' THEN 'N8 absent parenting'
    WHEN 'N9' THEN 'N9 cases other than children in need' WHEN 'N0' THEN 'N0 not stated'
    ELSE NULL END`;

/** Referrals received in each period; with the source, primary need, age-band and sex breakdowns when `dims`. */
function referralRows(dims: boolean): string {
  return `
  SELECT e.la_code, p.period_id, e.cine_person_id AS person_id, e.cine_referral_id AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'referral received ' || CAST(e.cine_referral_date AS VARCHAR) AS why${dims ? `,
    e.cine_referral_source_code AS dim_source,
    ${NEED_LABEL("e.cine_cin_primary_need_code")} AS dim_primary_need, ${personDims("e.cine_referral_date")}` : ""}
  FROM {cin_episodes} e
  JOIN {periods} p ON p.la_code = e.la_code AND e.cine_referral_date BETWEEN p.start_date AND p.end_date${dims ? `
  ${personJoin("e", "e.cine_person_id")}` : ""}`;
}

const ASSESSMENT_ROWS = `
  SELECT a.la_code, p.period_id, a.cina_person_id AS person_id, a.cina_assessment_id AS record_id,
    CASE WHEN c2.wd - c1.wd <= 45 THEN 1 ELSE 0 END AS num, 1 AS den,
    CAST(c2.wd - c1.wd AS DOUBLE PRECISION) AS measure,
    'started ' || CAST(a.cina_assessment_start_date AS VARCHAR) || ', authorised ' || CAST(a.cina_assessment_auth_date AS VARCHAR)
      || ' after ' || CAST(c2.wd - c1.wd AS VARCHAR) || ' working days' AS why,
    a.cina_assessment_team AS dim_team, ${personDims("a.cina_assessment_auth_date")}
  FROM {cin_assessments} a
  JOIN {calendar} c1 ON c1.d = a.cina_assessment_start_date
  JOIN {calendar} c2 ON c2.d = a.cina_assessment_auth_date
  JOIN {periods} p ON p.la_code = a.la_code AND a.cina_assessment_auth_date BETWEEN p.start_date AND p.end_date
  ${personJoin("a", "a.cina_person_id")}
  WHERE a.cina_assessment_auth_date >= a.cina_assessment_start_date`;

const CONTACT_ROWS = `
  SELECT c.la_code, p.period_id, c.cont_person_id AS person_id, c.cont_contact_id AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'contact received ' || CAST(c.cont_contact_date AS VARCHAR) AS why,
    c.cont_contact_source_code AS dim_source, ${personDims("c.cont_contact_date")}
  FROM {contacts} c
  JOIN {periods} p ON p.la_code = c.la_code AND c.cont_contact_date BETWEEN p.start_date AND p.end_date
  ${personJoin("c", "c.cont_person_id")}`;

/** Children in need at each period's end, once each; with the primary need, age-band (at the period end) and sex breakdowns when `dims`. */
function cinAtEndRows(dims: boolean): string {
  return `
  SELECT e.la_code, p.period_id, e.cine_person_id AS person_id, min(e.cine_referral_id) AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'episode open on ' || CAST(p.end_date AS VARCHAR) AS why${dims ? `,
    min(${NEED_LABEL("e.cine_cin_primary_need_code")}) AS dim_primary_need,
    ${personDimsPerChild("p.end_date")}` : ""}
  FROM {cin_episodes} e
  JOIN {periods} p ON p.la_code = e.la_code AND e.cine_referral_date <= p.end_date AND (e.cine_close_date IS NULL OR e.cine_close_date > p.end_date)${dims ? `
  ${personJoin("e", "e.cine_person_id")}` : ""}
  GROUP BY e.la_code, p.period_id, e.cine_person_id, p.end_date`;
}

const CIN_PLAN_START_ROWS = `
  SELECT c.la_code, p.period_id, c.cinp_person_id AS person_id, c.cinp_cin_plan_id AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'CIN plan started ' || CAST(c.cinp_cin_plan_start_date AS VARCHAR) AS why,
    c.cinp_cin_plan_team AS dim_team, ${personDims("c.cinp_cin_plan_start_date")}
  FROM {cin_plans} c
  JOIN {periods} p ON p.la_code = c.la_code AND c.cinp_cin_plan_start_date BETWEEN p.start_date AND p.end_date
  ${personJoin("c", "c.cinp_person_id")}`;

/** The front-door indicators. */
export const FRONT_DOOR: readonly IndicatorDef[] = [
  {
    id: "contacts",
    title: "Contacts",
    area: "front_door",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    definition:
      "Contacts received by children's social care in the period, each contact counted (a child with two contacts counts twice). A local measure: the DfE's statistics start at the referral, so there is no national or neighbour figure to compare with.",
    needs: ["contacts", "person"],
    breakdowns: ["source", "age_band", "sex"],
    sql: CONTACT_ROWS,
  },
  {
    id: "contacts_to_referral_pct",
    denominatorOf: "contacts",
    title: "Contacts leading to a referral",
    area: "front_door",
    unit: "percent",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    definition: `Of the contacts received in the period, the percentage that led to a referral to children's social care. Lantern reads the contact's recorded outcome (NEW_REFERRAL_FLAG in the SSD contact outcome): "Y" counts, "N" does not. Where a contact has no outcome recorded, it counts when the same child has a referral on the contact date or within the next ${CONTACT_REFERRAL_WD} working days. A local measure with no national figure.`,
    needs: ["contacts", "cin_episodes", "person"],
    breakdowns: ["source", "age_band", "sex"],
    sql: `
  SELECT x.la_code, p.period_id, x.cont_person_id AS person_id, x.cont_contact_id AS record_id,
    CASE WHEN x.flag = 'Y' THEN 1 WHEN x.flag = 'N' THEN 0 WHEN x.next_referral IS NOT NULL THEN 1 ELSE 0 END AS num,
    1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    CASE WHEN x.flag = 'Y' THEN 'outcome recorded: new referral'
      WHEN x.flag = 'N' THEN 'outcome recorded: no new referral'
      WHEN x.next_referral IS NOT NULL THEN 'no outcome recorded; referral on ' || CAST(x.next_referral AS VARCHAR)
      ELSE 'no outcome recorded; no referral within ${CONTACT_REFERRAL_WD} working days' END AS why,
    x.cont_contact_source_code AS dim_source, ${personDims("x.cont_contact_date")}
  FROM (
    SELECT c.*, ${CONTACT_REFERRAL_FLAG} AS flag, nr.next_referral
    FROM {contacts} c
    JOIN {calendar} cc ON cc.d = c.cont_contact_date
    LEFT JOIN (
      SELECT k.la_code, k.cont_person_id, k.cont_contact_date, min(e.cine_referral_date) AS next_referral
      FROM (SELECT DISTINCT la_code, cont_person_id, cont_contact_date FROM {contacts}) k
      JOIN {calendar} ck ON ck.d = k.cont_contact_date
      JOIN {cin_episodes} e ON e.la_code = k.la_code AND e.cine_person_id = k.cont_person_id AND e.cine_referral_date >= k.cont_contact_date
      JOIN {calendar} ce ON ce.d = e.cine_referral_date
      WHERE ce.wd - ck.wd <= ${CONTACT_REFERRAL_WD}
      GROUP BY k.la_code, k.cont_person_id, k.cont_contact_date
    ) nr ON nr.la_code = c.la_code AND nr.cont_person_id = c.cont_person_id AND nr.cont_contact_date = c.cont_contact_date
  ) x
  JOIN {periods} p ON p.la_code = x.la_code AND x.cont_contact_date BETWEEN p.start_date AND p.end_date
  ${personJoin("x", "x.cont_person_id")}`,
  },
  {
    id: "referrals",
    title: "Referrals",
    area: "front_door",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    lait: "CPP_Total_NumRef",
    definition:
      "Referrals to children's social care received in the period: each referral counts, so a child referred twice counts twice (the CIN census definition). A referral is a CIN episode's start (ssd_cin_episodes).",
    needs: ["cin_episodes", "person"],
    breakdowns: ["source", "primary_need", "age_band", "sex"],
    sql: referralRows(true),
  },
  {
    id: "referral_rate",
    title: "Referrals per 10,000 children",
    area: "front_door",
    unit: "rate",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    lait: "CPP_Total_Rateper10,000",
    definition:
      "Referrals received in the period per 10,000 children aged 0 to 17, using the mid-year population estimate of the year the financial year starts in (mid-2024 for 2024-25). For a month or quarter the rate is for that shorter period; compare yearly and rolling-year rates with the DfE's.",
    rateOf: "referrals",
    needs: ["cin_episodes"],
    sql: referralRows(false),
  },
  {
    id: "rereferral_pct",
    denominatorOf: "referrals",
    title: "Re-referrals within 12 months",
    area: "front_door",
    unit: "percent",
    polarity: "lower",
    measure: "flow",
    periods: ALL,
    lait: "ReReferral",
    definition:
      "Of the referrals received in the period, the percentage where the same child had a previous referral within the 12 months before: on or after the same calendar date a year earlier (a referral on 10 May 2024 after one on 10 May 2023 counts) and before this referral's date. A period that starts less than 12 months after the first referral held (or the start of a CIN census return's year) has no value, since a previous referral before then would not be in the data.",
    needs: ["cin_episodes", "person"],
    breakdowns: ["source", "age_band", "sex"],
    lookback: { table: "cin_episodes", column: "cine_referral_date", months: 12, what: "previous referrals" },
    sql: `
  SELECT r.la_code, p.period_id, r.cine_person_id AS person_id, r.cine_referral_id AS record_id,
    r.rereferral AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    CASE WHEN r.rereferral = 1 THEN 'previous referral within 12 months' ELSE 'no referral in the previous 12 months' END AS why,
    r.cine_referral_source_code AS dim_source, ${personDims("r.cine_referral_date")}
  FROM (
    SELECT e.*, CASE WHEN pr.cine_referral_id IS NULL THEN 0 ELSE 1 END AS rereferral
    FROM {cin_episodes} e
    LEFT JOIN (
      SELECT k.la_code, k.cine_person_id, k.cine_referral_id, k.cine_referral_date
      FROM {cin_episodes} k
      JOIN {cin_episodes} q ON q.la_code = k.la_code AND q.cine_person_id = k.cine_person_id AND q.cine_referral_id <> k.cine_referral_id
        AND q.cine_referral_date < k.cine_referral_date
        AND q.cine_referral_date >= CAST(k.cine_referral_date - INTERVAL '12 months' AS DATE)
      GROUP BY k.la_code, k.cine_person_id, k.cine_referral_id, k.cine_referral_date
    ) pr ON pr.la_code = e.la_code AND pr.cine_person_id = e.cine_person_id AND pr.cine_referral_id = e.cine_referral_id
      AND pr.cine_referral_date = e.cine_referral_date
  ) r
  JOIN {periods} p ON p.la_code = r.la_code AND r.cine_referral_date BETWEEN p.start_date AND p.end_date
  ${personJoin("r", "r.cine_person_id")}`,
  },
  {
    id: "referral_nfa_pct",
    denominatorOf: "referrals",
    title: "Referrals closed with no further action",
    area: "front_door",
    unit: "percent",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    lait: "CIN_Refferals_NFA",
    definition:
      "Of the referrals received in the period, the percentage closed with no further action without an assessment (the CIN census 'referral NFA' flag recorded as Y; a blank flag counts as not NFA). Referrals closed after an assessment found the child not in need are a different measure.",
    needs: ["cin_episodes", "person"],
    breakdowns: ["source", "age_band", "sex"],
    sql: `
  SELECT e.la_code, p.period_id, e.cine_person_id AS person_id, e.cine_referral_id AS record_id,
    CASE WHEN e.cine_referral_nfa = 'Y' THEN 1 ELSE 0 END AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    CASE WHEN e.cine_referral_nfa = 'Y' THEN 'referral closed with no further action'
      WHEN e.cine_referral_nfa = 'N' THEN 'referral not closed with no further action'
      ELSE 'no further action flag not recorded' END AS why,
    e.cine_referral_source_code AS dim_source, ${personDims("e.cine_referral_date")}
  FROM {cin_episodes} e
  JOIN {periods} p ON p.la_code = e.la_code AND e.cine_referral_date BETWEEN p.start_date AND p.end_date
  ${personJoin("e", "e.cine_person_id")}`,
  },
  {
    id: "referral_to_assessment_pct",
    denominatorOf: "referrals",
    title: "Referrals leading to an assessment",
    area: "front_door",
    unit: "percent",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    definition:
      "Of the referrals received in the period, the percentage with an assessment recorded against that referral (an assessment whose referral is this one), whether or not the assessment has been authorised yet. Assessments are counted as held in the data, so the latest month rises as assessments are started. Where no assessment in the data loaded names the referral it follows (Ofsted's Annex A lists do not link them), the figure has no value rather than 0%.",
    needs: ["cin_episodes", "cin_assessments", "person"],
    // A referral closed with no further action has no assessment: the two percentages count
    // referrals never in both, so those in neither (awaiting a decision) could be worked out.
    disjointFrom: "referral_nfa_pct",
    breakdowns: ["source", "age_band", "sex"],
    unknown: {
      when: "all",
      reason: "cannot be computed: no assessment in the data loaded names the referral it follows (Ofsted's Annex A lists do not link them)",
    },
    sql: `
  SELECT x.la_code, p.period_id, x.cine_person_id AS person_id, x.cine_referral_id AS record_id,
    CASE WHEN x.first_assessment IS NULL THEN 0 ELSE 1 END AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    CASE WHEN x.linked = 0 THEN 1 ELSE 0 END AS unknown,
    CASE WHEN x.linked = 0 THEN 'no assessment in the data names its referral'
      WHEN x.first_assessment IS NULL THEN 'no assessment recorded for this referral'
      ELSE 'assessment started ' || CAST(x.first_assessment AS VARCHAR) END AS why,
    x.cine_referral_source_code AS dim_source, ${personDims("x.cine_referral_date")}
  FROM (
    SELECT e.*, fa.first_assessment, coalesce(lk.linked, 0) AS linked
    FROM {cin_episodes} e
    LEFT JOIN (
      SELECT a.la_code, a.cina_referral_id, min(a.cina_assessment_start_date) AS first_assessment
      FROM {cin_assessments} a GROUP BY a.la_code, a.cina_referral_id
    ) fa ON fa.la_code = e.la_code AND fa.cina_referral_id = e.cine_referral_id
    LEFT JOIN (
      SELECT a.la_code, count(a.cina_referral_id) AS linked FROM {cin_assessments} a GROUP BY a.la_code
    ) lk ON lk.la_code = e.la_code
  ) x
  JOIN {periods} p ON p.la_code = x.la_code AND x.cine_referral_date BETWEEN p.start_date AND p.end_date
  ${personJoin("x", "x.cine_person_id")}`,
  },
  {
    id: "assessments_completed",
    title: "Assessments completed",
    area: "front_door",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    definition:
      "Children and family assessments authorised (completed) in the period, each assessment counted, so a child assessed twice counts twice. An assessment counts in the period of its authorisation date; one not yet authorised is not counted.",
    needs: ["cin_assessments", "person"],
    breakdowns: ["team", "age_band", "sex"],
    sql: `
  SELECT a.la_code, p.period_id, a.cina_person_id AS person_id, a.cina_assessment_id AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'authorised ' || CAST(a.cina_assessment_auth_date AS VARCHAR) AS why,
    a.cina_assessment_team AS dim_team, ${personDims("a.cina_assessment_auth_date")}
  FROM {cin_assessments} a
  JOIN {periods} p ON p.la_code = a.la_code AND a.cina_assessment_auth_date BETWEEN p.start_date AND p.end_date
  ${personJoin("a", "a.cina_person_id")}`,
  },
  {
    id: "assess_45wd_pct",
    denominatorOf: "assessments_completed",
    title: "Assessments completed within 45 working days",
    area: "front_door",
    unit: "percent",
    polarity: "higher",
    measure: "flow",
    periods: ALL,
    lait: "Continue_Assess_Comp",
    definition:
      "Of the assessments authorised in the period, the percentage authorised within 45 working days of starting. Working days are Monday to Friday less England and Wales bank holidays, counted from the day after the start up to and including the authorisation date, so an assessment authorised on its start day took 0 days and one taking exactly 45 is within. An assessment with no start date recorded cannot be timed and is left out, though it counts among the assessments completed; so is one authorised before the day it started, a recording error to check (a CIN census may load with such a record, with a warning).",
    needs: ["cin_assessments", "person"],
    breakdowns: ["team", "age_band", "sex"],
    sql: ASSESSMENT_ROWS,
  },
  {
    id: "assess_median_wd",
    denominatorOf: "assessments_completed",
    title: "Median working days to complete an assessment",
    area: "front_door",
    unit: "days",
    polarity: "lower",
    measure: "flow",
    periods: ALL,
    definition:
      "The median number of working days from the start to the authorisation of the assessments authorised in the period (working days counted as for the 45-day measure). An assessment with no start date recorded, or authorised before the day it started (a recording error to check), cannot be timed and is left out. The DfE publishes the England median (33 days in 2024-25).",
    needs: ["cin_assessments", "person"],
    breakdowns: ["team", "age_band", "sex"],
    sql: ASSESSMENT_ROWS,
  },
];

/** Children-in-need indicators. */
export const CHILDREN_IN_NEED: readonly IndicatorDef[] = [
  {
    id: "cin_at_end",
    title: "Children in need",
    area: "children_in_need",
    unit: "count",
    polarity: "none",
    measure: "snapshot",
    periods: ALL,
    definition:
      "Children with an open children-in-need episode on the last day of the period (referred on or before that day and not closed on or before it), each child counted once. This includes children on child protection plans, children looked after and care leavers receiving services.",
    needs: ["cin_episodes", "person"],
    breakdowns: ["primary_need", "age_band", "sex"],
    sql: cinAtEndRows(true),
  },
  {
    id: "cin_plans_started",
    title: "Child in need plans started",
    area: "children_in_need",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    definition:
      "Child in need plans that started in the period, each plan counted, so a child with two plans counts twice (a local definition: the DfE publishes no count of plans started). A plan counts in the period of its start date. With section 47 enquiries, it is one of the two ways an assessment leads on in the system flow.",
    needs: ["cin_plans", "person"],
    breakdowns: ["team", "age_band", "sex"],
    sql: CIN_PLAN_START_ROWS,
  },
  {
    id: "cin_rate",
    title: "Children in need per 10,000 children",
    area: "children_in_need",
    unit: "rate",
    polarity: "none",
    measure: "snapshot",
    periods: ALL,
    lait: "CIN",
    definition:
      "Children with an open children-in-need episode on the last day of the period (referred on or before that day and not closed on or before it, each child counted once, as for the count of children in need) per 10,000 children aged 0 to 17, using the mid-year population estimate of the year the financial year starts in (mid-2024 for 2024-25). The DfE figure is the rate at 31 March.",
    rateOf: "cin_at_end",
    needs: ["cin_episodes"],
    sql: cinAtEndRows(false),
  },
];
