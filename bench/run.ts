/**
 * @module
 * `npm run bench`: the performance targets, measured. Each figure is printed beside a baseline
 * run in the same process (here, DuckDB's own `read_csv` of the same files), so the ratio means
 * something on any machine. Never run by the tests. `BENCH_QUICK=1` skips the 150-authority runs;
 * `BENCH_ONLY=web|formats|national|compute|postgres` runs one section (`BENCH_WEB_ONLY=1` is `web`;
 * `compute` is the one-authority compute beside its bare pass, without forecasts, report or the
 * import baseline, for checking the KPI engine's speed quickly; `postgres` is DuckDB and
 * PostgreSQL side by side: load and compute for one authority and the national set on both, and
 * the web load on one DuckDB instance and on two PostgreSQL instances); the national
 * set is `BENCH_AUTHORITIES` authorities (default 150) of a typical `BENCH_POPULATION` children
 * (default 60,000: about 8 GB of CSV and half an hour on 2 cores); `BENCH_ONE_POPULATION` sizes
 * the one-authority runs (default 60,000). On PostgreSQL the one-authority run is also the web
 * load on two instances, beside one DuckDB instance on the same data.
 *
 * PostgreSQL rows run on a throwaway PostgreSQL 15 cluster the bench starts itself (the tests'
 * helpers, with durable writes and the settings in `PG_BENCH_SETTINGS`); without PostgreSQL
 * installed they are left out with a note. `BENCH_PG=0` leaves them out.
 */

import { FORECAST_INDICATORS, forecastFor } from "../src/analysis/forecast-data.ts";
import { execFileSync } from "node:child_process";
import { closeSync, createReadStream, createWriteStream, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { generateToDirectory } from "../src/generate/index.ts";
import { importSsd } from "../src/ingest/ssd-import.ts";
import { computeAndStore } from "../src/kpi/compute.ts";
import { resolveTargets } from "../src/kpi/targets.ts";
import type { Store } from "../src/store/port.ts";
import { SSD_TABLES } from "../src/store/ssd-schema.ts";
import { openStore, storeConfig } from "../src/store/open.ts";
import { tempDir } from "../test/fixtures.ts";
import { signInOverHttp } from "../test/web-access.ts";
import { main } from "../src/cli/main.ts";
import { DEMO_PASSWORD } from "../src/web/auth/users.ts";
import { buildServer } from "../src/web/server.ts";
import { ensureDemoUsers } from "../src/web/auth/users.ts";
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { type Cluster, freshDatabase, pgMissing, startCluster } from "../test/postgres-cluster.ts";

const execFileAsync = promisify(execFile);

const quick = process.env["BENCH_QUICK"] === "1";
const results: { measure: string; value: string; baseline: string; ratio: string }[] = [];
const notes: string[] = [];
/** What a long compute is doing now (printed if the run is stopped part way). */
let inProgress: (() => string) | undefined;

/**
 * The bench's PostgreSQL server: unlike the tests' (fsync off), writes are durable as on a real
 * server; memory is set for a 24 GiB machine shared with the app; everything else is default
 * (work_mem 4 MB, parallel query on).
 */
const PG_BENCH_SETTINGS = ["fsync = on", "synchronous_commit = on", "full_page_writes = on", "shared_buffers = '2GB'", "max_wal_size = '4GB'"];
const STORE_NAME = { duckdb: "DuckDB", postgres: "PostgreSQL" } as const;
let cluster: Cluster | undefined;

/** The bench's PostgreSQL cluster (started on first use), or undefined when it cannot run here. */
function benchCluster(): Cluster | undefined {
  if (process.env["BENCH_PG"] === "0") return undefined;
  if (cluster) return cluster;
  const missing = pgMissing();
  if (missing) {
    const note = `PostgreSQL rows left out: ${missing}`;
    if (!notes.includes(note)) notes.push(note);
    return undefined;
  }
  cluster = startCluster(PG_BENCH_SETTINGS);
  const c = cluster;
  process.on("exit", () => c.stop());
  return cluster;
}

/** A fresh database on the bench cluster. */
function benchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  return freshDatabase(benchCluster()!.url);
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

function csvFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".csv"))
    .map((f) => join(dir, f));
}

