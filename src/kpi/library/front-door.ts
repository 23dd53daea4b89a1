/**
 * @module
 * Front-door indicators: contacts, referrals, re-referrals and assessments (CIN census
 * definitions, `../shared/research/indicators.md` §1.1; decisions in `definitions.md`). Contacts
 * are a local measure with no national benchmark.
 */

import type { IndicatorDef } from "../types.ts";

const ALL = ["month", "quarter", "year", "rolling"] as const;

const REFERRAL_ROWS = `
  SELECT e.la_code, p.period_id, e.cine_person_id AS person_id, e.cine_referral_id AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'referral received ' || CAST(e.cine_referral_date AS VARCHAR) AS why,
    e.cine_referral_source_code AS dim_source
  FROM {cin_episodes} e
  JOIN {periods} p ON p.la_code = e.la_code AND e.cine_referral_date BETWEEN p.start_date AND p.end_date`;

const ASSESSMENT_ROWS = `
  SELECT a.la_code, p.period_id, a.cina_person_id AS person_id, a.cina_assessment_id AS record_id,
    CASE WHEN c2.wd - c1.wd <= 45 THEN 1 ELSE 0 END AS num, 1 AS den,
    CAST(c2.wd - c1.wd AS DOUBLE PRECISION) AS measure,
    'started ' || CAST(a.cina_assessment_start_date AS VARCHAR) || ', authorised ' || CAST(a.cina_assessment_auth_date AS VARCHAR)
      || ' after ' || CAST(c2.wd - c1.wd AS VARCHAR) || ' working days' AS why,
    a.cina_assessment_team AS dim_team
  FROM {cin_assessments} a
  JOIN {calendar} c1 ON c1.d = a.cina_assessment_start_date
  JOIN {calendar} c2 ON c2.d = a.cina_assessment_auth_date
  JOIN {periods} p ON p.la_code = a.la_code AND a.cina_assessment_auth_date BETWEEN p.start_date AND p.end_date`;

/** The front-door indicators. */
export const FRONT_DOOR: readonly IndicatorDef[] = [
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
    needs: ["cin_episodes"],
    breakdowns: ["source"],
    sql: REFERRAL_ROWS,
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
    needs: ["cin_episodes"],
    sql: REFERRAL_ROWS,
  },
  {
    id: "rereferral_pct",
    title: "Re-referrals within 12 months",
    area: "front_door",
    unit: "percent",
    polarity: "lower",
    measure: "flow",
    periods: ALL,
    lait: "ReReferral",
    definition:
      "Of the referrals received in the period, the percentage where the same child had a previous referral within the 12 months before: on or after the same calendar date a year earlier (a referral on 10 May 2024 after one on 10 May 2023 counts) and before this referral's date.",
    needs: ["cin_episodes"],
    breakdowns: ["source"],
    sql: `
  SELECT r.la_code, p.period_id, r.cine_person_id AS person_id, r.cine_referral_id AS record_id,
    r.rereferral AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    CASE WHEN r.rereferral = 1 THEN 'previous referral within 12 months' ELSE 'no referral in the previous 12 months' END AS why,
    r.cine_referral_source_code AS dim_source
  FROM (
    SELECT e.*, CASE WHEN EXISTS (
      SELECT 1 FROM {cin_episodes} q
      WHERE q.la_code = e.la_code AND q.cine_person_id = e.cine_person_id AND q.cine_referral_id <> e.cine_referral_id
        AND q.cine_referral_date < e.cine_referral_date
        AND q.cine_referral_date >= CAST(e.cine_referral_date - INTERVAL '12 months' AS DATE)
    ) THEN 1 ELSE 0 END AS rereferral
    FROM {cin_episodes} e
  ) r
  JOIN {periods} p ON p.la_code = r.la_code AND r.cine_referral_date BETWEEN p.start_date AND p.end_date`,
  },
  {
    id: "assess_45wd_pct",
    title: "Assessments completed within 45 working days",
    area: "front_door",
    unit: "percent",
    polarity: "higher",
    measure: "flow",
    periods: ALL,
    lait: "Continue_Assess_Comp",
    definition:
      "Of the assessments authorised in the period, the percentage authorised within 45 working days of starting. Working days are Monday to Friday less England and Wales bank holidays, counted from the day after the start up to and including the authorisation date, so an assessment authorised on its start day took 0 days and one taking exactly 45 is within.",
    needs: ["cin_assessments"],
    breakdowns: ["team"],
    sql: ASSESSMENT_ROWS,
  },
  {
    id: "assess_median_wd",
    title: "Median working days to complete an assessment",
    area: "front_door",
    unit: "days",
    polarity: "lower",
    measure: "flow",
    periods: ALL,
    definition:
      "The median number of working days from the start to the authorisation of the assessments authorised in the period (working days counted as for the 45-day measure). The DfE publishes the England median (33 days in 2024-25).",
    needs: ["cin_assessments"],
    breakdowns: ["team"],
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
    lait: "CIN",
    definition:
      "Children with an open children-in-need episode on the last day of the period (referred on or before that day and not closed on or before it), each child counted once. This includes children on child protection plans, children looked after and care leavers receiving services.",
    needs: ["cin_episodes"],
    sql: `
  SELECT e.la_code, p.period_id, e.cine_person_id AS person_id, min(e.cine_referral_id) AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'episode open on ' || CAST(p.end_date AS VARCHAR) AS why
  FROM {cin_episodes} e
  JOIN {periods} p ON p.la_code = e.la_code AND e.cine_referral_date <= p.end_date AND (e.cine_close_date IS NULL OR e.cine_close_date > p.end_date)
  GROUP BY e.la_code, p.period_id, e.cine_person_id, p.end_date`,
  },
];
