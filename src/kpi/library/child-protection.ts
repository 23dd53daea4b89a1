/**
 * @module
 * Child protection indicators (being written; see the KPI issue's list).
 */

import type { IndicatorDef } from "../types.ts";

/** The child protection indicators. */
export const CHILD_PROTECTION: readonly IndicatorDef[] = [];
