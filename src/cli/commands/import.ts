/**
 * @module
 * `lantern import`: load an SSD export as a new snapshot, all or nothing.
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import { EXIT, LanternError } from "../../core/errors.ts";
import { type FormatLoadResult, isSsdExport, loadFormats, refuseNothingToLoad } from "../../formats/load.ts";
import { DFE_CODE } from "../../formats/issues.ts";
import { importMeasures, isMeasuresFile } from "../../ingest/measures-import.ts";
import { importSsd } from "../../ingest/ssd-import.ts";
import { revisionsOfLoad } from "../../analysis/revisions.ts";
import { checkComputeSettings, computeAndStore } from "../../kpi/compute.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import type { Store } from "../../store/port.ts";
import { type Command, parse } from "../command.ts";
import { requireReadable } from "../in-paths.ts";
import { describeIssue, type Output, progressBar, table } from "../output.ts";

const HELP = `lantern import PATH... [--authority CODE] [--dry-run] [--force] [--dfe-errors-as-queries] [--replace] [--no-compute] [--data DIR] [--json]

Load an SSD export (the Standard Safeguarding Dataset tables your case management system
writes: one ssd_<table>.csv per table, header row of SSD column names, dates as YYYY-MM-DD or
DD/MM/YYYY) into the store as a new snapshot for the authority. PATH may be files or folders.
A population.csv (la_code,year,population_0_17) beside the files sets the rate denominators
(otherwise the ONS estimates shipped with Lantern are used for DfE LA numbers).

Statutory returns load the same way, recognised by their content (not their names): the
SSDA903 tables (CSV, dates DD/MM/YYYY) or its XML, the CIN census XML, and Ofsted's Annex A
(the workbook, or one CSV per list). They are checked against the DfE's validation rules as
well: DfE errors block the load like any other error, DfE queries are shown and kept with the
snapshot. A population.csv among them sets the rate denominators as beside an SSD export. A
return replaces only the SSD tables it carries (the 903 has no contacts, the CIN
census no children in care); the summary lists the indicators it cannot feed. Load each year
of a return as its own snapshot. \`lantern validate\` checks without loading.

Figures kept in other systems (workforce, elective home education) load from a CSV with the
columns indicator,authority,period,value[,numerator,denominator,note], for example
  indicator,authority,period,value
  sw_vacancy_rate,202,2025-09,14.2
Figures are plain decimals, never negative; a percentage within 0 to 100, anything else below
10,000,000 (an average caseload below 1,000); a count of children whole; and a value given with
its numerator and denominator agrees with them to within 0.05 (100 × numerator ÷ denominator
for a percentage). docs/formats.md lists every check. Each row replaces the figure for its
indicator, authority and period; figures loaded before and not in the file are kept, so this
quarter's file adds to earlier ones. With --replace the file is the whole set and the others are
dropped.
After a load, every indicator is computed for the new snapshot and stored with it.

The load is all or nothing: any error (a date that is not a date, a duplicate id, a reference
to a record that does not exist, an end before its start, a missing required column) leaves the
store exactly as it was, and every error names the file, row, column, the value and what was
expected. Unknown extra columns are warnings. Loading files identical to an earlier snapshot of
the same authority is reported and adds nothing, unless you pass --force.

Options:
  --authority CODE  the authority the data is for (DfE LA number such as 202, or a code such
                    as X001). Not needed for a folder made by \`lantern generate\`, which names
                    its authorities in authorities.csv; given for one, only that
                    authority's folder is loaded (with the population.csv beside them).
                    A figures file names the authority on each row: given, every row
                    must name it.
  --dry-run         check the files and report; load nothing
  --force           load even if the same files were loaded before
  --replace         (measures.csv) the file holds every figure: drop those loaded before and not in it
  --dfe-errors-as-queries  load a statutory return whose DfE errors you will correct later:
                    they are kept as queries (structural errors still block)
  --no-compute      do not compute the indicators after loading (\`lantern compute\` later)
  --data DIR        the store's folder (env LANTERN_DATA; default ./lantern-data)
  --json            print the result (or the errors) as JSON on stdout

Examples:
  lantern import ./exports/2025-06 --authority 202
  lantern import ssd_person.csv ssd_cin_episodes.csv --authority 202 --dry-run
  lantern generate --out ./synthetic && lantern import ./synthetic
  lantern import workforce-2025.csv
  lantern import ./903/2025 --authority 202
  lantern import CIN_Census_2025.xml --authority 202 --dry-run

Exit codes: 0 loaded or unchanged, 1 usage error, 2 data rejected, 3 other failure.
`;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values, positionals } = parse(
    "import",
    argv,
    {
      authority: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      "no-compute": { type: "boolean", default: false },
      "dfe-errors-as-queries": { type: "boolean", default: false },
      replace: { type: "boolean", default: false },
    },
    ["PATH..."],
  );
  if (positionals.length === 0) throw new LanternError("LANTERN_USAGE", "Name the files or folders to import.", { hint: "For example: lantern import ./export --authority 202" });
  // Everything that can be refused without the store is, before it is opened: opening the
  // embedded store creates it, and a mistyped path must not leave an empty one behind.
  requireReadable(positionals, "Check the path (a typing mistake, or a folder not copied across yet); give the files or folders of an SSD export, a statutory return or a measures.csv.");
  await refuseNothingToLoad(positionals);
  const config = storeConfig(values.data);
  const measures = positionals.every(isMeasuresFile);
  if (values.replace && !measures) {
    throw new LanternError("LANTERN_BAD_OPTION", "--replace is for measures.csv files only.", {
      hint: "An SSD export or a statutory return already replaces the tables it carries; leave --replace off.",
    });
  }
  // What the compute after the load reads besides the store is checked before loading: a load
  // must not be committed and then reported as an error.
  if (!values["no-compute"] && !values["dry-run"]) checkComputeSettings(config.dataDir);
  const store = await openStore(config);
  const bar = progressBar(o, "Importing");
  try {
    const generated = values.authority === undefined && positionals.every((p) => existsSync(join(p, "authorities.csv")));
    if (!measures && !generated && !(await isSsdExport(positionals))) {
      const r = await loadFormats(store, {
        paths: positionals,
        ...(values.authority !== undefined ? { authority: values.authority } : {}),
        dryRun: values["dry-run"],
        force: values.force,
        dfeErrorsAsQueries: values["dfe-errors-as-queries"],
        onProgress: (d, t, label) => bar.update(d, t, label),
      });
      bar.done();
      const after = values["no-compute"] ? EMPTY_AFTER : await computeLoads(store, config.dataDir, o, [r]);
      if (values.json) {
        o.out(JSON.stringify({ ...r, revisions: after.amended, populationMissing: after.gaps, ...(after.uncomputed.length ? { notComputed: after.uncomputed } : {}) }, null, 2) + "\n");
        return finished(after, true);
      }
      reportFormats(o, r, false);
      reportAmended(o, after.amended);
      reportPopulation(o, after.gaps);
      return finished(after);
    }
    const result = measures
      ? await importMeasures(store, { paths: positionals, dryRun: values["dry-run"], force: values.force, replace: values.replace, ...(values.authority !== undefined ? { authority: values.authority } : {}) })
      : await importSsd(store, {
          paths: positionals,
          ...(values.authority !== undefined ? { authority: values.authority } : {}),
          dryRun: values["dry-run"],
          force: values.force,
          onProgress: (d, t, label) => bar.update(d, t, label),
          onWait: (as) => o.err(`Another load for ${as.join(", ")} is in progress; this one waits for it to finish …\n`),
        });
    bar.done();
    const after = values["no-compute"] ? EMPTY_AFTER : await computeLoads(store, config.dataDir, o, result.authorities);
    if (values.json) {
      o.out(JSON.stringify({ ...result, revisions: after.amended, populationMissing: after.gaps, ...(after.uncomputed.length ? { notComputed: after.uncomputed } : {}) }, null, 2) + "\n");
      return finished(after, true);
    }
    for (const a of result.authorities) {
      if (a.status === "unchanged") {
        o.out(`${a.authority}: these files are identical to snapshot ${a.identicalTo!.snapshotId} (loaded ${a.identicalTo!.loadedAt}); nothing was added. Use --force to load them again.\n`);
      } else if (a.status === "validated") {
        o.out(`${a.authority}: checked ${a.rows.toLocaleString("en-GB")} rows in ${a.tables.length} files; no errors (dry run: nothing was loaded).\n`);
      } else {
        o.out(`${a.authority}: loaded snapshot ${a.snapshotId}: ${a.rows.toLocaleString("en-GB")} rows from ${a.tables.length} files.\n`);
      }
    }
    if (result.authorities.length <= 3) {
      for (const a of result.authorities.filter((x) => x.tables.length)) {
        o.out(table(["table", "rows", "file"], a.tables.map((t) => [t.table, t.rows, t.file])));
      }
    }
    if (result.warningCount) {
      o.err(`${result.warningCount} warning(s):\n`);
      for (const w of result.warnings.slice(0, 20)) o.err(`  ${describeIssue(w)}\n`);
      if (result.warningCount > 20) o.err(`  … and ${result.warningCount - 20} more (use --json to see all).\n`);
    }
    reportAmended(o, after.amended);
    reportPopulation(o, after.gaps);
    const secs = result.elapsedMs / 1000;
    if (result.rows) o.err(`${result.rows.toLocaleString("en-GB")} rows in ${secs.toFixed(1)} s (${Math.round(result.rows / secs).toLocaleString("en-GB")} rows/s).\n`);
    return finished(after);
  } finally {
    bar.done();
    await store.close();
  }
}

/** What computing the loads found: figures amended, rates without a population, loads left uncomputed. */
interface AfterLoad {
  readonly amended: Amended[];
  readonly gaps: PopulationGap[];
  readonly uncomputed: { readonly authority: string; readonly snapshot: number; readonly message: string }[];
}

