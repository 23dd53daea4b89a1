/**
 * @module
 * `lantern demo`: the first thing a new user runs. Makes a demo authority if the store has none,
 * loads it, shows what is there, and ends by starting the web application on it (unless
 * --no-serve), printing the address.
 */

import { londonTime } from "../../calendar/london.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { generateToDirectory } from "../../generate/index.ts";
import { benchmarkData } from "../../analysis/benchmark-data.ts";
import { BenchmarkProblem, benchmark } from "../../analysis/benchmarks.ts";
import { importSsd } from "../../ingest/ssd-import.ts";
import { addsUpOverMonths, indicatorRecords, type Target } from "../../kpi/engine.ts";
import type { Store } from "../../store/port.ts";
import { authorityRecord } from "../../store/authorities.ts";
import { computeUncomputed, storedValues } from "../../kpi/compute.ts";
import { formatValue } from "../../kpi/format.ts";
import { indicatorLibrary } from "../../kpi/library/index.ts";
import { resolveTargets } from "../../kpi/targets.ts";
import { financialYearOf, type Period, periodsWithin } from "../../calendar/periods.ts";
import { listSnapshots } from "../../store/snapshots.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, intOption, parse } from "../command.ts";
import { ensureDemoUsers } from "../../web/auth/users.ts";
import { startServer, untilStopped } from "./serve.ts";
import { type Output, progressBar, table } from "../output.ts";

const HELP = `lantern demo [--data DIR] [--population N] [--port N] [--no-serve] [--json]

Set up a demo: if the store has no data yet, generate a fictitious authority (X001, about 60,000
children, April 2020 to September 2026, seed 1) into DIR/demo-export, load it as a snapshot,
print a summary of what was loaded, year by year, then start the web application on
127.0.0.1 and print its address and the demo sign-ins, one per role: admin, analyst, manager
and member, all with the password lantern-demo-password (Ctrl+C stops it). Run it again and it
simply shows the summary and starts the server. Nothing leaves this machine.

Options:
  --population N  children aged 0-17 in the demo authority (default 60000); only used when the
                  demo authority is first made
  --port N        the web application's port (default 8080; 0 picks a free one)
  --no-serve      do not start the web application (for scripts and CI)

Examples:
  lantern demo
  lantern demo --data /tmp/lantern-demo --no-serve --json
`;

/** The indicators the demo summary shows. */
const HEADLINE = ["referrals", "referral_rate", "rereferral_pct", "assess_45wd_pct", "cin_rate", "s47_rate", "icpc_15wd_pct", "cpp_rate", "cpp_second_pct", "cla_rate", "cla_3plus_placements_pct", "cl_suitable_acc_pct", "cl_eet_pct", "ehcp_20wk_pct"];

const DEMO_LIKE = "893";

/** What each demo account shows. */
const ROLE_NOTE: Record<string, string> = {
  admin: "everything, plus users and the audit log",
  analyst: "everything in the data: uploads, records behind each figure, targets, commentary",
  manager: "dashboards; child-level records for the front door and children in need only",
  member: "aggregate figures only, small numbers suppressed, published commentary",
};
const COMPARE_YEAR = "2024-25";

