/**
 * @module
 * Children in care indicators (being written; see the KPI issue's list).
 */

import type { IndicatorDef } from "../types.ts";

/** The children in care indicators. */
export const CHILDREN_IN_CARE: readonly IndicatorDef[] = [];