const EMPTY_AFTER: AfterLoad = { amended: [], gaps: [], uncomputed: [] };

/**
 * Compute each load that was committed. A compute that fails once its load has committed (a
 * dropped connection, a full disk) leaves the data stored: it is noted, and the other loads are
 * computed; {@link finished} then says how to finish.
 */
async function computeLoads(store: Store, dataDir: string, o: Output, loads: readonly { readonly authority: string; readonly status: string; readonly snapshotId?: number | undefined }[]): Promise<AfterLoad> {
  const after: AfterLoad = { amended: [], gaps: [], uncomputed: [] };
  const todo = loads.filter((a) => a.status === "loaded" && a.snapshotId !== undefined);
  if (!todo.length) return after;
  const cbar = progressBar(o, "Computing");
  for (const a of todo) {
    try {
      await computeAndStore(store, { snapshot: a.snapshotId!, dataDir, onProgress: (d, t, l) => cbar.update(d, t, `${a.authority} ${l}`) });
      after.amended.push(await amendedBy(store, a.snapshotId!));
      after.gaps.push(...(await populationMissing(store, a.snapshotId!)));
    } catch (e) {
      after.uncomputed.push({ authority: a.authority, snapshot: a.snapshotId!, message: e instanceof Error ? e.message : String(e) });
    }
  }
  cbar.done();
  return after;
}

