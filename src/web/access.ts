/**
 * @module
 * Who may see what, as the pages ask it: the role check (`hasRole`), the child-level rule (from
 * auth/access.ts, where the route guards take it: admin and analyst all areas, manager the areas
 * granted, member never) and small-number suppression for members (counts of 1 to 5 shown as
 * `c`, and any percentage, rate or median resting on 1 to 5 records, by the rule of
 * analysis/suppression.ts that public reports follow). `isSuppressed` is the rule for one figure
 * on its own; what one figure gives away about another (secondary suppression) is worked out over
 * all of a snapshot's figures by `viewerHiding` in model.ts. The server applies these on every
 * route; hiding a link is never the control.
 */

import type { IndicatorValue } from "../kpi/types.ts";
import type { Role, SessionUser } from "./auth/types.ts";
import { isSmallCount, suppressRatio } from "../analysis/suppression.ts";

export type { Role, SessionUser } from "./auth/types.ts";
/** The symbol shown in place of a suppressed figure (the DfE's). */
export { SUPPRESSED } from "../analysis/suppression.ts";

/** Whether a user may see the child-level records of an area: one rule, kept with the route guards. */
export { canSeeChildLevel } from "./auth/access.ts";

/** Whether the user's role is one of `roles`. */
export function hasRole(user: SessionUser | null, ...roles: Role[]): boolean {
  return !!user && roles.includes(user.role);
}

/** Whether this user sees figures with small numbers suppressed. */
export function suppresses(user: SessionUser | null): boolean {
  return !user || user.role === "member";
}

/** Whether a value must be shown as `c` to a member: a small count, or a figure resting on one. */
export function isSuppressed(v: Pick<IndicatorValue, "value" | "numerator" | "denominator" | "unit">): boolean {
  if (v.value === null) return false;
  if (v.unit === "count") return isSmallCount(v.value);
  if (v.unit === "rate") return isSmallCount(v.numerator);
  if (v.unit === "days") return isSmallCount(v.denominator);
  return suppressRatio(v.numerator, v.denominator);
}
