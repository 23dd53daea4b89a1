/**
 * @module
 * The in-memory shape of generated SSD rows, shared by the pure generator, the CSV writer and the
 * tests. Deliberately only types: no behaviour lives here.
 */

/** A cell: text, a day number (for a `date` column) or another number, or null for blank. */
export type Cell = string | number | null;

/** One row, keyed by the SSD column names of its table. */
export type Row = Record<string, Cell>;

/** Rows per SSD table name (`ssd_person`, …); a table with no rows may be absent. */
export type AuthorityRows = Map<string, Row[]>;

/** What to generate for one authority; every field is plain data so the core stays pure. */
export interface AuthoritySpec {
  /** Fictitious authority code, `X001` …; prefixes every id so ids are unique across authorities. */
  readonly code: string;
  /** Position of the authority in the run (0-based); seeds its own random stream. */
  readonly index: number;
  readonly seed: number;
  /** Children aged 0–17 by calendar year (mid-year estimate); years outside take the nearest. */
  readonly populations: readonly { readonly year: number; readonly population: number }[];
  /**
   * This authority's leanings, each 1 for England's average: `demand` scales referrals and
   * contacts, `protection` the share of enquiries going to conference, `care` entries to care.
   */
  readonly propensity: { readonly demand: number; readonly protection: number; readonly care: number };
  /** First and last day (day numbers) of reported activity; history before `fromDay` is back-filled. */
  readonly fromDay: number;
  readonly toDay: number;
  /** Demand steps: from `day` on, referrals and contacts are multiplied by `factor`. */
  readonly shocks: readonly { readonly day: number; readonly factor: number }[];
}
