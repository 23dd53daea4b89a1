/**
 * @module
 * Rates and rounding as the DfE publishes them: a rate is a count per 10,000 children aged 0-17;
 * values are stored unrounded and rounded only for display, half away from zero (the DfE's
 * published tables round 519.35 up to 519.4). Rounding works on the decimal string, so binary
 * floating point never turns a 5 into a 4.
 */

/** Count per 10,000 of a population. */
export function ratePer10k(count: number, population: number): number {
  return (count / population) * 10000;
}

/** Round half away from zero to `dp` decimal places. */
export function roundHalfUp(value: number, dp: number): number {
  const s = Math.abs(value).toFixed(dp + 6);
  const [int, frac = ""] = s.split(".");
  const kept = frac.slice(0, dp);
  const next = Number(frac[dp] ?? "0");
  let n = Number(`${int}${dp ? "." : ""}${kept}`);
  if (next >= 5) n += 10 ** -dp;
  return Number((Math.sign(value) * n).toFixed(dp));
}
