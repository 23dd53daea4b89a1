/**
 * @module
 * `lantern revisions`: every figure amended between loads, so a committee is told when a figure
 * it was given has changed (late recording, corrected dates, a re-extract) and by how much.
 */

import { type FigureRevision, revisionsInStore } from "../../analysis/revisions.ts";
import { LanternError } from "../../core/errors.ts";
import { formatValue } from "../../kpi/format.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, parse } from "../command.ts";
import { type Output, table } from "../output.ts";

const HELP = `lantern revisions [--since SNAPSHOT] [--authority CODE] [--kind K]... [--data DIR] [--json]

List every figure that changed between loads: indicator, period, the old value and the new one,
and the two snapshots (see \`lantern snapshots\`). Each load keeps its own computed figures, so
any figure reported earlier can be checked against what the latest data says. Without --since
each load is compared with the one before it; with --since, that snapshot is compared with the
latest load of the same authority (for example, the load the last committee report was built
from). Breakdowns are not listed, only the headline figures.

Options:
  --since SNAPSHOT  compare this snapshot with the latest one of its authority
  --authority CODE  one authority only
  --kind K          only periods of this kind: month, quarter, year, rolling, calendar (repeatable)
  --json            an array of {"indicator","authority","period","old_value","new_value",
                    "old_snapshot","new_snapshot","unit"}

Examples:
  lantern revisions
  lantern revisions --since 3 --kind quarter --kind year
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
  try {
    if (values.authority) {
      // The same refusal as every other command, so a mistyped code is not read as "nothing changed".
      const [a] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_latest_snapshot WHERE la_code = $1`, [values.authority]);
      if (!Number(a?.n)) throw new LanternError("LANTERN_BAD_OPTION", `No data has been loaded for authority ${values.authority}.`, { hint: "Run `lantern snapshots` to see the authorities loaded." });
    }
    if (since !== undefined) {
      const [s] = await store.all<{ n: number }>(`SELECT count(*) AS n FROM lantern_snapshot WHERE snapshot_id = $1`, [since]);
      if (!s?.n) throw new LanternError("LANTERN_BAD_OPTION", `There is no snapshot ${since}.`, { hint: "Run `lantern snapshots` to see the ids." });
    }
    list = await revisionsInStore(store, { ...(values.authority ? { authority: values.authority } : {}), ...(since !== undefined ? { since } : {}), ...(kinds ? { kinds } : {}) });
  } finally {
    await store.close();
  }
  if (values.json) {
    o.out(JSON.stringify(list, null, 2) + "\n");
    return 0;
  }
  if (!list.length) {
    o.out("No figure has changed between loads.\n");
    return 0;
  }
  const show = (r: FigureRevision, x: number | null) => (x === null ? "not available" : formatValue(x, r.unit));
  o.out(
    table(
      ["indicator", "authority", "period", "was", "now", "snapshots"],
      list.map((r) => [r.indicator, r.authority, r.period, show(r, r.old_value), show(r, r.new_value), `${r.old_snapshot} → ${r.new_snapshot}`]),
    ),
  );
  o.out(`${list.length} figure(s) amended.\n`);
  return 0;
}

export const revisionsCommand: Command = { name: "revisions", help: HELP, run };
