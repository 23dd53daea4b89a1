/**
 * @module
 * Headline figures of one authority's financial year computed with DuckDB SQL straight over an
 * SSD export folder (`ssd_<table>.csv`), following `../shared/design/definitions.md`. It exists so
 * the generator's calibration can be checked against England by code that shares nothing with the
 * generator's internals (only the CSV files and the shipped bank holidays). It deliberately is not
 * the KPI engine: no store, no snapshots, no suppression or rounding.
 */

import { DuckDBInstance } from "@duckdb/node-api";
import { BANK_HOLIDAYS_FILE } from "../calendar/working-days.ts";

/** England 2024-25 figures (DfE; per 10,000 children aged 0–17, or %) the generator is calibrated to. */
export const ENGLAND_2024_25: Readonly<Record<string, number>> = {
  referral_rate: 519.4,
  rereferral_pct: 22.6,
  nfa_pct: 6.5,
  assess_45wd_pct: 85.7,
  assess_median_wd: 33,
  s47_rate: 189.3,
  icpc_rate: 59.2,
  icpc_15wd_pct: 81.4,
  cin_rate: 330.3,
  cpp_rate: 40.6,
  cpp_start_rate: 51,
  cpp_second_pct: 24.5,
  cla_rate: 67,
  cla_start_rate: 26,
  cla_3plus_placements_pct: 10,
  cla_longterm_stability_pct: 69,
  cla_missing_pct: 11,
  cl_suitable_acc_pct: 89,
  cl_eet_pct: 54,
  ehcp_20wk_excl_pct: 46.4,
  contacts_per_referral: 3.5,
};

function q(path: string): string {
  return `'${path.replaceAll("'", "''")}'`;
}

/**
 * The figures for the financial year starting 1 April `fy` of the export in `dir` (one authority's
 * folder), with rates per 10,000 of `population` (the mid-(fy) estimate, as the DfE uses for fy–fy+1).
 * EHC plans within 20 weeks are for calendar year `fy` (SEN2 counts by calendar year).
 */
