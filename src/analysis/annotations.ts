/**
 * @module
 * Dated notes on an indicator or a whole area: a service change (a new short-breaks offer), a
 * recording change (the police changed how they record missing episodes), or a plain note. A
 * recording change is a series break: trend statements do not compare across it and SPC can
 * rebase at it. Every edit is a new version, so the history of who said what, when, is kept.
 */

import { addYears, dayNumber, isoDate } from "../calendar/dates.ts";
import { LanternError } from "../core/errors.ts";
import { indicatorLibrary } from "../kpi/library/index.ts";
import { type AreaId, AREAS, type IndicatorDef } from "../kpi/types.ts";
import type { Store } from "../store/port.ts";
import type { SeriesBreak } from "./trends.ts";

export const ANNOTATION_KINDS = ["recording_change", "service_change", "note"] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

/** Longest note accepted, in characters. */
export const MAX_NOTE = 2000;

/**
 * The earliest date a note may carry. No data Lantern handles starts before it, and a recording
 * change dated in 1800 or 2999 would still rebase every SPC chart of its indicators.
 */
export const EARLIEST_ANNOTATION_DATE = "2000-01-01";

/** An annotation as it stands (its latest version). */
export interface Annotation {
  readonly id: number;
  readonly version: number;
  readonly authority: string;
  readonly indicator: string | null;
  readonly area: AreaId | null;
  readonly date: string;
  readonly kind: AnnotationKind;
  readonly note: string;
  readonly changedBy: string;
  readonly changedAt: string;
}

type Row = {
  annotation_id: number;
  version: number;
  la_code: string;
  indicator_id: string | null;
  area: string | null;
  on_date: string;
  kind: string;
  note: string;
  deleted: boolean;
  changed_by: string;
  changed_at: string;
};

function toAnnotation(r: Row): Annotation {
  return {
    id: r.annotation_id,
    version: r.version,
    authority: r.la_code,
    indicator: r.indicator_id,
    area: r.area as AreaId | null,
    date: r.on_date,
    kind: r.kind as AnnotationKind,
    note: r.note,
    changedBy: r.changed_by,
    changedAt: r.changed_at,
  };
}

/**
 * Add an annotation, or a new version of one (`id` given); returns it. Deleting one already
 * deleted writes nothing and returns the version that deleted it.
 */
