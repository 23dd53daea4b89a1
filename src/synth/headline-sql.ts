/**
 * @module
 * Headline figures for one financial year, computed straight from the `current_ssd_*` views
 * with plain SQL. Deliberately independent of the KPI library, so the generator's calibration
 * test does not grade the generator with the code it is meant to exercise.
 */

import type { Store } from "../store/port.ts";

/** England 2024-25 figures the generator is calibrated to, with the tolerance the test allows. */
export const CALIBRATION = [
  { id: "referral_rate", england: 519.4, tolerance: 0.15, relative: true },
  { id: "rereferral_pct", england: 22.6, tolerance: 4, relative: false },
  { id: "assess_45wd_pct", england: 85.7, tolerance: 5, relative: false },
  { id: "s47_rate", england: 189.3, tolerance: 0.2, relative: true },
  { id: "icpc_rate", england: 59.2, tolerance: 0.2, relative: true },
  { id: "icpc_15wd_pct", england: 81.4, tolerance: 6, relative: false },
  { id: "cin_rate", england: 330.3, tolerance: 0.15, relative: true },
  { id: "cpp_rate", england: 40.6, tolerance: 0.2, relative: true },
  { id: "cpp_second_pct", england: 24.5, tolerance: 6, relative: false },
  { id: "cla_rate", england: 67, tolerance: 0.2, relative: true },
  { id: "cla_start_rate", england: 26, tolerance: 0.25, relative: true },
  { id: "cla_3plus_placements_pct", england: 10, tolerance: 4, relative: false },
  { id: "cl_suitable_acc_pct", england: 89, tolerance: 7, relative: false },
  { id: "cl_eet_pct", england: 54, tolerance: 10, relative: false },
] as const;

