/**
 * @module
 * Who may see what, as the pages need it until the auth plugin (src/web/auth) is merged: the
 * role check for routes, the child-level rule (admin and analyst: all areas; manager: the areas
 * granted; member: never) and small-number suppression for members (counts of 1 to 5 shown as
 * `c`, and any percentage, rate or median resting on 1 to 5 records). The server applies these
 * on every route; hiding a link is never the control.
 */

import type { IndicatorValue } from "../kpi/types.ts";
import type { Role, SessionUser } from "./auth/types.ts";
import { suppressRatio } from "../analysis/suppression.ts";

export type { Role, SessionUser } from "./auth/types.ts";

/** Whether a user may see the child-level records of an area (same rule as the auth plugin's). */
export function canSeeChildLevel(user: SessionUser | null, area: string): boolean {
  if (!user) return false;
  if (user.role === "admin" || user.role === "analyst") return true;
  if (user.role === "manager") return user.areas.includes(area);
  return false;
}

/** Whether the user's role is one of `roles`. */
export function hasRole(user: SessionUser | null, ...roles: Role[]): boolean {
  return !!user && roles.includes(user.role);
}

/** Whether this user sees figures with small numbers suppressed. */
export function suppresses(user: SessionUser | null): boolean {
  return !user || user.role === "member";
}

/** Counts from 1 to 5 are suppressed (0 is shown: nothing can be identified from none). */
export function isSmall(n: number | null | undefined): boolean {
  return n !== null && n !== undefined && n >= 1 && n <= 5;
}

/** Whether a value must be shown as `c` to a member: a small count, or a figure resting on one. */
export function isSuppressed(v: Pick<IndicatorValue, "value" | "numerator" | "denominator" | "unit">): boolean {
  if (v.value === null) return false;
  if (v.unit === "count") return isSmall(v.value);
  if (v.unit === "rate") return isSmall(v.numerator);
  if (v.unit === "days") return isSmall(v.denominator);
  return suppressRatio(v.numerator, v.denominator);
}

/** The symbol shown in place of a suppressed figure (the DfE's). */
export const SUPPRESSED = "c";
