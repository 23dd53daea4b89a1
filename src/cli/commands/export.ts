/**
 * @module
 * `lantern export`: data out of the store in a format another tool or Lantern reads: the SSD
 * folder, the SSDA903 and CIN census returns for a collection year, and Ofsted's Annex A for the
 * 12 months to a period's end (src/formats/writers).
 */

import { LanternError } from "../../core/errors.ts";
import { notAPeriod, parsePeriod } from "../../calendar/periods.ts";
import { exportAnnexA } from "../../formats/writers/annex-a.ts";
import { exportCinCensus } from "../../formats/writers/cin-census.ts";
import { collectionYear } from "../../formats/writers/returns.ts";
import { exportSsd } from "../../formats/writers/ssd.ts";
import { exportSsda903, type ReturnExportResult } from "../../formats/writers/ssda903.ts";
import { requireCovered, requireLoaded, resolveTargets } from "../../kpi/targets.ts";
import type { Store } from "../../store/port.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, NO_DATA_HELP, parse } from "../command.ts";
import { type Output, table } from "../output.ts";
import { checkOutPath, writingTo } from "../out-path.ts";
import { commandLineUser } from "../../core/actor.ts";

const HELP = `lantern export --format ssd|annex-a|ssda903|cin-census --out PATH [--period P] [--authority CODE] [--data DIR] [--json]

Write an authority's latest snapshot out of the store.

Formats:
  ssd          the ssd_<table>.csv folder that \`lantern import\` reads (every table with rows,
               SSD column names, ISO dates): a plain-text copy of exactly what the figures were
               computed from, or a way to move an authority to another Lantern store
  ssda903      the SSDA903 (children looked after) return for the collection year --period, as
               a folder of CSV tables (header.csv, episodes.csv, reviews.csv, ...), DD/MM/YYYY
  cin-census   the CIN census for the collection year --period, as one XML file; its header's
               <LEA> is the authority code, which the DfE needs as its three-digit number
               (202): another code (the demo's X001) is written with a warning
  annex-a      Ofsted's ILACS Annex A lists (List 1 … List 11) for the 12 months to the end of
               --period (a month, quarter or year), as an .xlsx workbook

A return is written as at its year's end: dates after 31 March are left blank, as in a return
made then. What each can and cannot carry is in docs/formats.md. The files hold child-level
data: every export is recorded in the audit log with who ran it.

Options:
  --format F      ssd, annex-a, ssda903 or cin-census
  --out PATH      a folder (ssd, ssda903) or a file (cin-census .xml, annex-a .xlsx); the folder
                  it goes in must exist (a missing one is refused, never created)
  --period P      the collection year of a return, e.g. 2024-25 (not used by ssd)
  --authority A   the authority, when the store holds several

${NO_DATA_HELP}

Examples:
  lantern export --format ssd --out ./x001-copy
  lantern export --format ssda903 --period 2024-25 --out ./903-2024-25
  lantern export --format cin-census --period 2024-25 --out ./cin-2024-25.xml --authority X001
  lantern export --format annex-a --period 2025-09 --out ./annex-a.xlsx
`;

