/**
 * @module
 * A plain count of activity per authority and financial year from the current data, for the
 * demo and for a quick look after a load. These are raw volumes, not the DfE indicators (no
 * exclusions, no rates): the KPI engine computes those.
 */

import type { Store } from "./port.ts";

/** Volumes for one authority and financial year. */
export interface YearCounts {
  la_code: string;
  year: string;
  contacts: number;
  referrals: number;
  assessments: number;
  s47: number;
  cp_plans: number;
  cla_started: number;
  cin_at_end: number;
  cla_at_end: number;
}

function fy(col: string): string {
  return `(CASE WHEN extract(month FROM ${col}) >= 4 THEN extract(year FROM ${col}) ELSE extract(year FROM ${col}) - 1 END)`;
}

/** Activity by financial year for every authority's current data. */
export async function headlineCounts(store: Store): Promise<YearCounts[]> {
  const flow = (table: string, col: string, name: string) =>
    `SELECT la_code, CAST(${fy(col)} AS INTEGER) AS fy, '${name}' AS what, count(*) AS n FROM current_${table} GROUP BY la_code, fy`;
  const rows = await store.all<{ la_code: string; fy: number; what: string; n: number }>(
    [
      flow("ssd_contacts", "cont_contact_date", "contacts"),
      flow("ssd_cin_episodes", "cine_referral_date", "referrals"),
      flow("ssd_cin_assessments", "cina_assessment_auth_date", "assessments"),
      flow("ssd_s47_enquiry", "s47e_s47_start_date", "s47"),
      flow("ssd_cp_plans", "cppl_cp_plan_start_date", "cp_plans"),
      `SELECT la_code, CAST(${fy("d")} AS INTEGER) AS fy, 'cla_started' AS what, count(*) AS n FROM (
         SELECT la_code, clae_person_id, clae_cla_id, min(clae_cla_episode_start_date) AS d FROM current_ssd_cla_episodes GROUP BY la_code, clae_person_id, clae_cla_id) p
       GROUP BY la_code, fy`,
    ].join(" UNION ALL "),
  );
  const years = new Map<string, YearCounts>();
  for (const r of rows) {
    if (r.fy === null) continue;
    const key = `${r.la_code}|${r.fy}`;
    let y = years.get(key);
    if (!y) {
      y = { la_code: r.la_code, year: `${r.fy}-${String((r.fy + 1) % 100).padStart(2, "0")}`, contacts: 0, referrals: 0, assessments: 0, s47: 0, cp_plans: 0, cla_started: 0, cin_at_end: 0, cla_at_end: 0 };
      years.set(key, y);
    }
    (y as unknown as Record<string, number>)[r.what] = r.n;
  }
  for (const y of years.values()) {
    const end = `${Number(y.year.slice(0, 4)) + 1}-03-31`;
    const [cin] = await store.all<{ n: number }>(
      `SELECT count(*) AS n FROM current_ssd_cin_episodes WHERE la_code = $1 AND cine_referral_date <= CAST($2 AS DATE) AND (cine_close_date IS NULL OR cine_close_date > CAST($2 AS DATE))`,
      [y.la_code, end],
    );
    const [cla] = await store.all<{ n: number }>(
      `SELECT count(DISTINCT clae_person_id) AS n FROM current_ssd_cla_episodes WHERE la_code = $1 AND clae_cla_episode_start_date <= CAST($2 AS DATE) AND (clae_cla_episode_ceased_date IS NULL OR clae_cla_episode_ceased_date > CAST($2 AS DATE))`,
      [y.la_code, end],
    );
    y.cin_at_end = cin?.n ?? 0;
    y.cla_at_end = cla?.n ?? 0;
  }
  return [...years.values()].sort((a, b) => a.la_code.localeCompare(b.la_code) || a.year.localeCompare(b.year));
}
