/**
 * @module
 * `lantern snapshots`: list every load with who loaded what and when.
 */

import { londonTime } from "../../calendar/london.ts";
import { listSnapshots } from "../../store/snapshots.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { LanternError } from "../../core/errors.ts";
import { type Command, parse } from "../command.ts";
import { type Output, table } from "../output.ts";

const HELP = `lantern snapshots [--authority CODE] [--data DIR] [--json]

List the snapshots in the store, newest first: one per load, with the authority, when and by
whom it was loaded, how many rows and warnings, and (with --json) every source file with its
sha256 and the row count of every table. Every earlier snapshot stays in the store, so any
figure published from it can be reproduced.

Examples:
  lantern snapshots
  lantern snapshots --authority X001 --json
`;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("snapshots", argv, { authority: { type: "string" } });
  const store = await openStore(storeConfig(values.data), { existing: true });
  try {
    const snaps = await listSnapshots(store, values.authority);
    // Data loaded, just not for this authority: a mistyped code is said to be one, not "nothing loaded".
    const loaded = !snaps.length && values.authority !== undefined ? [...new Set((await listSnapshots(store)).map((x) => x.authority))].sort() : [];
    if (loaded.length) {
      throw new LanternError("LANTERN_BAD_OPTION", `No data has been loaded for authority ${values.authority}: data is loaded for ${loaded.join(", ")}.`, { hint: "Check the code, or leave --authority out to list every snapshot." });
    }
    if (values.json) {
      o.out(JSON.stringify({ snapshots: snaps }, null, 2) + "\n");
      return 0;
    }
    if (!snaps.length) {
      o.out("No data has been loaded yet. Run `lantern demo`, or `lantern import PATH --authority CODE`.\n");
      return 0;
    }
    o.out(table(["snapshot", "authority", "loaded at", "by", "files", "rows", "warnings"], snaps.map((s) => [s.snapshotId, s.authority, londonTime(s.loadedAt), s.loadedBy, s.files.length, s.rows, s.warnings])));
    return 0;
  } finally {
    await store.close();
  }
}

export const snapshotsCommand: Command = { name: "snapshots", help: HELP, run };