/** DuckDB's own bulk load of the same CSV files into tables, as the baseline for import. */
async function duckdbReadCsv(dirs: readonly string[]): Promise<number> {
  const inst = await DuckDBInstance.create(":memory:", { threads: "2" });
  const con = await inst.connect();
  const t0 = performance.now();
  let i = 0;
  for (const dir of dirs) {
    for (const f of csvFiles(dir)) {
      if (statSync(f).size < 200) continue;
      await con.run(`CREATE TABLE t${i++} AS SELECT * FROM read_csv('${f.replaceAll("'", "''")}', header = true, auto_detect = true)`);
    }
  }
  const ms = performance.now() - t0;
  con.closeSync();
  inst.closeSync();
  return ms;
}

/** The first line of a file (a CSV header), without reading the rest. */
function firstLine(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(8192);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString("utf8").split(/\r?\n/)[0]!;
  } finally {
    closeSync(fd);
  }
}

/** PostgreSQL's own bulk load (COPY … FROM STDIN, CSV) of the same files into text tables: the PostgreSQL import baseline. */
async function pgCopyCsv(dirs: readonly string[]): Promise<number> {
  const db = await benchDatabase();
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    const t0 = performance.now();
    let i = 0;
    for (const dir of dirs) {
      for (const f of csvFiles(dir)) {
        if (statSync(f).size < 200) continue;
        const header = firstLine(f).split(",");
        const table = `t${i++}`;
        await c.query(`CREATE TABLE ${table} (${header.map((_, j) => `c${j} TEXT`).join(", ")})`);
        await pipeline(createReadStream(f), c.query(copyFrom(`COPY ${table} FROM STDIN WITH (FORMAT csv, HEADER true)`)));
      }
    }
    return performance.now() - t0;
  } finally {
    await c.end();
    await db.drop();
  }
}

/** The baseline for computing: one GROUP BY authority and month over each SSD table's event date. */
async function barePass(store: Store): Promise<void> {
  for (const t of SSD_TABLES) {
    const col = t.columns.find((c) => c.kind === "date" && c.required) ?? t.columns.find((c) => c.kind === "date");
    if (!col) continue;
    await store.all(`SELECT la_code, extract(year FROM ${col.name}) AS y, extract(month FROM ${col.name}) AS m, count(*) AS n FROM current_${t.name} GROUP BY la_code, extract(year FROM ${col.name}), extract(month FROM ${col.name})`);
  }
}

/** Forecast back-tests (last 12 months held out) beside the naive forecast "same month last year". */
async function benchForecasts(store: Store): Promise<void> {
  const [target] = await resolveTargets(store);
  for (const id of FORECAST_INDICATORS) {
    const f = target ? await forecastFor(store, target, id, 12) : null;
    if (!f?.backtest) continue;
    const y = f.history.map((h) => h.value);
    const held = y.slice(-12);
    const naive = y.slice(-24, -12);
    const naiveMape = (100 / 12) * held.reduce((s, a, i) => s + Math.abs(a - naive[i]!) / Math.abs(a || 1), 0);
    results.push({
      measure: `forecast back-test, ${id} (fitted on ${y.length - 12} months, scored on the last 12; 80% / 95% ranges held ${Math.round(f.backtest.coverage80 * 12)} / ${Math.round(f.backtest.coverage95 * 12)} of 12)`,
      value: `MAPE ${f.backtest.mape.toFixed(1)}%`,
      baseline: `same month last year: MAPE ${naiveMape.toFixed(1)}%`,
      ratio: `${(f.backtest.mape / naiveMape).toFixed(2)}×`,
    });
  }
}

/**
 * The full quarterly committee report as a PDF for one authority: gather from the store, build,
 * lay out and print with Chromium (launch included), against Chromium launching and printing a
 * one-line page in the same run.
 */
