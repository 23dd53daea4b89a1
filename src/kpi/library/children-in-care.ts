/**
 * @module
 * Children in care indicators (SSDA903 definitions, `../shared/research/indicators.md` §1.2;
 * decisions in `definitions.md`). Every measure works from the same looked-after episodes:
 *  - an episode that began under a short-break legal status only (V3/V4 and nothing else open
 *    that day) starts on the first day another legal status begins within it (an SSD export may
 *    keep one episode across the change), or is left out when none does; "at the end" measures
 *    also leave out a child whose legal status on the last day is V3/V4 only, and placements
 *    count only while an episode so kept is open, as the DfE leaves short-break care out of its
 *    statistics;
 *  - an episode that turns into short breaks for the rest of it (a V3/V4 legal status from a day
 *    on to its end, and no other) ends that day, with reason "short breaks";
 *  - care ends on the 18th birthday at the latest, whatever the recorded ceased date;
 *  - a period of care starts with an episode that no other episode of the child covers or meets
 *    (one episode's end date is the next one's start date when care continues), and ends with
 *    an episode no other episode continues.
 * Counts of children count each child once; flows such as placements look back over the 12
 * months to the period end whatever the period's length.
 */

import type { IndicatorDef } from "../types.ts";
import { ageBandSql } from "./front-door.ts";

const ALL = ["month", "quarter", "year", "rolling"] as const;

/** Months in care, and years in the same placement, for long-term stability. */
const STABLE_CARE_MONTHS = 30;
const STABLE_PLACEMENT_YEARS = 2;
/** Placement types counted as "other" placements: Z1 and the 2025-26 Z11–Z14 codes always. */
const OTHER_PLACEMENTS = ["Z1", "Z11", "Z12", "Z13", "Z14"];
/** Semi-independent / independent living codes withdrawn from the 2024-25 return, "other" (unregistered) from this date. */
const UNREGISTERED_CODES = ["H5", "P2"];
const UNREGISTERED_FROM = "2023-10-28";

const list = (codes: readonly string[]) => codes.map((c) => `'${c}'`).join(", ");

/** The legal statuses `l` of child `person` in `la` open on day `d`. */
function legalOpenOn(la: string, person: string, d: string): string {
  return `l.la_code = ${la} AND l.lega_person_id = ${person}
        AND l.lega_legal_status_start_date <= ${d} AND (l.lega_legal_status_end_date IS NULL OR l.lega_legal_status_end_date > ${d})`;
}

/**
 * Over the legal statuses `l` of one child open on one day (grouped, `l` left-joined): true when
 * every one is a short break (V3/V4) and there is at least one. Written as a join and an aggregate,
 * not a correlated subquery, which PostgreSQL would run once per row.
 */
const SHORT_BREAK_ONLY = `(max(CASE WHEN upper(trim(l.lega_legal_status)) IN ('V3', 'V4') THEN 1 ELSE 0 END) = 1
      AND max(CASE WHEN upper(trim(l.lega_legal_status)) NOT IN ('V3', 'V4') THEN 1 ELSE 0 END) = 0)`;

const EIGHTEEN = "CAST(pe.pers_dob + INTERVAL '18 years' AS DATE)";

/**
 * The looked-after episodes every measure uses (`cla`): short-break episodes left out, ended where
 * they turn into short breaks for good (`sb_to`) and at the 18th birthday, with the child's date of birth and sex; `starts` and `ends` are the episodes that
 * begin and end a period of care.
 */