/** Benchmarks of the headline indicators for each authority that has a like-for-like authority. */
async function comparisons(store: Store, targets: readonly Target[]) {
  const data = benchmarkData();
  const out: { title: string; value: string; england: string; neighbours: string; rank: string; band: string; like: string }[] = [];
  for (const t of targets) {
    const a = await authorityRecord(store, t.la_code);
    if (!a.like_code) continue;
    for (const id of HEADLINE) {
      try {
        // The LAIT year of COMPARE_YEAR, and the Lantern period to compare with it: the
        // financial year, or the calendar year for EHC-plan timeliness (published by calendar year).
        const year = benchmark({ authority: t.la_code, indicator: id, year: COMPARE_YEAR, like: a.like_code }, data).year;
        const [v] = await storedValues(store, { snapshots: [t.snapshot_id], periods: [year.lanternPeriod], indicators: [id] });
        if (!v || v.value === null || v.unit === "count") continue;
        const b = benchmark({ authority: t.la_code, indicator: v.indicator, year: year.lait, ownValue: v.value, like: a.like_code }, data);
        const num = (p: { value: number } | { symbol: string }) => ("value" in p ? formatValue(p.value, v.unit) : p.symbol);
        out.push({
          title: `${indicatorLibrary().get(v.indicator)!.title}${b.year.lanternPeriod !== COMPARE_YEAR ? ` (${b.year.label})` : ""}`,
          value: formatValue(v.value, v.unit),
          england: num(b.england),
          neighbours: b.neighbourMean === null ? "" : `${formatValue(b.neighbourMean, v.unit)} (${b.neighboursWithValue} of ${b.neighbourCount})`,
          rank: b.rank ? `${b.rank.position} of ${b.rank.of}` : "",
          band: b.quartileBand ?? "",
          like: `neighbours of ${b.authority.like?.name ?? a.like_code}`,
        });
      } catch (e) {
        if (!(e instanceof BenchmarkProblem)) throw e;
      }
    }
  }
  return out;
}

/** The activity table's columns, each an indicator, so it agrees with every other figure Lantern shows. */
const ACTIVITY = {
  contacts: "contacts",
  referrals: "referrals",
  assessments: "assessments_completed",
  s47: "s47_started",
  cp_plans: "cpp_started",
  cla_started: "cla_started",
  cin_at_end: "cin_at_end",
  cla_at_end: "cla_at_end",
} as const;

/** Activity in one financial year (or the part of it the data covers). */
type YearActivity = { la_code: string; year: string; part: "whole" | "to date" | "from"; from?: string } & Record<keyof typeof ACTIVITY, number | null>;

/**
 * Each financial year's activity as the indicators count it (the DfE's definitions: short breaks
 * are not care, a child is counted once): a whole year's figure where the year is complete, else
 * its months' ({@link partYear}; the stocks at the last month's end).
 */
async function activityByYear(store: Store, t: Target): Promise<YearActivity[]> {
  if (!t.data_from || !t.data_to) return [];
  const months = periodsWithin(t.data_from, t.data_to, ["month"]);
  const years = periodsWithin(t.data_from, t.data_to, ["year"]);
  const vals = await storedValues(store, { snapshots: [t.snapshot_id], indicators: Object.values(ACTIVITY), periods: [...years, ...months].map((p) => p.id) });
  const at = new Map(vals.filter((v) => !v.breakdown).map((v) => [`${v.indicator}|${v.period}`, v.value]));
  const out: YearActivity[] = [];
  for (let fy = financialYearOf(t.data_from); fy <= financialYearOf(t.data_to); fy++) {
    const id = `${fy}-${String((fy + 1) % 100).padStart(2, "0")}`;
    const whole = years.some((y) => y.id === id);
    const inYear = months.filter((m) => financialYearOf(m.start) === fy);
    if (!whole && !inYear.length) continue;
    const row = { la_code: t.la_code, year: id, part: whole ? "whole" : inYear[0]!.start.slice(5, 7) === "04" ? "to date" : "from", ...(whole ? {} : { from: inYear[0]!.id }) } as YearActivity;
    for (const [col, indicator] of Object.entries(ACTIVITY) as [keyof typeof ACTIVITY, string][]) {
      const stock = indicatorLibrary().get(indicator)!.measure === "snapshot";
      if (whole) row[col] = at.get(`${indicator}|${id}`) ?? null;
      else if (stock) row[col] = at.get(`${indicator}|${inYear.at(-1)!.id}`) ?? null;
      else row[col] = await partYear(store, t, indicator, inYear, at);
    }
    out.push(row);
  }
  return out;
}

