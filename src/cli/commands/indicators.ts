/**
 * @module
 * `lantern indicators`: the computed values, or with --list the definitions.
 */

import { existsSync, readFileSync } from "node:fs";
import { breakdownsOf } from "../../kpi/engine.ts";
import { basename, join } from "node:path";
import { goalFor, parseTargets, rag, type Target, travel } from "../../analysis/rag.ts";
import { type Annotation, annotationsFor, listAnnotations, seriesBreaks } from "../../analysis/annotations.ts";
import { notAPeriod, type Period, parsePeriod, periodsWithin, previousPeriod, samePeriodLastYear } from "../../calendar/periods.ts";
import { LanternError, listedToCorrect } from "../../core/errors.ts";
import { computeUncomputed, selectIndicators, storedValues } from "../../kpi/compute.ts";
import { formatValue, numberedNotes, valueJson } from "../../kpi/format.ts";
import { indicatorLibrary } from "../../kpi/library/index.ts";
import type { Target as KpiTarget } from "../../kpi/engine.ts";
import { coverageGap, kindProblem, requireLoaded, resolveTargets } from "../../kpi/targets.ts";
import { AREAS, type IndicatorDef, type IndicatorValue } from "../../kpi/types.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, intOption, NO_DATA_HELP, parse } from "../command.ts";
import { type Output, table } from "../output.ts";

const HELP = `lantern indicators [--period P]... [--indicator ID]... [--authority CODE] [--snapshot ID]
                   [--by DIM] [--list] [--targets FILE] [--data DIR] [--json]

Show indicator values computed from the loaded data. Periods are written:
  2025-01        a month
  2024-25-Q3     a financial quarter (Q1 = April to June)
  2024-25        a financial year
  12m-2025-01    the twelve months ending January 2025
  2024           a calendar year (EHC plans)
Without --period, the latest financial year and the latest month are shown. A value that
cannot be computed is shown as – with a numbered note under the table giving the reason (with
--json: "value": null and "reason"), never as 0; every figure asked for has its row, even
one outside the data or an aggregate figure not yet loaded (when none of them has a value,
the table is one line per period saying why instead; --json still gives every row).

Options:
  --period P        a period (repeatable)
  --indicator ID    an indicator id (repeatable); --list shows them all with their definitions
  --authority CODE  one authority (default: all loaded)
  --snapshot ID     an earlier snapshot instead of the latest
  --by DIM          a breakdown, e.g. source, team, age_band, category (see --list); an
                    indicator with no breakdown by DIM is left out, or if named with
                    --indicator shown with a note saying which breakdowns it has
  --list            list the indicators: id, area, unit, polarity, LAIT measure, definition
  --targets FILE    targets to judge against (default DATA/targets.csv when it exists), a CSV of
                    indicator,year,target,tolerance[,polarity]: green meets the target, amber
                    misses by no more than the tolerance, red by more; a year's target for
                    a count of events is taken pro rata for a month (a twelfth) or a quarter;
                    a month or quarter of the share of children with an episode at any time
                    in it (who went missing) is not judged: RAG – with the reason ("rag_reason");
                    polarity is higher or lower, and an indicator with none of its own (see
                    --list) has a RAG only when its row gives one
  --json            an array of {"indicator","authority","period","value","numerator",
                    "denominator","unit","snapshot","target","rag","rag_reason",
                    "vs_previous","vs_last_year"}, with "reason" when the value is null,
                    and "breakdown","category" with --by

${NO_DATA_HELP} --list needs no data.

Examples:
  lantern indicators --period 2024-25
  lantern indicators --indicator assess_45wd_pct --period 2024-25-Q3 --period 2024-25-Q4
  lantern indicators --indicator referrals --period 2024-25 --by source --json
  lantern indicators --list
`;

/** Targets from --targets, or DATA/targets.csv when present; a bad file is refused with its rows. */
function readTargets(dataDir: string, file: string | undefined): Target[] {
  const path = file ?? join(dataDir, "targets.csv");
  if (!existsSync(path)) {
    if (file)
      throw new LanternError("LANTERN_FILE_NOT_FOUND", `${file} does not exist.`, {
        hint: `Check the path, or leave --targets out to use ${join(dataDir, "targets.csv")} when it exists (a CSV of indicator,year,target,tolerance[,polarity]).`,
      });
    return [];
  }
  const { targets, issues } = parseTargets(readFileSync(path, "utf8"), basename(path), (id) => indicatorLibrary().get(id) !== undefined, (id) => indicatorLibrary().get(id));
  if (issues.length) throw new LanternError("LANTERN_DATA_REJECTED", `The targets in ${path} have ${issues.length} problem(s).`, { issues, hint: `Correct ${listedToCorrect(issues)}; nothing else was changed.` });
  return targets;
}

