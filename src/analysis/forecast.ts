/**
 * @module
 * Forecasts twelve months ahead for monthly series (children in care at month end, referrals in
 * the month) by additive exponential smoothing with a damped trend and, where the history holds
 * at least two years, twelve-month seasonality — ETS(A,Ad,A) in the taxonomy of Hyndman, Koehler,
 * Ord and Snyder, "Forecasting with Exponential Smoothing" (Springer, 2008). It is chosen because
 * it is simple to explain to a committee ("recent months count most; the school-holiday pattern
 * repeats; a trend fades rather than running on for ever"), needs no outside data and is cheap.
 *
 * Smoothing parameters are fitted by a grid search minimising the one-step squared error; a
 * model without seasonality competes on AIC, so a series without a yearly pattern is not given
 * one. Prediction intervals use the model's own h-step variance (class 1 of the book, §6.3):
 * σ²·(1 + Σ_{j<h} c_j²), c_j = α + β·(φ + … + φ^j) + γ·[j mod 12 = 0], with σ² the one-step
 * residual variance, assuming normal errors. Counts cannot be negative, so bounds are floored at 0.
 * `backtest` holds out the last N months, forecasts them from what came before and reports the
 * error and how often the outcome fell inside each interval.
 */

/** A fitted model's parameters. */
export interface EtsParams {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
  readonly seasonal: boolean;
}

/** One forecast month. */
export interface ForecastPoint {
  /** Months after the last observation (1 = the next month). */
  readonly h: number;
  readonly mean: number;
  readonly lo80: number;
  readonly hi80: number;
  readonly lo95: number;
  readonly hi95: number;
}

/** A forecast with the model behind it. */
export interface Forecast {
  readonly params: EtsParams;
  /** One-step residual standard deviation. */
  readonly sigma: number;
  readonly aic: number;
  readonly points: ForecastPoint[];
  /** Plain-English statement of the method, for the page and the report. */
  readonly method: string;
}

const SEASON = 12;
/** Origins from which past h-step errors are collected: after the first year, once the states have settled. */
const EMPIRICAL_FROM = 12;
/** Fewest past h-step errors worth a spread. */
const MIN_EMPIRICAL = 12;
const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;

interface Fit {
  sse: number;
  level: number;
  trend: number;
  season: number[];
  n: number;
}

/** Initial states from the first years, as the classical decomposition does. */
function initialState(y: readonly number[], seasonal: boolean): { level: number; trend: number; season: number[] } {
  if (!seasonal) {
    const k = Math.min(y.length, SEASON);
    const first = mean(y.slice(0, k));
    const trend = y.length >= 2 * k && k > 0 ? (mean(y.slice(k, 2 * k)) - first) / k : 0;
    return { level: first - (trend * (k - 1)) / 2, trend, season: new Array(SEASON).fill(0) };
  }
  const y1 = y.slice(0, SEASON);
  const y2 = y.slice(SEASON, 2 * SEASON);
  const m1 = mean(y1);
  const m2 = mean(y2);
  const trend = (m2 - m1) / SEASON;
  // Seasonal indices: average deviation from each year's (trend-adjusted) mean over the first two years.
  const season = y1.map((v, i) => ((v - (m1 + trend * (i - 5.5))) + ((y2[i] ?? v) - (m2 + trend * (i - 5.5)))) / 2);
  const adjust = mean(season);
  return { level: m1 - trend * 5.5 - trend, trend, season: season.map((s) => s - adjust) };
}

