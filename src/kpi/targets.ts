/**
 * @module
 * Which snapshots to compute and the span of complete periods each one covers. The span runs
 * from the first whole month of front-door activity (contacts, else referrals) to the last
 * complete month of recorded activity: a month counts as complete when the latest event in the
 * data falls on or after its 25th (an extract taken on 5 July does not make July a period).
 * Case records opened before the span still count in snapshot measures within it.
 */

import { addMonths, dayNumber, dayOf, isoDate, ymd } from "../calendar/dates.ts";
import type { Period, PeriodKind } from "../calendar/periods.ts";
import { LanternError, noDataLoaded } from "../core/errors.ts";
import type { Store } from "../store/port.ts";
import type { Target } from "./engine.ts";
import type { IndicatorDef } from "./types.ts";

/** Event dates that show how far an extract reaches. */
const ACTIVITY: readonly [string, string][] = [
  ["ssd_contacts", "cont_contact_date"],
  ["ssd_cin_episodes", "cine_referral_date"],
  ["ssd_cin_assessments", "cina_assessment_auth_date"],
  ["ssd_s47_enquiry", "s47e_s47_start_date"],
  ["ssd_cp_plans", "cppl_cp_plan_start_date"],
  ["ssd_cla_episodes", "clae_cla_episode_start_date"],
  ["ssd_early_help_episodes", "earl_episode_start_date"],
];

function rowsOf(table: string): string {
  return `SELECT x.* FROM ${table} x JOIN lantern_snapshot_table st ON st.rows_snapshot_id = x.snapshot_id AND st.table_name = '${table}' AND st.snapshot_id = $1 WHERE x.la_code = $2`;
}

/**
 * The complete-period span of a snapshot's data: [first day, last day], or nulls; worked out once
 * and kept. `firstDay`, given by a load that knows where its data starts (the first day of the
 * window Annex A's lists cover, when no contact fell on it), stands for the first front-door event.
 */
export async function coverage(store: Store, snapshotId: number, la: string, firstDay?: string): Promise<{ from: string | null; to: string | null }> {
  const cached = await store.all<{ data_from: string | null; data_to: string | null }>(`SELECT data_from, data_to FROM lantern_coverage WHERE snapshot_id = $1`, [snapshotId]);
  if (cached[0]) return { from: cached[0].data_from, to: cached[0].data_to };
  let last: string | null = null;
  for (const [table, col] of ACTIVITY) {
    const [r] = await store.all<{ m: string | null }>(`SELECT max(${col}) AS m FROM (${rowsOf(table)}) s`, [snapshotId, la]);
    if (r?.m && (!last || r.m > last)) last = r.m;
  }
  let first: string | null = firstDay ?? null;
  for (const [table, col] of first ? [] : ACTIVITY.slice(0, 2)) {
    const [r] = await store.all<{ m: string | null }>(`SELECT min(${col}) AS m FROM (${rowsOf(table)}) s`, [snapshotId, la]);
    if (r?.m) {
      first = r.m;
      break;
    }
  }
  let from: string | null = null;
  let to: string | null = null;
  if (first && last) {
    const f = ymd(dayNumber(first));
    from = isoDate(f.d === 1 ? dayOf(f.y, f.m, 1) : dayOf(f.y, f.m + 1, 1));
    const l = ymd(dayNumber(last));
    to = isoDate(l.d >= 25 ? dayOf(l.y, l.m + 1, 0) : dayOf(l.y, l.m, 0));
    if (to < from) {
      from = null;
      to = null;
    }
  }
  await store.run(`INSERT INTO lantern_coverage (snapshot_id, data_from, data_to) VALUES ($1, CAST($2 AS DATE), CAST($3 AS DATE)) ON CONFLICT (snapshot_id) DO NOTHING`, [snapshotId, from, to]);
  return { from, to };
}

/**
 * Refuse a store that holds no snapshot at all with the one "no data loaded" error
 * ({@link noDataLoaded}), before any option that names an authority or snapshot is checked
 * against it: in an empty store every name is unknown, and "load data first" is the answer.
 */
