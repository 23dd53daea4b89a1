/**
 * @module
 * Authority sizes and their children's population by year: log-normal-ish sizes around the typical
 * one (a few very small, a few very large) and a gentle year-to-year drift, as ONS mid-year
 * estimates move. Pure and seeded; it deliberately models no births, migration or age structure.
 */

import { Random } from "./random.ts";

/**
 * Children aged 0–17 of each of `k` authorities. The first is `typical` exactly; the others vary
 * around it (about 3% very small at 4–8% of typical, about 5% at 3.5–4.5 times, the rest
 * log-normal with σ 0.55), never below 1,500 nor above five times typical.
 */
export function authorityPopulations(seed: number, k: number, typical: number): number[] {
  const r = new Random(seed, 0x9090);
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    if (i === 0) {
      out.push(Math.round(typical));
      continue;
    }
    const roll = r.next();
    const size = roll < 0.03 ? typical * (0.04 + 0.04 * r.next()) : roll < 0.08 ? typical * (3.5 + r.next()) : r.lognormal(typical, 0.55);
    out.push(Math.round(Math.max(1500, Math.min(typical * 5, size))));
  }
  return out;
}

/**
 * Mid-year estimates from `firstYear` to `lastYear` for one authority: `base` in the first year,
 * then a seeded drift of at most ±0.6% a year.
 */
export function populationByYear(seed: number, index: number, base: number, firstYear: number, lastYear: number): { year: number; population: number }[] {
  const r = new Random(seed, index, 0x909);
  const out: { year: number; population: number }[] = [];
  let pop = base;
  for (let y = firstYear; y <= lastYear; y++) {
    out.push({ year: y, population: Math.round(pop) });
    pop *= 1 + (r.next() - 0.5) * 0.012;
  }
  return out;
}

/**
 * The authority's leanings (demand, protection, care): all 1 for the first authority (so a single
 * authority sits on England's figures), otherwise each 0.85–1.15, drawn independently.
 */
export function authorityPropensity(seed: number, index: number): { demand: number; protection: number; care: number } {
  if (index === 0) return { demand: 1, protection: 1, care: 1 };
  const r = new Random(seed, index, 0x7e7e);
  return { demand: 0.85 + 0.3 * r.next(), protection: 0.85 + 0.3 * r.next(), care: 0.85 + 0.3 * r.next() };
}
