/**
 * @module
 * Early help indicators: episodes of early help started, open and ended (ssd_early_help_episodes).
 * Early help is not collected by the DfE, so these are local measures with no national figure.
 * Starts and endings count episodes; "open at the end" counts each child once.
 */

import type { IndicatorDef } from "../types.ts";
import { personDims, personJoin } from "./front-door.ts";

const ALL = ["month", "quarter", "year", "rolling"] as const;

/** The early help indicators. */
export const EARLY_HELP: readonly IndicatorDef[] = [
  {
    id: "eh_started",
    title: "Early help episodes started",
    area: "early_help",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    definition:
      "Early help episodes that started in the period, each episode counted, so a child with two episodes counts twice. The age band is the child's age when the episode started. A local measure: the DfE does not collect early help, so there is no national figure.",
    needs: ["early_help_episodes", "person"],
    breakdowns: ["organisation", "age_band", "sex"],
    sql: `
  SELECT h.la_code, p.period_id, h.earl_person_id AS person_id, h.earl_episode_id AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'early help started ' || CAST(h.earl_episode_start_date AS VARCHAR) AS why,
    h.earl_episode_organisation AS dim_organisation, ${personDims("h.earl_episode_start_date")}
  FROM {early_help_episodes} h
  JOIN {periods} p ON p.la_code = h.la_code AND h.earl_episode_start_date BETWEEN p.start_date AND p.end_date
  ${personJoin("h", "h.earl_person_id")}`,
  },
  {
    id: "eh_open_at_end",
    title: "Children receiving early help",
    area: "early_help",
    unit: "count",
    polarity: "none",
    measure: "snapshot",
    periods: ALL,
    definition:
      "Children with an open early help episode on the last day of the period (started on or before that day and not ended on or before it), each child counted once however many episodes are open. An episode that starts and ends on the same day is never open at a period end. A local measure with no national figure.",
    needs: ["early_help_episodes", "person"],
    breakdowns: ["organisation", "age_band", "sex"],
    sql: `
  SELECT z.la_code, z.period_id, z.person_id, z.record_id, 1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'early help open since ' || CAST(z.start_date AS VARCHAR) AS why, z.dim_organisation, z.dim_age_band, z.dim_sex, z.dim_ethnicity, z.dim_disability
  FROM (
    SELECT h.la_code, p.period_id, h.earl_person_id AS person_id, h.earl_episode_id AS record_id, h.earl_episode_start_date AS start_date,
      h.earl_episode_organisation AS dim_organisation, ${personDims("p.end_date")},
      row_number() OVER (PARTITION BY h.la_code, p.period_id, h.earl_person_id ORDER BY h.earl_episode_start_date DESC, h.earl_episode_id) AS rn
    FROM {early_help_episodes} h
    JOIN {periods} p ON p.la_code = h.la_code AND h.earl_episode_start_date <= p.end_date
      AND (h.earl_episode_end_date IS NULL OR h.earl_episode_end_date > p.end_date)
    ${personJoin("h", "h.earl_person_id")}
  ) z WHERE z.rn = 1`,
  },
  {
    id: "eh_ended",
    title: "Early help episodes ended",
    area: "early_help",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    definition:
      "Early help episodes that ended in the period, each episode counted (an episode that starts and ends on the same day counts as started and as ended). The reason breakdown is the recorded end reason. A local measure with no national figure.",
    needs: ["early_help_episodes", "person"],
    breakdowns: ["reason", "age_band", "sex"],
    sql: `
  SELECT h.la_code, p.period_id, h.earl_person_id AS person_id, h.earl_episode_id AS record_id,
    1 AS num, 1 AS den, CAST(NULL AS DOUBLE PRECISION) AS measure,
    'early help from ' || CAST(h.earl_episode_start_date AS VARCHAR) || ' ended ' || CAST(h.earl_episode_end_date AS VARCHAR) AS why,
    h.earl_episode_end_reason AS dim_reason, ${personDims("h.earl_episode_end_date")}
  FROM {early_help_episodes} h
  JOIN {periods} p ON p.la_code = h.la_code AND h.earl_episode_end_date BETWEEN p.start_date AND p.end_date
  ${personJoin("h", "h.earl_person_id")}`,
  },
];