const CLA_CTES = `sb_children AS (
    SELECT DISTINCT la_code, lega_person_id AS person_id FROM {legal_status} WHERE upper(trim(lega_legal_status)) IN ('V3', 'V4')
  ),
  cla_sb AS (
    SELECT k.la_code, k.person_id, k.d FROM (
      SELECT DISTINCT e.la_code, e.clae_person_id AS person_id, e.clae_cla_episode_start_date AS d FROM {cla_episodes} e
      JOIN sb_children sc ON sc.la_code = e.la_code AND sc.person_id = e.clae_person_id
    ) k
    JOIN {legal_status} l ON ${legalOpenOn("k.la_code", "k.person_id", "k.d")}
    GROUP BY k.la_code, k.person_id, k.d
    HAVING ${SHORT_BREAK_ONLY}
  ),
  sb_full AS (
    SELECT sb.la_code, sb.person_id, sb.d, min(l.lega_legal_status_start_date) AS full_from
    FROM cla_sb sb
    JOIN {legal_status} l ON l.la_code = sb.la_code AND l.lega_person_id = sb.person_id AND l.lega_legal_status_start_date > sb.d
      AND upper(trim(l.lega_legal_status)) NOT IN ('V3', 'V4')
    GROUP BY sb.la_code, sb.person_id, sb.d
  ),
  cla_e AS (
    SELECT e.*, CASE WHEN sb.d IS NULL THEN e.clae_cla_episode_start_date ELSE f.full_from END AS from_date
    FROM {cla_episodes} e
    LEFT JOIN cla_sb sb ON sb.la_code = e.la_code AND sb.person_id = e.clae_person_id AND sb.d = e.clae_cla_episode_start_date
    LEFT JOIN sb_full f ON f.la_code = sb.la_code AND f.person_id = sb.person_id AND f.d = sb.d
    WHERE sb.d IS NULL OR (f.full_from IS NOT NULL AND (e.clae_cla_episode_ceased_date IS NULL OR f.full_from < e.clae_cla_episode_ceased_date))
  ),
  sb_to AS (
    SELECT e.la_code, e.clae_cla_episode_id AS episode_id, min(l.lega_legal_status_start_date) AS sb_from
    FROM cla_e e
    JOIN sb_children sc ON sc.la_code = e.la_code AND sc.person_id = e.clae_person_id
    JOIN {legal_status} l ON l.la_code = e.la_code AND l.lega_person_id = e.clae_person_id
      AND upper(trim(l.lega_legal_status)) IN ('V3', 'V4') AND l.lega_legal_status_start_date > e.from_date
      AND (e.clae_cla_episode_ceased_date IS NULL OR l.lega_legal_status_start_date < e.clae_cla_episode_ceased_date)
      AND (l.lega_legal_status_end_date IS NULL OR l.lega_legal_status_end_date >= e.clae_cla_episode_ceased_date)
    WHERE NOT EXISTS (SELECT 1 FROM {legal_status} n WHERE n.la_code = e.la_code AND n.lega_person_id = e.clae_person_id
      AND upper(trim(n.lega_legal_status)) NOT IN ('V3', 'V4')
      AND (n.lega_legal_status_end_date IS NULL OR n.lega_legal_status_end_date > l.lega_legal_status_start_date)
      AND (e.clae_cla_episode_ceased_date IS NULL OR n.lega_legal_status_start_date < e.clae_cla_episode_ceased_date))
    GROUP BY e.la_code, e.clae_cla_episode_id
  ),
  cla_t AS (
    SELECT e.*, CASE WHEN t.sb_from IS NULL THEN e.clae_cla_episode_ceased_date ELSE t.sb_from END AS to_date,
      CASE WHEN t.sb_from IS NULL THEN upper(trim(e.clae_cla_episode_ceased_reason)) ELSE 'short breaks' END AS to_reason
    FROM cla_e e
    LEFT JOIN sb_to t ON t.la_code = e.la_code AND t.episode_id = e.clae_cla_episode_id
  ),
  cla AS (
    SELECT e.la_code, e.clae_person_id AS person_id, e.clae_cla_episode_id AS episode_id, e.from_date AS start_date,
      CASE WHEN pe.pers_dob IS NOT NULL AND (e.to_date IS NULL OR e.to_date > ${EIGHTEEN})
        THEN ${EIGHTEEN} ELSE e.to_date END AS end_date,
      CASE WHEN pe.pers_dob IS NOT NULL AND (e.to_date IS NULL OR e.to_date > ${EIGHTEEN})
        THEN '18th birthday' ELSE e.to_reason END AS end_reason,
      pe.pers_dob AS dob, pe.pers_sex AS sex, pe.ethnic_group AS ethnic, pe.disability AS disab
    FROM cla_t e
    LEFT JOIN {person} pe ON pe.la_code = e.la_code AND pe.pers_person_id = e.clae_person_id
    WHERE pe.pers_dob IS NULL OR e.from_date < ${EIGHTEEN}
  ),
  starts AS (
    SELECT c.* FROM cla c WHERE NOT EXISTS (
      SELECT 1 FROM cla q WHERE q.la_code = c.la_code AND q.person_id = c.person_id AND q.episode_id <> c.episode_id
        AND (q.start_date < c.start_date OR (q.start_date = c.start_date AND q.episode_id < c.episode_id))
        AND (q.end_date IS NULL OR q.end_date >= c.start_date))
  ),
  ends AS (
    SELECT c.* FROM cla c WHERE c.end_date IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM cla q WHERE q.la_code = c.la_code AND q.person_id = c.person_id AND q.episode_id <> c.episode_id
        AND q.start_date <= c.end_date AND (q.end_date IS NULL OR q.end_date > c.end_date))
  )`;

/**
 * Children looked after on each period's last day (`atend`), one row per child, short-break-only
 * children left out (`end_sb`: only children with a V3/V4 status anywhere are looked at).
 */
const AT_END_CTE = `end_sb AS (
    SELECT l.la_code, l.lega_person_id AS person_id, p.end_date AS d
    FROM {legal_status} l
    JOIN sb_children sc ON sc.la_code = l.la_code AND sc.person_id = l.lega_person_id
    JOIN {periods} p ON p.la_code = l.la_code AND l.lega_legal_status_start_date <= p.end_date
      AND (l.lega_legal_status_end_date IS NULL OR l.lega_legal_status_end_date > p.end_date)
    GROUP BY l.la_code, l.lega_person_id, p.end_date
    HAVING ${SHORT_BREAK_ONLY}
  ),
  atend AS (
    SELECT c.la_code, p.period_id, p.end_date AS p_end, c.person_id, min(c.episode_id) AS record_id, max(c.dob) AS dob, max(c.sex) AS sex, max(c.ethnic) AS ethnic, max(c.disab) AS disab
    FROM cla c
    JOIN {periods} p ON p.la_code = c.la_code AND c.start_date <= p.end_date AND (c.end_date IS NULL OR c.end_date > p.end_date)
    WHERE NOT EXISTS (SELECT 1 FROM end_sb sb WHERE sb.la_code = c.la_code AND sb.person_id = c.person_id AND sb.d = p.end_date)
    GROUP BY c.la_code, p.period_id, p.end_date, c.person_id
  )`;