/**
 * 0, or the error saying which loads are stored but not computed, and what to run. With `json` the
 * one JSON document printed already lists them (`notComputed`), so the exit code alone says so.
 */
function finished(after: AfterLoad, json = false): number {
  const u = after.uncomputed;
  if (!u.length) return 0;
  if (json) return EXIT.failure;
  throw new LanternError("LANTERN_NOT_COMPUTED", `${u.map((x) => `${x.authority}'s load (snapshot ${x.snapshot})`).join(" and ")} ${u.length > 1 ? "are" : "is"} stored, but ${u.length > 1 ? "their" : "its"} figures could not be computed: ${u[0]!.message}`, {
    hint: `Nothing loaded was lost. Compute the figures with: ${u.map((x) => `lantern compute --snapshot ${x.snapshot}`).join("; ")} (lantern serve also computes them when it next starts). Until then, pages show them as not computed.`,
  });
}

/** How many published figures a load amended, against the authority's previous load. */
interface Amended {
  readonly authority: string;
  readonly snapshot: number;
  readonly previous: number | null;
  readonly amended: number;
  /** How many figures of periods both loads hold were compared: 0 when they share no period (so "amended: 0" says nothing). */
  readonly compared: number;
}

async function amendedBy(store: Store, snapshot: number): Promise<Amended> {
  const r = await revisionsOfLoad(store, snapshot);
  return { authority: r.authority, snapshot, previous: r.previous, amended: r.revisions.length, compared: r.compared };
}

/** Tell the analyst which figures the load amended (committees are told when figures change). */
function reportAmended(o: Output, amended: readonly Amended[]): void {
  for (const a of amended) {
    if (a.previous === null) continue;
    o.out(
      a.amended
        ? `${a.authority}: ${a.amended.toLocaleString("en-GB")} figure(s) differ from snapshot ${a.previous}. List them with: lantern revisions --authority ${a.authority} --since ${a.previous}\n`
        : a.compared === 0
          ? `${a.authority}: this load and snapshot ${a.previous} share no period to compare (each holds figures for other periods), so no figure was compared.\n`
          : `${a.authority}: no figure differs from snapshot ${a.previous}.\n`,
    );
  }
}

