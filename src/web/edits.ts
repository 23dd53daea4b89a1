/**
 * @module
 * What people change in the browser, kept with its history (every edit is a new version; nothing
 * is overwritten): officer commentary on an indicator and period, published to members only when
 * marked so, and targets. Targets edited here take precedence over DATA/targets.csv for the same
 * indicator and year, so the file still works as it did for the CLI.
 */

import { LanternError } from "../core/errors.ts";
import { checkTarget, type Target } from "../analysis/rag.ts";

export { checkTarget, MAX_TARGET } from "../analysis/rag.ts";
import { targetsIn } from "../analysis/digest-data.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import type { IndicatorDef, Unit } from "../kpi/types.ts";
import type { Store } from "../store/port.ts";

/** A comment as it stands (its latest version). */
export interface Comment {
  readonly id: number;
  readonly version: number;
  readonly authority: string;
  readonly indicator: string;
  readonly period: string;
  readonly body: string;
  readonly published: boolean;
  readonly changedBy: string;
  readonly changedAt: string;
}

type CommentRow = {
  comment_id: number;
  version: number;
  la_code: string;
  indicator_id: string;
  period_id: string;
  body: string;
  published: boolean;
  deleted: boolean;
  changed_by: string;
  changed_at: string;
};

const toComment = (r: CommentRow): Comment => ({
  id: r.comment_id,
  version: r.version,
  authority: r.la_code,
  indicator: r.indicator_id,
  period: r.period_id,
  body: r.body,
  published: r.published,
  changedBy: r.changed_by,
  changedAt: r.changed_at,
});

/** Longest comment accepted, in characters. */
export const MAX_COMMENT = 5000;