/** The first day of the 12 months ending on `end` (1 April for 31 March). */
function yearBefore(end: string): string {
  return `CAST(CAST(${end} + INTERVAL '1 day' AS DATE) - INTERVAL '1 year' AS DATE)`;
}

/** The child's placement open on `d` (the latest started), as `cur` columns pl_id, pl_start, pl_type, via a lateral-free window. */
function currentPlacementCte(from: string): string {
  return `cur AS (
    SELECT z.la_code, z.period_id, z.person_id, z.pl_id, z.pl_start, z.pl_type FROM (
      SELECT a.la_code, a.period_id, a.person_id, x.clap_cla_placement_id AS pl_id, x.clap_cla_placement_start_date AS pl_start,
        upper(trim(x.clap_cla_placement_type)) AS pl_type,
        row_number() OVER (PARTITION BY a.la_code, a.period_id, a.person_id ORDER BY x.clap_cla_placement_start_date DESC, x.clap_cla_placement_id DESC) AS rn
      FROM ${from} a
      JOIN {cla_placement} x ON x.la_code = a.la_code AND x.clap_person_id = a.person_id AND x.clap_cla_placement_start_date <= a.p_end
        AND (x.clap_cla_placement_end_date IS NULL OR x.clap_cla_placement_end_date > a.p_end)
    ) z WHERE z.rn = 1
  )`;
}

/**
 * `ls`: the legal status of each row of `from` (one per authority, period and child) on its day
 * `d` (a non-short-break one first, then the latest started), as `ls.status`.
 */
function legalStatusCte(from: string, d: string): string {
  return `ls AS (
    SELECT z.la_code, z.period_id, z.person_id, z.status FROM (
      SELECT a.la_code, a.period_id, a.person_id, upper(trim(l.lega_legal_status)) AS status,
        row_number() OVER (PARTITION BY a.la_code, a.period_id, a.person_id
          ORDER BY CASE WHEN upper(trim(l.lega_legal_status)) IN ('V3', 'V4') THEN 1 ELSE 0 END, l.lega_legal_status_start_date DESC, l.lega_legal_status_id DESC) AS rn
      FROM ${from} a
      JOIN {legal_status} l ON ${legalOpenOn("a.la_code", "a.person_id", `a.${d}`)}
    ) z WHERE z.rn = 1
  )`;
}

/** The join condition for rows of `x` and `a` about the same child in the same authority and period. */
function sameChild(x: string, a: string): string {
  return `${x}.la_code = ${a}.la_code AND ${x}.period_id = ${a}.period_id AND ${x}.person_id = ${a}.person_id`;
}

const NO_MEASURE = "CAST(NULL AS DOUBLE PRECISION) AS measure";

/** Children looked after at the end; with the placement type, legal status, age-band and sex breakdowns when `dims`. */
function atEndRows(dims: boolean): string {
  return `WITH ${CLA_CTES},
  ${AT_END_CTE}${dims ? `,\n  ${currentPlacementCte("atend")},\n  ${legalStatusCte("atend", "p_end")}` : ""}
  SELECT a.la_code, a.period_id, a.person_id, a.record_id, 1 AS num, 1 AS den, ${NO_MEASURE},
    'looked after on ' || CAST(a.p_end AS VARCHAR) AS why${
      dims
        ? `,
    cur.pl_type AS dim_placement_type, ls.status AS dim_legal_status,
    ${ageBandSql("a.dob", "a.p_end")} AS dim_age_band, a.sex AS dim_sex, a.ethnic AS dim_ethnicity, a.disab AS dim_disability
  FROM atend a
  LEFT JOIN cur ON ${sameChild("cur", "a")}
  LEFT JOIN ls ON ${sameChild("ls", "a")}`
        : `
  FROM atend a`
    }`;
}

/** Children starting to be looked after in each period, once each (their first start in it). */
function startedRows(dims: boolean): string {
  return `WITH ${CLA_CTES},
  s AS (
    SELECT st.la_code, p.period_id, st.person_id, st.episode_id, st.start_date, st.dob, st.sex, st.ethnic, st.disab,
      row_number() OVER (PARTITION BY st.la_code, p.period_id, st.person_id ORDER BY st.start_date, st.episode_id) AS rn
    FROM starts st
    JOIN {periods} p ON p.la_code = st.la_code AND st.start_date BETWEEN p.start_date AND p.end_date
  ),
  s1 AS (SELECT * FROM s WHERE s.rn = 1)${dims ? `,\n  ${legalStatusCte("s1", "start_date")}` : ""}
  SELECT s.la_code, s.period_id, s.person_id, s.episode_id AS record_id, 1 AS num, 1 AS den, ${NO_MEASURE},
    'started to be looked after on ' || CAST(s.start_date AS VARCHAR) AS why${
      dims
        ? `,
    ls.status AS dim_legal_status, ${ageBandSql("s.dob", "s.start_date")} AS dim_age_band, s.sex AS dim_sex, s.ethnic AS dim_ethnicity, s.disab AS dim_disability`
        : ""
    }
  FROM s1 s${dims ? ` LEFT JOIN ls ON ${sameChild("ls", "s")}` : ""}`;
}