/** Mid-year populations a load's rates per 10,000 children needed and did not find. */
interface PopulationGap {
  readonly authority: string;
  readonly snapshot: number;
  readonly years: number[];
}

async function populationMissing(store: Store, snapshot: number): Promise<PopulationGap[]> {
  const rows = await store.all<{ la_code: string; pop_year: number }>(
    `SELECT DISTINCT v.la_code, p.pop_year FROM lantern_indicator_value v JOIN lantern_period p ON p.period_id = v.period_id
     WHERE v.snapshot_id = $1 AND v.breakdown = '' AND v.value IS NULL AND v.reason LIKE 'no population of children aged 0-17 for mid-%'`,
    [snapshot],
  );
  const by = new Map<string, Set<number>>();
  for (const r of rows) by.set(r.la_code, (by.get(r.la_code) ?? new Set()).add(Number(r.pop_year)));
  return [...by].map(([authority, years]) => ({ authority, snapshot, years: [...years].sort((a, b) => a - b) }));
}

/** Say when rates have no value for want of a population, and what to load. */
function reportPopulation(o: Output, gaps: readonly PopulationGap[]): void {
  for (const g of gaps) {
    o.err(
      `${g.authority}: no population of children aged 0-17 for ${g.years.map((y) => `mid-${y}`).join(", ")}, so the rates per 10,000 children have no value for the periods that need ${g.years.length > 1 ? "them" : "it"}. ` +
        `Load a population.csv (la_code,year,population_0_17) with the data; an authority loaded under its DfE code (such as 202) uses the ONS estimates Lantern ships.\n`,
    );
  }
}

/** The summary of a statutory-format load. */
function reportFormats(o: Output, r: FormatLoadResult, json: boolean): void {
  if (json) {
    o.out(JSON.stringify(r, null, 2) + "\n");
    return;
  }
  if (r.status === "unchanged") o.out(`${r.authority}: these files are identical to snapshot ${r.identicalTo!.snapshotId} (loaded ${r.identicalTo!.loadedAt}); nothing was added. Use --force to load them again.\n`);
  else if (r.status === "validated") o.out(`${r.authority}: checked ${r.rows.toLocaleString("en-GB")} rows from ${r.files.length} file(s); no errors (dry run: nothing was loaded).\n`);
  else o.out(`${r.authority}: loaded snapshot ${r.snapshotId} (${r.formats.join(", ")}): ${r.rows.toLocaleString("en-GB")} rows from ${r.files.length} file(s).\n`);
  o.out(table(["file", "format", "records"], r.files.map((f) => [f.file, f.format, f.records])));
  o.out(table(["table", "rows"], r.tables.map((t) => [t.table, t.rows])));
  if (r.warningCount) {
    const warned = r.issues.filter((i) => i.severity === "warning");
    const queries = warned.filter((i) => DFE_CODE.test(i.code));
    // The load keeps the first 500 issues of each severity: say so when DfE queries were left out.
    const kept = queries.length < r.queryCount ? `the first ${queries.length} kept with the snapshot; \`lantern validate PATH --report FILE.html\` lists every one` : "kept with the snapshot";
    o.err(`${r.warningCount} warning(s), of which ${r.queryCount} DfE queries (${kept}):\n`);
    // Lantern's own warnings about the load as a whole first, then the DfE's queries on its rows.
    const ordered = [...warned.filter((i) => !DFE_CODE.test(i.code)), ...queries];
    for (const w of ordered.slice(0, 20)) o.err(`  ${describeIssue(w)}\n`);
    if (r.warningCount > 20) o.err(`  … and ${r.warningCount - 20} more (use --json, or lantern validate --report FILE.html).\n`);
  }
  if (r.notComputable.length) {
    o.out(`Cannot be computed from what is loaded (${r.notComputable.length} indicator(s)): ${r.notComputable.map((n) => n.indicator).join(", ")}.\n`);
    const lacking = [...new Set(r.notComputable.flatMap((n) => n.missing))].sort();
    o.out(`  They need ${lacking.join(", ")}, which ${r.formats.map((f) => describeFormat(f)).join(" and ")} cannot carry (see docs/formats.md).\n`);
  }
}

function describeFormat(f: string): string {
  return f === "ssda903-csv" || f === "ssda903-xml" ? "the SSDA903" : f === "cin-census-xml" ? "the CIN census" : f.startsWith("annex-a") ? "the Annex A lists given" : f;
}


export const importCommand: Command = { name: "import", help: HELP, run };
