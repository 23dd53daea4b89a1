/**
 * @module
 * `lantern annotate` and `lantern annotations`: dated notes on an indicator or an area, with
 * their history. A recording change breaks the series: trend sentences stop comparing across it.
 */

import { annotationHistory, listAnnotations, saveAnnotation } from "../../analysis/annotations.ts";
import { LanternError } from "../../core/errors.ts";
import { indicatorLibrary } from "../../kpi/library/index.ts";
import { requireLoaded } from "../../kpi/targets.ts";
import { AREAS } from "../../kpi/types.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import type { Store } from "../../store/port.ts";
import { type Command, dateOption, intOption, NO_DATA_HELP, parse } from "../command.ts";
import { type Output, table } from "../output.ts";
import { commandLineUser } from "../../core/actor.ts";

const ANNOTATE_HELP = `lantern annotate [--authority CODE] (--indicator ID | --area AREA) --date YYYY-MM-DD
                 --kind recording_change|service_change|note --note TEXT [--id N] [--delete]
                 [--data DIR] [--json]

Record a dated note on an indicator or a whole dashboard area, for example a service change (a
new short-breaks offer) or a recording change (the police changed how they record missing
episodes). A recording change is a series break: trend statements do not compare across it, and
SPC charts can start new limits there. A note is about one indicator or one whole area: give
--indicator or --area, not both. With --id, saves a new version of an existing note (the old
one is kept in its history); --id N --delete removes it from view, keeping its history (deleting
a note already deleted changes nothing). The authority must have data loaded; --authority may be
left out when data for only one is loaded.

Areas: ${AREAS.map((a) => a.id).join(", ")}

With --json, the version saved: {"id","version","authority","indicator","area","date","kind",
"note","changedBy","changedAt","deleted"}.

${NO_DATA_HELP}

Examples:
  lantern annotate --authority X001 --indicator missing_episodes --date 2024-04-01 --kind recording_change --note "Police changed how missing episodes are recorded"
  lantern annotate --authority X001 --area children_in_need --date 2024-09-01 --kind service_change --note "Short breaks moved to the disability offer"
  lantern annotate --authority X001 --id 1 --delete
`;

const LIST_HELP = `lantern annotations [--authority CODE] [--history ID] [--data DIR] [--json]

List an authority's annotations by date, or with --history every version of one of them: who
changed it, when, and whether that version created, edited, deleted or restored it. Without
--authority, the authority loaded (when data for only one is loaded); an authority with no data
loaded is refused (exit 1), as every command refuses it.

${NO_DATA_HELP}

Examples:
  lantern annotations --authority X001
  lantern annotations --authority X001 --history 1 --json
`;

/**
 * The authority a note is about: --authority, or the only one loaded (a council's own store
 * usually holds one). With several loaded, the user must say which. One with no data loaded is
 * refused, with the same code as snapshots, revisions, digest, forecast and indicators refuse it
 * (`resolveTargets`): an empty list for a mistyped code would read as "no notes". An empty store
 * is refused as every command that reads data refuses it (`requireLoaded`).
 */
async function authorityOf(store: Store, given: string | undefined, command: "annotate" | "annotations"): Promise<string> {
  await requireLoaded(store, command, command === "annotate" ? "so there is no authority to note" : "so there are no notes to list");
  const codes = (await store.all<{ la_code: string }>(`SELECT DISTINCT la_code FROM lantern_latest_snapshot ORDER BY la_code`)).map((r) => r.la_code);
  if (given) {
    if (codes.includes(given)) return given;
    throw new LanternError("LANTERN_BAD_OPTION", `No data has been loaded for authority ${given}.`, { hint: "Run `lantern snapshots` to see the authorities loaded." });
  }
  if (codes.length === 1) return codes[0]!;
  throw new LanternError("LANTERN_USAGE", `Say which authority with --authority CODE: data is loaded for ${codes.join(", ")}.`, { hint: `For example: --authority ${codes[0]}` });
}