/**
 * Looked-after children with their placements of 24 hours or more open in the 12 months to the
 * period end. Placements loaded from Ofsted's Annex A are each child's latest only (List 8 has one
 * row per period of care), so earlier moves are not known and the figure has no value (`unknown`):
 * that is decided from how the placements were loaded (the source format of the snapshot that
 * wrote the rows, which a later load carrying the table forward keeps), whether or not the list
 * filled its "Number of Placements in the Last 12 months" column; and, for data that reached the
 * store another way (an SSD export written from such a snapshot), from that count
 * (`clae_placements_12m`), which only an Annex A load fills.
 */
const PLACEMENTS_12M = `WITH ${CLA_CTES},
  ${AT_END_CTE},
  fostered AS (
    SELECT k.la_code, k.clap_person_id, k.pl_start FROM (
      SELECT DISTINCT la_code, clap_person_id, clap_cla_placement_start_date AS pl_start FROM {cla_placement}
    ) k
    JOIN {cla_placement} f ON f.la_code = k.la_code AND f.clap_person_id = k.clap_person_id
      AND upper(trim(f.clap_cla_placement_type)) LIKE 'U%'
      AND f.clap_cla_placement_end_date BETWEEN CAST(k.pl_start - INTERVAL '1 day' AS DATE) AND k.pl_start
    GROUP BY k.la_code, k.clap_person_id, k.pl_start
  ),
  pl AS (
    SELECT x.la_code, x.clap_person_id, x.clap_cla_placement_start_date AS pl_start, x.clap_cla_placement_end_date AS pl_end,
      CASE WHEN upper(trim(x.clap_cla_placement_type)) IN ('A3', 'A5') AND fo.la_code IS NOT NULL THEN 1 ELSE 0 END AS same_carer
    FROM {cla_placement} x
    LEFT JOIN fostered fo ON fo.la_code = x.la_code AND fo.clap_person_id = x.clap_person_id AND fo.pl_start = x.clap_cla_placement_start_date
    WHERE (x.clap_cla_placement_end_date IS NULL OR x.clap_cla_placement_end_date > x.clap_cla_placement_start_date)
      AND EXISTS (SELECT 1 FROM cla c WHERE c.la_code = x.la_code AND c.person_id = x.clap_person_id
        AND (c.end_date IS NULL OR x.clap_cla_placement_start_date < c.end_date)
        AND (x.clap_cla_placement_end_date IS NULL OR x.clap_cla_placement_end_date > c.start_date))
  ),
  kn AS (
    SELECT a.la_code, a.period_id, a.person_id, count(*) AS n
    FROM atend a
    JOIN pl ON pl.la_code = a.la_code AND pl.clap_person_id = a.person_id AND pl.same_carer = 0
      AND pl.pl_start <= a.p_end AND (pl.pl_end IS NULL OR pl.pl_end >= ${yearBefore("a.p_end")})
    GROUP BY a.la_code, a.period_id, a.person_id
  ),
  k AS (
    SELECT a.*, coalesce(kn.n, 0) AS n
    FROM atend a
    LEFT JOIN kn ON ${sameChild("kn", "a")}
  ),
  ${currentPlacementCte("k")}
  SELECT k.la_code, k.period_id, k.person_id, k.record_id, CASE WHEN k.n >= 3 THEN 1 ELSE 0 END AS num, 1 AS den, ${NO_MEASURE},
    coalesce(lo.latest_only, 0) AS unknown,
    CAST(k.n AS VARCHAR) || ' placement(s) of 24 hours or more in the 12 months to ' || CAST(k.p_end AS VARCHAR) || CASE WHEN lo.latest_only = 1 THEN ' held (the data holds the latest placement only)' ELSE '' END AS why,
    cur.pl_type AS dim_placement_type, ${ageBandSql("k.dob", "k.p_end")} AS dim_age_band, k.sex AS dim_sex, k.ethnic AS dim_ethnicity, k.disab AS dim_disability
  FROM k
  LEFT JOIN cur ON ${sameChild("cur", "k")}
  LEFT JOIN (
    SELECT la_code, max(latest_only) AS latest_only FROM (
      SELECT e.la_code, CASE WHEN e.clae_placements_12m IS NULL THEN 0 ELSE 1 END AS latest_only FROM {cla_episodes} e
      UNION ALL
      SELECT x.la_code, CASE WHEN s.source_format LIKE '%annex-a%' THEN 1 ELSE 0 END FROM {cla_placement} x
      LEFT JOIN lantern_snapshot s ON s.snapshot_id = x.snapshot_id
    ) l GROUP BY la_code
  ) lo ON lo.la_code = k.la_code`;

