/**
 * @module
 * `lantern validate`: check statutory-format files (SSDA903, CIN census, Annex A) against the
 * structural checks and the DfE's validation rules without loading anything, and optionally
 * write the issues as a report.
 */

import { LanternError } from "../../core/errors.ts";
import { isSsdExport, loadFormats, shellWord } from "../../formats/load.ts";
import { isGeneratedFolder } from "../../ingest/discover.ts";
import { isMeasuresFile } from "../../ingest/measures-import.ts";
import { reportForm, writeReport } from "../../formats/report.ts";
import { type Command, parse } from "../command.ts";
import { checkOutPath, writingTo } from "../out-path.ts";
import { describeIssue, type Output, table } from "../output.ts";

const HELP = `lantern validate PATH... [--report FILE.csv|FILE.json|FILE.html] [--dfe-errors-as-queries] [--json]

Check the files of a statutory return without loading them. Each file is recognised by its
content, not its name: SSDA903 tables (CSV, each known by its exact columns) or its XML
(root EXPSSDA903); the CIN census XML (root Message); Ofsted's Annex A lists (the workbook
with sheets List 1 … List 11, or one CSV per list). PATH may be files or folders, of one
return: files of different returns together (a CIN census and Annex A) are refused, as
\`lantern import\` refuses them; validate each on its own. An SSD export or a figures file is
not a return: \`lantern import PATH --dry-run\` checks those.

Two kinds of check run. Structural checks: a file Lantern does not recognise, missing or
duplicate columns, dates that are not dates, blank ids, duplicate ids, records that refer to
a child who is not in the files. And the DfE's own validation rules, under their codes and
messages (for example 903 rule 501 "A new episode has started before the end date of the
previous episode", CIN rule 8670Q for assessments open more than 45 working days). Errors
would block a load; queries are shown and, on import, kept with the snapshot.

Options:
  --report FILE         write every issue to FILE: .csv (for Excel), .json or .html
  --dfe-errors-as-queries  treat DfE errors as queries (structural errors still count)
  --json                print the result as JSON on stdout

Examples:
  lantern validate ./903-2025 --report 903-issues.html
  lantern validate CIN_Census_2025.xml --json

Exit codes: 0 no errors (queries allowed), 1 usage error, 2 errors found, 3 other failure.
`;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values, positionals } = parse("validate", argv, { report: { type: "string" }, "dfe-errors-as-queries": { type: "boolean", default: false } }, ["PATH..."]);
  if (!positionals.length) throw new LanternError("LANTERN_USAGE", "Name the files or folders to validate.", { hint: "For example: lantern validate ./903-2025" });
  // The report's path is checked before the files (a large return takes minutes): a missing folder
  // or a wrong extension found only at the end lost that work, the first as a crash to report.
  if (values.report) {
    reportForm(values.report);
    checkOutPath(values.report, "file", "issues.html", "report");
  }
  await refuseOtherKinds(positionals);
  const result = await loadFormats(undefined, { paths: positionals, dfeErrorsAsQueries: values["dfe-errors-as-queries"], maxIssues: 100_000 });
  if (values.report) await writingTo(values.report, () => writeReport(values.report!, result), "report");
  if (values.json) {
    o.out(`${JSON.stringify(result, null, 2)}\n`);
    return result.errorCount ? 2 : 0;
  }
  o.out(table(["file", "format", "records"], result.files.map((f) => [f.file, f.format, f.records])));
  const errors = result.issues.filter((i) => i.severity === "error");
  const warnings = result.issues.filter((i) => i.severity === "warning");
  for (const i of errors.slice(0, 20)) o.out(`  ${describeIssue(i)}\n`);
  if (result.errorCount > 20) o.out(`  … and ${result.errorCount - 20} more error(s).\n`);
  for (const i of warnings.slice(0, 10)) o.out(`  ${describeIssue(i)}\n`);
  if (result.warningCount > 10) o.out(`  … and ${result.warningCount - 10} more warning(s) and queries.\n`);
  o.out(`${result.errorCount} error(s), ${result.warningCount} warning(s) of which ${result.queryCount} DfE queries.${values.report ? ` Every issue is in ${values.report}.` : " Use --report FILE.html to list every issue."}\n`);
  if (result.notComputable.length) o.out(`These files cannot feed ${result.notComputable.length} indicator(s): ${result.notComputable.map((n) => n.indicator).join(", ")} (see docs/formats.md).\n`);
  return result.errorCount ? 2 : 0;
}

/**
 * An SSD export or a figures file is not a return: say what it is and the command that checks
 * it (an SSD export's checks need the authority's stored tables, which validate does not open),
 * rather than refusing each file as a mix with nothing.
 */
async function refuseOtherKinds(paths: readonly string[]): Promise<void> {
  const given = paths.map(shellWord).join(" ");
  if (paths.every(isMeasuresFile)) {
    throw new LanternError("LANTERN_USAGE", `${paths.join(", ")} ${paths.length === 1 ? "is a figures file" : "are figures files"} (indicator,authority,period,value), not a statutory return: \`lantern validate\` checks SSDA903, CIN census and Annex A files.`, {
      hint: `Check a figures file without loading it with: lantern import ${given} --dry-run`,
    });
  }
  if (!(await isSsdExport(paths))) return;
  if (paths.every(isGeneratedFolder)) {
    throw new LanternError("LANTERN_USAGE", `${paths.join(", ")} ${paths.length === 1 ? "is a folder" : "are folders"} written by \`lantern generate\` (an SSD export per authority), not a statutory return: \`lantern validate\` checks SSDA903, CIN census and Annex A files.`, {
      hint: `Check it without loading anything with: lantern import ${given} --dry-run`,
    });
  }
  throw new LanternError("LANTERN_USAGE", `${paths.join(", ")} ${paths.length === 1 ? "is an SSD export" : "hold an SSD export"} (ssd_<table>.csv files), not a statutory return: \`lantern validate\` checks SSDA903, CIN census and Annex A files.`, {
    hint: `Check an SSD export without loading it with: lantern import ${given} --authority CODE --dry-run (CODE is the authority's DfE LA number, such as 202).`,
  });
}

export const validateCommand: Command = { name: "validate", help: HELP, run };