async function benchReport(store: Store, dataDir: string): Promise<void> {
  const { gatherReport } = await import("../src/report/data.ts");
  const { buildReport } = await import("../src/report/content.ts");
  const { reportHtml } = await import("../src/report/html.ts");
  const { htmlToPdf } = await import("../src/report/pdf.ts");
  const bare = await timed(() => htmlToPdf("<!DOCTYPE html><p>baseline</p>", { title: "baseline" }));
  let pages = 0;
  const full = await timed(async () => {
    const html = reportHtml(buildReport(await gatherReport(store, { period: "2024-25-Q4", audience: "public", dataDir })));
    const pdf = await htmlToPdf(html, { title: "bench" });
    pages = (pdf.toString("latin1").match(/\/Type\s*\/Page\b/g) ?? []).length;
    return pdf;
  });
  results.push({
    measure: `quarterly report PDF, 1 authority, public (gather, suppress, lay out, print; ${pages} pages) vs Chromium printing a one-line page`,
    value: secs(full.ms),
    baseline: secs(bare.ms),
    ratio: `${(full.ms / bare.ms).toFixed(1)}×`,
  });
}

type Kind = "duckdb" | "postgres";

/** A fresh store of one kind for the bench; `drop` closes it and removes a PostgreSQL database. */
async function benchStore(kind: Kind, dataDir: string): Promise<{ store: Store; url?: string; drop: () => Promise<void> }> {
  if (kind === "duckdb") {
    const store = await openStore(storeConfig(dataDir, {}));
    return { store, drop: () => store.close() };
  }
  const db = await benchDatabase();
  const store = await openStore(storeConfig(dataDir, { LANTERN_DATABASE_URL: db.url }));
  return {
    store,
    url: db.url,
    drop: async () => {
      await store.close();
      await db.drop();
    },
  };
}

/** The stores a section runs on: DuckDB, and PostgreSQL beside it when asked for and installed. */
function storesFor(withPostgres: boolean): Kind[] {
  return withPostgres && benchCluster() ? ["duckdb", "postgres"] : ["duckdb"];
}

