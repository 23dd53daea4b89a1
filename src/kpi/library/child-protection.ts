/**
 * @module
 * Child protection indicators: section 47 enquiries, initial child protection conferences and
 * child protection plans (CIN census definitions, `../shared/research/indicators.md` §1.1;
 * decisions in `definitions.md`). Flow measures count events, as the DfE does (a child with two
 * enquiries counts twice); "on a plan at the end" measures count each child once.
 */

import type { IndicatorDef } from "../types.ts";
import { ageBandSql, personDims, personJoin } from "./front-door.ts";

const ALL = ["month", "quarter", "year", "rolling"] as const;

/** Working days allowed from the start of a section 47 enquiry to the initial conference. */
const ICPC_WD = 15;
/** Working days within which a child on a plan should have been seen, up to the period end. */
const VISIT_WD = 10;

/** Section 47 enquiries started in each period; with the age-band, sex and team breakdowns when `dims`. */
function s47Rows(dims: boolean): string {
  return `
  SELECT s.la_code, p.period_id, s.s47e_person_id AS person_id, s.s47e_s47_enquiry_id AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'section 47 enquiry started ' || CAST(s.s47e_s47_start_date AS VARCHAR) AS why${dims ? `,
    s.s47e_s47_completed_by_team AS dim_team, ${personDims("s.s47e_s47_start_date")}` : ""}
  FROM {s47_enquiry} s
  JOIN {periods} p ON p.la_code = s.la_code AND s.s47e_s47_start_date BETWEEN p.start_date AND p.end_date${dims ? `
  ${personJoin("s", "s.s47e_person_id")}` : ""}`;
}

/** Initial child protection conferences held in each period, transfer-ins included. */
function icpcRows(dims: boolean): string {
  return `
  SELECT i.la_code, p.period_id, i.icpc_person_id AS person_id, i.icpc_icpc_id AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    CASE WHEN i.icpc_icpc_transfer_in = 'Y' THEN 'transfer-in conference held ' ELSE 'initial conference held ' END
      || CAST(i.icpc_icpc_date AS VARCHAR) AS why${dims ? `,
    i.icpc_icpc_team AS dim_team, ${personDims("i.icpc_icpc_date")}` : ""}
  FROM {initial_cp_conference} i
  JOIN {periods} p ON p.la_code = i.la_code AND i.icpc_icpc_date BETWEEN p.start_date AND p.end_date${dims ? `
  ${personJoin("i", "i.icpc_person_id")}` : ""}`;
}

/**
 * Children on a child protection plan on the last day of each period (started on or before it,
 * not ended on or before it), one row per child: the plan that started last (then the lowest id)
 * stands for a child with overlapping plans. Columns: la_code, period_id, end_date, person_id,
 * record_id, start_date, and with `dims` the latest category, age band and sex.
 */
function onPlanAtEnd(dims: boolean): string {
  return `
  SELECT z.* FROM (
    SELECT c.la_code, p.period_id, p.end_date, c.cppl_person_id AS person_id, c.cppl_cp_plan_id AS record_id,
      c.cppl_cp_plan_start_date AS start_date,${dims ? `
      coalesce(c.cppl_cp_plan_latest_category, c.cppl_cp_plan_initial_category) AS dim_category, ${personDims("p.end_date")},` : ""}
      row_number() OVER (PARTITION BY c.la_code, p.period_id, c.cppl_person_id ORDER BY c.cppl_cp_plan_start_date DESC, c.cppl_cp_plan_id) AS rn
    FROM {cp_plans} c
    JOIN {periods} p ON p.la_code = c.la_code AND c.cppl_cp_plan_start_date <= p.end_date
      AND (c.cppl_cp_plan_end_date IS NULL OR c.cppl_cp_plan_end_date > p.end_date)${dims ? `
    ${personJoin("c", "c.cppl_person_id")}` : ""}
  ) z WHERE z.rn = 1`;
}