/** Annex A covers the 12 months to the end of any period (a month, quarter or year). */
function annexPeriod(id: string | undefined) {
  if (!id) throw new LanternError("LANTERN_USAGE", "The Annex A export needs --period: its lists cover the 12 months to that period's end.", { hint: "For example --period 2025-03 (April 2024 to March 2025)." });
  const p = parsePeriod(id);
  if (!p) throw new LanternError("LANTERN_BAD_OPTION", notAPeriod(`--period ${id}`, id), { hint: "Write a month (2025-03), quarter (2024-25-Q4) or financial year (2024-25)." });
  return p;
}

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("export", argv, { format: { type: "string" }, out: { type: "string" }, authority: { type: "string" }, period: { type: "string" } });
  if (!values.format) throw new LanternError("LANTERN_USAGE", "Say which format to write with --format.", { hint: "For example `lantern export --format ssd --out ./copy`." });
  if (!values.out) throw new LanternError("LANTERN_USAGE", "Say where to write with --out DIR.", { hint: "For example `lantern export --format ssd --out ./copy`." });
  const actor = commandLineUser();
  const authority = values.authority ? { authority: values.authority } : {};
  const writers: Record<string, (store: Store) => Promise<ReturnExportResult>> = {
    ssda903: (store) => exportSsda903(store, { ...authority, period: collectionYear(values.period, "SSDA903"), out: values.out!, actor }),
    "cin-census": (store) => exportCinCensus(store, { ...authority, period: collectionYear(values.period, "CIN census"), out: values.out!, actor }),
    "annex-a": (store) => exportAnnexA(store, { ...authority, period: annexPeriod(values.period), out: values.out!, actor }),
  };
  if (values.format !== "ssd" && !writers[values.format]) {
    throw new LanternError("LANTERN_BAD_OPTION", `--format ${values.format} is not a format.`, { hint: "Use ssd, annex-a, ssda903 or cin-census." });
  }
  const writer = writers[values.format];
  // Check the period before opening the store.
  if (values.format === "annex-a") annexPeriod(values.period);
  else if (writer) collectionYear(values.period, values.format === "ssda903" ? "SSDA903" : "CIN census");
  if (values.format === "annex-a" && !/\.xlsx$/i.test(values.out)) throw new LanternError("LANTERN_BAD_OPTION", `Annex A is written as a workbook: --out ${values.out} should end .xlsx.`, { hint: "For example --out annex-a.xlsx" });
  // Checked before the store is opened and the return built: the same rule for every format.
  const examples: Record<string, string> = { ssd: "ssd-copy", ssda903: "903-2024-25", "cin-census": "cin-2024-25.xml", "annex-a": "annex-a.xlsx" };
  checkOutPath(values.out, values.format === "ssd" || values.format === "ssda903" ? "folder" : "file", examples[values.format]!);
  const store = await openStore(storeConfig(values.data), { existing: true });
  try {
    await requireLoaded(store, "export", "so there is nothing to export");
    if (writer) {
      // A return or Annex A for a period the data does not cover would be written all the same, empty or as of the wrong day.
      const targets = await resolveTargets(store, authority);
      if (targets.length === 1) requireCovered(targets[0]!, values.format === "annex-a" ? annexPeriod(values.period) : collectionYear(values.period, values.format === "ssda903" ? "SSDA903" : "CIN census"));
      const r = await writingTo(values.out, () => writer(store));
      // The census header's <LEA> is the DfE's three-digit authority number: a file for another
      // code (the demo's X001) is written, as asked, but would be refused by the DfE as it stands.
      const warnings =
        values.format === "cin-census" && !/^\d{3}$/.test(r.authority)
          ? [
              `${r.authority} is not a DfE local authority number (three digits), which the census header's <LEA> must be, so the DfE would refuse this file as it stands. To submit a census, load the data under the council's number (lantern import --authority 202, say) and export again.`,
            ]
          : [];
      if (values.json) {
        o.out(JSON.stringify(warnings.length ? { ...r, warnings } : r, null, 2) + "\n");
        return 0;
      }
      for (const w of warnings) o.err(`Warning: ${w}\n`);
      const what = values.format === "ssda903" ? `the SSDA903 return for ${r.period}` : values.format === "cin-census" ? `the CIN census for ${r.period}` : `Annex A for the 12 months to the end of ${r.period}`;
      o.out(`${r.authority}: ${what} from snapshot ${r.snapshot}, written to ${values.out}\n`);
      o.out(table(["file", "rows"], r.files.map((f) => [f.file, f.rows])));
      return 0;
    }
    const r = await writingTo(values.out, () => exportSsd(store, { out: values.out!, actor, ...authority }));
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
