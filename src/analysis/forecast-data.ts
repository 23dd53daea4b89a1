/**
 * @module
 * Forecasts from the store: an indicator's stored monthly values for an authority's snapshot,
 * fed to the pure model in forecast.ts, with the future months named as periods. Only
 * indicators whose monthly figures are counts suit the model (referrals in a month, children
 * in care at a month's end); the caller chooses which.
 */

import { monthPeriod, periodsWithin } from "../calendar/periods.ts";
import { storedValues } from "../kpi/compute.ts";
import type { Target } from "../kpi/engine.ts";
import type { Store } from "../store/port.ts";
import { type Backtest, backtest, type Forecast, forecast } from "./forecast.ts";

/** Indicators Lantern forecasts by default: the demand members asked about. */
export const FORECAST_INDICATORS = ["referrals", "cla_at_end"] as const;

/** A forecast for one indicator and authority, with its history and back-test. */
export interface IndicatorForecast {
  readonly indicator: string;
  readonly authority: string;
  readonly snapshot: number;
  readonly history: { period: string; value: number }[];
  readonly forecast: (Forecast["points"][number] & { period: string })[];
  readonly method: string;
  /** The same model fitted without the last 12 months, scored against them; null if the history is under 24 months. */
  readonly backtest: Backtest | null;
}

/** Forecast `indicator` for `horizon` months after the last complete month of the snapshot. */
export async function forecastFor(store: Store, t: Target, indicator: string, horizon = 12): Promise<IndicatorForecast | null> {
  if (!t.data_from || !t.data_to) return null;
  const months = periodsWithin(t.data_from, t.data_to, ["month"]).map((p) => p.id);
  const rows = await storedValues(store, { snapshots: [t.snapshot_id], indicators: [indicator], periods: months });
  const byPeriod = new Map(rows.filter((r) => r.authority === t.la_code && r.value !== null).map((r) => [r.period, r.value as number]));
  // The longest run of months with values that ends at the latest month with a value.
  const history: { period: string; value: number }[] = [];
  for (let i = months.length - 1; i >= 0; i--) {
    const v = byPeriod.get(months[i]!);
    if (v === undefined) {
      if (history.length) break;
      continue;
    }
    history.unshift({ period: months[i]!, value: v });
  }
  if (history.length < 12) return null;
  const series = history.map((h) => h.value);
  const f = forecast(series, horizon);
  const [y, m] = history.at(-1)!.period.split("-").map(Number) as [number, number];
  return {
    indicator,
    authority: t.la_code,
    snapshot: t.snapshot_id,
    history,
    forecast: f.points.map((p) => ({ ...p, period: monthPeriod(y + Math.floor((m - 1 + p.h) / 12), ((m - 1 + p.h) % 12) + 1).id })),
    method: f.method,
    backtest: series.length >= 24 ? backtest(series, 12) : null,
  };
}