/** Plans starting in each period, with the category at the start, age band and sex. */
const PLAN_START_ROWS = `
  SELECT c.la_code, p.period_id, c.cppl_person_id AS person_id, c.cppl_cp_plan_id AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'plan started ' || CAST(c.cppl_cp_plan_start_date AS VARCHAR) AS why,
    c.cppl_cp_plan_initial_category AS dim_category, ${personDims("c.cppl_cp_plan_start_date")}
  FROM {cp_plans} c
  JOIN {periods} p ON p.la_code = c.la_code AND c.cppl_cp_plan_start_date BETWEEN p.start_date AND p.end_date
  ${personJoin("c", "c.cppl_person_id")}`;

/** The child protection indicators. */
export const CHILD_PROTECTION: readonly IndicatorDef[] = [
  {
    id: "s47_started",
    title: "Section 47 enquiries started",
    area: "child_protection",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    definition:
      "Section 47 (child protection) enquiries started in the period, each enquiry counted, so a child with two enquiries counts twice (the CIN census definition). An enquiry counts in the period of its start date.",
    needs: ["s47_enquiry", "person"],
    breakdowns: ["team", "age_band", "sex"],
    sql: s47Rows(true),
  },
  {
    id: "s47_rate",
    title: "Section 47 enquiries per 10,000 children",
    area: "child_protection",
    unit: "rate",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    lait: "Section_47",
    definition:
      "Section 47 enquiries started in the period (each enquiry counted) per 10,000 children aged 0 to 17, using the mid-year population estimate of the year the financial year starts in (mid-2024 for 2024-25). For a month or quarter the rate is for that shorter period; compare yearly and rolling-year rates with the DfE's.",
    rateOf: "s47_started",
    needs: ["s47_enquiry"],
    sql: s47Rows(false),
  },
  {
    id: "icpc",
    title: "Initial child protection conferences",
    area: "child_protection",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    definition:
      "Initial child protection conferences held in the period, each conference counted, including conferences for children who moved into the area on another authority's plan (transfer-in conferences), as the DfE counts them.",
    needs: ["initial_cp_conference", "person"],
    breakdowns: ["team", "age_band", "sex"],
    sql: icpcRows(true),
  },
  {
    id: "icpc_rate",
    title: "Initial child protection conferences per 10,000 children",
    area: "child_protection",
    unit: "rate",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    lait: "ISCP_Conf",
    definition:
      "Initial child protection conferences held in the period, transfer-in conferences included, per 10,000 children aged 0 to 17 (mid-year population estimate of the year the financial year starts in). For a month or quarter the rate is for that shorter period; compare yearly and rolling-year rates with the DfE's.",
    rateOf: "icpc",
    needs: ["initial_cp_conference"],
    sql: icpcRows(false),
  },
  {
    id: "icpc_15wd_pct",
    title: "Initial conferences within 15 working days",
    area: "child_protection",
    unit: "percent",
    polarity: "higher",
    measure: "flow",
    periods: ALL,
    lait: "CP_conf_15days",
    definition:
      "Of the initial child protection conferences held in the period, the percentage held within 15 working days of the start of the section 47 enquiry that led to them. Working days are Monday to Friday less bank holidays, counted from the day after the enquiry started up to and including the conference date, so day 15 is within. Transfer-in conferences, and conferences with no linked enquiry, count in conference numbers but not in this percentage; a conference dated before its enquiry started is left out of the percentage as a recording error to check.",
    needs: ["initial_cp_conference", "s47_enquiry", "person"],
    breakdowns: ["team", "age_band", "sex"],
    sql: `
  SELECT x.la_code, p.period_id, x.icpc_person_id AS person_id, x.icpc_icpc_id AS record_id,
    CASE WHEN x.status = 'timed' AND x.wds <= ${ICPC_WD} THEN 1 ELSE 0 END AS num,
    CASE WHEN x.status = 'timed' THEN 1 ELSE 0 END AS den,
    CASE WHEN x.status = 'timed' THEN CAST(x.wds AS DOUBLE PRECISION) ELSE NULL END AS measure,
    CASE x.status
      WHEN 'timed' THEN 'conference ' || CAST(x.icpc_icpc_date AS VARCHAR) || ', ' || CAST(x.wds AS VARCHAR)
        || ' working days after the section 47 enquiry started ' || CAST(x.s47_start AS VARCHAR)
      WHEN 'transfer' THEN 'transfer-in conference: not in the percentage'
      WHEN 'no_s47' THEN 'no section 47 enquiry linked: not in the percentage'
      ELSE 'conference ' || CAST(x.icpc_icpc_date AS VARCHAR) || ' is dated before its section 47 enquiry started '
        || CAST(x.s47_start AS VARCHAR) || ': left out of the percentage; check the dates' END AS why,
    x.icpc_icpc_team AS dim_team, ${personDims("x.icpc_icpc_date")}
  FROM (
    SELECT i.*, s.s47e_s47_start_date AS s47_start, c2.wd - c1.wd AS wds,
      CASE WHEN i.icpc_icpc_transfer_in = 'Y' THEN 'transfer'
        WHEN s.s47e_s47_enquiry_id IS NULL THEN 'no_s47'
        WHEN i.icpc_icpc_date < s.s47e_s47_start_date THEN 'before'
        ELSE 'timed' END AS status
    FROM {initial_cp_conference} i
    LEFT JOIN {s47_enquiry} s ON s.la_code = i.la_code AND s.s47e_s47_enquiry_id = i.icpc_s47_enquiry_id
    LEFT JOIN {calendar} c1 ON c1.d = s.s47e_s47_start_date
    LEFT JOIN {calendar} c2 ON c2.d = i.icpc_icpc_date
  ) x
  JOIN {periods} p ON p.la_code = x.la_code AND x.icpc_icpc_date BETWEEN p.start_date AND p.end_date
  ${personJoin("x", "x.icpc_person_id")}`,
  },
  {
    id: "cpp_started",
    title: "Child protection plans started",
    area: "child_protection",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    definition:
      "Child protection plans that started in the period, each plan counted, so a child with two plans counts twice (the CIN census definition). The category breakdown uses the initial category of abuse; the age band is the child's age when the plan started ('unborn' for a plan made before birth).",
    needs: ["cp_plans", "person"],
    breakdowns: ["category", "age_band", "sex"],
    sql: PLAN_START_ROWS,
  },
  {
    id: "cpp_at_end",
    title: "Children on a child protection plan",
    area: "child_protection",
    unit: "count",
    polarity: "none",
    measure: "snapshot",
    periods: ALL,
    definition:
      "Children on a child protection plan on the last day of the period (plan started on or before that day and not ended on or before it), each child counted once. The category breakdown uses the plan's latest category of abuse; the age band is the child's age on that day.",
    needs: ["cp_plans", "person"],
    breakdowns: ["category", "age_band", "sex"],
    sql: `
  SELECT o.la_code, o.period_id, o.person_id, o.record_id, 1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'on a plan since ' || CAST(o.start_date AS VARCHAR) AS why, o.dim_category, o.dim_age_band, o.dim_sex, o.dim_ethnicity, o.dim_disability
  FROM (${onPlanAtEnd(true)}) o`,
  },
  {
    id: "cpp_rate",
    title: "Children on a child protection plan per 10,000 children",
    area: "child_protection",
    unit: "rate",
    polarity: "none",
    measure: "snapshot",
    periods: ALL,
    lait: "CPP_rate",
    definition:
      "Children on a child protection plan on the last day of the period (each child counted once) per 10,000 children aged 0 to 17, using the mid-year population estimate of the year the financial year starts in (mid-2024 for 2024-25). The DfE figure is the rate at 31 March.",
    rateOf: "cpp_at_end",
    needs: ["cp_plans"],
    sql: `
  SELECT o.la_code, o.period_id, o.person_id, o.record_id, 1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'on a plan since ' || CAST(o.start_date AS VARCHAR) AS why
  FROM (${onPlanAtEnd(false)}) o`,
  },
  {
    id: "cpp_second_pct",
    denominatorOf: "cpp_started",
    title: "Plans for a second or subsequent time",
    area: "child_protection",
    unit: "percent",
    polarity: "lower",
    measure: "flow",
    periods: ALL,
    lait: "PrevRegCPR",
    definition:
      "Of the child protection plans that started in the period, the percentage where the child had an earlier plan (one that started before this one), however long ago, among the plans held in the data, or where the plan's record gives a number of previous plans above 0 (Ofsted's Annex A List 7 does, and its list holds only the plans of its last months). Plans a child had with another authority are not known unless they are recorded here.",
    needs: ["cp_plans", "person"],
    breakdowns: ["category", "age_band", "sex"],
    sql: `
  SELECT x.la_code, p.period_id, x.cppl_person_id AS person_id, x.cppl_cp_plan_id AS record_id,
    CASE WHEN x.previous_start IS NULL AND coalesce(x.cppl_previous_plans, 0) = 0 THEN 0 ELSE 1 END AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    CASE WHEN x.previous_start IS NOT NULL THEN 'previous plan started ' || CAST(x.previous_start AS VARCHAR)
      WHEN coalesce(x.cppl_previous_plans, 0) > 0 THEN CAST(x.cppl_previous_plans AS VARCHAR) || ' previous plan(s) recorded with the plan'
      ELSE 'first plan in the data' END AS why,
    x.cppl_cp_plan_initial_category AS dim_category, ${ageBandSql("pe.pers_dob", "x.cppl_cp_plan_start_date")} AS dim_age_band, pe.pers_sex AS dim_sex, pe.ethnic_group AS dim_ethnicity, pe.disability AS dim_disability
  FROM (
    SELECT c.*, pp.previous_start
    FROM {cp_plans} c
    LEFT JOIN (
      SELECT k.la_code, k.cppl_person_id, k.cppl_cp_plan_start_date, max(q.cppl_cp_plan_start_date) AS previous_start
      FROM (SELECT DISTINCT la_code, cppl_person_id, cppl_cp_plan_start_date FROM {cp_plans}) k
      JOIN {cp_plans} q ON q.la_code = k.la_code AND q.cppl_person_id = k.cppl_person_id AND q.cppl_cp_plan_start_date < k.cppl_cp_plan_start_date
      GROUP BY k.la_code, k.cppl_person_id, k.cppl_cp_plan_start_date
    ) pp ON pp.la_code = c.la_code AND pp.cppl_person_id = c.cppl_person_id AND pp.cppl_cp_plan_start_date = c.cppl_cp_plan_start_date
  ) x
  JOIN {periods} p ON p.la_code = x.la_code AND x.cppl_cp_plan_start_date BETWEEN p.start_date AND p.end_date
  ${personJoin("x", "x.cppl_person_id")}`,
  },
  {
    id: "cpp_2yr_open_pct",
    denominatorOf: "cpp_at_end",
    title: "Children on a plan for 2 years or more",
    area: "child_protection",
    unit: "percent",
    polarity: "lower",
    measure: "snapshot",
    periods: ALL,
    lait: "CPPlans2yrsActive",
    definition:
      "Of the children on a child protection plan on the last day of the period (each child counted once, with their current plan), the percentage whose plan had by then lasted two years or more: the period end is on or after the plan's start date plus two calendar years (a plan started on 31 March 2023 has lasted two years on 31 March 2025).",
    needs: ["cp_plans", "person"],
    breakdowns: ["category", "age_band", "sex"],
    sql: `
  SELECT o.la_code, o.period_id, o.person_id, o.record_id,
    CASE WHEN CAST(o.start_date + INTERVAL '2 years' AS DATE) <= o.end_date THEN 1 ELSE 0 END AS num, 1 AS den,
    CAST(NULL AS DOUBLE PRECISION) AS measure,
    'on a plan since ' || CAST(o.start_date AS VARCHAR)
      || CASE WHEN CAST(o.start_date + INTERVAL '2 years' AS DATE) <= o.end_date THEN ': two years or more' ELSE ': under two years' END AS why,
    o.dim_category, o.dim_age_band, o.dim_sex, o.dim_ethnicity, o.dim_disability
  FROM (${onPlanAtEnd(true)}) o`,
  },
  {
    id: "cpp_2yr_ceased_pct",
    title: "Plans ending after 2 years or more",
    area: "child_protection",
    unit: "percent",
    polarity: "lower",
    measure: "flow",
    periods: ALL,
    lait: "CPPlans2yrs",
    definition:
      "Of the child protection plans that ended in the period, the percentage that had lasted two years or more: ended on or after the start date plus two calendar years (a plan from 10 January 2023 ending on 10 January 2025 counts; one ending a day earlier does not). Read alongside plans for a second or subsequent time.",
    needs: ["cp_plans", "person"],
    breakdowns: ["category", "age_band", "sex"],
    sql: `
  SELECT c.la_code, p.period_id, c.cppl_person_id AS person_id, c.cppl_cp_plan_id AS record_id,
    CASE WHEN c.cppl_cp_plan_end_date >= CAST(c.cppl_cp_plan_start_date + INTERVAL '2 years' AS DATE) THEN 1 ELSE 0 END AS num, 1 AS den,
    CAST(NULL AS DOUBLE PRECISION) AS measure,
    'plan from ' || CAST(c.cppl_cp_plan_start_date AS VARCHAR) || ' to ' || CAST(c.cppl_cp_plan_end_date AS VARCHAR)
      || CASE WHEN c.cppl_cp_plan_end_date >= CAST(c.cppl_cp_plan_start_date + INTERVAL '2 years' AS DATE) THEN ': two years or more' ELSE ': under two years' END AS why,
    coalesce(c.cppl_cp_plan_latest_category, c.cppl_cp_plan_initial_category) AS dim_category,
    ${ageBandSql("pe.pers_dob", "c.cppl_cp_plan_end_date")} AS dim_age_band, pe.pers_sex AS dim_sex, pe.ethnic_group AS dim_ethnicity, pe.disability AS dim_disability
  FROM {cp_plans} c
  JOIN {periods} p ON p.la_code = c.la_code AND c.cppl_cp_plan_end_date BETWEEN p.start_date AND p.end_date
  ${personJoin("c", "c.cppl_person_id")}`,
  },
  {
    id: "cp_visit_10wd_pct",
    denominatorOf: "cpp_at_end",
    title: "Children on a plan seen in the last 10 working days",
    area: "child_protection",
    unit: "percent",
    polarity: "higher",
    measure: "snapshot",
    periods: ALL,
    definition:
      "Of the children on a child protection plan on the last day of the period (each child counted once), the percentage seen on a child protection visit at most 10 working days before that day: the visit is on or before the period end, and the working days from the day after the visit up to and including the period end (Monday to Friday less bank holidays) number 10 or fewer, so for Wednesday 30 April 2025 a visit on Monday 14 April counts (Good Friday and Easter Monday skipped) and one on Friday 11 April does not. A visit recorded as child not seen does not count; a visit with 'seen' left blank counts as seen, as a recorded statutory visit. Every child on a plan counts, including one whose plan began in the last 10 working days. A local measure with no national figure.",
    needs: ["cp_plans", "cp_visits", "person"],
    breakdowns: ["category", "age_band", "sex"],
    sql: `
  SELECT o.la_code, o.period_id, o.person_id, o.record_id,
    CASE WHEN ce.wd - cl.wd <= ${VISIT_WD} THEN 1 ELSE 0 END AS num, 1 AS den,
    CAST(ce.wd - cl.wd AS DOUBLE PRECISION) AS measure,
    CASE WHEN o.last_seen IS NULL THEN 'no visit with the child seen on record'
      ELSE 'last seen on a visit on ' || CAST(o.last_seen AS VARCHAR) || ', ' || CAST(ce.wd - cl.wd AS VARCHAR) || ' working days before '
        || CAST(o.end_date AS VARCHAR) END AS why,
    o.dim_category, o.dim_age_band, o.dim_sex, o.dim_ethnicity, o.dim_disability
  FROM (
    WITH onplan AS (${onPlanAtEnd(true)})
    SELECT a.*, lv.last_seen
    FROM onplan a
    LEFT JOIN (
      SELECT k.la_code, k.person_id, k.end_date, max(v.cppv_cp_visit_date) AS last_seen
      FROM (SELECT DISTINCT la_code, person_id, end_date FROM onplan) k
      JOIN {cp_visits} v ON v.la_code = k.la_code AND v.cppv_person_id = k.person_id AND v.cppv_cp_visit_date <= k.end_date
      WHERE coalesce(v.cppv_cp_visit_seen, '') <> 'N'
      GROUP BY k.la_code, k.person_id, k.end_date
    ) lv ON lv.la_code = a.la_code AND lv.person_id = a.person_id AND lv.end_date = a.end_date
  ) o
  JOIN {calendar} ce ON ce.d = o.end_date
  LEFT JOIN {calendar} cl ON cl.d = o.last_seen`,
  },
];
