/**
 * @module
 * `lantern revisions`: every figure amended between loads, so a committee is told when a figure
 * it was given has changed (late recording, corrected dates, a re-extract) and by how much.
 */

import { comparisonsInStore, type FigureRevision, type LoadsCompared, NOT_IN_LOAD } from "../../analysis/revisions.ts";
import { LanternError } from "../../core/errors.ts";
import { requireLoaded } from "../../kpi/targets.ts";
import { formatValue } from "../../kpi/format.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, NO_DATA_HELP, parse } from "../command.ts";
import { type Output, table } from "../output.ts";

const HELP = `lantern revisions [--since SNAPSHOT] [--authority CODE] [--kind K]... [--data DIR] [--json]

List every figure that changed between loads: indicator, period, the old value and the new one,
and the two snapshots (see \`lantern snapshots\`). Each load keeps its own computed figures, so
any figure reported earlier can be checked against what the latest data says. Without --since
each load is compared with the one before it; with --since, that snapshot is compared with the
latest load of the same authority (for example, the load the last committee report was built
from). Breakdowns are not listed, only the headline figures.

A figure that had no value and has one now is a "new figure"; one that had a value and has none
now is "no longer computed", with the reason (a measure missing from the new load, or why it
cannot be computed). Only periods both loads hold figures for are compared, so the months a new
extract adds are not listed; loads that share no period (each year of a 903 loaded as its own
snapshot) are said to have nothing to compare.

Options:
  --since SNAPSHOT  compare this snapshot with the latest one of its authority
  --authority CODE  one authority only
  --kind K          only periods of this kind: month, quarter, year, rolling, calendar (repeatable)
  --json            an array of {"indicator","authority","period","old_value","new_value",
                    "old_snapshot","new_snapshot","unit","change"} with "change" one of amended,
                    new, no_longer_computed, and "old_reason" or "new_reason" for a missing value

${NO_DATA_HELP}

Examples:
  lantern revisions
  lantern revisions --since 1 --kind quarter --kind year     # after a later load: what it amended
  lantern revisions --authority X001 --json
`;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("revisions", argv, { since: { type: "string" }, authority: { type: "string" }, kind: { type: "string", multiple: true } });
  const since = values.since === undefined ? undefined : Number(values.since);
  if (since !== undefined && !Number.isInteger(since)) throw new LanternError("LANTERN_BAD_OPTION", `--since ${values.since} is not a snapshot id.`, { hint: "Run `lantern snapshots` to see the ids." });
  const kinds = values.kind;
  for (const k of kinds ?? []) {
    if (!["month", "quarter", "year", "rolling", "calendar"].includes(k)) throw new LanternError("LANTERN_BAD_OPTION", `--kind ${k} is not a kind of period.`, { hint: "Use month, quarter, year, rolling or calendar." });
  }
  const store = await openStore(storeConfig(values.data), { existing: true });
  let list: FigureRevision[];
  let pairs: LoadsCompared[];
  try {
    // With no load there is nothing to compare: said as every command that reads data says it,
    // not as "No figure has changed between loads".
    await requireLoaded(store, "revisions", "so there are no loads to compare");
    if (values.authority) {
      // The same refusal as every other command, so a mistyped code is not read as "nothing changed".
      const [a] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_latest_snapshot WHERE la_code = $1`, [values.authority]);
      if (!Number(a?.n)) throw new LanternError("LANTERN_BAD_OPTION", `No data has been loaded for authority ${values.authority}.`, { hint: "Run `lantern snapshots` to see the authorities loaded." });
    }
    if (since !== undefined) {
      const [s] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_snapshot WHERE snapshot_id = $1`, [since]);
      if (!s?.n) throw new LanternError("LANTERN_BAD_OPTION", `There is no snapshot ${since}.`, { hint: "Run `lantern snapshots` to see the ids." });
    }
    ({ revisions: list, pairs } = await comparisonsInStore(store, { ...(values.authority ? { authority: values.authority } : {}), ...(since !== undefined ? { since } : {}), ...(kinds ? { kinds } : {}) }));
  } finally {
    await store.close();
  }
  if (values.json) {
    o.out(JSON.stringify(list, null, 2) + "\n");
    return 0;
  }
  // Loads that share no period (each year of a return loaded as its own snapshot) compared nothing: not "nothing changed".
  const apart = pairs.filter((p) => p.compared === 0);
  const sayApart = () => {
    for (const p of apart) o.out(`${p.authority}: snapshots ${p.before} and ${p.after} share no period to compare (each holds figures for other periods).\n`);
  };
  if (!list.length) {
    if (pairs.length && apart.length === pairs.length) o.out("The loads share no period to compare, so no figure was compared.\n");
    else o.out("No figure has changed between loads.\n");
    sayApart();
    return 0;
  }
  const show = (r: FigureRevision, x: number | null) => (x === null ? "–" : formatValue(x, r.unit));
  // The change comes last: a reason is a sentence and would push the other columns apart.
  const change = (r: FigureRevision) => {
    if (r.change === "amended") return "amended";
    if (r.change === "new") return r.old_reason === undefined || r.old_reason.startsWith(NOT_IN_LOAD) ? "new figure" : `new figure (before: ${r.old_reason})`;
    return `no longer computed: ${r.new_reason ?? "not computed"}`;
  };
  o.out(
    table(
      ["indicator", "authority", "period", "was", "now", "snapshots", "change"],
      list.map((r) => [r.indicator, r.authority, r.period, show(r, r.old_value), show(r, r.new_value), `${r.old_snapshot} → ${r.new_snapshot}`, change(r)]),
    ),
  );
  const count = (c: FigureRevision["change"]) => list.filter((r) => r.change === c).length;
  const parts = [`${count("amended")} to another value`, `${count("new")} new`, `${count("no_longer_computed")} no longer computed`].filter((p) => !p.startsWith("0 "));
  o.out(`${list.length} figure(s) amended: ${parts.join(", ")}.\n`);
  sayApart();
  return 0;
}

export const revisionsCommand: Command = { name: "revisions", help: HELP, run };