const LONG_TERM = `WITH ${CLA_CTES},
  ${AT_END_CTE},
  under16 AS (
    SELECT a.* FROM atend a WHERE a.dob IS NOT NULL AND CAST(a.dob + INTERVAL '16 years' AS DATE) > a.p_end
  ),
  lt AS (
    SELECT a.*, cs.care_start
    FROM under16 a
    LEFT JOIN (
      SELECT a.la_code, a.period_id, a.person_id, max(st.start_date) AS care_start
      FROM under16 a JOIN starts st ON st.la_code = a.la_code AND st.person_id = a.person_id AND st.start_date <= a.p_end
      GROUP BY a.la_code, a.period_id, a.person_id
    ) cs ON ${sameChild("cs", "a")}
  ),
  cohort AS (
    SELECT lt.* FROM lt WHERE lt.care_start <= CAST(lt.p_end - INTERVAL '${STABLE_CARE_MONTHS} months' AS DATE)
  ),
  ${currentPlacementCte("cohort")},
  prev AS (
    SELECT cur.la_code, cur.period_id, cur.person_id, max(q.clap_cla_placement_start_date) AS prev_start
    FROM cur
    JOIN {cla_placement} q ON q.la_code = cur.la_code AND q.clap_person_id = cur.person_id
      AND q.clap_cla_placement_start_date < cur.pl_start
      AND q.clap_cla_placement_end_date BETWEEN CAST(cur.pl_start - INTERVAL '1 day' AS DATE) AND cur.pl_start
    GROUP BY cur.la_code, cur.period_id, cur.person_id
  ),
  x AS (
    SELECT c.*, cur.pl_type, cur.pl_start, prev.prev_start,
      CAST(c.p_end - INTERVAL '${STABLE_PLACEMENT_YEARS} years' AS DATE) AS since
    FROM cohort c
    LEFT JOIN cur ON ${sameChild("cur", "c")}
    LEFT JOIN prev ON ${sameChild("prev", "c")}
  )
  SELECT x.la_code, x.period_id, x.person_id, x.record_id,
    CASE WHEN x.pl_start <= x.since THEN 1 WHEN x.pl_type IN ('A3', 'A4', 'A5', 'A6') AND x.prev_start <= x.since THEN 1 ELSE 0 END AS num,
    1 AS den, ${NO_MEASURE},
    'in care since ' || CAST(x.care_start AS VARCHAR) || CASE
      WHEN x.pl_start IS NULL THEN '; no placement recorded on ' || CAST(x.p_end AS VARCHAR)
      WHEN x.pl_start <= x.since THEN '; same placement since ' || CAST(x.pl_start AS VARCHAR)
      WHEN x.pl_type IN ('A3', 'A4', 'A5', 'A6') AND x.prev_start <= x.since THEN '; placed for adoption ' || CAST(x.pl_start AS VARCHAR) || ' after a placement from ' || CAST(x.prev_start AS VARCHAR)
      ELSE '; placement started ' || CAST(x.pl_start AS VARCHAR) END AS why,
    x.pl_type AS dim_placement_type, ${ageBandSql("x.dob", "x.p_end")} AS dim_age_band, x.sex AS dim_sex, x.ethnic AS dim_ethnicity, x.disab AS dim_disability
  FROM x`;

const OTHER_PLACEMENT_ROWS = `WITH ${CLA_CTES},
  ${AT_END_CTE},
  ${currentPlacementCte("atend")},
  x AS (
    SELECT a.*, cur.pl_type,
      CASE WHEN cur.pl_type IN (${list(OTHER_PLACEMENTS)}) THEN 1
        WHEN cur.pl_type IN (${list(UNREGISTERED_CODES)}) AND a.p_end >= DATE '${UNREGISTERED_FROM}' THEN 1 ELSE 0 END AS other
    FROM atend a
    LEFT JOIN cur ON ${sameChild("cur", "a")}
  )
  SELECT x.la_code, x.period_id, x.person_id, x.record_id, x.other AS num, 1 AS den, ${NO_MEASURE},
    CASE WHEN x.pl_type IS NULL THEN 'no placement recorded on ' || CAST(x.p_end AS VARCHAR)
      ELSE 'placement type ' || x.pl_type || ' on ' || CAST(x.p_end AS VARCHAR) END AS why,
    x.pl_type AS dim_placement_type, ${ageBandSql("x.dob", "x.p_end")} AS dim_age_band, x.sex AS dim_sex, x.ethnic AS dim_ethnicity, x.disab AS dim_disability
  FROM x`;

const UASC_ROWS = `WITH ${CLA_CTES},
  ${AT_END_CTE}
  SELECT a.la_code, a.period_id, a.person_id, a.record_id, 1 AS num, 1 AS den, ${NO_MEASURE},
    'looked after and an unaccompanied asylum-seeking child on ' || CAST(a.p_end AS VARCHAR) AS why,
    ${ageBandSql("a.dob", "a.p_end")} AS dim_age_band, a.sex AS dim_sex, a.ethnic AS dim_ethnicity, a.disab AS dim_disability
  FROM atend a
  WHERE EXISTS (SELECT 1 FROM {immigration_status} i WHERE i.la_code = a.la_code AND i.immi_person_id = a.person_id
    AND (upper(trim(i.immi_immigration_status)) LIKE '%UASC%' OR lower(i.immi_immigration_status) LIKE '%unaccompanied%')
    AND (i.immi_immigration_status_start_date IS NULL OR i.immi_immigration_status_start_date <= a.p_end)
    AND (i.immi_immigration_status_end_date IS NULL OR i.immi_immigration_status_end_date > a.p_end))`;

/**
 * True when child `person` of `la` is on short breaks only from day `from` up to the day before
 * `to`: a V3/V4 legal status open all that time, and no other legal status open on any of those
 * days (a looked-after episode that turns into short breaks is not care while they last).
 */
function shortBreaksThroughout(la: string, person: string, from: string, to: string): string {
  return `EXISTS (SELECT 1 FROM {legal_status} l WHERE l.la_code = ${la} AND l.lega_person_id = ${person}
        AND upper(trim(l.lega_legal_status)) IN ('V3', 'V4')
        AND l.lega_legal_status_start_date <= ${from} AND (l.lega_legal_status_end_date IS NULL OR l.lega_legal_status_end_date >= ${to}))
      AND NOT EXISTS (SELECT 1 FROM {legal_status} l WHERE l.la_code = ${la} AND l.lega_person_id = ${person}
        AND upper(trim(l.lega_legal_status)) NOT IN ('V3', 'V4')
        AND l.lega_legal_status_start_date < ${to} AND (l.lega_legal_status_end_date IS NULL OR l.lega_legal_status_end_date > ${from}))`;
}

