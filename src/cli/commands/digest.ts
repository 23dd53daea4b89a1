/**
 * @module
 * `lantern digest`: the early-warning digest for a period.
 */

import { digestFor } from "../../analysis/digest-data.ts";
import { parsePeriod, periodsWithin } from "../../calendar/periods.ts";
import { LanternError } from "../../core/errors.ts";
import { computeAndStore, computedSnapshots } from "../../kpi/compute.ts";
import { requireCovered, resolveTargets } from "../../kpi/targets.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, parse } from "../command.ts";
import { type Output, table } from "../output.ts";

const HELP = `lantern digest [--period P] [--authority CODE] [--data DIR] [--json]

The early-warning digest for a period (default: the latest complete month): every unusual
pattern an SPC chart finds in an indicator's monthly series (a point beyond the process limits,
a run of 7 on one side of the mean, a trend of 7, two of three near a limit), and every change
of RAG against DATA/targets.csv, grouped as demand, safeguarding, care and leaving care, the most
serious first. Then the flow from contacts to care for the period, with the conversion between
stages and the same conversion a year earlier. Recording changes noted with \`lantern annotate\`
start new SPC limits, so a change in recording is not mistaken for a change in need.

Examples:
  lantern digest
  lantern digest --period 2025-02 --json
`;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("digest", argv, { period: { type: "string" }, authority: { type: "string" } });
  if (values.period && !parsePeriod(values.period)) throw new LanternError("LANTERN_BAD_OPTION", `--period ${values.period} is not a period.`, { hint: "Write 2025-01, 2024-25-Q3, 2024-25, 12m-2025-01 or 2024." });
  const config = storeConfig(values.data);
  const store = await openStore(config, { existing: true });
  try {
    const targets = await resolveTargets(store, values.authority ? { authority: values.authority } : {});
    if (!targets.length) {
      o.out("No data has been loaded yet. Run `lantern demo` or `lantern import`.\n");
      return 0;
    }
    const done = await computedSnapshots(store);
    const digests = [];
    for (const t of targets) {
      if (!done.has(t.snapshot_id)) await computeAndStore(store, { snapshot: t.snapshot_id, dataDir: config.dataDir });
      if (values.period) requireCovered(t, parsePeriod(values.period)!);
      const period = values.period ?? (t.data_from && t.data_to ? periodsWithin(t.data_from, t.data_to, ["month"]).at(-1)?.id : undefined);
      if (!period) continue;
      digests.push(await digestFor(store, t, period, config.dataDir));
    }
    if (values.json) {
      o.out(JSON.stringify(values.authority ? digests[0] : digests, null, 2) + "\n");
      return 0;
    }
    for (const d of digests) {
      o.out(`Early warning for ${d.authority}, ${d.period}: ${d.alarming} signal(s) of concern\n`);
      for (const g of d.groups) {
        o.out(`\n${g.title}\n`);
        if (!g.signals.length) o.out("  nothing unusual\n");
        for (const s of g.signals) o.out(`  [${s.severity === 3 ? "concern" : s.severity === 2 ? "watch" : "better"}] ${s.text}\n`);
      }
      o.out(`\nFlow, ${d.period}\n`);
      o.out(
        table(
          ["stage", "number", "percentage", "of", "a year earlier"],
          d.flow.map((f) => [f.stage, f.value ?? "not available", f.conversion === null ? "" : `${f.conversion.toFixed(1)}%`, f.from ? f.from.stage.toLowerCase() : "", f.conversionLastYear === null ? "" : `${f.conversionLastYear.toFixed(1)}%`]),
        ),
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

export const digestCommand: Command = { name: "digest", help: HELP, run };