/** Run the smoother over `y`; returns the one-step SSE and the final states. */
function run(y: readonly number[], p: EtsParams, trackFrom = Number.POSITIVE_INFINITY, horizon = 0): Fit & { hErrors: number[][] } {
  const init = initialState(y, p.seasonal);
  let level = init.level;
  let trend = init.trend;
  const season = [...init.season];
  let sse = 0;
  // hErrors[h - 1] collects the errors of h-step forecasts made from each origin t ≥ trackFrom.
  const hErrors: number[][] = Array.from({ length: horizon }, () => []);
  for (let t = 0; t < y.length; t++) {
    const s = p.seasonal ? season[t % SEASON]! : 0;
    const yhat = level + p.phi * trend + s;
    const e = y[t]! - yhat;
    sse += e * e;
    const newLevel = level + p.phi * trend + p.alpha * e;
    trend = p.phi * trend + p.beta * e;
    level = newLevel;
    if (p.seasonal) season[t % SEASON] = s + p.gamma * e;
    if (t >= trackFrom) {
      let phiSum = 0;
      for (let h = 1; h <= horizon && t + h < y.length; h++) {
        phiSum += p.phi ** h;
        const f = level + phiSum * trend + (p.seasonal ? season[(t + h) % SEASON]! : 0);
        hErrors[h - 1]!.push(y[t + h]! - f);
      }
    }
  }
  // Rotate so that season[0] is the month after the last observation.
  const start = y.length % SEASON;
  return { sse, level, trend, season: [...season.slice(start), ...season.slice(0, start)], n: y.length, hErrors };
}

