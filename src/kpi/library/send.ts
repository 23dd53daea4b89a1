/**
 * @module
 * SEND indicators: requests for an education, health and care (EHC) needs assessment and EHC
 * plans (SEN2 definitions, `../shared/research/indicators.md` §1.3; decisions in
 * `definitions.md`). The SSD chain is request → assessment → named plan; a plan's start date is
 * the date it was issued; the child comes from the request's SEND record. The DfE counts
 * timeliness by calendar year, so these indicators also offer calendar years.
 */

import type { IndicatorDef } from "../types.ts";
import { personDims, personDimsPerChild, personJoin } from "./front-door.ts";

const PERIODS = ["month", "quarter", "year", "rolling", "calendar"] as const;

/** Calendar days from the request within which a plan is on time (20 weeks; day 140 counts). */
const DAYS_20_WEEKS = 140;

/** An assessment flagged as a 20-week exception (Y, YES, 1 or TRUE in any case). */
const EXCEPTION = "upper(trim(coalesce(a.ehca_ehcp_assessment_exceptions, ''))) IN ('Y', 'YES', '1', 'TRUE')";

/** Named plans with their assessment, request and child: `n`, `a`, `r`, `s`. */
const PLAN_CHAIN = `
  FROM {ehcp_named_plan} n
  LEFT JOIN {ehcp_assessment} a ON a.la_code = n.la_code AND a.ehca_ehcp_assessment_id = n.ehcn_ehcp_asmt_id
  LEFT JOIN {ehcp_requests} r ON r.la_code = a.la_code AND r.ehcr_ehcp_request_id = a.ehca_ehcp_request_id
  LEFT JOIN {send} s ON s.la_code = r.la_code AND s.send_table_id = r.ehcr_send_table_id`;

const PLAN_NEEDS = ["ehcp_named_plan", "ehcp_assessment", "ehcp_requests", "send", "person"];

/** The SEND indicators. */
export const SEND: readonly IndicatorDef[] = [
  {
    id: "ehcp_requests",
    title: "Requests for an EHC needs assessment",
    area: "send",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: PERIODS,
    definition:
      "Requests for an education, health and care (EHC) needs assessment received in the period (by request date), each request counted, whatever the decision on it.",
    needs: ["ehcp_requests", "send", "person"],
    breakdowns: ["age_band", "sex"],
    sql: `
  SELECT r.la_code, p.period_id, s.send_person_id AS person_id, r.ehcr_ehcp_request_id AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'request received ' || CAST(r.ehcr_ehcp_req_date AS VARCHAR) AS why, ${personDims("r.ehcr_ehcp_req_date")}
  FROM {ehcp_requests} r
  LEFT JOIN {send} s ON s.la_code = r.la_code AND s.send_table_id = r.ehcr_send_table_id
  JOIN {periods} p ON p.la_code = r.la_code AND r.ehcr_ehcp_req_date BETWEEN p.start_date AND p.end_date
  ${personJoin("s", "s.send_person_id")}`,
  },
  {
    id: "ehcp_issued",
    title: "New EHC plans issued",
    area: "send",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: PERIODS,
    definition:
      "New education, health and care (EHC) plans issued in the period: plans whose start date (the date the final plan was issued) falls in it, each plan counted. The DfE's figure is for the calendar year.",
    needs: PLAN_NEEDS,
    breakdowns: ["age_band", "sex"],
    sql: `
  SELECT n.la_code, p.period_id, s.send_person_id AS person_id, n.ehcn_named_plan_id AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'plan issued ' || CAST(n.ehcn_named_plan_start_date AS VARCHAR) AS why, ${personDims("n.ehcn_named_plan_start_date")}
  ${PLAN_CHAIN}
  JOIN {periods} p ON p.la_code = n.la_code AND n.ehcn_named_plan_start_date BETWEEN p.start_date AND p.end_date
  ${personJoin("s", "s.send_person_id")}`,
  },
  {
    id: "ehcp_20wk_pct",
    title: "New EHC plans issued within 20 weeks, excluding exceptions",
    area: "send",
    unit: "percent",
    polarity: "higher",
    measure: "flow",
    periods: PERIODS,
    lait: "SEN_EHC_Excpt_20wks",
    definition: `Of the new EHC plans issued in the period, leaving out exception cases (the assessment flagged as a 20-week exception), the percentage issued within 20 weeks of the request for an EHC needs assessment: ${DAYS_20_WEEKS} calendar days or fewer from the request date to the plan's issue date, so a plan issued on day ${DAYS_20_WEEKS} is on time and one on day ${DAYS_20_WEEKS + 1} is not. A plan whose request is not recorded (no request date linked to it), or which is recorded as issued before its request, cannot be timed and is left out as a recording error to check, though it counts among the plans issued. The DfE publishes calendar years; compare the calendar-year figure.`,
    needs: PLAN_NEEDS,
    breakdowns: ["age_band", "sex"],
    sql: `
  SELECT n.la_code, p.period_id, s.send_person_id AS person_id, n.ehcn_named_plan_id AS record_id,
    CASE WHEN n.ehcn_named_plan_start_date <= CAST(r.ehcr_ehcp_req_date + INTERVAL '${DAYS_20_WEEKS} days' AS DATE) THEN 1 ELSE 0 END AS num,
    1 AS den, CAST(n.ehcn_named_plan_start_date - r.ehcr_ehcp_req_date AS DOUBLE PRECISION) AS measure,
    'requested ' || CAST(r.ehcr_ehcp_req_date AS VARCHAR) || ', issued ' || CAST(n.ehcn_named_plan_start_date AS VARCHAR)
      || ' after ' || CAST(n.ehcn_named_plan_start_date - r.ehcr_ehcp_req_date AS VARCHAR) || ' days' AS why, ${personDims("n.ehcn_named_plan_start_date")}
  ${PLAN_CHAIN}
  JOIN {periods} p ON p.la_code = n.la_code AND n.ehcn_named_plan_start_date BETWEEN p.start_date AND p.end_date
  ${personJoin("s", "s.send_person_id")}
  WHERE r.ehcr_ehcp_req_date IS NOT NULL AND n.ehcn_named_plan_start_date >= r.ehcr_ehcp_req_date AND NOT (${EXCEPTION})`,
  },
  {
    id: "ehcp_active_at_end",
    title: "Children and young people with an EHC plan",
    area: "send",
    unit: "count",
    polarity: "none",
    measure: "snapshot",
    periods: PERIODS,
    definition:
      "Children and young people with an EHC plan in force on the last day of the period (issued on or before that day and not ceased on or before it), each counted once even if more than one plan is recorded. The DfE's caseload is counted at the January census.",
    needs: PLAN_NEEDS,
    breakdowns: ["age_band", "sex"],
    sql: `
  SELECT n.la_code, p.period_id, coalesce(s.send_person_id, 'plan ' || n.ehcn_named_plan_id) AS person_id, min(n.ehcn_named_plan_id) AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'plan in force on ' || CAST(p.end_date AS VARCHAR) AS why,
    ${personDimsPerChild("p.end_date")}
  ${PLAN_CHAIN}
  JOIN {periods} p ON p.la_code = n.la_code AND n.ehcn_named_plan_start_date <= p.end_date
    AND (n.ehcn_named_plan_ceased_date IS NULL OR n.ehcn_named_plan_ceased_date > p.end_date)
  ${personJoin("s", "s.send_person_id")}
  GROUP BY n.la_code, p.period_id, p.end_date, coalesce(s.send_person_id, 'plan ' || n.ehcn_named_plan_id)`,
  },
];