/** Children looked after at any time in the period, with the first missing (`kind` 'Missing') or away ('Absent') episode. */
function missingRows(kind: "missing" | "away"): string {
  const codes = kind === "missing" ? "('missing', 'm')" : "('absent', 'a', 'away')";
  const word = kind === "missing" ? "missing" : "away from placement without authorisation";
  return `WITH ${CLA_CTES},
  during AS (
    SELECT c.la_code, p.period_id, p.start_date AS p_start, p.end_date AS p_end, c.person_id, min(c.episode_id) AS record_id,
      max(c.dob) AS dob, max(c.sex) AS sex, max(c.ethnic) AS ethnic, max(c.disab) AS disab
    FROM cla c
    JOIN {periods} p ON p.la_code = c.la_code AND c.start_date <= p.end_date AND (c.end_date IS NULL OR c.end_date >= p.start_date)
    WHERE NOT (${shortBreaksThroughout("c.la_code", "c.person_id", "CASE WHEN c.start_date > p.start_date THEN c.start_date ELSE p.start_date END", "CASE WHEN c.end_date IS NULL OR c.end_date > p.end_date THEN CAST(p.end_date + INTERVAL '1 day' AS DATE) ELSE c.end_date END")})
    GROUP BY c.la_code, p.period_id, p.start_date, p.end_date, c.person_id
  ),
  gone AS (
    SELECT m.la_code, m.miss_person_id, m.miss_missing_episode_start_date, m.miss_missing_episode_end_date FROM {missing} m
    WHERE lower(trim(m.miss_missing_episode_type)) IN ${codes}
      AND EXISTS (SELECT 1 FROM cla c WHERE c.la_code = m.la_code AND c.person_id = m.miss_person_id
        AND c.start_date <= m.miss_missing_episode_start_date AND (c.end_date IS NULL OR c.end_date >= m.miss_missing_episode_start_date))
      AND NOT (${shortBreaksThroughout("m.la_code", "m.miss_person_id", "m.miss_missing_episode_start_date", "CAST(m.miss_missing_episode_start_date + INTERVAL '1 day' AS DATE)")})
  ),
  x AS (
    SELECT d.*, fs.first_start
    FROM during d
    LEFT JOIN (
      SELECT d.la_code, d.period_id, d.person_id, min(m.miss_missing_episode_start_date) AS first_start
      FROM during d
      JOIN gone m ON m.la_code = d.la_code AND m.miss_person_id = d.person_id
        AND m.miss_missing_episode_start_date <= d.p_end
        AND (m.miss_missing_episode_end_date IS NULL OR m.miss_missing_episode_end_date >= d.p_start)
      GROUP BY d.la_code, d.period_id, d.person_id
    ) fs ON ${sameChild("fs", "d")}
  )
  SELECT x.la_code, x.period_id, x.person_id, x.record_id, CASE WHEN x.first_start IS NULL THEN 0 ELSE 1 END AS num, 1 AS den, ${NO_MEASURE},
    CASE WHEN x.first_start IS NULL THEN 'looked after in the period; not ${word} while looked after'
      ELSE '${word} from ' || CAST(x.first_start AS VARCHAR) END AS why,
    ${ageBandSql("x.dob", "x.p_end")} AS dim_age_band, x.sex AS dim_sex, x.ethnic AS dim_ethnicity, x.disab AS dim_disability
  FROM x`;
}

const MULTIPLE_SW_ROWS = `WITH ${CLA_CTES},
  ${AT_END_CTE},
  sw AS (
    SELECT a.la_code, a.period_id, a.person_id, count(DISTINCT i.invo_professional_id) AS n
    FROM atend a
    JOIN {involvements} i ON i.la_code = a.la_code AND i.invo_person_id = a.person_id
      AND upper(trim(i.invo_professional_role_id)) IN ('ALLOCATED CASE WORKER', 'ALLOCATED SOCIAL WORKER')
      AND i.invo_involvement_start_date <= a.p_end
      AND (i.invo_involvement_end_date IS NULL OR i.invo_involvement_end_date >= ${yearBefore("a.p_end")})
    GROUP BY a.la_code, a.period_id, a.person_id
  ),
  x AS (
    SELECT a.*, coalesce(sw.n, 0) AS n
    FROM atend a
    LEFT JOIN sw ON ${sameChild("sw", "a")}
  )
  SELECT x.la_code, x.period_id, x.person_id, x.record_id, CASE WHEN x.n > 1 THEN 1 ELSE 0 END AS num, 1 AS den, ${NO_MEASURE},
    CAST(x.n AS VARCHAR) || ' allocated social worker(s) in the 12 months to ' || CAST(x.p_end AS VARCHAR) AS why,
    ${ageBandSql("x.dob", "x.p_end")} AS dim_age_band, x.sex AS dim_sex, x.ethnic AS dim_ethnicity, x.disab AS dim_disability
  FROM x`;

const CLA_NEEDS = ["cla_episodes", "person", "legal_status"];
const SHORT_BREAKS =
  "Children looked after only under an agreed series of short breaks (legal status V3 or V4) are left out, as the DfE does (an episode that begins with short breaks counts from the day another legal status begins in it, and placements count only while such care is open), and care ends at the 18th birthday at the latest.";
