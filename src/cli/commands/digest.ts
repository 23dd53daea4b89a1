/**
 * @module
 * `lantern digest`: the early-warning digest for a period.
 */

import { conversionWords, type Digest, type DigestGroup, NOT_JUDGED, type NotJudgedReason } from "../../analysis/digest.ts";
import { digestFor, digestPeriod } from "../../analysis/digest-data.ts";
import { parsePeriod, periodsWithin } from "../../calendar/periods.ts";
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
serious first. Then the flow from contacts to care for the period, each stage compared with
the stage it comes from, now and a year earlier: as a percentage where the stage is a share of
it ("62.0% of contacts"), and as so many per 100 where it is not, since then it can pass 100
("101.7 per 100 referrals": assessments completed are not a subset of referrals). In --json,
each stage's conversion is the ratio times 100 and share says which of the two it is.
Recording changes noted with \`lantern annotate\` start new SPC limits, so a change in
recording is not mistaken for a change in need.

SPC signals are monthly. For a quarter, a financial year or a rolling year (2024-25-Q3, 2024-25,
12m-2025-01) each of its months is judged against the months before it, as that month's own
digest judges it, and the months that signalled are named. A calendar year is refused (use the
rolling year to December: 12m-2024-12). Only flow measures are charted, never stocks; an
indicator with fewer than 12 months of figures, no figure for the month, or a percentage of
fewer than 20 records in a month is named as not judged, never counted as "nothing unusual".

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
      const judgedAny = d.groups.some((g) => g.judged.length);
      o.out(`Early warning for ${d.authority}, ${d.period}: ${d.alarming} signal(s) of concern${judgedAny || !d.spcMonths.length ? "" : ", but SPC could judge no indicator"}\n`);
      if (d.spcMonths.length > 1) o.out(`SPC signals are monthly: ${monthLabel(d.spcMonths[0]!)} to ${monthLabel(d.spcMonths.at(-1)!)}, each month judged against the months before it.\n`);
      for (const g of d.groups) {
        o.out(`\n${g.title}\n`);
        for (const s of g.signals) o.out(`  [${s.severity === 3 ? "concern" : s.severity === 2 ? "watch" : "better"}] ${s.text}\n`);
        for (const line of unjudgedLines(d, g)) o.out(`  ${line}\n`);
      }
      o.out(`\nFlow, ${d.period}\n`);
      o.out(
        table(
          ["stage", "number", "compared with the stage it comes from", "a year earlier"],
          d.flow.map((f) => {
            const words = (c: number | null) => (c === null || !f.from ? "" : conversionWords(c, f.from.stage, f.share));
            return [f.stage, f.value ?? "not available", words(f.conversion), words(f.conversionLastYear)];
          }),
        ),
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

/** Months as runs: "April 2020 to February 2021, June 2021". */
function monthRuns(ids: readonly string[], all: readonly string[]): string {
  const runs: string[][] = [];
  for (const id of ids) {
    const run = runs.at(-1);
    if (run && all.indexOf(id) === all.indexOf(run.at(-1)!) + 1) run.push(id);
    else runs.push([id]);
  }
  return runs.map((r) => (r.length === 1 ? monthLabel(r[0]!) : `${monthLabel(r[0]!)} to ${monthLabel(r.at(-1)!)}`)).join(", ");
}

/**
 * What a group says besides its signals: "nothing unusual" only when the SPC judged something
 * and found nothing, and every indicator it could not judge named with the reason (and, for a
 * longer period, the months when only some could not be judged).
 */
function unjudgedLines(d: Digest, g: DigestGroup): string[] {
  const out: string[] = [];
  const byReason = new Map<string, { reason: NotJudgedReason; months: readonly string[]; titles: string[] }>();
  for (const n of g.notJudged) {
    const key = `${n.reason}|${n.months.join(",")}`;
    const entry = byReason.get(key) ?? byReason.set(key, { reason: n.reason, months: n.months, titles: [] }).get(key)!;
    entry.titles.push(n.title);
  }
  if (!g.signals.length) {
    if (!d.spcMonths.length) out.push("no SPC: it is run on months only");
    else if (g.judged.length) out.push(`nothing unusual in the ${g.judged.length} indicator(s) judged`);
    else if (g.notJudged.every((n) => n.reason === "few_months" && n.months.length === d.spcMonths.length) && g.notJudged.length) return ["not enough months to judge"];
    else if (!g.notJudged.length) out.push("nothing here is charted (SPC is not run on stocks)");
  }
  for (const { reason, months, titles } of byReason.values()) {
    const when = months.length < d.spcMonths.length ? ` in ${monthRuns(months, d.spcMonths)}` : "";
    out.push(`${NOT_JUDGED[reason]}${when}: ${titles.join("; ")}`);
  }
  return out;
}

export const digestCommand: Command = { name: "digest", help: HELP, run };
