/**
 * @module
 * `lantern migrate-store --to postgres://…`: copy the whole store (normally the embedded one)
 * into a PostgreSQL database and prove the copy identical (src/store/migrate-store.ts).
 */

import { LanternError } from "../../core/errors.ts";
import { assertDifferentStores, migrateStore, type MigrateResult } from "../../store/migrate-store.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { redactUrl } from "../../store/postgres.ts";
import type { Store } from "../../store/port.ts";
import { type Command, parse } from "../command.ts";
import { type Output, progressBar, table } from "../output.ts";
import { commandLineUser } from "../../core/actor.ts";

const HELP = `lantern migrate-store --to postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE [--replace] [--data DIR] [--json]

Copy the whole store into a PostgreSQL database: for when Lantern moves from the embedded store
on one machine to PostgreSQL for many users and several \`lantern serve\` instances. Everything
is copied (every snapshot's SSD rows, computed indicator values, targets, commentary, users,
the audit log, ...), table by table, with PostgreSQL's COPY, in one transaction.

Before that transaction commits, every table is read back from PostgreSQL and compared with the
original: the same number of rows, and the same values exactly (an order-independent SHA-256
fingerprint of each table's rows), the stored indicator values among them. The summary lists
every table; if anything differs the copy is rolled back, the database is left as it was and
the command exits 3. Audited on both sides (export.migrate_store in the original, store.migrate
in the copy): the data is child-level.

The database must exist (createdb lantern) and be empty, unless you add --replace, which deletes
everything in it first. The original is read, never changed (apart from its audit entry); keep
it until you are satisfied. Stop \`lantern serve\` first. Afterwards point Lantern at the new
store with LANTERN_DATABASE_URL.

Options:
  --to URL     the PostgreSQL database to copy into (a postgres:// URL)
  --replace    empty that database first; without it a database holding data is refused

Examples:
  lantern migrate-store --to postgres://lantern@db.internal:5432/lantern
  lantern migrate-store --data /srv/lantern-data --to postgres://lantern:secret@localhost/lantern --json
  export LANTERN_DATABASE_URL=postgres://lantern@db.internal:5432/lantern && lantern serve
`;

function summary(r: MigrateResult, o: Output): void {
  const n = (x: number) => x.toLocaleString("en-GB");
  o.out(`${r.ok ? "Copied" : "Tried to copy"} ${n(r.tables.reduce((s, t) => s + t.source, 0))} rows in ${r.tables.length} tables\n  from ${r.source.location}\n  to   ${r.target.location}\n\n`);
  o.out(table(["table", "rows here", "rows in copy", "same"], r.tables.map((t) => [t.table, t.source, t.target, t.same ? "yes" : "NO"])));
  const v = r.indicatorValues;
  o.out(`\nIndicator values: ${n(v.source)} stored, ${n(v.target)} in the copy, ${v.same ? "every one identical" : "THEY DIFFER"}.\n`);
  if (r.ok) {
    o.out(`Every table is identical; the copy is committed (${(r.elapsedMs / 1000).toFixed(1)} s).\n`);
    o.out(`Next: set LANTERN_DATABASE_URL=${r.target.location} for \`lantern serve\` and the other commands.\n`);
  }
}

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("migrate-store", argv, { to: { type: "string" }, replace: { type: "boolean", default: false } });
  if (!values.to) throw new LanternError("LANTERN_USAGE", "Say which PostgreSQL database to copy into with --to postgres://….", { hint: "For example `lantern migrate-store --to postgres://lantern@localhost/lantern`." });
  if (!/^postgres(ql)?:\/\//i.test(values.to)) {
    throw new LanternError("LANTERN_BAD_OPTION", `--to must be a postgres:// URL; got ${JSON.stringify(redactUrl(values.to))}.`, { hint: "For example --to postgres://lantern:password@localhost:5432/lantern" });
  }
  const config = storeConfig(values.data);
  if (config.databaseUrl === values.to) throw new LanternError("LANTERN_BAD_OPTION", `--to names the store being copied (${redactUrl(values.to)}).`, { hint: "Give the URL of another, empty PostgreSQL database." });
  // Only read: an empty store made at a mistyped --data would be copied and "proved" identical.
  const source = await openStore(config, { existing: true });
  let target: Store | undefined;
  try {
    target = await openStore(storeConfig(values.data, { LANTERN_DATABASE_URL: values.to }));
    assertDifferentStores(source, target);
    let bar = progressBar(o, "Copying");
    const r = await migrateStore(source, target, {
      actor: commandLineUser(),
      replace: values.replace,
      onPhase: (p) => {
        bar.done();
        bar = progressBar(o, p === "copy" ? "Copying" : "Verifying");
      },
      onProgress: (d, t, l) => bar.update(d, t, l),
    });
    bar.done();
    if (values.json) {
      const out = { ...r, elapsedMs: Math.round(r.elapsedMs), ...(r.ok ? {} : { error: { code: "LANTERN_STORE_COPY_DIFFERS", message: "The copy differs from the original; it was rolled back." } }) };
      o.out(`${JSON.stringify(out, null, 2)}\n`);
      return r.ok ? 0 : 3;
    }
    summary(r, o);
    if (!r.ok) {
      const bad = r.tables.filter((t) => !t.same).map((t) => t.table);
      throw new LanternError("LANTERN_STORE_COPY_DIFFERS", `The copy in ${r.target.location} differs from the original in ${bad.length} table(s): ${bad.join(", ")}. It was rolled back; that database is as it was.`, {
        hint: "Keep using the original store. Please report this with the summary above: a copy should never differ.",
      });
    }
    return 0;
  } finally {
    await target?.close();
    await source.close();
  }
}

export const migrateStoreCommand: Command = { name: "migrate-store", help: HELP, run };