const TWELVE_MONTHS = "For a month or quarter Lantern looks back over the 12 months ending with it, so every period's figure is comparable with the year's. A period whose 12 months reach back before the first month the records are held from has no value, rather than one too low.";

/** The children in care indicators. */
export const CHILDREN_IN_CARE: readonly IndicatorDef[] = [
  {
    id: "cla_at_end",
    title: "Children looked after",
    area: "children_in_care",
    unit: "count",
    polarity: "none",
    measure: "snapshot",
    periods: ALL,
    lait: "LACnum",
    definition: `Children looked after on the last day of the period (a care episode started on or before that day and not ceased on or before it), each child counted once. ${SHORT_BREAKS} A child whose only legal status that day is V3 or V4 is not counted.`,
    needs: [...CLA_NEEDS, "cla_placement"],
    breakdowns: ["placement_type", "legal_status", "age_band", "sex"],
    sql: atEndRows(true),
  },
  {
    id: "cla_rate",
    title: "Children looked after per 10,000 children",
    area: "children_in_care",
    unit: "rate",
    polarity: "none",
    measure: "snapshot",
    periods: ALL,
    lait: "LAC",
    definition: `Children looked after on the last day of the period (counted as for the number of children looked after) per 10,000 children aged 0 to 17, using the mid-year population estimate of the year the financial year starts in (mid-2024 for 2024-25). ${SHORT_BREAKS} The DfE figure is the rate at 31 March.`,
    rateOf: "cla_at_end",
    needs: CLA_NEEDS,
    sql: atEndRows(false),
  },
  {
    id: "cla_started",
    title: "Children starting to be looked after",
    area: "children_in_care",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    definition: `Children who started a period of care in the period, each child counted once however many times they came into care in it. A period of care starts with an episode that does not continue an earlier one (an episode that starts on the day the previous one ended continues it). ${SHORT_BREAKS}`,
    needs: CLA_NEEDS,
    breakdowns: ["legal_status", "age_band", "sex"],
    sql: startedRows(true),
  },
  {
    id: "cla_start_rate",
    title: "Children starting to be looked after per 10,000 children",
    area: "children_in_care",
    unit: "rate",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    lait: "LAC_Start_Rate",
    definition: `Children who started a period of care in the period (each child once, as for the count of children starting to be looked after) per 10,000 children aged 0 to 17, mid-year population estimate of the year the financial year starts in. For a month or quarter the rate is for that shorter period; compare yearly and rolling-year rates with the DfE's. ${SHORT_BREAKS}`,
    rateOf: "cla_started",
    needs: CLA_NEEDS,
    sql: startedRows(false),
  },
  {
    id: "cla_ceased",
    title: "Children ceasing to be looked after",
    area: "children_in_care",
    unit: "count",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    definition: `Children whose period of care ended in the period, each child counted once (their last cessation in it). Care ends with an episode that no other episode continues; a young person still recorded as looked after on their 18th birthday is counted as ceasing that day (reason "18th birthday"), and a child whose care turns into short breaks (V3 or V4) for the rest of the episode as ceasing the day they begin (reason "short breaks"). ${SHORT_BREAKS}`,
    needs: CLA_NEEDS,
    breakdowns: ["reason", "age_band", "sex"],
    sql: `WITH ${CLA_CTES},
  s AS (
    SELECT en.la_code, p.period_id, en.person_id, en.episode_id, en.end_date, en.end_reason, en.dob, en.sex, en.ethnic, en.disab,
      row_number() OVER (PARTITION BY en.la_code, p.period_id, en.person_id ORDER BY en.end_date DESC, en.episode_id DESC) AS rn
    FROM ends en
    JOIN {periods} p ON p.la_code = en.la_code AND en.end_date BETWEEN p.start_date AND p.end_date
  )
  SELECT s.la_code, s.period_id, s.person_id, s.episode_id AS record_id, 1 AS num, 1 AS den, ${NO_MEASURE},
    'ceased to be looked after on ' || CAST(s.end_date AS VARCHAR) || coalesce(' (' || s.end_reason || ')', '') AS why,
    s.end_reason AS dim_reason, ${ageBandSql("s.dob", "s.end_date")} AS dim_age_band, s.sex AS dim_sex, s.ethnic AS dim_ethnicity, s.disab AS dim_disability
  FROM s WHERE s.rn = 1`,
  },
  {
    id: "cla_3plus_placements_pct",
    denominatorOf: "cla_at_end",
    title: "Children looked after with three or more placements",
    area: "children_in_care",
    unit: "percent",
    polarity: "lower",
    measure: "snapshot",
    periods: ALL,
    lait: "LACStable_2016on",
    definition: `Of the children looked after on the last day of the period, the percentage who had three or more placements open at any time in the 12 months to that day, counting a placement open on the first day of the 12 months. Only placements of 24 hours or more count: a placement that starts and ends on the same date does not. A move to adoption with the child's current foster carer is not a new placement: a placement of type A3 or A5 (placed for adoption with the current foster carer) that follows a foster placement (U1-U6) ending on its start date or the day before is not counted. ${TWELVE_MONTHS} ${SHORT_BREAKS} Loaded from Ofsted's Annex A, which holds each child's latest placement only, the figure has no value rather than one too low.`,
    needs: [...CLA_NEEDS, "cla_placement"],
    breakdowns: ["placement_type", "age_band", "sex"],
    lookback: { table: "cla_placement", column: "clap_cla_placement_start_date", months: 12, what: "placements" },
    unknown: {
      when: "any",
      reason: "cannot be computed: the data holds each child's latest placement only (Ofsted's Annex A List 8 gives a count of placements in the 12 months to the list's date, not the placements), so earlier moves are not known",
    },
    sql: PLACEMENTS_12M,
  },
  {
    id: "cla_longterm_stability_pct",
    title: "Long-term placement stability",
    area: "children_in_care",
    unit: "percent",
    polarity: "higher",
    measure: "snapshot",
    periods: ALL,
    lait: "LAC_LongStable%",
    definition: `Of the children looked after on the last day of the period who were under 16 that day and had been looked after continuously for 2½ years or more (care started on or before the date 30 months earlier: 30 September 2022 for 31 March 2025), the percentage who had been in the same placement for 2 years or more (started on or before the same date two years earlier), or who were placed for adoption (A3-A6) where the adoptive placement and the placement just before it together make 2 years or more. ${SHORT_BREAKS}`,
    needs: [...CLA_NEEDS, "cla_placement"],
    breakdowns: ["placement_type", "age_band", "sex"],
    sql: LONG_TERM,
  },
  {
    id: "cla_other_placements_pct",
    denominatorOf: "cla_at_end",
    title: "Children looked after in other placements",
    area: "children_in_care",
    unit: "percent",
    polarity: "none",
    measure: "snapshot",
    periods: ALL,
    lait: "LAC_Other_Place_Inc_Unreg",
    definition: `Of the children looked after on the last day of the period, the percentage whose placement that day is an "other" placement: type Z1 or Z11-Z14, or semi-independent or independent living recorded as H5 or P2 on or after 28 October 2023, when such provision had to be registered with Ofsted as supported accommodation (recorded K3), so Lantern counts a child still recorded H5 or P2 as in unregistered provision, as the DfE's "other placements including unregistered" does. Before that date H5 and P2 are not counted. A child with no placement recorded that day stays in the denominator. ${SHORT_BREAKS}`,
    needs: [...CLA_NEEDS, "cla_placement"],
    breakdowns: ["placement_type", "age_band", "sex"],
    sql: OTHER_PLACEMENT_ROWS,
  },
  {
    id: "cla_uasc_at_end",
    title: "Unaccompanied asylum-seeking children looked after",
    area: "children_in_care",
    unit: "count",
    polarity: "none",
    measure: "snapshot",
    periods: ALL,
    definition: `Children looked after on the last day of the period (as for the number of children looked after) with an unaccompanied asylum-seeking child (UASC) immigration status open that day (started on or before it, or no start recorded, and not ended on or before it), each child counted once. ${SHORT_BREAKS}`,
    needs: [...CLA_NEEDS, "immigration_status"],
    breakdowns: ["age_band", "sex"],
    sql: UASC_ROWS,
  },
  {
    id: "cla_missing_pct",
    growsWithPeriod: true,
    denominatorSumOf: ["cla_at_end", "cla_ceased"],
    title: "Children looked after who went missing",
    area: "children_in_care",
    unit: "percent",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    lait: "Children_missing",
    definition: `Of the children looked after at any time in the period (including a child who ceased on its first day), the percentage with at least one "missing" episode (whereabouts unknown) while looked after that started in the period or was still open at its start. Episodes recorded as "absent" (away from placement without authorisation, whereabouts known) are counted separately. ${SHORT_BREAKS}`,
    needs: [...CLA_NEEDS, "missing"],
    breakdowns: ["age_band", "sex"],
    sql: missingRows("missing"),
  },
  {
    id: "cla_away_pct",
    growsWithPeriod: true,
    denominatorSumOf: ["cla_at_end", "cla_ceased"],
    title: "Children looked after who were away without authorisation",
    area: "children_in_care",
    unit: "percent",
    polarity: "none",
    measure: "flow",
    periods: ALL,
    lait: "Children_Away",
    definition: `Of the children looked after at any time in the period, the percentage with at least one episode of being away from placement without authorisation (recorded as "absent": whereabouts known) while looked after that started in the period or was still open at its start. "Missing" episodes are counted separately. ${SHORT_BREAKS}`,
    needs: [...CLA_NEEDS, "missing"],
    breakdowns: ["age_band", "sex"],
    sql: missingRows("away"),
  },
  {
    id: "cla_multiple_sw_pct",
    denominatorOf: "cla_at_end",
    title: "Children looked after with more than one social worker",
    area: "children_in_care",
    unit: "percent",
    polarity: "lower",
    measure: "snapshot",
    periods: ALL,
    definition: `Of the children looked after on the last day of the period, the percentage who had more than one allocated social worker (different workers recorded as allocated case worker, counting an allocation open on the first day) in the 12 months to that day. A local measure: the DfE collects social worker episodes but publishes no comparable figure. ${TWELVE_MONTHS} ${SHORT_BREAKS}`,
    needs: [...CLA_NEEDS, "involvements"],
    breakdowns: ["age_band", "sex"],
    lookback: { table: "involvements", column: "invo_involvement_start_date", months: 12, what: "social worker allocations" },
    sql: MULTIPLE_SW_ROWS,
  },
];
