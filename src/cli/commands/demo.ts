/**
 * @module
 * `lantern demo`: the first thing a new user runs. Makes a demo authority if the store has none,
 * loads it, and shows what is there. The web dashboard is not part of this version yet, so the
 * demo ends with a summary of the loaded data and what to try next instead of a server address.
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import { generateToDirectory } from "../../generate/index.ts";
import { importSsd } from "../../ingest/ssd-import.ts";
import { headlineCounts } from "../../store/summary.ts";
import { listSnapshots } from "../../store/snapshots.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, parse } from "../command.ts";
import { type Output, progressBar, table } from "../output.ts";

const HELP = `lantern demo [--data DIR] [--json]

Set up a demo: if the store has no data yet, generate a fictitious authority (X001, about 60,000
children, April 2020 to September 2026, seed 1) into DIR/demo-export, load it as a snapshot,
and print a summary of what was loaded, year by year. Run it again and it simply shows the
summary. Nothing leaves this machine.

Examples:
  lantern demo
  lantern demo --data /tmp/lantern-demo --json
`;

/** The demo authority's generation settings (fixed, so every demo is the same). */
export const DEMO = { seed: 1, population: 60000, from: "2020-04", to: "2026-09", authorities: 1 } as const;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("demo", argv, {});
  const config = storeConfig(values.data);
  const store = await openStore(config);
  try {
    let snaps = await listSnapshots(store);
    if (!snaps.length) {
      const out = join(config.dataDir, "demo-export");
      if (!existsSync(join(out, "authorities.csv"))) {
        o.err(`Generating a demo authority in ${out} …\n`);
        const bar = progressBar(o, "Generating");
        await generateToDirectory({ out, ...DEMO, shocks: [] }, (d, t, l) => bar.update(d, t, l));
        bar.done();
      }
      o.err("Loading it into the store …\n");
      const bar = progressBar(o, "Importing");
      await importSsd(store, { paths: [out], loadedBy: "demo", onProgress: (d, t, l) => bar.update(d, t, l) });
      bar.done();
      snaps = await listSnapshots(store);
    }
    const counts = await headlineCounts(store);
    if (values.json) {
      o.out(JSON.stringify({ data: config.dataDir, snapshots: snaps.map(({ files: _f, ...s }) => s), headline: counts }, null, 2) + "\n");
      return 0;
    }
    o.out(`Lantern demo — data in ${config.dataDir}\n\n`);
    o.out(table(["snapshot", "authority", "loaded at", "rows"], snaps.map((s) => [s.snapshotId, s.authority, s.loadedAt.slice(0, 19).replace("T", " "), s.rows])));
    for (const la of [...new Set(counts.map((c) => c.la_code))]) {
      o.out(`\n${la}: activity by financial year (from the current snapshot)\n`);
      o.out(
        table(
          ["year", "contacts", "referrals", "assessments", "s47", "cp plans", "into care", "cin at end", "cla at end"],
          counts.filter((c) => c.la_code === la).map((c) => [c.year, c.contacts, c.referrals, c.assessments, c.s47, c.cp_plans, c.cla_started, c.cin_at_end, c.cla_at_end]),
        ),
      );
    }
    o.out(`
The web dashboard is not in this version yet: the data above is in the store, ready for it.
Try next:
  npm run lantern -- snapshots --data ${config.dataDir}     every load, with who loaded what and when
  npm run lantern -- import <folder> --authority <code>     load your own SSD export
  npm run lantern -- --help                                 every command
`);
    return 0;
  } finally {
    await store.close();
  }
}

export const demoCommand: Command = { name: "demo", help: HELP, run };
