/**
 * @module
 * Send indicators (being written; see the KPI issue's list).
 */

import type { IndicatorDef } from "../types.ts";

/** The send indicators. */
export const SEND: readonly IndicatorDef[] = [];
