/**
 * @module
 * Gathering what the digest needs from the store: the authority's stored values for the months
 * the SPC looks back over plus the period and its comparators, its targets and annotations.
 */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parsePeriod, previousPeriod, samePeriodLastYear } from "../calendar/periods.ts";
import { LanternError } from "../core/errors.ts";
import { storedValues } from "../kpi/compute.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import type { Target as Snapshot } from "../kpi/engine.ts";
import type { Store } from "../store/port.ts";
import { listAnnotations } from "./annotations.ts";
import { buildDigest, type Digest } from "./digest.ts";
import { parseTargets, type Target } from "./rag.ts";

/** Targets in DATA/targets.csv, if any; a bad file is refused with its rows. */
export function targetsIn(dataDir: string): Target[] {
  const path = join(dataDir, "targets.csv");
  if (!existsSync(path)) return [];
  const { targets, issues } = parseTargets(readFileSync(path, "utf8"), "targets.csv", (id) => indicatorLibrary().get(id) !== undefined, (id) => indicatorLibrary().get(id));
  if (issues.length) throw new LanternError("LANTERN_DATA_REJECTED", `The targets in ${path} have ${issues.length} problem(s).`, { issues });
  return targets;
}

/** The digest of one authority's snapshot for a period. */
export async function digestFor(store: Store, target: Snapshot, periodId: string, dataDir: string): Promise<Digest> {
  const period = parsePeriod(periodId);
  if (!period) throw new LanternError("LANTERN_BAD_OPTION", `${periodId} is not a period.`, { hint: "Write 2025-01, 2024-25-Q3, 2024-25, 12m-2025-01 or 2024." });
  const months: string[] = [];
  let m = parsePeriod(period.end.slice(0, 7))!;
  for (let i = 0; i < 36; i++) {
    months.push(m.id);
    m = previousPeriod(m);
  }
  const ids = [...new Set([...months, period.id, previousPeriod(period).id, samePeriodLastYear(period).id])];
  const values = await storedValues(store, { snapshots: [target.snapshot_id], periods: ids });
  const defs = indicatorLibrary().list();
  return buildDigest({
    authority: target.la_code,
    period: period.id,
    indicators: defs,
    values,
    targets: targetsIn(dataDir),
    annotations: await listAnnotations(store, target.la_code),
  });
}