const ALPHAS = [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const BETAS = [0, 0.01, 0.02, 0.05, 0.1, 0.2];
const GAMMAS = [0, 0.05, 0.1, 0.2, 0.3];
const PHIS = [0.8, 0.9, 0.95, 0.98];

/** Fit the best model of one kind by grid search on one-step SSE. */
function fitKind(y: readonly number[], seasonal: boolean): { params: EtsParams; fit: Fit; aic: number } {
  let best: { params: EtsParams; fit: Fit } | undefined;
  for (const alpha of ALPHAS) {
    for (const beta of BETAS) {
      if (beta > alpha) continue;
      for (const gamma of seasonal ? GAMMAS : [0]) {
        if (gamma > 1 - alpha) continue;
        for (const phi of PHIS) {
          const params = { alpha, beta, gamma, phi, seasonal };
          const fit = run(y, params);
          if (!best || fit.sse < best.fit.sse - 1e-9) best = { params, fit };
        }
      }
    }
  }
  const k = 4 + (seasonal ? 1 + SEASON - 1 : 0) + 2; // α β φ (+γ and 11 free seasonal states) + level, trend
  const n = y.length;
  const aic = n * Math.log(Math.max(best!.fit.sse / n, 1e-12)) + 2 * k;
  return { ...best!, aic };
}

/** Forecast `horizon` months after the last value of a monthly series (oldest first, no gaps). */
export function forecast(series: readonly number[], horizon = 12): Forecast {
  checkSeries(series);
  const candidates = [fitKind(series, false)];
  if (series.length >= 2 * SEASON + 6) candidates.push(fitKind(series, true));
  const chosen = candidates.reduce((a, b) => (b.aic < a.aic ? b : a));
  return project(run(series, chosen.params, EMPIRICAL_FROM, horizon), chosen.params, chosen.aic, series.length, horizon);
}

/** Forecast with given smoothing parameters (no fitting): for tests and for what-if use. */
export function forecastWith(series: readonly number[], params: EtsParams, horizon = 12): Forecast {
  checkSeries(series);
  return project(run(series, params, EMPIRICAL_FROM, horizon), params, Number.NaN, series.length, horizon);
}

function checkSeries(series: readonly number[]): void {
  if (series.length < 12) throw new RangeError(`A forecast needs at least 12 months of history; this series has ${series.length}.`);
  if (series.some((v) => !Number.isFinite(v))) throw new RangeError("A forecast needs a value for every month; fill or shorten the series first.");
}

function project(fit: Fit & { hErrors: number[][] }, params: EtsParams, aic: number, months: number, horizon: number): Forecast {
  const dof = Math.max(1, fit.n - (params.seasonal ? 5 : 4));
  const sigma = Math.sqrt(fit.sse / dof);
  // A history with no one-step error (the same figure every month: 0 children seeking asylum, say)
  // gives no spread to estimate, and ranges of no width would promise certainty. Its ranges are
  // then those of a count varying by chance alone at its level (Poisson: the square root of the
  // level, at least 1), and the method says so.
  const still = sigma < 1e-9;
  const spread = still ? Math.sqrt(Math.max(1, Math.abs(fit.level))) : sigma;
  const points: ForecastPoint[] = [];
  let phiSum = 0;
  let varSum = 1;
  let previousSd = 0;
  for (let h = 1; h <= horizon; h++) {
    phiSum += params.phi ** h;
    const mean = fit.level + phiSum * fit.trend + (params.seasonal ? fit.season[(h - 1) % SEASON]! : 0);
    if (h > 1) {
      // c_j for j = h - 1: φ_j = φ + … + φ^j is the trend's damped sum after j steps.
      const j = h - 1;
      const c = params.alpha + params.beta * (phiSum - params.phi ** h) + (params.seasonal && j % SEASON === 0 ? params.gamma : 0);
      varSum += c * c;
    }
    // The model's own spread, or the spread its h-month forecasts from earlier months really had,
    // whichever is wider (empirical intervals, after Williams and Goodman, 1971): a stock such as
    // children in care drifts for months at a time, which one-step errors understate.
    const past = fit.hErrors[h - 1] ?? [];
    const empirical = past.length >= MIN_EMPIRICAL ? Math.sqrt(past.reduce((a, e) => a + e * e, 0) / past.length) : 0;
    const sd = Math.max(spread * Math.sqrt(varSum), empirical, previousSd);
    previousSd = sd;
    points.push({
      h,
      mean: Math.max(0, mean),
      lo80: Math.max(0, mean - Z80 * sd),
      hi80: Math.max(0, mean + Z80 * sd),
      lo95: Math.max(0, mean - Z95 * sd),
      hi95: Math.max(0, mean + Z95 * sd),
    });
  }
  const method =
    `Exponential smoothing with a damped trend${params.seasonal ? " and a repeating twelve-month pattern" : ""} ` +
    `(α ${params.alpha}, β ${params.beta}${params.seasonal ? `, γ ${params.gamma}` : ""}, φ ${params.phi}), fitted to ${months} months; ` +
    (still
      ? "the figure did not vary in the months fitted, so its ranges cannot be estimated from them: they are those of a count varying by chance alone at that level (Poisson), a guide, not a measured spread."
      : "the ranges hold the outcome 80 and 95 times in 100 if the coming months behave as the past ones did.");
  return { params, sigma, aic, points, method };
}

/** How a forecast made without the last `holdout` months fared against them. */
export interface Backtest {
  readonly holdout: number;
  /** Mean absolute percentage error over the held-out months (outcomes of 0 left out). */
  readonly mape: number;
  /** Mean absolute error, in the series' own unit. */
  readonly mae: number;
  /** Share of held-out months inside the 80% and 95% intervals. */
  readonly coverage80: number;
  readonly coverage95: number;
}

/** Hold out the last `holdout` months, forecast them from the rest, and score the forecast. */
export function backtest(series: readonly number[], holdout = 12): Backtest {
  if (series.length < holdout + 12) throw new RangeError(`A back-test of ${holdout} months needs at least ${holdout + 12} months of history.`);
  const train = series.slice(0, series.length - holdout);
  const actual = series.slice(series.length - holdout);
  const f = forecast(train, holdout);
  let ape = 0;
  let apeN = 0;
  let ae = 0;
  let in80 = 0;
  let in95 = 0;
  f.points.forEach((p, i) => {
    const a = actual[i]!;
    ae += Math.abs(a - p.mean);
    if (a !== 0) {
      ape += Math.abs(a - p.mean) / Math.abs(a);
      apeN++;
    }
    if (a >= p.lo80 && a <= p.hi80) in80++;
    if (a >= p.lo95 && a <= p.hi95) in95++;
  });
  return { holdout, mape: apeN ? (100 * ape) / apeN : Number.NaN, mae: ae / holdout, coverage80: in80 / holdout, coverage95: in95 / holdout };
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}
