/**
 * @module
 * Missing indicators (being written; see the KPI issue's list).
 */

import type { IndicatorDef } from "../types.ts";

/** The missing indicators. */
export const MISSING: readonly IndicatorDef[] = [];