/**
 * A flow over the months of a part year: the months summed where the indicator adds up over
 * months (each record falls in one month); otherwise (children counted once, such as those
 * starting care) the distinct children behind the months' figures, so a child who starts care in
 * May and again in August counts once, as in a whole year's figure.
 */
export async function partYear(store: Store, t: Target, indicator: string, months: readonly Period[], at: ReadonlyMap<string, number | null>): Promise<number | null> {
  const def = indicatorLibrary().get(indicator)!;
  const each = months.map((m) => at.get(`${indicator}|${m.id}`));
  if (!each.every((v) => v !== null && v !== undefined)) return null;
  if (addsUpOverMonths(def)) return each.reduce((a: number, v) => a + (v as number), 0);
  const children = new Set<string>();
  for (const m of months) for (const r of await indicatorRecords(store, def, t, m.id, "numerator")) children.add(String(r["person_id"]));
  return children.size;
}

/** The demo authority's generation settings (fixed, so every demo is the same). */
export const DEMO = { seed: 1, population: 60000, from: "2020-04", to: "2026-09", authorities: 1 } as const;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("demo", argv, { population: { type: "string" }, port: { type: "string" }, "no-serve": { type: "boolean", default: false } });
  const port = intOption("port", values.port, 8080, 0, 65535);
  const serve = !values["no-serve"];
  const population = intOption("population", values.population, DEMO.population, 500, 5_000_000);
  const config = storeConfig(values.data);
  const store = await openStore(config);
  let serving = false;
  try {
    let snaps = await listSnapshots(store);
    if (!snaps.length) {
      const out = join(config.dataDir, "demo-export");
      if (!existsSync(join(out, "authorities.csv"))) {
        o.err(`Generating a demo authority in ${out} …\n`);
        const bar = progressBar(o, "Generating");
        await generateToDirectory({ out, ...DEMO, population, shocks: [] }, (d, t, l) => bar.update(d, t, l));
        bar.done();
      }
      o.err("Loading it into the store …\n");
      const bar = progressBar(o, "Importing");
      await importSsd(store, { paths: [out], loadedBy: "demo", onProgress: (d, t, l) => bar.update(d, t, l) });
      bar.done();
      snaps = await listSnapshots(store);
    }
    const targets = await resolveTargets(store);
    await computeUncomputed(store, targets, {
      dataDir: config.dataDir,
      each: () => {
        const bar = progressBar(o, "Computing");
        return { onProgress: (d, n, l) => bar.update(d, n, l), done: () => bar.done() };
      },
    });
    // The demo authority is fictitious: compare it with Shropshire's region and neighbours (a real
    // authority of about the same number of children), as `lantern benchmarks --like` would.
    await store.run(`UPDATE lantern_authority SET like_code = $1 WHERE la_code = $2 AND like_code IS NULL`, [DEMO_LIKE, "X001"]);
    // One account per role, so the demo shows what each sees: only in a store holding nothing but
    // the demo's own loads. Accounts with a published password must never reach a store with a
    // council's data in it (someone running the demo against the live database).
    const demoOnly = snaps.every((s) => s.loadedBy === "demo");
    const signIns = demoOnly ? await ensureDemoUsers(store) : null;
    const noAccounts = `This store holds data the demo did not load, so no demo accounts were made: sign in with your own (lantern users add NAME --role ROLE).`;
    const counts = (await Promise.all(targets.map((t) => activityByYear(store, t)))).flat();
    const headline: { authority: string; indicator: string; title: string; period: string; value: string }[] = [];
    for (const t of targets) {
      if (!t.data_from || !t.data_to) continue;
      const years = periodsWithin(t.data_from, t.data_to, ["year"]).slice(-3).map((p) => p.id);
      const vals = await storedValues(store, { snapshots: [t.snapshot_id], indicators: HEADLINE, periods: years });
      for (const id of HEADLINE) {
        const def = indicatorLibrary().get(id);
        if (!def) continue;
        for (const y of years) {
          const v = vals.find((x) => x.indicator === id && x.period === y);
          if (v) headline.push({ authority: t.la_code, indicator: id, title: def.title, period: y, value: formatValue(v.value, v.unit) });
        }
      }
    }
    if (values.json) {
      o.out(JSON.stringify({ data: config.dataDir, snapshots: snaps.map(({ files: _f, ...s }) => s), activity: counts, headline, signIns }, null, 2) + "\n");
      if (!serve) return 0;
      const { app, address } = await startServer(store, config.dataDir, { port, host: "127.0.0.1" });
      serving = true;
      o.err(`Lantern is running at ${address}/ (Ctrl+C stops it).\n`);
      return untilStopped(app, store, o);
    }
    o.out(`Lantern demo — data in ${config.dataDir}\n\n`);
    o.out(table(["snapshot", "authority", "loaded at", "rows"], snaps.map((s) => [s.snapshotId, s.authority, londonTime(s.loadedAt), s.rows])));
    for (const t of targets) {
      if (!t.data_from || !t.data_to) continue;
      const rows = counts.filter((c) => c.la_code === t.la_code);
      o.out(`\n${t.la_code}: activity by financial year, ${t.data_from} to ${t.data_to} (from the current snapshot, counted as the indicators count it)\n`);
      o.out(
        table(
          ["year", "contacts", "referrals", "assessments", "s47", "cp plans", "into care", "cin at end", "cla at end"],
          rows.map((c) => [c.part === "whole" ? c.year : c.part === "to date" ? `${c.year} to date` : `${c.year} from ${c.from}`, c.contacts, c.referrals, c.assessments, c.s47, c.cp_plans, c.cla_started, c.cin_at_end, c.cla_at_end]),
        ),
      );
    }
    const compared = await comparisons(store, targets);
    for (const la of [...new Set(headline.map((h) => h.authority))]) {
      const mine = headline.filter((h) => h.authority === la);
      const years = [...new Set(mine.map((h) => h.period))];
      o.out(`\n${la}: headline indicators (DfE definitions)\n`);
      o.out(table(["indicator", ...years], [...new Set(mine.map((h) => h.title))].map((title) => [title, ...years.map((y) => mine.find((h) => h.title === title && h.period === y)?.value ?? "")])));
    }
    if (compared.length) {
      o.out(`\nCompared with England and statistical neighbours (DfE LAIT, ${COMPARE_YEAR}; ${compared[0]!.like})\n`);
      o.out(table(["indicator", "value", "England", "neighbours' mean", "rank", "band"], compared.map((c) => [c.title, c.value, c.england, c.neighbours, c.rank, c.band])));
    }
    if (serve) {
      const { app, address } = await startServer(store, config.dataDir, { port, host: "127.0.0.1" });
      serving = true;
      o.out(`
Lantern is running at ${address}/ — open it in a browser on this machine (it listens on
127.0.0.1 only). ${
        signIns
          ? `Sign in as any of these demo accounts, password ${signIns.password}:
${signIns.users.map((u) => `  ${u.username.padEnd(8)} ${ROLE_NOTE[u.role]}`).join("\n")}`
          : noAccounts
      }
Press Ctrl+C to stop it.
`);
      return untilStopped(app, store, o);
    }
    o.out(`
${signIns ? `Demo sign-ins for the web application (password ${signIns.password}): ${signIns.users.map((u) => u.username).join(", ")}.` : noAccounts}

Try next:
  npm run lantern -- serve --data ${config.dataDir}         the web application on this data
  npm run lantern -- indicators --data ${config.dataDir}    every indicator for the latest year and month
  npm run lantern -- snapshots --data ${config.dataDir}     every load, with who loaded what and when
  npm run lantern -- import <folder> --authority <code>     load your own SSD export
  npm run lantern -- --help                                 every command
`);
    return 0;
  } finally {
    if (!serving) await store.close();
  }
}

export const demoCommand: Command = { name: "demo", help: HELP, run };