async function benchAuthorities(k: number, population = 60000, computeOnly = false, kinds: readonly Kind[] = ["duckdb"]): Promise<void> {
  const t = tempDir("lantern-bench-");
  try {
    const out = join(t.dir, "export");
    const gen = await timed(() => generateToDirectory({ out, seed: 1, population, from: "2019-04", to: "2025-03", authorities: k, shocks: [] }));
    const rows = gen.value.authorities.reduce((s, a) => s + Object.values(a.rows).reduce((x, y) => x + y, 0), 0);
    const children = gen.value.authorities.reduce((s, a) => s + a.population, 0);
    const what = `${k} authorit${k === 1 ? "y" : "ies"}`;
    // Rows of a reduced national set say what was run: the children it held.
    const sized = k === 1 && population === 60000 ? what : `${what} (${children.toLocaleString("en-GB")} children)`;
    results.push({
      measure: `generate ${what} (${children.toLocaleString("en-GB")} children, 6 years, ${rows.toLocaleString("en-GB")} rows)`,
      value: secs(gen.ms),
      baseline: "",
      ratio: "",
    });
    const times = new Map<Kind, { imp: number; compute?: number }>();
    const dirs = gen.value.authorities.map((a) => join(out, a.code));
    for (const kind of kinds) {
      const on = kinds.length > 1 || kind !== "duckdb" ? ` (${STORE_NAME[kind]})` : "";
      // The store's own bulk load of the same files first (so each row is printed as soon as it is
      // measured, and a run stopped part way keeps it), in memory or a database of its own.
      const base = computeOnly ? 0 : kind === "duckdb" ? await duckdbReadCsv(dirs) : await pgCopyCsv(dirs);
      const opened = await benchStore(kind, join(t.dir, `data-${kind}`));
      const { store } = opened;
      try {
        const imp = await timed(() => importSsd(store, { paths: [out] }));
        times.set(kind, { imp: imp.ms });
        if (!computeOnly) {
          results.push({
            measure: `import ${sized}: rows/s (validated, all or nothing) vs ${kind === "duckdb" ? "DuckDB read_csv" : "PostgreSQL COPY FROM (CSV into text columns)"} of the same files${on}`,
            value: `${Math.round(rows / (imp.ms / 1000)).toLocaleString("en-GB")} rows/s (${secs(imp.ms)})`,
            baseline: `${Math.round(rows / (base / 1000)).toLocaleString("en-GB")} rows/s (${secs(base)})`,
            ratio: `${(imp.ms / base).toFixed(1)}× slower`,
          });
        }
        const startedAt = performance.now();
        const compute = await timed(() =>
          computeAndStore(store, {
            onProgress: (done, total, label) => {
              const at = performance.now();
              inProgress = () => `computing ${sized}${on}: ${done} of ${total} indicators done in ${secs(at - startedAt)}; ${label || "storing the values"} running for ${secs(performance.now() - at)} since`;
            },
          }),
        );
        inProgress = undefined;
        const bare = await timed(() => barePass(store));
        times.set(kind, { imp: imp.ms, compute: compute.ms });
        results.push({
          measure: `compute ${compute.value.indicators} indicators × every period, ${sized} (${compute.value.values.toLocaleString("en-GB")} values) vs a bare count(*) by authority and month of every table${on}`,
          value: secs(compute.ms),
          baseline: secs(bare.ms),
          ratio: `${(compute.ms / bare.ms).toFixed(1)}×`,
        });
        const inQueries = compute.value.queriesMs;
        results.push({
          measure: `  of which the indicators' queries (${compute.value.workers} at once), and the rest (reference tables, targets, storing the values)${on}`,
          value: `${secs(inQueries)} and ${secs(compute.ms - inQueries)}`,
          baseline: "",
          ratio: "",
        });
        if (k === 1 && compute.value.workers > 1) {
          // The same compute one indicator at a time: what running several at once gains here.
          const serial = await timed(() => computeAndStore(store, { workers: 1 }));
          results.push({
            measure: `  the same compute on ${compute.value.workers} connections at once vs one indicator at a time${on}`,
            value: secs(compute.ms),
            baseline: secs(serial.ms),
            ratio: `${(serial.ms / compute.ms).toFixed(2)}× faster`,
          });
        }
        const slowest = [...compute.value.timings].sort((a, b) => b.ms - a.ms).slice(0, 4);
        results.push({
          measure: `  of which the slowest indicators, ${sized}${on}`,
          value: slowest.map((x) => `${x.indicator} ${secs(x.ms)}`).join(", "),
          baseline: "",
          ratio: "",
        });
        if (computeOnly) continue;
        // Forecasts and the report are DuckDB's figures of the full run (the PostgreSQL section leaves them out).
        if (kind === "duckdb" && k === 1 && only === undefined) await benchForecasts(store);
        if (kind === "duckdb" && k === 1 && only === undefined) await benchReport(store, join(t.dir, "data-duckdb"));
        if (k === 1 && kinds.length > 1) {
          // The same pages on both stores: one DuckDB instance, two PostgreSQL instances.
          const dataDir = join(t.dir, `data-${kind}`);
          if (kind === "duckdb") await webLoad(store, dataDir, `${sized}, 1 instance (DuckDB)`, "");
          else await webLoadInstances(store, opened.url!, dataDir, `${sized}, 2 instances (PostgreSQL)`, "");
        }
        if (k > 1) {
          // One authority recomputed on its own in the big store, as after its upload.
          const one = gen.value.authorities.find((a) => a.code === "X001")!;
          const alone = await timed(() => computeAndStore(store, { authority: one.code }));
          results.push({
            measure: `compute 1 authority alone (X001, ${one.population.toLocaleString("en-GB")} children) in the ${sized} store, as after its upload, vs its share of the whole compute${on}`,
            value: secs(alone.ms),
            baseline: `${secs(compute.ms / k)} (1/${k} of ${secs(compute.ms)})`,
            ratio: `${(alone.ms / (compute.ms / k)).toFixed(1)}×`,
          });
          const dataDir = join(t.dir, `data-${kind}`);
          if (kind === "duckdb") await webLoad(store, dataDir, `one authority (X001) in the ${sized} store, 1 instance (DuckDB)`, "X001");
          else await webLoadInstances(store, opened.url!, dataDir, `one authority (X001) in the ${sized} store, 2 instances (PostgreSQL)`, "X001");
        }
      } finally {
        await opened.drop();
      }
    }
    if (computeOnly) return;
    const duck = times.get("duckdb");
    const post = times.get("postgres");
    if (duck?.compute !== undefined && post?.compute !== undefined) {
      for (const [step, a, b] of [
        ["import (load)", post.imp, duck.imp],
        ["compute", post.compute, duck.compute],
      ] as const) {
        results.push({ measure: `PostgreSQL beside DuckDB: ${step}, ${sized}`, value: `PostgreSQL ${secs(a)}`, baseline: `DuckDB ${secs(b)}`, ratio: `${(a / b).toFixed(1)}×` });
      }
    }
  } finally {
    t.cleanup();
  }
}

