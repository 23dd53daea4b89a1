/**
 * @module
 * `lantern records`: the children behind a figure. Child-level, so every use is audited.
 */

import { notAPeriod, parsePeriod } from "../../calendar/periods.ts";
import { LanternError } from "../../core/errors.ts";
import { holidaysFor } from "../../kpi/compute.ts";
import { indicatorRecords } from "../../kpi/engine.ts";
import { indicatorLibrary } from "../../kpi/library/index.ts";
import { ensureReferenceTables } from "../../kpi/reference-tables.ts";
import { kindProblem, requireCovered, requireLoaded, resolveTargets } from "../../kpi/targets.ts";
import { audit } from "../../store/audit.ts";
import { openStore, storeConfig } from "../../store/open.ts";
import { type Command, intOption, NO_DATA_HELP, parse } from "../command.ts";
import { type Output, table } from "../output.ts";
import { commandLineUser } from "../../core/actor.ts";

const HELP = `lantern records --indicator ID --period P [--part numerator|denominator] [--authority CODE]
                [--snapshot ID] [--data DIR] [--json]

List the records behind a figure: for each, the child's id, the record's id, the measure that
decided it (such as working days) and why it counted. --part numerator (the default) lists the
records counted in the numerator, --part denominator all records considered (percentages and
medians only: a count has no denominator, and a rate's is the population). A median in days
(such as assess_median_wd) is taken over every record in its denominator and has no numerator:
for those --part is denominator by default, and --part numerator is refused.
Figures loaded from measures.csv have no records behind them. A period the data does not
cover, or of a kind the indicator has no figures for (a calendar year for referrals), is
refused, as \`lantern indicators\` shows no figure for it: an empty list would read as none.
This shows child-level data: every use is written to the audit log with who ran it and how
many rows.

Options:
  --indicator ID    the figure's indicator (\`lantern indicators --list\` gives the ids)
  --period P        its period: 2025-01, 2024-25-Q3, 2024-25, 12m-2025-01 or 2024
  --part PART       numerator or denominator (above)
  --authority CODE  one authority's records (default: every authority loaded)
  --snapshot ID     the records as an earlier load held them (\`lantern snapshots\` lists the
                    loads; default: each authority's latest)
  --json            the records as JSON on stdout

${NO_DATA_HELP}

Examples:
  lantern records --indicator assess_45wd_pct --period 2024-25-Q4 --part denominator
  lantern records --indicator assess_median_wd --period 2024-25-Q4
  lantern records --indicator cpp_at_end --period 2025-03 --json
`;

