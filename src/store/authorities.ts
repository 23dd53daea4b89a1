/**
 * @module
 * An authority's own record (`lantern_authority`): its name as loaded, and the real authority a
 * synthetic or new one is compared like (set with `lantern benchmarks --like`). Read in one place,
 * since the dashboard, the digest, the report and the demo all ask for it.
 */

import { shippedPopulation } from "../kpi/reference-tables.ts";
import type { Store } from "./port.ts";

/** What an authority code may be (a DfE LA number such as 202, an ONS code, or X001), in every kind of load. */
export const AUTHORITY_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$/;

/**
 * The stored authority whose code differs from `code` only in case (`X001` for `x001`), if any:
 * codes are kept exactly as written, so loading under `code` would start a second authority.
 */
export async function storedCaseTwin(store: Store, code: string): Promise<string | undefined> {
  const [other] = await store.all<{ la_code: string }>(`SELECT la_code FROM lantern_authority WHERE lower(la_code) = lower($1) AND la_code <> $1 LIMIT 1`, [code]);
  return other?.la_code;
}

let onsToDfe: Map<string, string> | undefined;

/** The DfE LA number `code` stands for: itself (a 3-digit number), or the one an ONS code (E09000007) is (from the shipped ONS list). */
function dfeNumber(code: string): string | undefined {
  const c = code.trim().toUpperCase();
  if (/^\d{3}$/.test(c)) return c;
  if (!onsToDfe) {
    onsToDfe = new Map();
    for (const p of shippedPopulation()) if (p.level === "Local authority" && /^\d{3}$/.test(p.code) && p.ons_code) onsToDfe.set(p.ons_code.toUpperCase(), p.code);
  }
  return onsToDfe.get(c);
}

/**
 * Whether two authority codes name the same council: the same code in any case, or its DfE LA
 * number and its ONS code (202 and E09000007 are both Camden), as the benchmarks read them.
 */
export function sameAuthority(a: string, b: string): boolean {
  if (a.trim().toUpperCase() === b.trim().toUpperCase()) return true;
  const da = dfeNumber(a);
  return da !== undefined && da === dfeNumber(b);
}

/** An authority's name and the authority it is compared like; nulls when none is recorded. */
export async function authorityRecord(store: Store, la: string): Promise<{ readonly la_name: string | null; readonly like_code: string | null }> {
  const [row] = await store.all<{ la_name: string | null; like_code: string | null }>(`SELECT la_name, like_code FROM lantern_authority WHERE la_code = $1`, [la]);
  return { la_name: row?.la_name ?? null, like_code: row?.like_code ?? null };
}