/** The figures for the financial year starting 1 April `fy` of one authority. */
export async function headlineFigures(store: Store, la: string, fy: number, population: number): Promise<Record<string, number>> {
  const s = `DATE '${fy}-04-01'`;
  const e = `DATE '${fy + 1}-03-31'`;
  const one = async (sql: string): Promise<number> => Number((await store.all<{ v: number }>(sql, [la]))[0]?.v ?? Number.NaN);
  const rate = (n: number) => (n / population) * 10000;
  const referrals = await one(`SELECT count(*) AS v FROM current_ssd_cin_episodes WHERE la_code = $1 AND cine_referral_date BETWEEN ${s} AND ${e}`);
  const rereferrals = await one(
    `SELECT count(*) AS v FROM current_ssd_cin_episodes r WHERE la_code = $1 AND cine_referral_date BETWEEN ${s} AND ${e}
     AND EXISTS (SELECT 1 FROM current_ssd_cin_episodes q WHERE q.la_code = r.la_code AND q.cine_person_id = r.cine_person_id
       AND q.cine_referral_date < r.cine_referral_date AND q.cine_referral_date >= CAST(r.cine_referral_date - INTERVAL '12 months' AS DATE))`,
  );
  const assessed = await store.all<{ n: number; w: number }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE c2.wd - c1.wd <= 45) AS w FROM current_ssd_cin_assessments a
     JOIN lantern_calendar c1 ON c1.d = a.cina_assessment_start_date JOIN lantern_calendar c2 ON c2.d = a.cina_assessment_auth_date
     WHERE a.la_code = $1 AND a.cina_assessment_auth_date BETWEEN ${s} AND ${e}`,
    [la],
  );
  const s47 = await one(`SELECT count(*) AS v FROM current_ssd_s47_enquiry WHERE la_code = $1 AND s47e_s47_start_date BETWEEN ${s} AND ${e}`);
  const icpc = await one(`SELECT count(*) AS v FROM current_ssd_initial_cp_conference WHERE la_code = $1 AND icpc_icpc_date BETWEEN ${s} AND ${e}`);
  const timely = await store.all<{ n: number; w: number }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE c2.wd - c1.wd <= 15) AS w FROM current_ssd_initial_cp_conference i
     JOIN current_ssd_s47_enquiry q ON q.la_code = i.la_code AND q.s47e_s47_enquiry_id = i.icpc_s47_enquiry_id
     JOIN lantern_calendar c1 ON c1.d = q.s47e_s47_start_date JOIN lantern_calendar c2 ON c2.d = i.icpc_icpc_date
     WHERE i.la_code = $1 AND i.icpc_icpc_date BETWEEN ${s} AND ${e} AND i.icpc_icpc_date >= q.s47e_s47_start_date`,
    [la],
  );
  const cin = await one(
    `SELECT count(DISTINCT cine_person_id) AS v FROM current_ssd_cin_episodes WHERE la_code = $1 AND cine_referral_date <= ${e} AND (cine_close_date IS NULL OR cine_close_date > ${e})`,
  );
  const cpp = await one(
    `SELECT count(DISTINCT cppl_person_id) AS v FROM current_ssd_cp_plans WHERE la_code = $1 AND cppl_cp_plan_start_date <= ${e} AND (cppl_cp_plan_end_date IS NULL OR cppl_cp_plan_end_date > ${e})`,
  );
  const second = await store.all<{ n: number; w: number }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM current_ssd_cp_plans q WHERE q.la_code = p.la_code AND q.cppl_person_id = p.cppl_person_id AND q.cppl_cp_plan_start_date < p.cppl_cp_plan_start_date)) AS w
     FROM current_ssd_cp_plans p WHERE p.la_code = $1 AND p.cppl_cp_plan_start_date BETWEEN ${s} AND ${e}`,
    [la],
  );
  const shortBreaks = `(SELECT DISTINCT lega_person_id FROM current_ssd_legal_status WHERE la_code = $1 AND lega_legal_status IN ('V3', 'V4'))`;
  const claAt = (d: string) =>
    `SELECT DISTINCT clae_person_id AS p FROM current_ssd_cla_episodes WHERE la_code = $1 AND clae_cla_episode_start_date <= ${d}
     AND (clae_cla_episode_ceased_date IS NULL OR clae_cla_episode_ceased_date > ${d}) AND clae_person_id NOT IN ${shortBreaks}`;
  const cla = await one(`SELECT count(*) AS v FROM (${claAt(e)}) x`);
  const starts = await one(
    `SELECT count(DISTINCT clae_person_id) AS v FROM current_ssd_cla_episodes WHERE la_code = $1 AND clae_cla_episode_start_reason = 'S'
     AND clae_cla_episode_start_date BETWEEN ${s} AND ${e} AND clae_person_id NOT IN ${shortBreaks}`,
  );
  const placements = await store.all<{ n: number; w: number }>(
    `SELECT count(*) AS n, count(*) FILTER (WHERE k >= 3) AS w FROM (
       SELECT c.p, (SELECT count(*) FROM current_ssd_cla_placement pl WHERE pl.la_code = $1 AND pl.clap_person_id = c.p
         AND pl.clap_cla_placement_start_date <= ${e} AND (pl.clap_cla_placement_end_date IS NULL OR pl.clap_cla_placement_end_date >= ${s})
         AND (pl.clap_cla_placement_end_date IS NULL OR pl.clap_cla_placement_end_date > pl.clap_cla_placement_start_date)) AS k
       FROM (${claAt(e)}) c) x`,
    [la],
  );
  const leavers = await store.all<{ n: number; acc: number; eet: number }>(
    `SELECT count(*) AS n,
       count(*) FILTER (WHERE clea_care_leaver_accom_suitable = '1') AS acc,
       count(*) FILTER (WHERE substr(clea_care_leaver_activity, 1, 1) IN ('F', 'P')) AS eet
     FROM current_ssd_care_leavers l JOIN current_ssd_person p ON p.la_code = l.la_code AND p.pers_person_id = l.clea_person_id
     WHERE l.la_code = $1 AND coalesce(clea_care_leaver_in_touch, '') NOT IN ('DIED', 'RHOM')
       AND extract(year FROM age(${e}, p.pers_dob)) BETWEEN 19 AND 21`,
    [la],
  );
  const pct = (x: { n: number; w: number } | undefined) => (x?.n ? (100 * x.w) / x.n : Number.NaN);
  const l = leavers[0];
  return {
    referral_rate: rate(referrals),
    rereferral_pct: (100 * rereferrals) / referrals,
    assess_45wd_pct: pct(assessed[0]),
    s47_rate: rate(s47),
    icpc_rate: rate(icpc),
    icpc_15wd_pct: pct(timely[0]),
    cin_rate: rate(cin),
    cpp_rate: rate(cpp),
    cpp_second_pct: pct(second[0]),
    cla_rate: rate(cla),
    cla_start_rate: rate(starts),
    cla_3plus_placements_pct: pct(placements[0]),
    cl_suitable_acc_pct: l?.n ? (100 * l.acc) / l.n : Number.NaN,
    cl_eet_pct: l?.n ? (100 * l.eet) / l.n : Number.NaN,
  };
}
