/**
 * @module
 * Early help indicators (being written; see the KPI issue's list).
 */

import type { IndicatorDef } from "../types.ts";

/** The early help indicators. */
export const EARLY_HELP: readonly IndicatorDef[] = [];