export async function saveAnnotation(
  store: Store,
  a: { id?: number; authority: string; indicator?: string | null; area?: string | null; date: string; kind: string; note: string; by: string; deleted?: boolean },
  now: () => Date = () => new Date(),
): Promise<Annotation & { deleted: boolean }> {
  // Each refusal names the field it is about (`issues[0].column`), so a form can point at it.
  const bad = (column: string, message: string, hint?: string) =>
    new LanternError("LANTERN_BAD_OPTION", message, { ...(hint ? { hint } : {}), issues: [{ code: "ANNOTATION_VALUE_INVALID", severity: "error", column, message }] });
  if (!ANNOTATION_KINDS.includes(a.kind as AnnotationKind)) {
    throw bad("kind", `An annotation's kind must be ${ANNOTATION_KINDS.join(", ")}, not ${a.kind.slice(0, 60)}.`);
  }
  if (!a.date.trim()) throw bad("date", "Enter the date of the annotation, as YYYY-MM-DD.");
  let day: number;
  try {
    day = dayNumber(a.date);
  } catch {
    throw bad("date", `${a.date.slice(0, 40)} is not a date; write it as YYYY-MM-DD.`);
  }
  // A deletion repeats what is stored, so only what is newly written is held to the limits.
  if (!a.deleted) {
    const latest = isoDate(addYears(dayNumber(now().toISOString().slice(0, 10)), 1));
    if (a.date < EARLIEST_ANNOTATION_DATE || day > dayNumber(latest)) {
      throw bad("date", `The date ${a.date} is not plausible: an annotation's date must be from ${EARLIEST_ANNOTATION_DATE} to ${latest} (a year from today).`);
    }
    if (a.note.trim().length > MAX_NOTE) {
      throw bad("note", `A note can be at most ${MAX_NOTE.toLocaleString("en-GB")} characters; this one has ${a.note.trim().length.toLocaleString("en-GB")}.`, "Shorten it, or split it into two notes.");
    }
  }
  if (!a.note.trim()) throw bad("note", "An annotation needs some text.");
  if (!a.indicator && !a.area) throw bad("indicator", "Say what the annotation is about: an indicator or an area.");
  if (a.indicator && a.area) throw bad("indicator", "An annotation is about an indicator or an area, not both.", "Give one: a note on an area already applies to every indicator in it.");
  // Checked here, not only by the callers: a note on an id that is no indicator would never be shown.
  if (a.indicator && !indicatorLibrary().get(a.indicator)) {
    throw bad("indicator", `${a.indicator.slice(0, 60)} is not an indicator.`, "Run `lantern indicators --list` for the ids.");
  }
  if (a.area && !AREAS.some((x) => x.id === a.area)) {
    throw bad("area", `${a.area.slice(0, 60)} is not an area.`, `Areas are: ${AREAS.map((x) => x.id).join(", ")}.`);
  }
  return store.transaction(async () => {
    let id = a.id;
    let version = 1;
    if (id === undefined) {
      const [m] = await store.all<{ m: number | null }>(`SELECT max(annotation_id) AS m FROM lantern_annotation`);
      id = (m?.m ?? 0) + 1;
    } else {
      const [last] = await store.all<Row>(`SELECT * FROM lantern_annotation WHERE annotation_id = $1 ORDER BY version DESC LIMIT 1`, [id]);
      if (!last) throw new LanternError("LANTERN_BAD_OPTION", `There is no annotation ${id}.`);
      // Deleting what is already deleted changes nothing: no new version that repeats the last one.
      if (a.deleted && last.deleted) return { ...toAnnotation(last), deleted: true };
      version = Number(last.version) + 1;
    }
    const at = now().toISOString();
    await store.run(
      `INSERT INTO lantern_annotation (annotation_id, version, la_code, indicator_id, area, on_date, kind, note, deleted, changed_by, changed_at)
       VALUES ($1, $2, $3, $4, $5, CAST($6 AS DATE), $7, $8, $9, $10, $11)`,
      [id, version, a.authority, a.indicator ?? null, a.area ?? null, a.date, a.kind, a.note.trim(), a.deleted ?? false, a.by, at],
    );
    return {
      id,
      version,
      authority: a.authority,
      indicator: a.indicator ?? null,
      area: (a.area ?? null) as AreaId | null,
      date: a.date,
      kind: a.kind as AnnotationKind,
      note: a.note.trim(),
      changedBy: a.by,
      changedAt: at,
      deleted: a.deleted ?? false,
    };
  });
}

/** Current annotations of an authority (latest version of each, deleted ones left out), by date. */
export async function listAnnotations(store: Store, authority: string): Promise<Annotation[]> {
  const rows = await store.all<Row>(
    `SELECT a.* FROM lantern_annotation a JOIN (SELECT annotation_id, max(version) AS v FROM lantern_annotation GROUP BY annotation_id) l
       ON l.annotation_id = a.annotation_id AND l.v = a.version
     WHERE a.la_code = $1 AND NOT a.deleted ORDER BY a.on_date, a.annotation_id`,
    [authority],
  );
  return rows.map(toAnnotation);
}

/** Every version of one annotation, oldest first. */
export async function annotationHistory(store: Store, id: number): Promise<(Annotation & { deleted: boolean })[]> {
  const rows = await store.all<Row>(`SELECT * FROM lantern_annotation WHERE annotation_id = $1 ORDER BY version`, [id]);
  return rows.map((r) => ({ ...toAnnotation(r), deleted: r.deleted }));
}

/** The annotations that apply to an indicator: its own and its area's. */
export function annotationsFor(all: readonly Annotation[], def: Pick<IndicatorDef, "id" | "area">): Annotation[] {
  return all.filter((a) => a.indicator === def.id || (a.indicator === null && a.area === def.area));
}

/** The series breaks among annotations: recording changes. */
export function seriesBreaks(annotations: readonly Annotation[]): SeriesBreak[] {
  return annotations.filter((a) => a.kind === "recording_change").map((a) => ({ date: a.date, note: a.note }));
}
