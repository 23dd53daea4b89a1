/**
 * @module
 * An authority's own record (`lantern_authority`): its name as loaded, and the real authority a
 * synthetic or new one is compared like (set with `lantern benchmarks --like`). Read in one place,
 * since the dashboard, the digest, the report and the demo all ask for it.
 */

import type { Store } from "./port.ts";

/** An authority's name and the authority it is compared like; nulls when none is recorded. */
export async function authorityRecord(store: Store, la: string): Promise<{ readonly la_name: string | null; readonly like_code: string | null }> {
  const [row] = await store.all<{ la_name: string | null; like_code: string | null }>(`SELECT la_name, like_code FROM lantern_authority WHERE la_code = $1`, [la]);
  return { la_name: row?.la_name ?? null, like_code: row?.like_code ?? null };
}