export async function headlineFigures(dir: string, fy: number, population: number): Promise<Record<string, number>> {
  const inst = await DuckDBInstance.create(":memory:");
  const con = await inst.connect();
  try {
    const csv = (t: string) => `read_csv(${q(`${dir}/${t}.csv`)}, header = true, all_varchar = true)`;
    const tables = [
      "ssd_person",
      "ssd_contacts",
      "ssd_cin_episodes",
      "ssd_cin_assessments",
      "ssd_s47_enquiry",
      "ssd_initial_cp_conference",
      "ssd_cp_plans",
      "ssd_cla_episodes",
      "ssd_cla_placement",
      "ssd_legal_status",
      "ssd_missing",
      "ssd_care_leavers",
      "ssd_ehcp_requests",
      "ssd_ehcp_assessment",
      "ssd_ehcp_named_plan",
    ];
    for (const t of tables) await con.run(`CREATE TABLE ${t} AS SELECT * FROM ${csv(t)}`);
    // Working-day calendar: wd(d) = running count of Mon–Fri non-bank-holidays up to d.
    await con.run(`CREATE TABLE hol AS SELECT CAST(date AS DATE) AS d FROM read_csv(${q(BANK_HOLIDAYS_FILE)}, header = true, all_varchar = true)`);
    await con.run(
      `CREATE TABLE cal AS SELECT d, sum(CASE WHEN isodow(d) <= 5 AND d NOT IN (SELECT d FROM hol) THEN 1 ELSE 0 END) OVER (ORDER BY d) AS wd
       FROM (SELECT CAST(range AS DATE) AS d FROM range(DATE '1995-01-01', DATE '2040-12-31', INTERVAL 1 DAY))`,
    );
    const s = `DATE '${fy}-04-01'`;
    const e = `DATE '${fy + 1}-03-31'`;
    const one = async (sql: string): Promise<number> => {
      const r = await con.runAndReadAll(sql);
      const v = r.getRows()[0]?.[0];
      return v === null || v === undefined ? Number.NaN : Number(v);
    };
    const rate = (n: number) => (n / population) * 10000;
    const D = (c: string) => `CAST(${c} AS DATE)`;

    const referrals = await one(`SELECT count(*) FROM ssd_cin_episodes WHERE ${D("cine_referral_date")} BETWEEN ${s} AND ${e}`);
    const contacts = await one(`SELECT count(*) FROM ssd_contacts WHERE ${D("cont_contact_date")} BETWEEN ${s} AND ${e}`);
    const rereferrals = await one(
      `SELECT count(*) FROM ssd_cin_episodes r WHERE ${D("r.cine_referral_date")} BETWEEN ${s} AND ${e}
       AND EXISTS (SELECT 1 FROM ssd_cin_episodes p WHERE p.cine_person_id = r.cine_person_id AND p.cine_referral_id <> r.cine_referral_id
         AND ${D("p.cine_referral_date")} < ${D("r.cine_referral_date")}
         AND ${D("p.cine_referral_date")} >= CAST(${D("r.cine_referral_date")} - INTERVAL 12 MONTH AS DATE))`,
    );
    const nfa = await one(`SELECT count(*) FROM ssd_cin_episodes WHERE ${D("cine_referral_date")} BETWEEN ${s} AND ${e} AND cine_referral_nfa = 'Y'`);
    const assessWd = `(SELECT c2.wd - c1.wd AS w FROM ssd_cin_assessments a JOIN cal c1 ON c1.d = ${D("a.cina_assessment_start_date")}
       JOIN cal c2 ON c2.d = ${D("a.cina_assessment_auth_date")} WHERE ${D("a.cina_assessment_auth_date")} BETWEEN ${s} AND ${e})`;
    const assess45 = await one(`SELECT 100.0 * count(*) FILTER (WHERE w <= 45) / count(*) FROM ${assessWd}`);
    const assessMedian = await one(`SELECT quantile_disc(w, 0.5) FROM ${assessWd}`);
    const s47 = await one(`SELECT count(*) FROM ssd_s47_enquiry WHERE ${D("s47e_s47_start_date")} BETWEEN ${s} AND ${e}`);
    const icpc = await one(`SELECT count(*) FROM ssd_initial_cp_conference WHERE ${D("icpc_icpc_date")} BETWEEN ${s} AND ${e}`);
    const icpc15 = await one(
      `SELECT 100.0 * count(*) FILTER (WHERE c2.wd - c1.wd <= 15) / count(*) FROM ssd_initial_cp_conference i
       JOIN ssd_s47_enquiry q ON q.s47e_s47_enquiry_id = i.icpc_s47_enquiry_id
       JOIN cal c1 ON c1.d = ${D("q.s47e_s47_start_date")} JOIN cal c2 ON c2.d = ${D("i.icpc_icpc_date")}
       WHERE ${D("i.icpc_icpc_date")} BETWEEN ${s} AND ${e} AND ${D("i.icpc_icpc_date")} >= ${D("q.s47e_s47_start_date")}`,
    );
    const openAt = (start: string, end: string, d: string) => `${D(start)} <= ${d} AND (${end} IS NULL OR ${D(end)} > ${d})`;
    const cin = await one(`SELECT count(DISTINCT cine_person_id) FROM ssd_cin_episodes WHERE ${openAt("cine_referral_date", "cine_close_date", e)}`);
    const cpp = await one(`SELECT count(DISTINCT cppl_person_id) FROM ssd_cp_plans WHERE ${openAt("cppl_cp_plan_start_date", "cppl_cp_plan_end_date", e)}`);
    const cppStarts = await one(`SELECT count(*) FROM ssd_cp_plans WHERE ${D("cppl_cp_plan_start_date")} BETWEEN ${s} AND ${e}`);
    const second = await one(
      `SELECT 100.0 * count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ssd_cp_plans q WHERE q.cppl_person_id = p.cppl_person_id
         AND ${D("q.cppl_cp_plan_start_date")} < ${D("p.cppl_cp_plan_start_date")})) / count(*)
       FROM ssd_cp_plans p WHERE ${D("p.cppl_cp_plan_start_date")} BETWEEN ${s} AND ${e}`,
    );
    // Looked-after episodes, less any day covered only by a short-break legal status (V3/V4).
    await con.run(
      `CREATE TABLE cla AS SELECT x.* FROM ssd_cla_episodes x WHERE NOT EXISTS (SELECT 1 FROM ssd_legal_status l WHERE l.lega_person_id = x.clae_person_id
         AND l.lega_legal_status IN ('V3', 'V4') AND ${D("l.lega_legal_status_start_date")} <= ${D("x.clae_cla_episode_start_date")}
         AND (l.lega_legal_status_end_date IS NULL OR ${D("l.lega_legal_status_end_date")} > ${D("x.clae_cla_episode_start_date")}))`,
    );
    const claAtEnd = `(SELECT DISTINCT clae_person_id AS p, clae_cla_id AS cla_id FROM cla WHERE ${openAt("clae_cla_episode_start_date", "clae_cla_episode_ceased_date", e)})`;
    const claRate = await one(`SELECT count(DISTINCT p) FROM ${claAtEnd}`);
    const claStarts = await one(
      `SELECT count(DISTINCT clae_person_id) FROM cla WHERE clae_cla_episode_start_reason = 'S' AND ${D("clae_cla_episode_start_date")} BETWEEN ${s} AND ${e}`,
    );
    const placements3 = await one(
      `SELECT 100.0 * count(*) FILTER (WHERE k >= 3) / count(*) FROM (
         SELECT c.p, (SELECT count(*) FROM ssd_cla_placement pl WHERE pl.clap_person_id = c.p
           AND ${D("pl.clap_cla_placement_start_date")} <= ${e}
           AND (pl.clap_cla_placement_end_date IS NULL OR ${D("pl.clap_cla_placement_end_date")} >= ${s})
           AND (pl.clap_cla_placement_end_date IS NULL OR ${D("pl.clap_cla_placement_end_date")} > ${D("pl.clap_cla_placement_start_date")})) AS k
         FROM (SELECT DISTINCT p FROM ${claAtEnd}) c)`,
    );
    // Long-term stability: under 16 at the end, in care 2½ years or more, same placement 2 years or more
    // (or placed for adoption with the placement before it together 2 years or more).
    const stability = await one(
      `WITH cohort AS (
         SELECT c.p, c.cla_id FROM ${claAtEnd} c JOIN ssd_person pe ON pe.pers_person_id = c.p
         WHERE ${D("pe.pers_dob")} > CAST(${e} - INTERVAL 16 YEAR AS DATE)
           AND (SELECT min(${D("x.clae_cla_episode_start_date")}) FROM cla x WHERE x.clae_cla_id = c.cla_id) <= CAST(${e} - INTERVAL 30 MONTH AS DATE)),
       cur AS (
         SELECT co.p, pl.clap_cla_placement_type AS t, ${D("pl.clap_cla_placement_start_date")} AS st,
           (SELECT max(${D("pp.clap_cla_placement_start_date")}) FROM ssd_cla_placement pp WHERE pp.clap_cla_id = co.cla_id
              AND ${D("pp.clap_cla_placement_start_date")} < ${D("pl.clap_cla_placement_start_date")}) AS prev_st
         FROM cohort co JOIN ssd_cla_placement pl ON pl.clap_cla_id = co.cla_id
         WHERE ${openAt("pl.clap_cla_placement_start_date", "pl.clap_cla_placement_end_date", e)})
       SELECT 100.0 * count(*) FILTER (WHERE st <= CAST(${e} - INTERVAL 2 YEAR AS DATE)
         OR (t IN ('A3', 'A4', 'A5', 'A6') AND prev_st IS NOT NULL AND prev_st <= CAST(${e} - INTERVAL 2 YEAR AS DATE))) / count(*)
       FROM cohort LEFT JOIN cur USING (p)`,
    );
    const missing = await one(
      `WITH during AS (SELECT DISTINCT clae_person_id AS p FROM cla WHERE ${D("clae_cla_episode_start_date")} <= ${e}
         AND (clae_cla_episode_ceased_date IS NULL OR ${D("clae_cla_episode_ceased_date")} >= ${s}))
       SELECT 100.0 * count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ssd_missing m WHERE m.miss_person_id = during.p AND m.miss_missing_episode_type = 'Missing'
         AND ${D("m.miss_missing_episode_start_date")} <= ${e} AND (m.miss_missing_episode_end_date IS NULL OR ${D("m.miss_missing_episode_end_date")} >= ${s}))) / count(*)
       FROM during`,
    );
    // Care leavers whose 19th, 20th or 21st birthday is in the year, less those who died or returned home.
    const leavers = `(SELECT l.* FROM ssd_care_leavers l JOIN ssd_person p ON p.pers_person_id = l.clea_person_id
       WHERE coalesce(l.clea_care_leaver_in_touch, '') NOT IN ('DIED', 'RHOM')
         AND (${[19, 20, 21].map((a) => `CAST(${D("p.pers_dob")} + INTERVAL ${a} YEAR AS DATE) BETWEEN ${s} AND ${e}`).join(" OR ")}))`;
    const suitable = await one(`SELECT 100.0 * count(*) FILTER (WHERE clea_care_leaver_accom_suitable = '1') / count(*) FROM ${leavers}`);
    const eet = await one(`SELECT 100.0 * count(*) FILTER (WHERE clea_care_leaver_activity IN ('F1', 'P1', 'F2', 'P2', 'F4', 'P4', 'F5', 'P5')) / count(*) FROM ${leavers}`);
    const ehcp = await one(
      `SELECT 100.0 * count(*) FILTER (WHERE ${D("n.ehcn_named_plan_start_date")} <= CAST(${D("r.ehcr_ehcp_req_date")} + INTERVAL 140 DAY AS DATE)) / count(*)
       FROM ssd_ehcp_named_plan n JOIN ssd_ehcp_assessment a ON a.ehca_ehcp_assessment_id = n.ehcn_ehcp_asmt_id
       JOIN ssd_ehcp_requests r ON r.ehcr_ehcp_request_id = a.ehca_ehcp_request_id
       WHERE year(${D("n.ehcn_named_plan_start_date")}) = ${fy} AND coalesce(a.ehca_ehcp_assessment_exceptions, 'N') <> 'Y'`,
    );
    return {
      referral_rate: rate(referrals),
      rereferral_pct: (100 * rereferrals) / referrals,
      nfa_pct: (100 * nfa) / referrals,
      assess_45wd_pct: assess45,
      assess_median_wd: assessMedian,
      s47_rate: rate(s47),
      icpc_rate: rate(icpc),
      icpc_15wd_pct: icpc15,
      cin_rate: rate(cin),
      cpp_rate: rate(cpp),
      cpp_start_rate: rate(cppStarts),
      cpp_second_pct: second,
      cla_rate: rate(claRate),
      cla_start_rate: rate(claStarts),
      cla_3plus_placements_pct: placements3,
      cla_longterm_stability_pct: stability,
      cla_missing_pct: missing,
      cl_suitable_acc_pct: suitable,
      cl_eet_pct: eet,
      ehcp_20wk_excl_pct: ehcp,
      contacts_per_referral: contacts / referrals,
    };
  } finally {
    con.closeSync();
    inst.closeSync();
  }
}