/** Add a comment, or a new version of one (`id` given). */
export async function saveComment(
  store: Store,
  c: { id?: number; authority: string; indicator: string; period: string; body: string; published: boolean; by: string; deleted?: boolean },
  now: () => Date = () => new Date(),
): Promise<Comment> {
  const body = c.body.trim();
  if (!body && !c.deleted) throw new LanternError("LANTERN_BAD_OPTION", "A comment needs some text.");
  if (body.length > MAX_COMMENT) throw new LanternError("LANTERN_BAD_OPTION", `A comment can be at most ${MAX_COMMENT} characters; this one has ${body.length}.`);
  return store.transaction(async () => {
    let id = c.id;
    let version = 1;
    if (id === undefined) {
      const [m] = await store.all<{ m: number | null }>(`SELECT max(comment_id) AS m FROM lantern_commentary`);
      id = (m?.m ?? 0) + 1;
    } else {
      const [v] = await store.all<{ v: number | null }>(`SELECT max(version) AS v FROM lantern_commentary WHERE comment_id = $1`, [id]);
      if (!v || v.v === null) throw new LanternError("LANTERN_BAD_OPTION", `There is no comment ${id}.`);
      version = v.v + 1;
    }
    const at = now().toISOString();
    await store.run(
      `INSERT INTO lantern_commentary (comment_id, version, la_code, indicator_id, period_id, body, published, deleted, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [id, version, c.authority, c.indicator, c.period, body, c.published, c.deleted ?? false, c.by, at],
    );
    return { id, version, authority: c.authority, indicator: c.indicator, period: c.period, body, published: c.published, changedBy: c.by, changedAt: at };
  });
}

/** Current comments on an indicator (all periods), newest first; `publishedOnly` for members. */
export async function listComments(store: Store, q: { authority: string; indicator: string; publishedOnly: boolean }): Promise<Comment[]> {
  const rows = await store.all<CommentRow>(
    `SELECT c.* FROM lantern_commentary c JOIN (SELECT comment_id, max(version) AS v FROM lantern_commentary GROUP BY comment_id) l
       ON l.comment_id = c.comment_id AND l.v = c.version
     WHERE c.la_code = $1 AND c.indicator_id = $2 AND NOT c.deleted ${q.publishedOnly ? "AND c.published" : ""}
     ORDER BY c.period_id DESC, c.comment_id DESC`,
    [q.authority, q.indicator],
  );
  return rows.map(toComment);
}

/** Every version of one comment, oldest first. */
export async function commentHistory(store: Store, id: number): Promise<(Comment & { deleted: boolean })[]> {
  const rows = await store.all<CommentRow>(`SELECT * FROM lantern_commentary WHERE comment_id = $1 ORDER BY version`, [id]);
  return rows.map((r) => ({ ...toComment(r), deleted: r.deleted }));
}

/** A target version as stored. */
export interface TargetVersion extends Target {
  readonly version: number;
  readonly deleted: boolean;
  readonly changedBy: string;
  readonly changedAt: string;
}

type TargetRow = { indicator_id: string; year: string; version: number; target: number; tolerance: number; polarity: string | null; deleted: boolean; changed_by: string; changed_at: string };

const toTarget = (r: TargetRow): TargetVersion => ({
  indicator: r.indicator_id,
  year: r.year,
  target: r.target,
  tolerance: r.tolerance,
  ...(r.polarity ? { polarity: r.polarity as "higher" | "lower" } : {}),
  version: r.version,
  deleted: r.deleted,
  changedBy: r.changed_by,
  changedAt: r.changed_at,
});

/**
 * Save a new version of the target for an indicator and year (or remove it with `deleted`).
 * `target` and `tolerance` are best passed as typed (text; a blank tolerance is none), so that
 * only plain decimals are taken: a number already read with `Number()` has lost whether it was
 * typed `0x10` or `16`. The year must be of a kind the indicator is measured by, and a count's
 * target a whole number (see {@link checkTarget}); `unit` stands in for an indicator that is not
 * in the registry.
 */
export async function saveTarget(
  store: Store,
  input: { indicator: string; year: string; target: number | string; tolerance: number | string; polarity?: "higher" | "lower" | null; by: string; deleted?: boolean; unit?: Unit },
  now: () => Date = () => new Date(),
): Promise<TargetVersion> {
  const def = indicatorLibrary().get(input.indicator);
  // A removal is checked only for sense: the target it removes may have been saved before a rule existed.
  const t = { ...input, ...checkTarget(input, input.deleted ? undefined : (def ?? input.unit)) };
  return store.transaction(async () => {
    const [v] = await store.all<{ v: number | null }>(`SELECT max(version) AS v FROM lantern_target WHERE indicator_id = $1 AND year = $2`, [t.indicator, t.year]);
    const version = (v?.v ?? 0) + 1;
    const at = now().toISOString();
    await store.run(
      `INSERT INTO lantern_target (indicator_id, year, version, target, tolerance, polarity, deleted, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [t.indicator, t.year, version, t.target, t.tolerance, t.polarity ?? null, t.deleted ?? false, t.by, at],
    );
    return toTarget({ indicator_id: t.indicator, year: t.year, version, target: t.target, tolerance: t.tolerance, polarity: t.polarity ?? null, deleted: t.deleted ?? false, changed_by: t.by, changed_at: at });
  });
}

/** A mistake in the targets form: the field (indicator, year, target, tolerance, polarity) and what to do. */
export interface TargetFormError {
  readonly field: "indicator" | "year" | "target" | "tolerance" | "polarity";
  readonly message: string;
}

/**
 * The targets form's choice of which way is better: the indicator's own ("own", also what a form
 * without the field means), or higher or lower, stored as a targets.csv row's polarity column is.
 */
export const POLARITY_CHOICES = ["own", "higher", "lower"] as const;

/** The polarity a target saved with `choice` stores: higher or lower, or null for the indicator's own. */
export function chosenPolarity(choice: string): "higher" | "lower" | null {
  return choice === "higher" || choice === "lower" ? choice : null;
}

/**
 * Every mistake in a target as typed, one per field, so the form can show them all at once: each
 * field is checked by {@link checkTarget} with the others standing at values it accepts. Empty
 * when the target may be saved (saveTarget checks it again). `def` is the indicator chosen, if it
 * is one; `indicatorMessage` what to say when it is not.
 */
export function targetFormErrors(
  entered: { year: string; target: string; tolerance: string; polarity?: string },
  def: IndicatorDef | undefined,
  indicatorMessage: string,
): TargetFormError[] {
  const errors: TargetFormError[] = def ? [] : [{ field: "indicator", message: indicatorMessage }];
  // A year the indicator is measured in, for checking the numbers apart from the year typed.
  const year = def && !def.periods.some((k) => k !== "calendar") ? "2025" : "2025-26";
  const check = (field: TargetFormError["field"], t: { year: string; target: string; tolerance: string }) => {
    try {
      checkTarget(t, def);
    } catch (e) {
      if (!(e instanceof LanternError)) throw e;
      errors.push({ field, message: `${e.message}${e.hint ? ` ${e.hint}` : ""}` });
    }
  };
  check("year", { year: entered.year, target: "0", tolerance: "0" });
  check("target", { year, target: entered.target, tolerance: "0" });
  check("tolerance", { year, target: "0", tolerance: entered.tolerance });
  // An indicator with no better direction of its own gets a RAG only from the target's.
  const choice = entered.polarity ?? "own";
  if (!(POLARITY_CHOICES as readonly string[]).includes(choice)) {
    errors.push({ field: "polarity", message: "Choose which way is better: higher, lower, or the indicator's own." });
  } else if (choice === "own" && def?.polarity === "none") {
    errors.push({ field: "polarity", message: `Choose whether higher or lower is better: ${def.title} has no better direction of its own, so without one the target would give it no RAG.` });
  }
  return errors;
}

/** Every stored version of every target, oldest first. */
export async function targetHistory(store: Store, indicator?: string): Promise<TargetVersion[]> {
  const rows = await store.all<TargetRow>(`SELECT * FROM lantern_target ${indicator ? "WHERE indicator_id = $1" : ""} ORDER BY indicator_id, year, version`, indicator ? [indicator] : []);
  return rows.map(toTarget);
}

/** The targets in force: targets.csv, with browser edits (latest version, removals honoured) on top. */
export async function effectiveTargets(store: Store, dataDir: string): Promise<Target[]> {
  const byKey = new Map<string, Target>();
  for (const t of targetsIn(dataDir)) byKey.set(`${t.indicator}|${t.year}`, t);
  const latest = new Map<string, TargetVersion>();
  for (const t of await targetHistory(store)) latest.set(`${t.indicator}|${t.year}`, t);
  for (const [k, t] of latest) {
    if (t.deleted) byKey.delete(k);
    else byKey.set(k, { indicator: t.indicator, year: t.year, target: t.target, tolerance: t.tolerance, ...(t.polarity ? { polarity: t.polarity } : {}) });
  }
  return [...byKey.values()].sort((a, b) => a.indicator.localeCompare(b.indicator) || a.year.localeCompare(b.year));
}