export async function requireLoaded(store: Store, command: string, consequence: string): Promise<void> {
  const [row] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_snapshot`);
  if (!Number(row?.n)) throw noDataLoaded(command, consequence);
}

/** The snapshots to compute: the latest of each authority, or one named snapshot, optionally for one authority. */
export async function resolveTargets(store: Store, opts: { authority?: string; snapshot?: number } = {}): Promise<Target[]> {
  let snaps: { la_code: string; snapshot_id: number }[];
  if (opts.snapshot !== undefined) {
    snaps = await store.all(`SELECT la_code, snapshot_id FROM lantern_snapshot WHERE snapshot_id = $1`, [opts.snapshot]);
    if (!snaps.length) throw new LanternError("LANTERN_BAD_OPTION", `There is no snapshot ${opts.snapshot}.`, { hint: "Run `lantern snapshots` to list them." });
  } else {
    snaps = await store.all(`SELECT la_code, snapshot_id FROM lantern_latest_snapshot ${opts.authority ? "WHERE la_code = $1" : ""} ORDER BY la_code`, opts.authority ? [opts.authority] : []);
    if (opts.authority && !snaps.length) {
      throw new LanternError("LANTERN_BAD_OPTION", `No data has been loaded for authority ${opts.authority}.`, { hint: "Run `lantern snapshots` to see the authorities loaded." });
    }
  }
  const tables = await store.all<{ snapshot_id: number; table_name: string }>(`SELECT snapshot_id, table_name FROM lantern_snapshot_table`);
  // Tables holding a return's year only, through whichever load wrote the rows the snapshot reads.
  const starts = await store.all<{ snapshot_id: number; table_name: string; rows_snapshot_id: number; data_from: string }>(
    `SELECT st.snapshot_id, st.table_name, st.rows_snapshot_id, CAST(tc.data_from AS VARCHAR) AS data_from FROM lantern_snapshot_table st
     JOIN lantern_table_coverage tc ON tc.snapshot_id = st.rows_snapshot_id AND tc.table_name = st.table_name`,
  );
  const out: Target[] = [];
  for (const s of snaps) {
    const c = await coverage(store, s.snapshot_id, s.la_code);
    const own = (r: { snapshot_id: number }) => Number(r.snapshot_id) === Number(s.snapshot_id);
    const later = starts.filter((r) => own(r) && c.from !== null && r.data_from.slice(0, 10) > c.from);
    out.push({
      la_code: s.la_code,
      snapshot_id: s.snapshot_id,
      data_from: c.from,
      data_to: c.to,
      tables: new Set(tables.filter(own).map((t) => t.table_name.replace(/^ssd_/, ""))),
      ...(later.length ? { tableFrom: new Map(later.map((r) => [r.table_name.replace(/^ssd_/, ""), { from: r.data_from.slice(0, 10), snapshot: Number(r.rows_snapshot_id) }])) } : {}),
    });
  }
  return out;
}

/** Unused-month guard for callers that show spans: the last complete month id of a target. */
export function lastMonthId(t: Target): string | null {
  if (!t.data_to) return null;
  const d = ymd(addMonths(dayNumber(t.data_to), 0));
  return `${d.y}-${String(d.m).padStart(2, "0")}`;
}

/**
 * Refuse a period the snapshot's data does not wholly cover (before its first complete month or
 * after its last), saying what it does cover: a report, digest or return for it would be made of
 * blanks, or of an all-clear that means nothing.
 */
export function requireCovered(t: Pick<Target, "snapshot_id" | "data_from" | "data_to">, period: Pick<Period, "start" | "end" | "label">): void {
  const gap = coverageGap(t, period);
  if (gap === null) return;
  throw new LanternError("LANTERN_BAD_OPTION", `${gap.charAt(0).toUpperCase()}${gap.slice(1)}`, {
    hint: "Choose a period the data covers, or load an extract that covers it; `lantern report --calendar` shows which periods the data is ready for.",
  });
}

/**
 * Why the snapshot's data does not wholly cover a period, as a sentence (`name` is how the period
 * is called in it: its label, or "this period" beside a row that already names it); null when it does.
 */
export function coverageGap(t: Pick<Target, "snapshot_id" | "data_from" | "data_to">, period: Pick<Period, "start" | "end" | "label">, name: string = period.label): string | null {
  if (t.data_from && t.data_to && period.start >= t.data_from && period.end <= t.data_to) return null;
  return t.data_from && t.data_to
    ? `the data (snapshot ${t.snapshot_id}) covers ${t.data_from} to ${t.data_to}, which does not include all of ${name}.`
    : `the data (snapshot ${t.snapshot_id}) holds no complete month of dated activity, so it covers no part of ${name}.`;
}

/** A kind of period in words, singular and plural, with an example id. */
const KIND_WORDS: Record<PeriodKind, { one: string; many: string; example: string }> = {
  month: { one: "a month", many: "months", example: "2025-01" },
  quarter: { one: "a financial quarter", many: "financial quarters", example: "2024-25-Q3" },
  year: { one: "a financial year", many: "financial years", example: "2024-25" },
  rolling: { one: "a rolling twelve-month period", many: "rolling twelve-month periods", example: "12m-2025-01" },
  calendar: { one: "a calendar year", many: "calendar years", example: "2024" },
};

function listing(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/**
 * Why none of `defs` has figures for `period`, when that is because of its kind (referrals has
 * no calendar-year figures): a sentence naming the kinds they have and, from `library`, the
 * indicators that do have that kind. Null when any of `defs` has figures for such periods.
 */
export function kindProblem(defs: readonly Pick<IndicatorDef, "id" | "periods">[], period: Pick<Period, "id" | "kind">, library: readonly Pick<IndicatorDef, "id" | "periods">[] = []): { message: string; hint: string } | null {
  if (!defs.length || defs.some((d) => d.periods.includes(period.kind))) return null;
  const w = KIND_WORDS[period.kind];
  const have = (Object.keys(KIND_WORDS) as PeriodKind[]).filter((k) => defs.some((d) => d.periods.includes(k)));
  const names = defs.length <= 5 ? listing(defs.map((d) => d.id)) : `the ${defs.length} indicators selected`;
  const others = library.filter((d) => d.periods.includes(period.kind)).map((d) => d.id);
  return {
    message: `${period.id} is ${w.one}, and ${names} ${defs.length === 1 ? "has" : "have"} no figures for ${w.many}: ${defs.length === 1 ? "it is" : "they are"} computed for ${listing(have.map((k) => KIND_WORDS[k].many))}.`,
    hint: `Ask for ${listing(have.map((k) => `${KIND_WORDS[k].one} (${KIND_WORDS[k].example})`)).replace(/ and (?=[^,]*$)/, " or ")}.${others.length ? ` Indicators with figures for ${w.many}: ${others.join(", ")}.` : ""}`,
  };
}
