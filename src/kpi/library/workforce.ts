/**
 * @module
 * Workforce and education indicators. These figures live in other systems (HR, the education
 * team), so they are loaded as aggregate figures (`lantern import measures.csv`), validated and
 * versioned like any load, rather than computed from child-level tables. Workforce figures are
 * the children's social work workforce census measures, taken at 30 September (period `YYYY-09`).
 */

import type { IndicatorDef } from "../types.ts";

const PERIODS = ["month", "quarter", "year", "rolling", "calendar"] as const;

function measure(def: Omit<IndicatorDef, "source" | "sql" | "needs" | "measure" | "periods" | "area"> & { measure?: "flow" | "snapshot" }): IndicatorDef {
  return { area: "workforce", source: "measures", sql: "", needs: [], periods: PERIODS, measure: "snapshot", ...def };
}

/** Workforce and education indicators, loaded as aggregate figures. */
export const WORKFORCE: readonly IndicatorDef[] = [
  measure({
    id: "sw_vacancy_rate",
    title: "Social worker vacancy rate",
    unit: "percent",
    polarity: "lower",
    lait: "Work_Force_Vac_Rate",
    definition:
      "Full-time-equivalent children and family social worker vacancies at the census date, as a percentage of vacancies plus social workers in post (the DfE workforce census, 30 September). Loaded from the workforce figures file.",
  }),
  measure({
    id: "sw_caseload",
    title: "Average social worker caseload",
    unit: "count",
    average: true,
    // The DfE's averages run from about 10 to 25; even 1,000 cases each is a slip in the file.
    plausibleBelow: 1000,
    polarity: "lower",
    lait: "Work_Force_AvgNumCase_SW",
    definition:
      "Cases held at the census date divided by the full-time-equivalent case-holding social workers, including agency workers, who held at least one case (the DfE workforce census measure). Loaded from the workforce figures file.",
  }),
  measure({
    id: "sw_turnover_rate",
    title: "Social worker turnover rate",
    unit: "percent",
    polarity: "lower",
    lait: "Work_Force_TO_Rate",
    measure: "flow",
    definition:
      "Full-time-equivalent social workers who left in the year to the census date, as a percentage of those in post at the census date (the DfE workforce census measure). Loaded from the workforce figures file.",
  }),
  measure({
    id: "sw_agency_rate",
    title: "Agency social worker rate",
    unit: "percent",
    polarity: "lower",
    lait: "Work_Force_Agecy_Rate",
    definition:
      "Full-time-equivalent agency social workers at the census date as a percentage of agency plus employed social workers (the DfE workforce census measure). Loaded from the workforce figures file.",
  }),
  measure({
    id: "ehe_children",
    title: "Children electively home educated",
    unit: "count",
    polarity: "none",
    definition:
      "Children of compulsory school age known to the authority as electively home educated on the census day (the DfE's termly elective home education collection). Loaded from the education figures file.",
  }),
  measure({
    id: "cme_children",
    title: "Children missing education",
    unit: "count",
    polarity: "none",
    definition:
      "Children of compulsory school age known to the authority to be missing education (not on a school roll and not receiving a suitable education otherwise) on the census day. A local measure. Loaded from the education figures file.",
  }),
];
