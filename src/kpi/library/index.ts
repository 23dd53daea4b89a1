/**
 * @module
 * The indicator library: every area's definitions in one registry, built once.
 */

import { IndicatorRegistry } from "../registry.ts";
import { CARE_LEAVERS } from "./care-leavers.ts";
import { CHILD_PROTECTION } from "./child-protection.ts";
import { CHILDREN_IN_CARE } from "./children-in-care.ts";
import { EARLY_HELP } from "./early-help.ts";
import { CHILDREN_IN_NEED, FRONT_DOOR } from "./front-door.ts";
import { MISSING } from "./missing.ts";
import { SEND } from "./send.ts";
import { WORKFORCE } from "./workforce.ts";

let registry: IndicatorRegistry | undefined;

/** The registry of every indicator Lantern computes, in dashboard order. */
export function indicatorLibrary(): IndicatorRegistry {
  if (!registry) {
    registry = new IndicatorRegistry();
    for (const def of [...FRONT_DOOR, ...EARLY_HELP, ...CHILDREN_IN_NEED, ...CHILD_PROTECTION, ...CHILDREN_IN_CARE, ...CARE_LEAVERS, ...MISSING, ...SEND, ...WORKFORCE]) {
      registry.add(def);
    }
  }
  return registry;
}