/**
 * Null values, each with its reason, for every authority, indicator and period asked for that has
 * no stored figure: a period outside the data, a kind of period the indicator has no figures for
 * (only when the indicator was named: the default view of every indicator would otherwise list
 * the calendar-year ones against every financial year), or an aggregate figure not loaded. With
 * `by`, an indicator with no such breakdown is left out unless it was named, when its row says
 * so and names the breakdowns it has; one that has the breakdown but no categories stored takes
 * its reason from the figure for the whole authority (`headline`), which is not null only when
 * there was nothing to break down.
 */
function unanswered(
  found: readonly IndicatorValue[],
  defs: readonly IndicatorDef[],
  targets: readonly KpiTarget[],
  periods: readonly string[],
  named: boolean,
  by?: { dim: string; headline: ReadonlyMap<string, IndicatorValue> },
): IndicatorValue[] {
  const have = new Set(found.map((v) => `${v.authority}|${v.indicator}|${v.period}`));
  const out: IndicatorValue[] = [];
  for (const id of periods) {
    const p = parsePeriod(id)!;
    for (const t of targets) {
      for (const d of defs) {
        if (have.has(`${t.la_code}|${d.id}|${id}`)) continue;
        const kind = kindProblem([d], p, indicatorLibrary().list());
        if (kind && !named) continue;
        const dims = breakdownsOf(d);
        if (by && !dims.includes(by.dim) && !named) continue;
        const whole = by?.headline.get(`${t.la_code}|${d.id}|${id}`);
        const reason =
          by && !dims.includes(by.dim)
            ? `${d.id} has no breakdown by ${by.dim}; ${dims.length ? `its breakdowns are ${dims.join(", ")}` : "it has no breakdowns"}.`
            : kind
              ? `${kind.message} ${kind.hint}`
              : d.source === "measures"
                ? "no figure has been loaded for this period: this is an aggregate figure from another system, loaded with `lantern import measures.csv`."
                : (coverageGap(t, p, "this period") ??
                  (whole?.value === null && whole.reason
                    ? whole.reason
                    : whole
                      ? `there is nothing in this period to break down by ${by!.dim} (the figure for the whole authority is ${formatValue(whole.value!, whole.unit)}).`
                      : "not computed for this period."));
        out.push({ indicator: d.id, authority: t.la_code, period: id, unit: d.unit, snapshot: t.snapshot_id, value: null, numerator: null, denominator: null, reason });
      }
    }
  }
  return out;
}

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("indicators", argv, {
    period: { type: "string", multiple: true },
    indicator: { type: "string", multiple: true },
    authority: { type: "string" },
    snapshot: { type: "string" },
    by: { type: "string" },
    list: { type: "boolean", default: false },
    targets: { type: "string" },
  });
  const lib = indicatorLibrary();
  if (values.list) {
    const defs = lib.list();
    if (values.json) {
      // Every breakdown the engine gives (the person dimensions too, as the text list shows), not
      // only the indicator's own.
      o.out(JSON.stringify(defs.map(({ sql: _s, ...d }) => ({ ...d, breakdowns: breakdownsOf(d) })), null, 2) + "\n");
      return 0;
    }
    for (const area of AREAS) {
      const ds = defs.filter((d) => d.area === area.id);
      if (!ds.length) continue;
      o.out(`\n${area.title}\n`);
      for (const d of ds) {
        o.out(`  ${d.id} — ${d.title} (${d.unit}, ${d.polarity === "none" ? "no polarity" : `${d.polarity} is better`}${d.lait ? `, LAIT ${d.lait}` : ""}${breakdownsOf(d).length ? `; by ${breakdownsOf(d).join(", ")}` : ""})\n`);
        o.out(`      ${d.definition}\n`);
      }
    }
    return 0;
  }
  // A period or indicator given twice is asked for once.
  const { defs, unknown } = selectIndicators(values.indicator && [...new Set(values.indicator)]);
  if (unknown.length) throw new LanternError("LANTERN_BAD_OPTION", `Unknown indicator ${unknown.join(", ")}.`, { hint: "Run `lantern indicators --list` to see the ids." });
  for (const p of values.period ?? []) {
    if (!parsePeriod(p)) throw new LanternError("LANTERN_BAD_OPTION", notAPeriod(`--period ${p}`, p), { hint: "Write 2025-01, 2024-25-Q3, 2024-25, 12m-2025-01 or 2024." });
  }
  if (values.by && !defs.some((d) => breakdownsOf(d).includes(values.by!))) {
    throw new LanternError("LANTERN_BAD_OPTION", `No selected indicator has a breakdown by ${values.by}.`, { hint: "`lantern indicators --list` shows each indicator's breakdowns." });
  }
  const config = storeConfig(values.data);
  const store = await openStore(config, { existing: true });
  try {
    const snapshot = values.snapshot ? intOption("snapshot", values.snapshot, 0, 1, 2 ** 31 - 1) : undefined;
    // An empty store is an error (exit 3), as for every command that reads data: `[]` read as "no values".
    await requireLoaded(store, "indicators", "so there are no figures to show");
    const targets = await resolveTargets(store, { ...(values.authority ? { authority: values.authority } : {}), ...(snapshot !== undefined ? { snapshot } : {}) });
    await computeUncomputed(store, targets, {
      dataDir: config.dataDir,
      each: (t) => {
        o.err(`Snapshot ${t.snapshot_id} has not been computed yet; computing it now …\n`);
        return undefined;
      },
    });
    let periods = values.period && [...new Set(values.period)];
    if (!periods?.length) {
      const spans = targets.filter((t) => t.data_from && t.data_to);
      const latest = (kind: "year" | "month") =>
        spans
          .map((t) => periodsWithin(t.data_from!, t.data_to!, [kind]).at(-1)?.id)
          .filter((x): x is string => !!x)
          .sort()
          .at(-1);
      periods = [latest("year"), latest("month")].filter((x): x is string => !!x);
    }
    const wanted = new Set(periods ?? []);
    const earlier = (periods ?? []).flatMap((id) => {
      const p = parsePeriod(id)!;
      return [previousPeriod(p).id, samePeriodLastYear(p).id];
    });
    const all = await storedValues(store, {
      snapshots: targets.map((t) => t.snapshot_id),
      indicators: defs.map((d) => d.id),
      ...(periods ? { periods: [...new Set([...periods, ...earlier])] } : {}),
      ...(values.by ? { breakdown: values.by } : {}),
    });
    const found = periods ? all.filter((v) => wanted.has(v.period)) : all;
    // Every figure asked for is answered: one that is not stored is null with the reason, in the
    // table and in --json alike (a script must not read a missing row as "nothing to report").
    const key = (v: IndicatorValue) => [v.authority, v.indicator, v.period, v.category ?? ""];
    const order = (a: IndicatorValue, b: IndicatorValue) => {
      const [x, y] = [key(a), key(b)];
      const i = x.findIndex((k, n) => k !== y[n]);
      return i < 0 ? 0 : x[i]! < y[i]! ? -1 : 1;
    };
    // With --by, the figure for the whole authority tells why an indicator that has the breakdown
    // has no categories: nothing to break down, or no figure at all.
    const headline = new Map<string, IndicatorValue>();
    if (values.by && periods?.length) {
      const broken = new Set(found.map((v) => `${v.authority}|${v.indicator}|${v.period}`));
      const lacking = defs.filter((d) => breakdownsOf(d).includes(values.by!) && periods.some((id) => targets.some((t) => !broken.has(`${t.la_code}|${d.id}|${id}`))));
      if (lacking.length) {
        for (const v of await storedValues(store, { snapshots: targets.map((t) => t.snapshot_id), indicators: lacking.map((d) => d.id), periods })) {
          headline.set(`${v.authority}|${v.indicator}|${v.period}`, v);
        }
      }
    }
    const missing = unanswered(found, defs, targets, periods ?? [], Boolean(values.indicator?.length), values.by ? { dim: values.by, headline } : undefined);
    const vals = [...found, ...missing].sort(order);
    const goals = readTargets(config.dataDir, values.targets);
    const lookup = new Map(all.map((v) => [`${v.authority}|${v.indicator}|${v.period}|${v.category ?? ""}`, v.value]));
    // Recording changes: no direction of travel is read across one.
    const dated = new Map<string, Annotation[]>();
    for (const t of targets) dated.set(t.la_code, await listAnnotations(store, t.la_code));
    const judged = vals.map((v) => {
      const def = lib.get(v.indicator)!;
      const p = parsePeriod(v.period)!;
      const { target: goal, polarity, unjudged } = goalFor(goals, def, v.period);
      const before = (id: string) => lookup.get(`${v.authority}|${v.indicator}|${id}|${v.category ?? ""}`);
      const breaks = seriesBreaks(annotationsFor(dated.get(v.authority) ?? [], def)).map((b) => b.date);
      const vs = (earlier: Period) => (v.value === null ? null : travel(v.value, before(earlier.id), polarity, { later: p, earlier }, breaks, def.measure === "snapshot"));
      return {
        v,
        target: goal?.target ?? null,
        rag: goal && v.value !== null && !v.breakdown ? rag(v.value, goal, polarity) : null,
        // Why the year's target judges no figure of this period (a month's share who went missing).
        ragReason: v.value !== null && !v.breakdown ? unjudged : null,
        vsPrevious: vs(previousPeriod(p)),
        vsLastYear: vs(samePeriodLastYear(p)),
      };
    });
    if (values.json) {
      o.out(JSON.stringify(judged.map((j) => ({ ...valueJson(j.v), target: j.target, rag: j.rag, rag_reason: j.ragReason, vs_previous: j.vsPrevious, vs_last_year: j.vsLastYear })), null, 2) + "\n");
      return 0;
    }
    if (!found.length) {
      const cover = targets.map((t) => (t.data_from && t.data_to ? `${t.la_code} ${t.data_from} to ${t.data_to}` : `${t.la_code} no complete month (no dated activity is loaded)`)).join("; ");
      // Nothing at all: one sentence per period says why, rather than a table of dashes. A period
      // of a kind the selected indicators have no figures for (a calendar year for referrals) is
      // not a gap in the data: say which it is.
      const why = (id: string) => {
        const k = kindProblem(defs, parsePeriod(id)!, lib.list());
        if (k) return `${k.message} ${k.hint}`;
        const reasons = [...new Set(vals.filter((v) => v.period === id && v.reason).map((v) => v.reason!))];
        return reasons.length === 1 && !reasons[0]!.startsWith("the data") ? reasons[0]! : `the data covers ${cover}.`;
      };
      o.out(periods?.length ? periods.map((id) => `No values for ${id}: ${why(id)}\n`).join("") : `No values: the data covers ${cover}.\n`);
      return 0;
    }
    const withTargets = judged.some((j) => j.target !== null || j.ragReason !== null);
    // A value that cannot be computed is "–" with a numbered note under the table: the reasons are
    // sentences, and one reason usually covers many rows (every period of a table not loaded).
    const { notes, noteOf: noteFor } = numberedNotes();
    const rows = judged.map(({ v, target, rag: r, ragReason, vsPrevious, vsLastYear }) => [
      v.authority,
      v.indicator,
      ...(values.by ? [v.category ?? ""] : []),
      v.period,
      v.value === null ? `– [${noteFor(v.reason ?? "not computed")}]` : formatValue(v.value, v.unit),
      v.numerator === null ? "" : Math.round(v.numerator).toLocaleString("en-GB"),
      v.denominator === null ? "" : Math.round(v.denominator).toLocaleString("en-GB"),
      ...(withTargets ? [target === null ? "" : formatValue(target, v.unit), ragReason !== null ? `– [${noteFor(`No RAG: ${ragReason}.`)}]` : (r ?? "")] : []),
      vsPrevious ?? "",
      vsLastYear ?? "",
    ]);
    o.out(
      table(
        ["authority", "indicator", ...(values.by ? [values.by] : []), "period", "value", "numerator", "denominator", ...(withTargets ? ["target", "RAG"] : []), "vs previous", "vs last year"],
        rows,
      ) + (notes.length ? `\n${notes.map((n, i) => `[${i + 1}] ${n}\n`).join("")}` : ""),
    );
    return 0;
  } finally {
    await store.close();
  }
}

export const indicatorsCommand: Command = { name: "indicators", help: HELP, run };
