/**
 * @module
 * An indicator's stored values as the CSV the indicator page offers for download, as this viewer
 * may see them (`c` for what members may not see). Every figure with no value, or shown as `c`,
 * says why in the last column, `reason`: a blank or a `c` alone would read as nothing, or as 0.
 * The columns before it keep their places for spreadsheets and scripts already reading them.
 */

import type { IndicatorValue } from "../kpi/types.ts";
import { SUPPRESSED } from "../analysis/suppression.ts";
import { type Hiding, shown, shownCounts } from "./model.ts";

/** The header row; `reason` was added last so the others keep their positions. */
export const VALUES_CSV_COLUMNS = ["authority", "indicator", "period", "value", "numerator", "denominator", "unit", "snapshot", "reason"] as const;

/** Why a figure, or a count beside it, is `c` (the words of the pages' key to `c`). */
export const SUPPRESSED_REASON = "c: a small number (1 to 5), or a figure from which one could be worked out, not shown to protect the children it counts";

const cell = (x: string) => (/[",\n\r]/.test(x) ? `"${x.replaceAll('"', '""')}"` : x);

/** Why this row's value is blank or `c` (or a count beside it is `c`); "" when it needs no reason. */
export function valueReason(v: IndicatorValue, hiding: Hiding): string {
  if (shown(v, hiding).suppressed) return SUPPRESSED_REASON;
  if (v.value === null) return v.reason ?? "not computed";
  const counts = shownCounts(v, hiding);
  return counts.numerator === SUPPRESSED || counts.denominator === SUPPRESSED ? SUPPRESSED_REASON : "";
}

/** The CSV (header, a row per value, a final newline). */
export function valuesCsv(values: readonly IndicatorValue[], hiding: Hiding): string {
  const lines = [VALUES_CSV_COLUMNS.join(",")];
  for (const v of values) {
    const sv = shown(v, hiding);
    const value = sv.suppressed ? SUPPRESSED : v.value === null ? "" : String(v.value);
    const counts = shownCounts(v, hiding);
    lines.push([v.authority, v.indicator, v.period, value, counts.numerator.replaceAll(",", ""), counts.denominator.replaceAll(",", ""), v.unit, String(v.snapshot), valueReason(v, hiding)].map(cell).join(","));
  }
  return `${lines.join("\n")}\n`;
}