/** The web app on the demo authority under 50 concurrent connections from a second process. */
async function benchWeb(): Promise<void> {
  const t = tempDir("lantern-bench-web-");
  const quiet = { out: () => {}, err: () => {}, isTTY: false, color: false };
  try {
    if ((await main(["demo", "--data", t.dir, "--no-serve"], quiet)) !== 0) throw new Error("lantern demo failed");
    const store = await openStore(storeConfig(t.dir, {}));
    await webLoad(store, t.dir, "demo authority", "");
    await store.close();
  } finally {
    t.cleanup();
  }
}

interface LoadResult {
  readonly requests: number;
  readonly errors: number;
  readonly rps: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/**
 * Load the dashboard and an indicator page from second processes, signed in as an analyst, with
 * `/healthz` under the same load as the floor: 50 connections, split evenly between the servers
 * at `bases` (one load-client process each, all at once). With several servers the requests per
 * second are summed and each latency is the worse of the servers'.
 */
async function measurePages(bases: readonly string[], cookie: string, label: string, la: string): Promise<void> {
  const seconds = quick ? 5 : 15;
  const per = Math.floor(50 / bases.length);
  const load = async (path: string): Promise<LoadResult> => {
    const runs = await Promise.all(
      bases.map(async (base) => {
        const { stdout } = await execFileAsync(process.execPath, [join(import.meta.dirname, "load-client.ts"), `${base}${path}`, String(per), String(seconds), `cookie=${cookie}`]);
        return JSON.parse(stdout) as LoadResult;
      }),
    );
    const sum = (f: (r: LoadResult) => number) => runs.reduce((s, r) => s + f(r), 0);
    const worst = (f: (r: LoadResult) => number) => Math.max(...runs.map(f));
    return { requests: sum((r) => r.requests), errors: sum((r) => r.errors), rps: sum((r) => r.rps), p50: worst((r) => r.p50), p95: worst((r) => r.p95), p99: worst((r) => r.p99) };
  };
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const how = bases.length === 1 ? "50 connections" : `50 connections (${per} to each instance; latency the worse instance's)`;
  const floor = await load("/healthz");
  const q = la ? `?la=${encodeURIComponent(la)}` : "";
  for (const [name, path] of [
    ["dashboard", `/${q}`],
    ["indicator page (assess_45wd_pct)", `/indicators/assess_45wd_pct${q}`],
  ] as const) {
    const cold = await timed(() => fetch(`${bases[0]}${path}`, { headers: { cookie } }).then((r) => r.text()));
    const r = await load(path);
    results.push({
      measure: `web: ${name}, ${label}, ${how} for ${seconds} s from a second process (first request ${secs(cold.ms)}; ${r.errors} errors)`,
      value: `${Math.round(r.rps).toLocaleString("en-GB")} req/s; p50 ${ms(r.p50)}, p95 ${ms(r.p95)}, p99 ${ms(r.p99)}`,
      baseline: `/healthz ${Math.round(floor.rps).toLocaleString("en-GB")} req/s; p95 ${ms(floor.p95)}`,
      ratio: `${(floor.rps / r.rps).toFixed(1)}× fewer req/s`,
    });
  }
}

/** One server in this process, as `lantern serve` runs it: every request looks its session up in the store. */
async function webLoad(store: Store, dataDir: string, label: string, la: string): Promise<void> {
  await ensureDemoUsers(store);
  const app = await buildServer({ store, dataDir, auth: { secureCookies: false } });
  const base = await app.listen({ port: 0, host: "127.0.0.1" });
  try {
    await measurePages([base], await signInOverHttp(base, "analyst", DEMO_PASSWORD), label, la);
  } finally {
    await app.close();
  }
}

/**
 * Two `lantern serve` processes on one PostgreSQL database with one LANTERN_SECRET, as behind a
 * load balancer: the analyst signs in on the first and the same session cookie is used on both.
 */
async function webLoadInstances(store: Store, url: string, dataDir: string, label: string, la: string): Promise<void> {
  await ensureDemoUsers(store);
  const env: NodeJS.ProcessEnv = { ...process.env, TZ: "Europe/London", LANTERN_DATABASE_URL: url, LANTERN_SECRET: randomBytes(36).toString("base64") };
  delete env["LANTERN_OIDC_ISSUER"];
  const bin = join(import.meta.dirname, "../bin/lantern.mjs");
  const children = [0, 1].map((i) => spawn(process.execPath, [bin, "serve", "--data", join(dataDir, `instance-${i}`), "--port", "0"], { env, stdio: ["ignore", "pipe", "pipe"] }));
  try {
    const bases = await Promise.all(
      children.map(
        (child) =>
          new Promise<string>((resolve, reject) => {
            let out = "";
            child.stdout.on("data", (b: Buffer) => {
              out += b.toString();
              const m = /running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
              if (m) resolve(m[1]!);
            });
            child.stderr.on("data", (b: Buffer) => (out += b.toString()));
            child.on("exit", (code) => reject(new Error(`lantern serve exited ${code}: ${out}`)));
          }),
      ),
    );
    await measurePages(bases, await signInOverHttp(bases[0]!, "analyst", DEMO_PASSWORD), label, la);
  } finally {
    await Promise.all(
      children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        return exited;
      }),
    );
  }
}

