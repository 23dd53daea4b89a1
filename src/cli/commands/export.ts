/**
 * @module
 * `lantern export`: data out of the store in a format another tool or Lantern reads. The SSD
 * folder is written now; the statutory returns (Annex A, SSDA903, CIN census) are listed in the
 * help so a user sees what is planned, and refused with a clear message until they are written.
 */

import { LanternError } from "../../core/errors.ts";
import { exportSsd } from "../../formats/writers/ssd.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, parse } from "../command.ts";
import { type Output, table } from "../output.ts";

const HELP = `lantern export --format ssd --out DIR [--authority CODE] [--period P] [--data DIR] [--json]

Write an authority's latest snapshot out of the store.

Formats:
  ssd          the ssd_<table>.csv folder that \`lantern import\` reads (every table with rows,
               SSD column names, ISO dates): a plain-text copy of exactly what the figures were
               computed from, or a way to move an authority to another Lantern store
  annex-a, ssda903, cin-census
               the statutory returns; not written by this version (Lantern reads them: see
               \`lantern import\` and \`lantern validate\`)

The files hold child-level data: every export is recorded in the audit log with who ran it.
--period is accepted for the statutory returns; an SSD export is always the whole snapshot.

Examples:
  lantern export --format ssd --out ./x001-copy
  lantern export --format ssd --authority 202 --out ./camden --json
`;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("export", argv, { format: { type: "string" }, out: { type: "string" }, authority: { type: "string" }, period: { type: "string" } });
  if (!values.format) throw new LanternError("LANTERN_USAGE", "Say which format to write with --format.", { hint: "For example `lantern export --format ssd --out ./copy`." });
  if (!values.out) throw new LanternError("LANTERN_USAGE", "Say where to write with --out DIR.", { hint: "For example `lantern export --format ssd --out ./copy`." });
  if (values.format !== "ssd") {
    if (["annex-a", "ssda903", "cin-census"].includes(values.format)) {
      throw new LanternError("LANTERN_BAD_OPTION", `This version of Lantern does not write ${values.format} files yet.`, { hint: "Export --format ssd, or produce the return from your case management system; Lantern can validate it with `lantern validate`." });
    }
    throw new LanternError("LANTERN_BAD_OPTION", `--format ${values.format} is not a format.`, { hint: "Use ssd, annex-a, ssda903 or cin-census." });
  }
  const store = await openStore(storeConfig(values.data));
  try {
    const r = await exportSsd(store, { out: values.out, actor: process.env["LANTERN_USER"] ?? process.env["USER"] ?? "unknown", ...(values.authority ? { authority: values.authority } : {}) });
    if (values.json) {
      o.out(JSON.stringify(r, null, 2) + "\n");
      return 0;
    }
    o.out(`${r.authority}: snapshot ${r.snapshot} written to ${values.out}\n`);
    o.out(table(["file", "rows"], r.files.map((f) => [f.file, f.rows])));
    return 0;
  } finally {
    await store.close();
  }
}

export const exportCommand: Command = { name: "export", help: HELP, run };
