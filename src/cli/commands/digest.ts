/**
 * @module
 * `lantern digest`: the early-warning digest for a period.
 */

import { conversionWords, unjudgedNotes } from "../../analysis/digest.ts";
import { digestFor, digestPeriod } from "../../analysis/digest-data.ts";
import { parsePeriod, periodsWithin } from "../../calendar/periods.ts";
import { computeAndStore, computedSnapshots } from "../../kpi/compute.ts";
import { numberedNotes } from "../../kpi/format.ts";
import { requireCovered, requireLoaded, resolveTargets } from "../../kpi/targets.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, NO_DATA_HELP, parse } from "../command.ts";
import { type Output, table } from "../output.ts";

const HELP = `lantern digest [--period P] [--authority CODE] [--data DIR] [--json]

The early-warning digest for a period (default: the latest complete month): every unusual pattern
an SPC chart finds in an indicator's monthly series (a point beyond the process limits, a run of 7
on one side of the mean, a trend of 7, two of three near a limit), every change of RAG against
DATA/targets.csv, and every benchmark movement (a change of quartile band among English councils,
or of side of the England figure, between the two latest published years up to the period;
"kind": "benchmark" in --json), grouped as demand, safeguarding, care and leaving care, the most
serious first. Then the flow from contacts to care for the period, each stage compared with the
stage it comes from, now and a year earlier: as a percentage where the stage is a share of it
("62.0% of contacts"), and as so many per 100 where it is not, since then it can pass 100 ("101.7
per 100 referrals": assessments completed are not a subset of referrals). In --json, each stage's
conversion is the ratio times 100 and share says which of the two it is; a stage with no figure
has "value": null and, beside it, the "reason", and a conversion that cannot be given (the first
stage, one compared with none, a figure missing or 0) is null with "conversionReason" or
"conversionLastYearReason" beside it; in the table each is "–" with its reason numbered under
it. Recording changes noted
with \`lantern annotate\` start new SPC limits, so a change in recording is not mistaken for a
change in need.

SPC signals are monthly. For a quarter, a financial year or a rolling year (2024-25-Q3, 2024-25,
12m-2025-01) each of its months is judged against the months before it, as that month's own
digest judges it, and the months that signalled are named. A calendar year is refused (use the
rolling year to December: 12m-2024-12). Only flow measures are charted, never stocks; an
indicator with fewer than 12 months of figures, no figure for the month, a percentage of
fewer than 20 records in a month, or a count averaging fewer than 5 a month over the last 12
(too lumpy for limits to mean anything) is named as not judged, never counted as "nothing
unusual". Each month's chart covers the 36 months to it, with its mean and limits fixed on the
months before the latest year. The report's charts and the web's indicator pages and tiles follow
the same rule, so they show the same mean and signals.

${NO_DATA_HELP}

Examples:
  lantern digest
  lantern digest --period 2025-02 --json
  lantern digest --period 2024-25-Q3
`;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("digest", argv, { period: { type: "string" }, authority: { type: "string" } });
  if (values.period) digestPeriod(values.period);
  const config = storeConfig(values.data);
  const store = await openStore(config, { existing: true });
  try {
    // An empty store is an error (exit 3), as for every command that reads data; it was a line of
    // text and exit 0, even with --json.
    await requireLoaded(store, "digest", "so there is nothing to digest");
    const targets = await resolveTargets(store, values.authority ? { authority: values.authority } : {});
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
      const judgedAny = d.groups.some((g) => g.judged.length);
      const watch = d.groups.reduce((n, g) => n + g.signals.filter((s) => s.severity === 2).length, 0);
      const counts = `${d.alarming} signal(s) of concern, ${watch} to watch`;
      o.out(`Early warning for ${d.authority}, ${d.period}: ${counts}${judgedAny || !d.spcMonths.length ? "" : ", but SPC could judge no indicator"}\n`);
      if (d.spcMonths.length > 1) o.out(`SPC signals are monthly: ${monthLabel(d.spcMonths[0]!)} to ${monthLabel(d.spcMonths.at(-1)!)}, each month judged against the months before it.\n`);
      for (const g of d.groups) {
        o.out(`\n${g.title}\n`);
        for (const s of g.signals) o.out(`  [${s.severity === 3 ? "concern" : s.severity === 2 ? "watch" : "better"}] ${s.text}\n`);
        for (const line of unjudgedNotes(d.spcMonths, g)) o.out(`  ${line}\n`);
      }
      o.out(`\nFlow, ${d.period}\n`);
      // A figure or comparison that cannot be given is "–" with a numbered reason under the table,
      // as lantern indicators gives one; a stage compared with none leaves its comparisons blank.
      const { notes, noteOf } = numberedNotes();
      o.out(
        table(
          ["stage", "number", "compared with the stage it comes from", "a year earlier"],
          d.flow.map((f) => {
            const words = (c: number | null, reason: string | undefined) => (!f.from ? "" : c === null ? `– [${noteOf(reason ?? "not computed")}]` : conversionWords(c, f.from.stage, f.share));
            return [f.stage, f.value ?? `– [${noteOf(f.reason ?? "not computed")}]`, words(f.conversion, f.conversionReason), words(f.conversionLastYear, f.conversionLastYearReason)];
          }),
        ) + (notes.length ? `\n${notes.map((n, i) => `[${i + 1}] ${n}\n`).join("")}` : ""),
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

function monthLabel(id: string): string {
  return parsePeriod(id)!.label;
}

export const digestCommand: Command = { name: "digest", help: HELP, run };