/** Write a file line by line through a stream (bounded memory for the generator too). */
async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(path);
  let buf = "";
  for (const l of lines) {
    buf += l;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once("drain", () => r()));
      buf = "";
    }
  }
  out.write(buf);
  await new Promise<void>((r) => {
    out.end(() => r());
  });
}

const ddmmyyyy = (d: Date) => `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`;
const iso = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

/** SSDA903 Header + Episodes with `episodes` rows (valid, consecutive episodes per child). */
function* episodesCsv(episodes: number): Generator<string> {
  yield "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";
  let n = 0;
  for (let c = 0; n < episodes; c++) {
    let start = addDays(new Date(Date.UTC(2019, 0, 1)), c % 1500);
    const k = 1 + (c % 4);
    for (let e = 0; e < k && n < episodes; e++, n++) {
      const last = e === k - 1 || n === episodes - 1;
      const end = addDays(start, 40 + (c % 50));
      yield `C${c},${ddmmyyyy(start)},${e === 0 ? "S" : "P"},C2,N1,${e % 2 ? "U6" : "U4"},PR1,${last ? "" : ddmmyyyy(end)},${last ? "" : "X1"},${last ? "" : "CARPL"},,,\n`;
      start = end;
    }
  }
}

function* headerCsv(children: number): Generator<string> {
  yield "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n";
  for (let c = 0; c < children; c++) yield `C${c},${c % 2 ? "M" : "F"},${ddmmyyyy(addDays(new Date(Date.UTC(2006, 0, 1)), c % 3000))},WBRI,A${String(100000000000 + c)},,\n`;
}