async function run(argv: readonly string[], o: Output): Promise<number> {
  const { values } = parse("records", argv, {
    indicator: { type: "string" },
    period: { type: "string" },
    part: { type: "string" },
    authority: { type: "string" },
    snapshot: { type: "string" },
  });
  if (!values.indicator || !values.period) throw new LanternError("LANTERN_USAGE", "Name the figure with --indicator ID and --period P.", { hint: "For example: lantern records --indicator assess_45wd_pct --period 2024-25" });
  const def = indicatorLibrary().get(values.indicator);
  if (!def) throw new LanternError("LANTERN_BAD_OPTION", `Unknown indicator ${values.indicator}.`, { hint: "Run `lantern indicators --list` to see the ids." });
  const period = parsePeriod(values.period);
  if (!period) throw new LanternError("LANTERN_BAD_OPTION", notAPeriod(`--period ${values.period}`, values.period), { hint: "Write 2025-01, 2024-25-Q3, 2024-25, 12m-2025-01 or 2024." });
  // Refused before the store is opened, and whether or not any authority has data.
  if (def.source === "measures") {
    throw new LanternError("LANTERN_USAGE", `${def.id} is loaded as an aggregate figure (measures.csv): there are no child records behind it.`, {
      hint: "The records are kept in the system the figure comes from (such as the workforce or education system). Run `lantern indicators --list` to see the indicators computed from SSD records.",
    });
  }
  // A median is taken over every record in its denominator: listing the records within some
  // threshold as its "numerator" would show records the figure is not made of.
  const part = values.part ?? (def.unit === "days" ? "denominator" : "numerator");
  if (part !== "numerator" && part !== "denominator") throw new LanternError("LANTERN_BAD_OPTION", `--part must be numerator or denominator, not ${part}.`);
  if (part === "numerator" && def.unit === "days") {
    throw new LanternError("LANTERN_USAGE", `${def.id} is a median in days, taken over every record in its denominator: it has no numerator.`, {
      hint: `List the records the median is taken over: lantern records --indicator ${def.id} --period ${values.period} --part denominator`,
    });
  }
  if (part === "denominator" && (def.unit === "count" || def.unit === "rate")) {
    const what = def.unit === "count" ? "a count: its figure has no denominator records" : "a rate per 10,000 children: its denominator is the population of children aged 0–17, not records";
    throw new LanternError("LANTERN_USAGE", `${def.id} is ${what}.`, { hint: `List the records counted in the figure instead: lantern records --indicator ${def.id} --period ${values.period}` });
  }
  // The indicator has no figure for this kind of period (a calendar year for referrals): an empty
  // list would read as "no children".
  const wrongKind = kindProblem([def], period, indicatorLibrary().list());
  if (wrongKind) throw new LanternError("LANTERN_BAD_OPTION", wrongKind.message, { hint: wrongKind.hint });
  const snapshot = values.snapshot ? intOption("snapshot", values.snapshot, 0, 1, 2 ** 31 - 1) : undefined;
  const config = storeConfig(values.data);
  const store = await openStore(config, { existing: true });
  try {
    await requireLoaded(store, "records", "so there are no records to list");
    const targets = await resolveTargets(store, { ...(values.authority ? { authority: values.authority } : {}), ...(snapshot !== undefined ? { snapshot } : {}) });
    // Refused, like the figure itself, before anything is listed or audited: a period the data does
    // not cover, or a table the indicator reads that was not loaded, has no figure, not a zero.
    for (const t of targets) {
      requireCovered(t, period);
      const missing = def.needs.filter((n) => !t.tables.has(n));
      if (missing.length) {
        throw new LanternError("LANTERN_BAD_OPTION", `${def.id} cannot be listed for ${t.la_code}: snapshot ${t.snapshot_id} does not hold ${missing.map((m) => `ssd_${m}`).join(", ")}, which it is computed from.`, {
          hint: "Load an extract with those tables (`lantern import`), then try again; `lantern indicators` shows the figure as not computed, with the same reason.",
        });
      }
    }
    await ensureReferenceTables(store, holidaysFor(config.dataDir));
    const rows: Record<string, unknown>[] = [];
    // One audit entry per authority whose children were listed, naming it, as the web does.
    const viewed: { la_code: string; snapshot: number; rows: number }[] = [];
    for (const t of targets) {
      const found = await indicatorRecords(store, def, t, period.id, part);
      for (const r of found) rows.push({ authority: t.la_code, ...r });
      viewed.push({ la_code: t.la_code, snapshot: t.snapshot_id, rows: found.length });
    }
    for (const v of viewed) {
      await audit(store, {
        actor: commandLineUser(),
        action: "records.view",
        la_code: v.la_code,
        detail: { indicator: def.id, period: values.period, part, rows: v.rows, snapshot: v.snapshot, via: "cli" },
      });
    }
    if (values.json) {
      o.out(JSON.stringify(rows.map(({ la_code: _l, ...r }) => r), null, 2) + "\n");
      return 0;
    }
    if (!rows.length) {
      o.out(`No records in the ${part} of ${def.id} for ${values.period}.\n`);
      return 0;
    }
    o.out(table(["authority", "child", "record", "measure", "why"], rows.map((r) => [String(r["authority"]), String(r["person_id"]), String(r["record_id"]), r["measure"] === null ? "" : String(r["measure"]), String(r["why"])])));
    o.err(`${rows.length} record(s). This view was recorded in the audit log.\n`);
    return 0;
  } finally {
    await store.close();
  }
}

export const recordsCommand: Command = { name: "records", help: HELP, run };