async function annotate(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("annotate", argv, {
    authority: { type: "string" },
    indicator: { type: "string" },
    area: { type: "string" },
    date: { type: "string" },
    kind: { type: "string" },
    note: { type: "string" },
    id: { type: "string" },
    delete: { type: "boolean", default: false },
  });
  if (values.indicator && values.area) {
    throw new LanternError("LANTERN_USAGE", "Give --indicator or --area, not both: a note is about one indicator or one whole area.", {
      hint: "A note on an area already shows on every indicator in it; to note one indicator, give --indicator alone.",
    });
  }
  if (values.delete) {
    const extra = (["indicator", "area", "date", "kind", "note"] as const).filter((k) => values[k] !== undefined);
    if (values.id === undefined) throw new LanternError("LANTERN_USAGE", "--delete needs --id N: say which annotation to delete.", { hint: "Run `lantern annotations --authority CODE` to see the ids." });
    if (extra.length) {
      throw new LanternError("LANTERN_USAGE", `--delete cannot be given with ${extra.map((k) => `--${k}`).join(", ")}: a deleted note is not changed.`, {
        hint: "To delete, give only --authority, --id and --delete; to change the note, leave out --delete.",
      });
    }
  }
  // A date that is no real day (2025-02-30) is refused here, before the store is opened, as every date option is.
  dateOption("date", values.date);
  if (values.indicator && !indicatorLibrary().get(values.indicator)) throw new LanternError("LANTERN_BAD_OPTION", `Unknown indicator ${values.indicator}.`, { hint: "Run `lantern indicators --list` to see the ids." });
  if (values.area && !AREAS.some((a) => a.id === values.area)) throw new LanternError("LANTERN_BAD_OPTION", `Unknown area ${values.area}.`, { hint: `Areas: ${AREAS.map((a) => a.id).join(", ")}` });
  const store = await openStore(storeConfig(values.data), { existing: true });
  try {
    const authority = await authorityOf(store, values.authority, "annotate");
    const id = values.id ? intOption("id", values.id, 0, 1, 2 ** 31 - 1) : undefined;
    let base: Awaited<ReturnType<typeof annotationHistory>>[number] | undefined;
    if (id !== undefined) {
      const h = await annotationHistory(store, id);
      const last = h.at(-1);
      if (!last || last.authority !== authority) throw new LanternError("LANTERN_BAD_OPTION", `${authority} has no annotation ${id}.`, { hint: "Run `lantern annotations --authority CODE` to list them." });
      if (values.delete && last.deleted) {
        if (values.json) o.out(JSON.stringify(last, null, 2) + "\n");
        else o.out(`Annotation ${id} was already deleted (version ${last.version}, by ${last.changedBy} on ${last.changedAt.slice(0, 10)}); nothing was changed.\n`);
        return 0;
      }
      base = last;
    }
    // A new --indicator or --area replaces what the note was about, rather than adding to it.
    const about = values.indicator || values.area ? { indicator: values.indicator ?? null, area: values.area ?? null } : { indicator: base?.indicator ?? null, area: base?.area ?? null };
    const saved = await saveAnnotation(store, {
      ...(id !== undefined ? { id } : {}),
      authority,
      ...about,
      date: values.date ?? base?.date ?? "",
      kind: values.kind ?? base?.kind ?? "note",
      note: values.note ?? base?.note ?? "",
      by: commandLineUser(),
      deleted: values.delete,
    });
    if (values.json) o.out(JSON.stringify(saved, null, 2) + "\n");
    else o.out(`${values.delete ? "Deleted" : "Saved"} annotation ${saved.id} (version ${saved.version})${!values.delete && base?.deleted ? "; it had been deleted and is shown again" : ""}.\n`);
    return 0;
  } finally {
    await store.close();
  }
}

async function list(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("annotations", argv, { authority: { type: "string" }, history: { type: "string" } });
  const store = await openStore(storeConfig(values.data), { existing: true });
  try {
    const authority = await authorityOf(store, values.authority, "annotations");
    if (values.history) {
      const id = intOption("history", values.history, 0, 1, 2 ** 31 - 1);
      const versions = await annotationHistory(store, id);
      if (versions[0]?.authority !== authority) throw new LanternError("LANTERN_BAD_OPTION", `${authority} has no annotation ${id}.`, { hint: "Run `lantern annotations --authority CODE` to list them." });
      if (values.json) {
        o.out(JSON.stringify(versions, null, 2) + "\n");
        return 0;
      }
      // Each version says what it did, so a deletion is not mistaken for a copy of the version before.
      const change = (i: number) => (versions[i]!.deleted ? "deleted" : i === 0 ? "created" : versions[i - 1]!.deleted ? "restored" : "edited");
      o.out(
        table(
          ["id", "version", "change", "date", "kind", "about", "note", "by", "changed"],
          versions.map((a, i) => [a.id, a.version, change(i), a.date, a.kind, a.indicator ?? a.area ?? "", a.note, a.changedBy, a.changedAt.slice(0, 16).replace("T", " ")]),
        ),
      );
      return 0;
    }
    const rows = await listAnnotations(store, authority);
    if (values.json) {
      o.out(JSON.stringify(rows, null, 2) + "\n");
      return 0;
    }
    if (!rows.length) {
      o.out("No annotations yet. Add one with `lantern annotate`.\n");
      return 0;
    }
    o.out(table(["id", "version", "date", "kind", "about", "note", "by", "changed"], rows.map((a) => [a.id, a.version, a.date, a.kind, a.indicator ?? a.area ?? "", a.note, a.changedBy, a.changedAt.slice(0, 16).replace("T", " ")])));
    return 0;
  } finally {
    await store.close();
  }
}

export const annotateCommand: Command = { name: "annotate", help: ANNOTATE_HELP, run: annotate };
export const annotationsCommand: Command = { name: "annotations", help: LIST_HELP, run: list };