/** A CIN census of about `mb` megabytes: children with a referral, assessment, plan, S47 and CP plan. */
function* cinXml(mb: number): Generator<string> {
  yield `<?xml version="1.0" encoding="utf-8"?>\n<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>999</LEA></Source></Header><Children>\n`;
  let bytes = 0;
  for (let c = 0; bytes < mb * 1_000_000; c++) {
    const r = addDays(new Date(Date.UTC(2023, 3, 3)), c % 200);
    const child = `<Child><ChildIdentifiers><LAchildID>K${c}</LAchildID><UPN>A${String(100000000000 + c)}</UPN><PersonBirthDate>${iso(addDays(new Date(Date.UTC(2010, 0, 1)), c % 3000))}</PersonBirthDate><Sex>${c % 2 ? "M" : "F"}</Sex></ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics><CINdetails><CINreferralDate>${iso(r)}</CINreferralDate><ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA><Assessments><AssessmentActualStartDate>${iso(addDays(r, 1))}</AssessmentActualStartDate><AssessmentAuthorisationDate>${iso(addDays(r, 30))}</AssessmentAuthorisationDate><FactorsIdentifiedAtAssessment><AssessmentFactors>1A</AssessmentFactors><AssessmentFactors>2B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments><CINPlanDates><CINPlanStartDate>${iso(addDays(r, 31))}</CINPlanStartDate><CINPlanEndDate>${iso(addDays(r, 90))}</CINPlanEndDate></CINPlanDates><Section47><S47ActualStartDate>${iso(addDays(r, 91))}</S47ActualStartDate></Section47></CINdetails></Child>\n`;
    bytes += child.length;
    yield child;
  }
  yield "</Children></Message>\n";
}

function measure(mode: "lantern" | "validate" | "duckdb", path: string): { rows: number; ms: number; peakMb: number; mode903?: string } {
  const out = execFileSync(process.execPath, [fileURLToPath(new URL("./formats-load.ts", import.meta.url)), mode, path], { encoding: "utf8", maxBuffer: 1 << 20, env: { ...process.env, TZ: "Europe/London" } });
  return JSON.parse(out.trim().split("\n").at(-1)!) as { rows: number; ms: number; peakMb: number; mode903?: string };
}

/** A copy of a CSV file with its data rows in a random order (so no table is grouped by child). */
async function shuffledCopy(from: string, to: string): Promise<void> {
  const [head, ...rows] = readFileSync(from, "utf8").trimEnd().split("\n");
  let seed = 903;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  await writeLines(to, (function* () {
    yield `${head}\n`;
    for (const r of rows) yield `${r}\n`;
  })());
}

/**
 * Statutory formats, each load in its own process: SSDA903 Header + Episodes of each size in
 * `BENCH_903_ROWS` (default 100,000, 300,000 and 1,000,000 episode rows; `BENCH_QUICK=1`:
 * 100,000) loaded into a fresh store beside DuckDB's read_csv of the same episodes file, the
 * largest also validated without a store, and the 300,000 (or smallest) with both files shuffled
 * (not grouped by child: the spill-and-sort way); then a 100 MB CIN census.
 */
