/**
 * @module
 * `lantern forecast`: children in care and referrals twelve months ahead, with 80% and 95%
 * ranges and an honest back-test (the same method, blind to the last year, scored against it).
 */

import { FORECAST_INDICATORS, forecastFor } from "../../analysis/forecast-data.ts";
import { LanternError } from "../../core/errors.ts";
import { computeUncomputed } from "../../kpi/compute.ts";
import { indicatorLibrary } from "../../kpi/library/index.ts";
import { requireLoaded, resolveTargets } from "../../kpi/targets.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, intOption, NO_DATA_HELP, parse } from "../command.ts";
import { type Output, table } from "../output.ts";

const HELP = `lantern forecast [--indicator ID]... [--authority CODE] [--months N] [--data DIR] [--json]

Forecast an indicator's monthly figure ahead of the latest complete month, with the ranges the
outcome should fall in 80 and 95 times in 100. The default is the demand members ask about:
referrals in a month and children in care at a month's end.

Method: exponential smoothing with a damped trend and, when the history shows one, a repeating
yearly pattern (school holidays); the model is fitted to the authority's own history only. Each
forecast comes with a back-test: the same method fitted without the last 12 months and scored
against them (mean absolute percentage error, and how often the ranges held the outcome).
A forecast is a guide to planning, not a target: a service change or a recording change makes
the past a poorer guide, and the ranges then understate the uncertainty.

Options:
  --indicator ID   an indicator with monthly counts (repeatable; default referrals, cla_at_end)
  --authority CODE one authority (default: every authority in the store)
  --months N       how far ahead, 1 to 36 (default 12)
  --json           the history, forecast points, method and back-test for scripts (a list, one
                   per forecast made); when none can be made (under 12 months of figures in
                   a row) the command fails with LANTERN_TOO_LITTLE_DATA, exit 3, and the
                   reason, as for any error

${NO_DATA_HELP}

Examples:
  lantern forecast
  lantern forecast --indicator cla_at_end --months 24 --json
`;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("forecast", argv, { indicator: { type: "string", multiple: true }, authority: { type: "string" }, months: { type: "string" } });
  const months = intOption("months", values.months, 12, 1, 36);
  const ids = values.indicator?.length ? values.indicator : [...FORECAST_INDICATORS];
  const lib = indicatorLibrary();
  for (const id of ids) {
    const def = lib.get(id);
    if (!def) throw new LanternError("LANTERN_BAD_OPTION", `There is no indicator "${id}".`, { hint: "Run `lantern indicators --list` to see the ids." });
    if (def.unit !== "count") {
      throw new LanternError("LANTERN_BAD_OPTION", `${id} is measured in ${def.unit}, and Lantern forecasts counts only.`, { hint: "Forecast the counts behind it instead, for example referrals or cla_at_end." });
    }
  }
  const config = storeConfig(values.data);
  const store = await openStore(config, { existing: true });
  try {
    // Nothing to forecast is an error with its reason (not a usage error: the command was right,
    // the data is missing or too short, so exit 3), for a person and a script alike: an empty
    // list (JSON []) would read as a forecast of nothing.
    await requireLoaded(store, "forecast", "so there is nothing to forecast");
    const targets = await resolveTargets(store, values.authority ? { authority: values.authority } : {});
    await computeUncomputed(store, targets, { dataDir: config.dataDir });
    const results = [];
    const skipped: string[] = [];
    for (const t of targets) {
      for (const id of ids) {
        const f = await forecastFor(store, t, lib.get(id)!.id, months);
        if (f) results.push(f);
        else skipped.push(`${t.la_code} ${id}: fewer than 12 consecutive months of figures, so no forecast.`);
      }
    }
    if (!results.length) {
      throw new LanternError("LANTERN_TOO_LITTLE_DATA", `Nothing could be forecast. ${skipped.join(" ")}`, {
        hint: "A forecast needs a run of at least 12 monthly figures in a row, up to the latest month with a figure; load a longer extract, or choose an indicator the data has that history for.",
      });
    }
    // Some forecasts made and some not: the reasons go to stderr in both modes, so stdout stays the documented list.
    for (const r of skipped) o.err(`${r}\n`);
    if (values.json) {
      o.out(JSON.stringify(results, null, 2) + "\n");
      return 0;
    }
    const whole = (n: number) => Math.round(n).toLocaleString("en-GB");
    for (const f of results) {
      const title = lib.get(f.indicator)!.title;
      o.out(`\n${title}, ${f.authority}: the last figure is ${whole(f.history.at(-1)!.value)} (${f.history.at(-1)!.period})\n`);
      o.out(table(["month", "forecast", "80% range", "95% range"], f.forecast.map((p) => [p.period, whole(p.mean), `${whole(p.lo80)}–${whole(p.hi80)}`, `${whole(p.lo95)}–${whole(p.hi95)}`])));
      o.out(`${f.method}\n`);
      if (f.backtest) {
        const b = f.backtest;
        o.out(`Back-test on the last 12 months: average error ${b.mape.toFixed(1)}% (${whole(b.mae)} a month); the 80% range held ${Math.round(b.coverage80 * 12)} of 12 months, the 95% range ${Math.round(b.coverage95 * 12)} of 12.\n`);
      }
    }
    return 0;
  } finally {
    await store.close();
  }
}

export const forecastCommand: Command = { name: "forecast", help: HELP, run };
