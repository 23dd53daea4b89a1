import assert from "node:assert/strict";
import { test } from "node:test";
import { isLanternError } from "../core/errors.ts";
import { tempStore } from "../../test/fixtures.ts";
import { annotationHistory, annotationsFor, listAnnotations, saveAnnotation, seriesBreaks } from "./annotations.ts";

test("annotations keep every version; deleted ones leave the list but not the history", async () => {
  const { store, cleanup } = await tempStore();
  try {
    let t = 0;
    const clock = () => new Date(Date.UTC(2025, 0, 1, 9, t++));
    const a = await saveAnnotation(store, { authority: "202", indicator: "referrals", date: "2024-04-01", kind: "recording_change", note: "New front door system", by: "ana" }, clock);
    await saveAnnotation(store, { authority: "202", area: "children_in_need", date: "2024-09-01", kind: "service_change", note: "Short breaks offer", by: "ana" }, clock);
    await saveAnnotation(store, { authority: "203", indicator: "referrals", date: "2024-05-01", kind: "note", note: "Other authority", by: "bo" }, clock);
    await saveAnnotation(store, { id: a.id, authority: "202", indicator: "referrals", date: "2024-04-08", kind: "recording_change", note: "New front door system (went live 8 April)", by: "bo" }, clock);
    const list = await listAnnotations(store, "202");
    assert.deepEqual(list.map((x) => [x.id, x.version, x.date, x.changedBy]), [
      [1, 2, "2024-04-08", "bo"],
      [2, 1, "2024-09-01", "ana"],
    ]);
    assert.deepEqual(seriesBreaks(list), [{ date: "2024-04-08", note: "New front door system (went live 8 April)" }]);
    assert.deepEqual(annotationsFor(list, { id: "cin_at_end", area: "children_in_need" }).map((x) => x.id), [2]);
    await saveAnnotation(store, { id: 2, authority: "202", area: "children_in_need", date: "2024-09-01", kind: "service_change", note: "Short breaks offer", by: "ana", deleted: true }, clock);
    assert.deepEqual((await listAnnotations(store, "202")).map((x) => x.id), [1]);
    assert.deepEqual((await annotationHistory(store, 2)).map((x) => [x.version, x.deleted]), [
      [1, false],
      [2, true],
    ]);
    const bad = await saveAnnotation(store, { authority: "202", indicator: "referrals", date: "2024-02-30", kind: "note", note: "x", by: "a" }).catch((e: unknown) => e);
    assert.ok(isLanternError(bad) && /not a date/.test(bad.message));
  } finally {
    await cleanup();
  }
});

test("deleting an annotation already deleted writes nothing; an indicator and an area together are refused", async () => {
  const { store, cleanup } = await tempStore();
  try {
    let t = 0;
    const clock = () => new Date(Date.UTC(2025, 0, 1, 9, t++));
    const a = await saveAnnotation(store, { authority: "202", indicator: "referrals", date: "2024-04-01", kind: "note", note: "Front door", by: "ana" }, clock);
    const first = await saveAnnotation(store, { id: a.id, authority: "202", indicator: "referrals", date: "2024-04-01", kind: "note", note: "Front door", by: "ana", deleted: true }, clock);
    assert.deepEqual([first.version, first.deleted], [2, true]);
    const again = await saveAnnotation(store, { id: a.id, authority: "202", indicator: "referrals", date: "2024-04-01", kind: "note", note: "Front door", by: "bo", deleted: true }, clock);
    assert.deepEqual([again.version, again.deleted, again.changedBy], [2, true, "ana"]);
    assert.deepEqual((await annotationHistory(store, a.id)).map((x) => [x.version, x.deleted]), [
      [1, false],
      [2, true],
    ]);
    const both = await saveAnnotation(store, { authority: "202", indicator: "referrals", area: "front_door", date: "2024-04-01", kind: "note", note: "x", by: "a" }).catch((e: unknown) => e);
    assert.ok(isLanternError(both) && both.code === "LANTERN_BAD_OPTION" && /not both/.test(both.message));
    // A note on something that is not an indicator or area would never be shown anywhere.
    await assert.rejects(saveAnnotation(store, { authority: "202", indicator: "nope", date: "2024-04-01", kind: "note", note: "x", by: "a" }), /nope is not an indicator/);
    await assert.rejects(saveAnnotation(store, { authority: "202", area: "nowhere", date: "2024-04-01", kind: "note", note: "x", by: "a" }), /nowhere is not an area/);
  } finally {
    await cleanup();
  }
});

test("a note longer than 2,000 characters, or dated before 2000 or more than a year ahead, is refused naming the field; a deletion is not held to them", async () => {
  const { store, cleanup } = await tempStore();
  try {
    const clock = () => new Date(Date.UTC(2025, 5, 15, 9));
    const base = { authority: "202", indicator: "referrals", kind: "note", by: "ana" };
    const refused = async (a: { date: string; note: string }) => {
      const e = await saveAnnotation(store, { ...base, ...a }, clock).catch((x: unknown) => x);
      assert.ok(isLanternError(e), JSON.stringify(a));
      return { message: e.message, column: e.issues[0]?.column };
    };
    assert.deepEqual(await refused({ date: "1800-01-01", note: "x" }), { message: "The date 1800-01-01 is not plausible: an annotation's date must be from 2000-01-01 to 2026-06-15 (a year from today).", column: "date" });
    assert.equal((await refused({ date: "2999-01-01", note: "x" })).column, "date");
    assert.equal((await refused({ date: "2026-06-16", note: "x" })).column, "date", "a day past a year ahead");
    assert.deepEqual(await refused({ date: "2024-04-01", note: "a".repeat(2001) }), { message: "A note can be at most 2,000 characters; this one has 2,001.", column: "note" });
    assert.equal((await refused({ date: "2024-04-31", note: "x" })).column, "date");
    assert.deepEqual(await listAnnotations(store, "202"), [], "nothing was saved");
    const edge = await saveAnnotation(store, { ...base, date: "2026-06-15", note: `  ${"a".repeat(2000)}  ` }, clock);
    assert.equal(edge.note.length, 2000, "2,000 characters (spaces around are not counted) and a year ahead are accepted");
    await saveAnnotation(store, { ...base, date: "2000-01-01", note: "The earliest" }, clock);
    // Deleting repeats what is stored: were the limits ever tightened, an old note could still be removed.
    const later = () => new Date(Date.UTC(2031, 0, 1));
    await store.run(`UPDATE lantern_annotation SET note = $1 WHERE annotation_id = $2`, ["b".repeat(2500), edge.id]);
    const gone = await saveAnnotation(store, { id: edge.id, ...base, date: "2026-06-15", note: "b".repeat(2500), deleted: true }, later);
    assert.equal(gone.deleted, true);
  } finally {
    await cleanup();
  }
});