async function benchFormats(): Promise<void> {
  const t = tempDir("lantern-bench-903-");
  try {
    const sizes = (process.env["BENCH_903_ROWS"] ?? (quick ? "100000" : "100000,300000,1000000")).split(",").map(Number);
    const row = (label: string, episodes: number, ep: string, mine: ReturnType<typeof measure>, duck?: ReturnType<typeof measure>) =>
      results.push({
        measure: `SSDA903 CSV ${label}: ${episodes.toLocaleString("en-GB")} episode rows (${Math.round(statSync(ep).size / 1e6)} MB; ${mine.rows.toLocaleString("en-GB")} SSD rows, all DfE rules; read by ${mine.mode903})`,
        value: `${Math.round(episodes / (mine.ms / 1000)).toLocaleString("en-GB")} episodes/s (${secs(mine.ms)}), peak ${mine.peakMb} MB`,
        baseline: duck ? `DuckDB read_csv: ${Math.round(duck.rows / (duck.ms / 1000)).toLocaleString("en-GB")} rows/s (${secs(duck.ms)}), peak ${duck.peakMb} MB` : "—",
        ratio: duck ? `${(mine.ms / duck.ms).toFixed(1)}× slower` : "—",
      });
    for (const episodes of sizes) {
      const ep = join(t.dir, `episodes-${episodes}.csv`);
      const hd = join(t.dir, `header-${episodes}.csv`);
      await writeLines(ep, episodesCsv(episodes));
      await writeLines(hd, headerCsv(Math.ceil(episodes / 2.5) + 1));
      const mine = measure("lantern", `${hd},${ep}`);
      const duck = measure("duckdb", ep);
      row("load", episodes, ep, mine, duck);
      if (episodes === Math.max(...sizes)) row("validate only (no store)", episodes, ep, measure("validate", `${hd},${ep}`));
      if (episodes === (sizes.includes(300_000) ? 300_000 : Math.min(...sizes))) {
        const sep = join(t.dir, `episodes-${episodes}-shuffled.csv`);
        const shd = join(t.dir, `header-${episodes}-shuffled.csv`);
        await shuffledCopy(ep, sep);
        await shuffledCopy(hd, shd);
        row("load, rows shuffled", episodes, sep, measure("lantern", `${shd},${sep}`), duck);
        rmSync(sep);
        rmSync(shd);
      }
      rmSync(ep);
      rmSync(hd);
    }
    const mb = quick ? 10 : 100;
    const cin = join(t.dir, "cin.xml");
    await writeLines(cin, cinXml(mb));
    const c = measure("lantern", cin);
    results.push({
      measure: `CIN census XML: ${Math.round(statSync(cin).size / 1e6)} MB streamed (${c.rows.toLocaleString("en-GB")} SSD rows, all DfE rules)`,
      value: `${Math.round(c.rows / (c.ms / 1000)).toLocaleString("en-GB")} rows/s (${secs(c.ms)}), peak ${c.peakMb} MB`,
      baseline: `file ${Math.round(statSync(cin).size / 1e6)} MB`,
      ratio: `peak/file ${(c.peakMb / (statSync(cin).size / 1e6)).toFixed(2)}`,
    });
  } finally {
    t.cleanup();
  }
}

const runStarted = performance.now();
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    console.log(`\n(stopped by ${sig} part way: what was measured so far)\n`);
    if (inProgress) notes.push(`Stopped while ${inProgress()} (${secs(performance.now() - runStarted)} into the run).`);
    printResults();
    process.exit(130);
  });
}

const only = process.env["BENCH_ONLY"] ?? (process.env["BENCH_WEB_ONLY"] === "1" ? "web" : undefined);
/** The national-scale set: 150 authorities of a typical 60,000 children unless told otherwise. */
const nationalK = Number(process.env["BENCH_AUTHORITIES"] ?? 150);
const nationalPopulation = Number(process.env["BENCH_POPULATION"] ?? 60000);
/** The one-authority runs: a typical 60,000 children unless told otherwise. */
const onePopulation = Number(process.env["BENCH_ONE_POPULATION"] ?? 60000);
if (only === undefined || only === "postgres") await benchAuthorities(1, onePopulation, false, storesFor(true));
if (only === "compute") await benchAuthorities(1, onePopulation, true);
if ((only === undefined && !quick) || only === "national" || (only === "postgres" && !quick)) await benchAuthorities(nationalK, nationalPopulation, false, storesFor(true));
if (only === undefined || only === "web") await benchWeb();
if (only === undefined || only === "formats") await benchFormats();
printResults();

/** Print the table of what was measured (also when the run is stopped part way). */
function printResults(): void {
  const w = [0, 1, 2, 3].map((i) => Math.max(...results.map((r) => Object.values(r)[i]!.length), ["measure", "value", "baseline", "ratio"][i]!.length));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(w[i]!)).join(" | ")} |`;
  console.log(line(["measure", "value", "baseline (same run)", "ratio"]));
  console.log(line(w.map((n) => "-".repeat(n))));
  for (const r of results) console.log(line([r.measure, r.value, r.baseline, r.ratio]));
  for (const n of notes) console.log(`\n${n}`);
  const pgVersion = cluster ? ` PostgreSQL 15 (${PG_BENCH_SETTINGS.join(", ")}),` : "";
  console.log(`\nnode ${process.version}, ${process.platform}/${process.arch},${pgVersion} ${new Date().toISOString().slice(0, 10)}`);
}
