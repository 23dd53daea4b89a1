/**
 * @module
 * Missing-episode indicators for every child, in care or not (`ssd_missing`). These are local
 * measures: the DfE's statistics cover only children looked after (see the children-in-care
 * percentages) and return home interviews are not collected nationally
 * (`../shared/research/indicators.md` §0). An episode's type is read without regard to case:
 * "Missing" (or M) is whereabouts unknown, "Absent" (A, Away) is away without authorisation.
 */

import type { IndicatorDef } from "../types.ts";
import { ageBandSql, personDims, personJoin } from "./front-door.ts";

const ALL = ["month", "quarter", "year", "rolling"] as const;

const TYPE = `CASE WHEN lower(trim(m.miss_missing_episode_type)) IN ('missing', 'm') THEN 'Missing'
      WHEN lower(trim(m.miss_missing_episode_type)) IN ('absent', 'a', 'away') THEN 'Absent'
      ELSE m.miss_missing_episode_type END`;

/** Episodes that ended in the period, with the return home interview offer. */
const ENDED = `, ${personDims("m.miss_missing_episode_end_date")}
  FROM {missing} m
  JOIN {periods} p ON p.la_code = m.la_code AND m.miss_missing_episode_end_date BETWEEN p.start_date AND p.end_date
  ${personJoin("m", "m.miss_person_id")}`;

/** The missing indicators. */
export const MISSING: readonly IndicatorDef[] = [
  {
    id: "missing_episodes",
    title: "Missing episodes",
    area: "missing",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    definition:
      "Missing episodes that started in the period, for any child (living at home or in care), each episode counted, so a child missing twice counts twice. Both missing (whereabouts unknown) and absent (away without authorisation) episodes count; the type breakdown separates them. A local measure with no national figure.",
    needs: ["missing", "person"],
    breakdowns: ["type", "age_band", "sex"],
    sql: `
  SELECT m.la_code, p.period_id, m.miss_person_id AS person_id, m.miss_table_id AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'episode started ' || CAST(m.miss_missing_episode_start_date AS VARCHAR) AS why,
    ${TYPE} AS dim_type, ${personDims("m.miss_missing_episode_start_date")}
  FROM {missing} m
  JOIN {periods} p ON p.la_code = m.la_code AND m.miss_missing_episode_start_date BETWEEN p.start_date AND p.end_date
  ${personJoin("m", "m.miss_person_id")}`,
  },
  {
    id: "missing_children",
    title: "Children who went missing",
    area: "missing",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    definition:
      "Children with at least one missing or absent episode starting in the period, each child counted once however many episodes they had. Includes children living at home and children in care. A local measure with no national figure.",
    needs: ["missing", "person"],
    breakdowns: ["age_band", "sex"],
    sql: `
  SELECT m.la_code, p.period_id, m.miss_person_id AS person_id, min(m.miss_table_id) AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    CAST(count(*) AS VARCHAR) || ' episode(s), the first starting ' || CAST(min(m.miss_missing_episode_start_date) AS VARCHAR) AS why,
    ${ageBandSql("pe.pers_dob", "p.end_date")} AS dim_age_band, pe.pers_sex AS dim_sex, pe.ethnic_group AS dim_ethnicity, pe.disability AS dim_disability
  FROM {missing} m
  JOIN {periods} p ON p.la_code = m.la_code AND m.miss_missing_episode_start_date BETWEEN p.start_date AND p.end_date
  ${personJoin("m", "m.miss_person_id")}
  GROUP BY m.la_code, p.period_id, p.end_date, m.miss_person_id, pe.pers_dob, pe.pers_sex, pe.ethnic_group, pe.disability`,
  },
  {
    id: "missing_rhi_offered_pct",
    title: "Return home interviews offered",
    area: "missing",
    unit: "percent",
    polarity: "higher",
    measure: "flow",
    periods: ALL,
    definition:
      "Of the missing and absent episodes that ended in the period (an episode counts when it ends, since the interview follows the return), the percentage where a return home interview was offered (recorded Y). An episode with the offer not recorded counts as not offered; episodes still open are not counted until they end. Where no episode that ended in the period has the offer recorded at all (an SSDA903 return does not carry it), the period has no value rather than 0%. A local measure with no national figure.",
    needs: ["missing", "person"],
    breakdowns: ["type", "age_band", "sex"],
    unknown: {
      when: "all",
      reason: "cannot be computed: no episode that ended in this period has the return home interview offer recorded (an SSDA903 return does not carry it)",
    },
    sql: `
  SELECT m.la_code, p.period_id, m.miss_person_id AS person_id, m.miss_table_id AS record_id,
    CASE WHEN m.miss_missing_rhi_offered = 'Y' THEN 1 ELSE 0 END AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    CASE WHEN m.miss_missing_rhi_offered IS NULL THEN 1 ELSE 0 END AS unknown,
    'returned ' || CAST(m.miss_missing_episode_end_date AS VARCHAR) || CASE WHEN m.miss_missing_rhi_offered = 'Y' THEN '; interview offered'
      WHEN m.miss_missing_rhi_offered = 'N' THEN '; interview not offered' ELSE '; offer not recorded' END AS why,
    ${TYPE} AS dim_type${ENDED}`,
  },
  {
    id: "missing_rhi_accepted_pct",
    denominatorOf: "missing_rhi_offered_pct",
    title: "Return home interviews accepted",
    area: "missing",
    unit: "percent",
    polarity: "higher",
    measure: "flow",
    periods: ALL,
    definition:
      "Of the missing and absent episodes that ended in the period where a return home interview was offered, the percentage where the child accepted it (recorded Y). An acceptance not recorded counts as not accepted. A local measure with no national figure.",
    needs: ["missing", "person"],
    breakdowns: ["type", "age_band", "sex"],
    sql: `
  SELECT m.la_code, p.period_id, m.miss_person_id AS person_id, m.miss_table_id AS record_id,
    CASE WHEN m.miss_missing_rhi_accepted = 'Y' THEN 1 ELSE 0 END AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'returned ' || CAST(m.miss_missing_episode_end_date AS VARCHAR) || CASE WHEN m.miss_missing_rhi_accepted = 'Y' THEN '; interview accepted'
      WHEN m.miss_missing_rhi_accepted = 'N' THEN '; interview declined' ELSE '; acceptance not recorded' END AS why,
    ${TYPE} AS dim_type${ENDED}
  WHERE m.miss_missing_rhi_offered = 'Y'`,
  },
];
