/**
 * @module
 * `lantern import`: load an SSD export as a new snapshot, all or nothing.
 */

import { LanternError } from "../../core/errors.ts";
import { importMeasures, isMeasuresFile } from "../../ingest/measures-import.ts";
import { importSsd } from "../../ingest/ssd-import.ts";
import { computeAndStore } from "../../kpi/compute.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, parse } from "../command.ts";
import { describeIssue, type Output, progressBar, table } from "../output.ts";

const HELP = `lantern import PATH... [--authority CODE] [--dry-run] [--force] [--data DIR] [--json]

Load an SSD export (the Standard Safeguarding Dataset tables your case management system
writes: one ssd_<table>.csv per table, header row of SSD column names, dates as YYYY-MM-DD or
DD/MM/YYYY) into the store as a new snapshot for the authority. PATH may be files or folders.
A population.csv (la_code,year,population_0_17) beside the files sets the rate denominators
(otherwise the ONS estimates shipped with Lantern are used for DfE LA numbers).

Figures kept in other systems (workforce, elective home education) load from a CSV with the
columns indicator,authority,period,value[,numerator,denominator,note], for example
  indicator,authority,period,value
  sw_vacancy_rate,202,2025-09,14.2
After a load, every indicator is computed for the new snapshot and stored with it.

The load is all or nothing: any error (a date that is not a date, a duplicate id, a reference
to a record that does not exist, an end before its start, a missing required column) leaves the
store exactly as it was, and every error names the file, row, column, the value and what was
expected. Unknown extra columns are warnings. Loading files identical to an earlier snapshot of
the same authority is reported and adds nothing, unless you pass --force.

Options:
  --authority CODE  the authority the data is for (DfE LA number such as 202, or a code such
                    as X001). Not needed for a folder made by \`lantern generate\`, which names
                    its authorities in authorities.csv.
  --dry-run         check the files and report; load nothing
  --force           load even if the same files were loaded before
  --no-compute      do not compute the indicators after loading (\`lantern compute\` later)
  --data DIR        the store's folder (env LANTERN_DATA; default ./lantern-data)
  --json            print the result (or the errors) as JSON on stdout

Examples:
  lantern import ./exports/2025-06 --authority 202
  lantern import ssd_person.csv ssd_cin_episodes.csv --authority 202 --dry-run
  lantern generate --out ./synthetic && lantern import ./synthetic
  lantern import workforce-2025.csv

Exit codes: 0 loaded or unchanged, 1 usage error, 2 data rejected, 3 other failure.
`;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values, positionals } = parse(
    "import",
    argv,
    { authority: { type: "string" }, "dry-run": { type: "boolean", default: false }, force: { type: "boolean", default: false }, "no-compute": { type: "boolean", default: false } },
    true,
  );
  if (positionals.length === 0) throw new LanternError("LANTERN_USAGE", "Name the files or folders to import.", { hint: "For example: lantern import ./export --authority 202" });
  const config = storeConfig(values.data);
  const store = await openStore(config);
  const bar = progressBar(o, "Importing");
  try {
    const measures = positionals.every(isMeasuresFile);
    const result = measures
      ? await importMeasures(store, { paths: positionals, dryRun: values["dry-run"], force: values.force })
      : await importSsd(store, {
          paths: positionals,
          ...(values.authority !== undefined ? { authority: values.authority } : {}),
          dryRun: values["dry-run"],
          force: values.force,
          onProgress: (d, t, label) => bar.update(d, t, label),
        });
    bar.done();
    if (!values["no-compute"]) {
      const cbar = progressBar(o, "Computing");
      for (const a of result.authorities) {
        if (a.status !== "loaded" || a.snapshotId === undefined) continue;
        await computeAndStore(store, { snapshot: a.snapshotId, dataDir: config.dataDir, onProgress: (d, t, l) => cbar.update(d, t, `${a.authority} ${l}`) });
      }
      cbar.done();
    }
    if (values.json) {
      o.out(JSON.stringify(result, null, 2) + "\n");
      return 0;
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
    const secs = result.elapsedMs / 1000;
    if (result.rows) o.err(`${result.rows.toLocaleString("en-GB")} rows in ${secs.toFixed(1)} s (${Math.round(result.rows / secs).toLocaleString("en-GB")} rows/s).\n`);
    return 0;
  } finally {
    bar.done();
    await store.close();
  }
}

export const importCommand: Command = { name: "import", help: HELP, run };
