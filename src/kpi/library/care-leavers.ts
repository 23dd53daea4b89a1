/**
 * @module
 * Care leavers indicators (being written; see the KPI issue's list).
 */

import type { IndicatorDef } from "../types.ts";

/** The care leavers indicators. */
export const CARE_LEAVERS: readonly IndicatorDef[] = [];
