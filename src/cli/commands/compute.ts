/**
 * @module
 * `lantern compute`: every indicator, every period, stored with the snapshot.
 */

import { LanternError } from "../../core/errors.ts";
import { computeAndStore, selectIndicators } from "../../kpi/compute.ts";
import { requireLoaded } from "../../kpi/targets.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, intOption, NO_DATA_HELP, parse } from "../command.ts";
import { type Output, progressBar, table } from "../output.ts";

const HELP = `lantern compute [--authority CODE] [--snapshot ID] [--indicator ID]... [--workers N] [--data DIR] [--json]

Compute indicators by the DfE's definitions for every period the data covers (months, financial
quarters and years, rolling twelve months, calendar years) and store the values with the
snapshot, replacing any computed before. By default: every indicator, for the latest snapshot
of every authority. Loading data with \`lantern import\` computes automatically; run this after
changing bank holidays (DATA/bank-holidays.csv: date,name, one a line, the date as 2028-01-03 or
03/01/2028; added to those Lantern ships) or to recompute an earlier snapshot.

Options:
  --authority CODE  only this authority's latest snapshot
  --snapshot ID     this snapshot (see \`lantern snapshots\`)
  --indicator ID    only this indicator (repeatable; \`lantern indicators --list\` lists them)
  --workers N       indicators computed at once, each on a database connection of its own
                    (default: env LANTERN_COMPUTE_WORKERS, else one per core up to 4; 1 computes
                    one at a time). Every load's automatic compute uses the env setting.
  --json            print what was computed, with the time each indicator took

${NO_DATA_HELP}

Examples:
  lantern compute
  lantern compute --snapshot 1 --indicator assess_45wd_pct --json
  LANTERN_COMPUTE_WORKERS=8 lantern compute     # on a server with 8 cores or more to spare
`;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("compute", argv, { authority: { type: "string" }, snapshot: { type: "string" }, indicator: { type: "string", multiple: true }, workers: { type: "string" } });
  const { unknown } = selectIndicators(values.indicator);
  if (unknown.length) throw new LanternError("LANTERN_BAD_OPTION", `Unknown indicator ${unknown.join(", ")}.`, { hint: "Run `lantern indicators --list` to see the ids." });
  const config = storeConfig(values.data);
  const store = await openStore(config, { existing: true });
  const bar = progressBar(o, "Computing");
  try {
    await requireLoaded(store, "compute", "so there is nothing to compute");
    const r = await computeAndStore(store, {
      ...(values.authority ? { authority: values.authority } : {}),
      ...(values.snapshot ? { snapshot: intOption("snapshot", values.snapshot, 0, 1, 2 ** 31 - 1) } : {}),
      ...(values.indicator ? { indicators: values.indicator } : {}),
      ...(values.workers ? { workers: intOption("workers", values.workers, 1, 1, 32) } : {}),
      dataDir: config.dataDir,
      onProgress: (d, t, l) => bar.update(d, t, l),
    });
    bar.done();
    if (values.json) {
      o.out(JSON.stringify(r, null, 2) + "\n");
      return 0;
    }
    o.out(`Computed ${r.indicators} indicators for snapshot${r.snapshots.length > 1 ? "s" : ""} ${r.snapshots.join(", ")}: ${r.values.toLocaleString("en-GB")} values in ${(r.elapsedMs / 1000).toFixed(1)} s.\n`);
    const slow = [...r.timings].sort((a, b) => b.ms - a.ms).slice(0, 5);
    o.err(table(["slowest indicators", "ms"], slow.map((s) => [s.indicator, Math.round(s.ms)])));
    return 0;
  } finally {
    bar.done();
    await store.close();
  }
}

export const computeCommand: Command = { name: "compute", help: HELP, run };
